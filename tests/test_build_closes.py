"""`build_closes` writes two store-days at once: what that must never do."""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from pathlib import Path

from journalgen import storeday
from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, read_closes
from journalgen.ledger import Ledger
from journalgen.resend import Emitter
from journalgen.settings import load_settings

build_module = sys.modules["journalgen.build"]
SETTINGS = load_settings(SAMPLE_SETTINGS)


class Overlaps:
    """A write step that notes every time two writes run at once (of one folder, or at all):
    the first write holds on until a second one starts, or for two seconds if none may start."""

    def __init__(self, write, same_folder: bool):
        self.write, self.same_folder = write, same_folder
        self.active: Counter = Counter()
        self.seen: list[Path] = []
        self.lock, self.second, self.held = threading.Lock(), threading.Event(), False

    def __call__(self, folder: Path, outputs: dict[str, bytes]):
        key = folder if self.same_folder else None
        with self.lock:
            self.active[key] += 1
            if self.active[key] > 1:
                self.seen.append(folder)
                self.second.set()
            hold, self.held = not self.held, True
        try:
            if hold:
                self.second.wait(2)
            return self.write(folder, outputs)
        finally:
            with self.lock:
                self.active[key] -= 1


def lines(path: Path, *names: str) -> Path:
    path.write_text("".join(json.dumps(json.loads((SAMPLE_CLOSES / name).read_text(encoding="utf-8")),
                                       ensure_ascii=False) + "\n" for name in names), encoding="utf-8")
    return path


def test_a_store_day_the_input_holds_twice_is_never_switched_by_two_writers_at_once(tmp_path, monkeypatch):
    source = lines(tmp_path / "closes.jsonl", "2025-01-10_0001.json", "2025-01-10_0001.json", "2025-01-10_0002.json")
    overlaps = Overlaps(storeday.switch, same_folder=True)
    monkeypatch.setattr(build_module, "switch", overlaps)

    results = list(build_module.build_closes(read_closes(source), SETTINGS, ["journal"], tmp_path / "out"))

    assert overlaps.seen == []
    assert [r.error.code if r.error else None for r in results] == ["DUPLICATE_STORE_DAY", "DUPLICATE_STORE_DAY", None]
    assert [r.store_day[1] for r in results] == ["0001", "0001", "0002"]
    assert sorted(p.name for p in (tmp_path / "out" / "2025-01-10").iterdir()) == ["0002"]


def test_a_sent_ledger_kept_in_memory_is_written_by_one_writer_and_records_every_store_day(tmp_path):
    ledger = Ledger("sqlite://")  # one SQLite connection: two store-days' transactions cannot share it
    overlaps = Overlaps(storeday.switch, same_folder=False)
    emitter = Emitter(ledger, SETTINGS, ["journal"], overlaps)

    results = list(build_module.build_closes(read_closes(SAMPLE_CLOSES), SETTINGS, ["journal"], tmp_path / "out",
                                             emitter=emitter))

    assert overlaps.seen == []
    assert [r.error for r in results] == [None] * 7
    assert [r.plan.status for r in results] == ["built"] * 7
