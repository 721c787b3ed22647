"""What a person sees of a run: lines any console can encode, colour on a terminal, and a live
progress line for long runs.

Nothing here decides a run's result: a console that cannot show `✓` gets `OK`, one that cannot
encode a store's name gets `?` in its place, and the files written are the same.
"""

from __future__ import annotations

import io
import os
import sys
import time
from typing import IO, Literal

import click

from journalgen.i18n import Lang, translate

Mark = Literal["ok", "warning", "failed", "note"]
# each mark with its text for a console that cannot encode the symbol
MARKS: dict[Mark, tuple[str, str]] = {"ok": ("✓", "OK"), "warning": ("⚠", "!!"), "failed": ("✗", "NG"),
                                      "note": ("·", "-")}
COLOURS: dict[Mark, str] = {"ok": "green", "warning": "yellow", "failed": "red", "note": "cyan"}
CLEAR_LINE = "\r\x1b[K"


def stream_encoding(stream: IO[str]) -> str:
    """The encoding `stream` writes (UTF-8 when it does not say)."""
    return getattr(stream, "encoding", None) or "utf-8"


def can_encode(stream: IO[str], text: str) -> bool:
    """Whether every character of `text` can be written to `stream`."""
    try:
        text.encode(stream_encoding(stream))
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def encodable(stream: IO[str], text: str) -> str:
    """`text` with each character `stream` cannot encode replaced by `?`."""
    encoding = stream_encoding(stream)
    try:
        return text.encode(encoding, errors="replace").decode(encoding)
    except LookupError:
        return text


def is_terminal(stream: IO[str]) -> bool:
    """Whether `stream` is an interactive terminal."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colour_wanted(stream: IO[str]) -> bool:
    """Colour on a terminal; never with `NO_COLOR` set, always with `FORCE_COLOR` set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return is_terminal(stream)


def tolerate_unencodable() -> None:
    """Let stdout and stderr write `?` for a character their encoding lacks, instead of failing
    the run, for every line of every command (the console's own lines also pick text marks)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def echo(text: str, *, err: bool = False) -> None:
    """Print one line to stdout (or stderr) in whatever encoding the stream has."""
    stream = sys.stderr if err else sys.stdout
    click.echo(encodable(stream, text), file=stream, color=colour_wanted(stream))


class Console:
    """The human lines of a run. `quiet` keeps failures and the summary only, `verbose` adds
    notes and details; with `to_stderr` (under `--json`) every line goes to stderr, leaving
    stdout to the JSON document. A live progress line is drawn on stderr when it is a terminal."""

    def __init__(self, lang: Lang, *, quiet: bool = False, verbose: bool = False, to_stderr: bool = False):
        self.lang, self.quiet, self.verbose = lang, quiet, verbose
        self.out = sys.stderr if to_stderr else sys.stdout
        self.err = sys.stderr
        self._progress: _Progress | None = None

    def mark(self, mark: Mark, stream: IO[str]) -> str:
        """The symbol of `mark` as `stream` can show it, coloured when colour is wanted."""
        symbol, fallback = MARKS[mark]
        text = symbol if can_encode(stream, symbol) else fallback
        return click.style(text, fg=COLOURS[mark]) if colour_wanted(stream) else text

    def line(self, text: str, *, mark: Mark | None = None, err: bool = False, always: bool = False,
             verbose: bool = False, indent: str = "") -> None:
        """Print one line: `always` ones (failures, summary) even when quiet, `verbose` ones only
        when verbose, the rest unless quiet."""
        if (self.quiet and not always) or (verbose and not self.verbose):
            return
        stream = self.err if err else self.out
        prefix = f"{indent}{self.mark(mark, stream)} " if mark else indent
        self._clear_progress()
        click.echo(prefix + encodable(stream, text), file=stream, color=colour_wanted(stream))
        self._draw_progress()

    def start_progress(self, total: int) -> None:
        """Show a live progress line for `total` store-days, on a terminal and for more than one."""
        if total > 1 and not self.quiet and is_terminal(self.err):
            self._progress = _Progress(total)
            self._draw_progress()

    def advance(self) -> None:
        """One more store-day done."""
        if self._progress:
            self._progress.done += 1
            self._draw_progress()

    def stop_progress(self) -> None:
        """Remove the progress line."""
        self._clear_progress()
        self._progress = None

    def _draw_progress(self) -> None:
        if self._progress:
            self.err.write(CLEAR_LINE + encodable(self.err, self._progress.text(self.lang)))
            self.err.flush()

    def _clear_progress(self) -> None:
        if self._progress:
            self.err.write(CLEAR_LINE)
            self.err.flush()


class _Progress:
    """Done / total store-days, the rate so far and the time left at that rate."""

    def __init__(self, total: int):
        self.total, self.done, self.started = total, 0, time.monotonic()

    def text(self, lang: Lang) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if self.done and elapsed > 0 else 0.0
        left = _duration((self.total - self.done) / rate) if rate else "--:--"
        return translate("{done}/{total} store-days, {rate:.1f}/s, {left} left", lang).format(
            done=self.done, total=self.total, rate=rate, left=left)


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
