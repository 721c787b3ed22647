"""What a target plugin registers: a name, how to check a journal, how to render it.

A target gets the neutral journal and the settings (plus its own `[targets.NAME]` section,
validated by `options` when given), may refuse the journal by raising a JournalgenError, and
renders named outputs as bytes. It never writes: the core writes atomically, or hands the bytes
to a connector service.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journalgen.i18n import CORE_LOCALE_DIR, Lang, translate

if TYPE_CHECKING:
    from pydantic import BaseModel

    from journalgen.journal import Journal
    from journalgen.mapping import MappingKind
    from journalgen.settings import Settings


@dataclass(frozen=True)
class Skip:
    """Why a target leaves a store-day out (a store not linked, a day outside its link window):
    not an error, so the day's other targets build and the run exits 0. `reason` is an English
    message id with `{placeholders}` filled from `params`, translated from `locale_dir`."""

    reason: str
    params: Mapping[str, str] = field(default_factory=dict)
    locale_dir: Path = CORE_LOCALE_DIR

    def message(self, lang: Lang = "en") -> str:
        """The reason in `lang`, e.g. `linked from 2025-01-11`."""
        return translate(self.reason, lang, self.locale_dir).format(**self.params)


Renderer = Callable[["Journal", "Settings", Any], Mapping[str, bytes]]
Checker = Callable[["Journal", "Settings", Any], None]
Skipper = Callable[["Journal", "Settings", Any], "Skip | None"]


class _Lazy:
    """A Target field that may be given as `"module:name"` or a zero-argument function, resolved
    (once) when first read: listing the targets then imports none of their models."""

    def __init__(self, default: Any):
        self.default = default

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, target: Any, owner: type) -> Any:
        if target is None:
            return self.default
        value = target.__dict__[self.slot]
        if isinstance(value, str):
            module, _, name = value.partition(":")
            value = getattr(importlib.import_module(module), name)
        elif callable(value) and not isinstance(value, type):  # a model class is the value itself
            value = value()
        target.__dict__[self.slot] = value
        return value

    def __set__(self, target: Any, value: Any) -> None:
        target.__dict__[self.slot] = value


def _no_mappings() -> dict[str, MappingKind]:
    """A target's mappings when it declares none."""
    return {}


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
      Give it as `"module:Class"` (or a zero-argument function) so that `journalgen targets`
      and completion do not import it; it is imported when first read.
      An accounting target calls `journalgen.fiscal.check_fiscal_period` from its `check`.
    - `skip(journal, settings, options) -> Skip | None`: a reason to leave this store-day out of
      this target (a feed's link window, say); the core then neither checks nor renders it for
      this target, names the reason on the store-day's line, and builds its other targets.
    - `mappings`: {kind: MappingKind}, the code mappings a person edits as a CSV with
      `journalgen mapping export|import|auto --target NAME --kind KIND`; lazy like `options`.
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
    options: type[BaseModel] | str | Callable[[], type[BaseModel]] | None = _Lazy(None)  # type: ignore[assignment]
    delta: bool = True
    locale_dir: Path | None = None
    skip: Skipper | None = None
    mappings: Mapping[str, MappingKind] | str | Callable[[], Mapping[str, MappingKind]] = _Lazy(_no_mappings)  # type: ignore[assignment]
