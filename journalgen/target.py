"""What a target plugin registers: a name, how to check a journal, how to render it.

A target gets the neutral journal and the settings (plus its own `[targets.NAME]` section,
validated by `options` when given), may refuse the journal by raising a JournalgenError, and
renders named outputs as bytes. It never writes: the core writes atomically, or hands the bytes
to a connector service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from journalgen.journal import Journal
from journalgen.settings import Settings

Renderer = Callable[[Journal, Settings, Any], Mapping[str, bytes]]
Checker = Callable[[Journal, Settings, Any], None]


@dataclass(frozen=True)
class Target:
    """A target record.

    - `name`: what `--target` takes, e.g. `freee`.
    - `summary`: one line for `journalgen targets`.
    - `render(journal, settings, options) -> {file name: bytes}`; file names must be unique across
      targets, so start them with the target's name.
    - `check(journal, settings, options)`: raise a JournalgenError to refuse the journal
      (fiscal period, limits, missing masters); the default accepts everything.
    - `options`: a pydantic model for `[targets.NAME]` in the settings; `None` takes no options.
      An accounting target calls `journalgen.fiscal.check_fiscal_period` from its `check`.
    - `delta`: whether `render` takes a re-send's delta journal (reversals of entries the target
      holds, sides swapped, plus new entries; `journal.resend` is N) and renders just that; when
      False a changed store-day is re-emitted whole in `resend-N/`.
    - `locale_dir`: the plugin's babel catalogs (`<dir>/ja/LC_MESSAGES/journalgen.po`), where the
      Japanese of its `options` validators' messages is looked up (then the core's).
    """

    name: str
    summary: str
    render: Renderer
    check: Checker | None = None
    options: type[BaseModel] | None = None
    delta: bool = True
    locale_dir: Path | None = None
