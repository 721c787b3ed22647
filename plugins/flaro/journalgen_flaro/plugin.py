"""Registers the `flaro` target with journalgen (entry point `journalgen` → `flaro`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journalgen.hookspecs import hookimpl
from journalgen.target import Skip, Target
from journalgen_flaro.errors import LOCALE_DIR

if TYPE_CHECKING:
    from journalgen.journal import Journal
    from journalgen.settings import Settings
    from journalgen_flaro.options import FlaroOptions

NAME = "flaro"


def skip(journal: Journal, settings: Settings, options: FlaroOptions | None) -> Skip | None:
    """Leave out a store with no link settings, not linked, or outside its link window."""
    from journalgen.links import link_skip
    from journalgen_flaro.options import FlaroOptions

    link = (options or FlaroOptions()).stores.get(journal.store.code)
    return link_skip(NAME, journal.store.code, journal.business_date, link)


def render(journal: Journal, settings: Settings, options: FlaroOptions | None) -> dict[str, bytes]:
    """The eight `flaro-*.json` files of one linked store-day (UTF-8 JSON, LF)."""
    # rendering code only when rendering: `journalgen targets` lists the target without it
    from journalgen.jsonfile import model_file
    from journalgen_flaro.feeds import feeds
    from journalgen_flaro.options import FlaroOptions

    options = options or FlaroOptions()
    store = options.stores[journal.store.code]
    return {name: model_file(feed)
            for name, feed in feeds(journal, settings, store, options).items()}


TARGET = Target(
    name=NAME,
    summary="FLARO: the eight sales data items (journalgen's JSON layout), sent to its webhook",
    render=render,
    options="journalgen_flaro.options:FlaroOptions",
    locale_dir=LOCALE_DIR,
    skip=skip,
    mappings="journalgen_flaro.mapping_csv:MAPPINGS",
    delta=False,  # FLARO takes a store-day whole: a corrected day is re-sent whole as its next version
)


@hookimpl
def journalgen_register_targets(register):
    register(TARGET)
