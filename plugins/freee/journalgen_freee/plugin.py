"""The `freee` target: registered through the `journalgen` entry-point group like any plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journalgen.hookspecs import hookimpl
from journalgen.target import Target

if TYPE_CHECKING:
    from journalgen.journal import Journal
    from journalgen.settings import Settings
    from journalgen_freee.options import FreeeOptions
    from journalgen_freee.bodies import FreeeRequests


def checked_requests(journal: Journal, settings: Settings, options: FreeeOptions) -> FreeeRequests:
    """The day's bodies, after refusing a day outside the current fiscal period
    (OUT_OF_FISCAL_PERIOD, 当年会計期間外) or one whose freee ids are not all known
    (MISSING_MASTER, listing every missing name)."""
    from journalgen_freee.bodies import build_requests

    check(journal, settings, options)
    return build_requests(journal, settings, options)


def check(journal: Journal, settings: Settings, options: FreeeOptions) -> None:
    """Refuse a day outside the current fiscal period; `render` refuses missing masters."""
    from journalgen_freee.company import company_of
    from journalgen_freee.fiscal import check_freee_fiscal_period

    check_freee_fiscal_period(journal, settings, company_of(settings, options))


def render(journal: Journal, settings: Settings, options: FreeeOptions) -> dict[str, bytes]:
    """Render `freee-deals.json`: the day's deal and transfer request bodies."""
    # rendering code only when rendering: `journalgen targets` lists the target without it
    from journalgen_freee.bodies import FILE_NAME, build_requests, render_file

    return {FILE_NAME: render_file(journal, build_requests(journal, settings, options))}


TARGET = Target(
    name="freee",
    summary="freee 会計: request bodies for POST /api/1/deals and /api/1/transfers",
    render=render,
    check=check,
    options="journalgen_freee.options:FreeeOptions",
)


@hookimpl
def journalgen_register_targets(register):
    register(TARGET)
