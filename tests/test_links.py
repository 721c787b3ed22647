"""Link windows of the feed targets: both ends inclusive, not linked, not configured."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from journalgen import links
from journalgen.i18n import CORE_LOCALE_DIR, catalog
from journalgen.links import StoreLink, link_skip

DAY = dt.date(2025, 1, 11)


@pytest.mark.parametrize(("link", "reason"), [
    (StoreLink(link_start=DAY, link_end=DAY), None),
    (StoreLink(), None),
    (StoreLink(link_start=DAY + dt.timedelta(days=1)), "linked from 2025-01-12"),
    (StoreLink(link_end=DAY - dt.timedelta(days=1)), "linked until 2025-01-10"),
    (StoreLink(linked=False, link_start=DAY), "not linked (linked = false)"),
    (None, 'store 0001 has no [targets.aspit.stores."0001"] link settings'),
])
def test_a_store_day_is_skipped_only_outside_its_window(link, reason):
    skip = link_skip("aspit", "0001", DAY, link)
    assert (skip.message("en") if skip else None) == reason
    if skip:
        assert skip.message("ja") != reason, "the reason has Japanese"


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError, match="link_end is before link_start"):
        StoreLink(link_start=DAY, link_end=DAY - dt.timedelta(days=1))


def test_every_link_message_has_japanese():
    japanese = catalog(CORE_LOCALE_DIR, "ja")
    for name in ("NOT_CONFIGURED", "NOT_LINKED", "BEFORE_START", "AFTER_END"):
        assert japanese.get(getattr(links, name)), name
    assert japanese.get("link_end is before link_start")
