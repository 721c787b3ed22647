"""journalgen: a shop register's daily close (閉局) → balanced journals for freee, 弥生 and more.

The library API a connector service uses::

    from journalgen import build, load_settings, parse_close
    close = parse_close(payload, source="register 0001 2025-01-10")  # JournalgenError if refused
    outputs = build(close, load_settings(path), target="freee")      # {file name: bytes}

Each name is imported on first use, so a command that needs none of them (`journalgen --help`)
does not load the models.
"""

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

_MODULES = {
    "DailyClose": "journalgen.close", "Entry": "journalgen.journal", "Journal": "journalgen.journal",
    "JournalgenError": "journalgen.errors", "Line": "journalgen.journal", "Settings": "journalgen.settings",
    "Target": "journalgen.target", "build": "journalgen.build", "hookimpl": "journalgen.hookspecs",
    "journalize": "journalgen.journalize", "load_settings": "journalgen.settings",
    "parse_close": "journalgen.inputs",
}

if TYPE_CHECKING:
    from journalgen.build import build
    from journalgen.close import DailyClose
    from journalgen.errors import JournalgenError
    from journalgen.hookspecs import hookimpl
    from journalgen.inputs import parse_close
    from journalgen.journal import Entry, Journal, Line
    from journalgen.journalize import journalize
    from journalgen.settings import Settings, load_settings
    from journalgen.target import Target


def __getattr__(name: str) -> object:
    """The public name `name`, imported from its module on first use."""
    if name not in _MODULES:
        raise AttributeError(f"module 'journalgen' has no attribute {name!r}")
    value = getattr(import_module(_MODULES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULES])


class _Package(ModuleType):
    """This package: `journalgen.build` and `journalgen.journalize` stay the functions when their
    modules of the same names are imported (which would set the attribute to the module)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _MODULES and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "DailyClose", "Entry", "Journal", "JournalgenError", "Line", "Settings", "Target",
    "build", "hookimpl", "journalize", "load_settings", "parse_close",
]
