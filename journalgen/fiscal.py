"""The 当年会計期間 rule every accounting target enforces (one implementation, shared)."""

from __future__ import annotations

from journalgen.errors import MissingFiscalPeriodError, OutOfFiscalPeriodError
from journalgen.journal import Journal
from journalgen.settings import FiscalPeriod


def check_fiscal_period(journal: Journal, period: FiscalPeriod | None, target: str) -> None:
    """Refuse a journal whose business date lies outside `period` with OUT_OF_FISCAL_PERIOD
    (当年会計期間外), or with MISSING_FISCAL_PERIOD when there is no period to check against.

    `period` is usually `settings.fiscal_period_for(store code)`; a target with its own source
    of fiscal years (freee's company record) passes that instead.
    """
    if period is None:
        raise MissingFiscalPeriodError(file=journal.source, target=target, store=journal.store.code)
    if journal.business_date not in period:
        raise OutOfFiscalPeriodError(
            file=journal.source,
            date=journal.business_date.isoformat(),
            period=str(period),
            field="business_date",
            value=journal.business_date.isoformat(),
        )
