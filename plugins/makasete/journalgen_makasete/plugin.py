"""Registers the `makasete` target with journalgen (entry point `journalgen` → `makasete`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journalgen.hookspecs import hookimpl
from journalgen.target import Skip, Target
from journalgen_makasete.errors import LOCALE_DIR

if TYPE_CHECKING:
    from journalgen.journal import Journal
    from journalgen.settings import Settings
    from journalgen_makasete.options import MakaseteOptions

NAME = "makasete"


def skip(journal: Journal, settings: Settings, options: MakaseteOptions | None) -> Skip | None:
    """Leave out a store with no link settings, not linked, or outside its link window."""
    from journalgen.links import link_skip
    from journalgen_makasete.options import MakaseteOptions

    link = (options or MakaseteOptions()).stores.get(journal.store.code)
    return link_skip(NAME, journal.store.code, journal.business_date, link)


def render(journal: Journal, settings: Settings, options: MakaseteOptions | None) -> dict[str, bytes]:
    """The eight `makasete-*.json` files of one linked store-day (UTF-8 JSON, LF)."""
    # rendering code only when rendering: `journalgen targets` lists the target without it
    from journalgen.jsonfile import model_file
    from journalgen_aspit.mappings import effective_mapping
    from journalgen_makasete.feeds import feeds
    from journalgen_makasete.options import MakaseteOptions

    options = options or MakaseteOptions()
    mapping = effective_mapping(options, settings)
    store = options.stores[journal.store.code]
    return {name: model_file(feed)
            for name, feed in feeds(journal, settings, store, mapping).items()}


@hookimpl
def journalgen_register_targets(register):
    register(Target(
        name=NAME,
        summary="まかせてネットEX: the eight sales data items (journalgen's JSON layout)",
        render=render,
        options="journalgen_makasete.options:MakaseteOptions",
        locale_dir=LOCALE_DIR,
        skip=skip,
        mappings="journalgen_makasete.mapping_csv:MAPPINGS",
    ))
