"""journalgen's freee 会計 target: a daily close as freee deal and transfer request bodies.

A connector service calls `deal_bodies(journal, settings)` and posts what it returns; the
`freee` target writes the same bodies to `freee-deals.json`. See docs/freee.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on first use: loading the plugin (`journalgen targets`) needs none of them
    from journalgen.journal import Journal
    from journalgen.settings import Settings
    from journalgen_freee.bodies import FreeeRequests
    from journalgen_freee.options import FreeeOptions

__all__ = ["FreeeOptions", "FreeeRequests", "deal_bodies"]


def __getattr__(name: str) -> object:
    """`FreeeOptions` and `FreeeRequests`, imported on first use."""
    if name == "FreeeOptions":
        from journalgen_freee.options import FreeeOptions

        return FreeeOptions
    if name == "FreeeRequests":
        from journalgen_freee.bodies import FreeeRequests

        return FreeeRequests
    raise AttributeError(f"module 'journalgen_freee' has no attribute {name!r}")


def deal_bodies(journal: Journal, settings: Settings) -> FreeeRequests:
    """The day's request bodies, checked exactly as a build checks them: raises
    OutOfFiscalPeriodError, FreeeMissingMasterError or SettingsError (among them
    FreeeUnsupportedPaymentAccountError) instead of returning bodies freee would refuse."""
    from journalgen.build import target_options
    from journalgen_freee.plugin import TARGET, checked_requests

    return checked_requests(journal, settings, target_options(TARGET, settings))
