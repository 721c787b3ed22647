"""Registers the `aspit` target with journalgen (entry point `journalgen` → `aspit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journalgen.hookspecs import hookimpl
from journalgen.target import Skip, Target
from journalgen_aspit.errors import LOCALE_DIR

if TYPE_CHECKING:
    from journalgen.journal import Journal
    from journalgen.settings import Settings
    from journalgen_aspit.options import AspitOptions

NAME = "aspit"


def skip(journal: Journal, settings: Settings, options: AspitOptions | None) -> Skip | None:
    """Leave out a store with no link settings, not linked, or outside its link window."""
    from journalgen.links import link_skip
    from journalgen_aspit.options import AspitOptions

    link = (options or AspitOptions()).stores.get(journal.store.code)
    return link_skip(NAME, journal.store.code, journal.business_date, link)


def render(journal: Journal, settings: Settings, options: AspitOptions | None) -> dict[str, bytes]:
    """The nine `aspit-*.json` files of one linked store-day (UTF-8 JSON, LF)."""
    # rendering code only when rendering: `journalgen targets` lists the target without it
    from journalgen.jsonfile import model_file
    from journalgen_aspit.feeds import feeds
    from journalgen_aspit.mappings import effective_mapping
    from journalgen_aspit.options import AspitOptions

    options = options or AspitOptions()
    mapping = effective_mapping(options, settings)
    store = options.stores[journal.store.code]
    return {name: model_file(feed)
            for name, feed in feeds(journal, settings, store, mapping, options).items()}


@hookimpl
def journalgen_register_targets(register):
    register(Target(
        name=NAME,
        summary="ASPIT: the nine sales-analytics data items (journalgen's JSON layout)",
        render=render,
        options="journalgen_aspit.options:AspitOptions",
        locale_dir=LOCALE_DIR,
        skip=skip,
        mappings="journalgen_aspit.mapping_csv:MAPPINGS",
    ))
