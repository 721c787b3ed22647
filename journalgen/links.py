"""Per store and target link settings of the feed targets: whether a store is linked, and from
and until which business day. A store-day outside them is skipped for that target (see
`Target.skip`), never an error that stops the others."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from journalgen.i18n import CORE_LOCALE_DIR
from journalgen.target import Skip

NOT_CONFIGURED = "store {store} has no [targets.{target}.stores.\"{store}\"] link settings"
NOT_LINKED = "not linked (linked = false)"
BEFORE_START = "linked from {start}"
AFTER_END = "linked until {end}"


class StoreLink(BaseModel):
    """One store's link with a feed target: `linked` (連携済 / 未連携) and the window
    `link_start` … `link_end` (連携開始日, 連携終了日; both inclusive, either may be left open)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    linked: bool = True
    link_start: dt.date | None = None
    link_end: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> StoreLink:
        if self.link_start and self.link_end and self.link_end < self.link_start:
            raise ValueError("link_end is before link_start")
        return self


def link_skip(target: str, store: str, day: dt.date, link: StoreLink | None,
              locale_dir: Path = CORE_LOCALE_DIR) -> Skip | None:
    """Why `target` leaves out `store` on `day` under `link` (None when it does not)."""
    if link is None:
        return Skip(NOT_CONFIGURED, {"store": store, "target": target}, locale_dir)
    if not link.linked:
        return Skip(NOT_LINKED, {}, locale_dir)
    if link.link_start and day < link.link_start:
        return Skip(BEFORE_START, {"start": link.link_start.isoformat()}, locale_dir)
    if link.link_end and day > link.link_end:
        return Skip(AFTER_END, {"end": link.link_end.isoformat()}, locale_dir)
    return None
