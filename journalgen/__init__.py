"""journalgen: a shop register's daily close (閉局) → balanced journals for freee, 弥生 and more.

The library API a connector service uses::

    from journalgen import build, load_settings, parse_close
    close = parse_close(payload, source="register 0001 2025-01-10")  # JournalgenError if refused
    outputs = build(close, load_settings(path), target="freee")      # {file name: bytes}
"""

from journalgen.build import build
from journalgen.close import DailyClose
from journalgen.errors import JournalgenError
from journalgen.hookspecs import hookimpl
from journalgen.inputs import parse_close
from journalgen.journal import Entry, Journal, Line
from journalgen.journalize import journalize
from journalgen.settings import Settings, load_settings
from journalgen.target import Target

__all__ = [
    "DailyClose", "Entry", "Journal", "JournalgenError", "Line", "Settings", "Target",
    "build", "hookimpl", "journalize", "load_settings", "parse_close",
]
