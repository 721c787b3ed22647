"""Building a batch of store-days, in this process or over a pool of worker processes, with the
outcomes in input order either way.

A worker builds, writes and records its store-days through the sent-ledger itself (the ledger
takes each store-day's lock, so workers never switch one store-day at once); the caller holds
the output folder's lock for the whole run. Workers are started with the `forkserver` method,
not `fork`: the parent holds the output lock's file, a ledger connection pool and a writer
thread, none of which a forked copy may touch, while a forkserver child starts clean from a
single-threaded server that has imported journalgen once. Workers ignore Ctrl-C: the parent
(on Ctrl-C, or SIGTERM) stops handing out store-days, lets the ones in hand finish (so no store-day is left between its
write and its ledger commit), and stops. A worker that dies (killed, out of memory) leaves its
store-day's folder whole, old or new (`storeday.switch`), and a pending ledger record the next
run settles; the run stops with `WorkerLost`. A run killed outright takes its workers with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from journalgen.build import build_closes, prepare_targets
from journalgen.i18n import Lang
from journalgen.inputs import LoadedClose, RawClose, load
from journalgen.ledger import Ledger
from journalgen.resend import Emitter
from journalgen.settings import Settings
from journalgen.storeday import switch
from journalgen.summary import DayOutcome
from journalgen.warnings import refuse_warnings

CHUNK = 8
"""Store-days handed to a worker at once: enough to keep its writer thread busy and to make the
hand-over cheap against the work, few enough that the outcomes come back steadily."""


class WorkerLost(Exception):
    """A worker process died (killed, out of memory) while building store-days."""


@dataclass(frozen=True)
class Job:
    """What every store-day of a run is built with (sent to each worker once)."""

    settings: Settings
    targets: list[str]
    out_dir: Path
    ledger_url: str
    lang: Lang
    strict: bool = False
    full: bool = False
    dry_run: bool = False


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def build_batch(items: Iterable[RawClose | LoadedClose], job: Job, jobs: int = 1) -> Iterator[DayOutcome]:
    """Build each store-day of `items` (from `Batch.raw()`) and yield its outcome, in input
    order: in this process with `jobs` 1, else over `jobs` worker processes, same bytes."""
    if jobs <= 1:
        builder = _Builder(job)
        try:
            yield from builder.build(items)
        finally:
            builder.close()
    else:
        yield from _parallel(items, job, jobs)


class _Builder:
    """Builds store-days in one process, with its own connection to the ledger."""

    def __init__(self, job: Job):
        self.job = job
        self.targets = prepare_targets(job.settings, job.targets)  # each target's options validated once
        self.ledger = Ledger(job.ledger_url)
        self.emitter = Emitter(self.ledger, job.settings, job.targets, switch, full=job.full, dry_run=job.dry_run)

    def build(self, items: Iterable[RawClose | LoadedClose]) -> Iterator[DayOutcome]:
        job = self.job
        loaded = (load(item) if isinstance(item, RawClose) else item for item in items)
        for result in build_closes(loaded, job.settings, self.targets, job.out_dir, lock=False,
                                   check=refuse_warnings(job.settings) if job.strict else None,
                                   emitter=self.emitter):
            yield DayOutcome.of_build(result, job.settings, job.lang)

    def close(self) -> None:
        """Close the connection to the ledger."""
        self.ledger.close()


_worker: _Builder | None = None


def _start_worker(job: Job) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, name="journalgen-parent-watch", daemon=True).start()
    _worker = _Builder(job)


def _exit_with_parent() -> None:
    """End this worker as soon as the run's process is gone (killed with SIGKILL, out of memory),
    which no Python code in it can report: the worker would otherwise wait for work forever, and
    with it the forkserver and the resource tracker. The store-day in hand stays whole, old or
    new, as when the worker itself is killed."""
    from multiprocessing import connection, parent_process

    parent = parent_process()
    if parent is not None:
        connection.wait([parent.sentinel])  # ready once the run's process has ended
        os._exit(1)


def _build_chunk(items: list[RawClose]) -> list[DayOutcome]:
    return list(_worker.build(items))


def _parallel(items: Iterable[RawClose | LoadedClose], job: Job, jobs: int) -> Iterator[DayOutcome]:
    import multiprocessing  # here, not above: a one-process build imports no pool
    from concurrent.futures import ProcessPoolExecutor

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["journalgen.batch"])
    else:  # Windows: each worker imports journalgen itself
        context = multiprocessing.get_context("spawn")
    window: deque[Future | list[DayOutcome]] = deque()
    chunk: list[RawClose] = []
    with _terminate_as_interrupt(), \
            ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(job,)) as pool:
        try:
            for item in items:
                if isinstance(item, RawClose):
                    chunk.append(item)
                    if len(chunk) == CHUNK:
                        window.append(pool.submit(_build_chunk, chunk))
                        chunk = []
                else:  # an input that could not be read: nothing to build or write
                    if chunk:
                        window.append(pool.submit(_build_chunk, chunk))
                        chunk = []
                    window.append([DayOutcome.of(item.source, None, None, item.error, job.settings, "built",
                                                 job.lang)])
                while len(window) > 2 * jobs:
                    yield from _outcomes(window.popleft())
            if chunk:
                window.append(pool.submit(_build_chunk, chunk))
            while window:
                yield from _outcomes(window.popleft())
        except BaseException:  # Ctrl-C, or the caller stopped: finish what the workers hold, start nothing new
            pool.shutdown(wait=True, cancel_futures=True)
            raise


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While the pool runs, SIGTERM stops the run as Ctrl-C does (the pool is shut down and the
    workers exit), where Python's default would end this process at once and leave the
    forkserver and its workers running. Only the main thread can set a signal handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _outcomes(entry: Future | list[DayOutcome]) -> list[DayOutcome]:
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(entry, list):
        return entry
    try:
        return entry.result()
    except BrokenProcessPool as exc:
        raise WorkerLost(str(exc)) from None
