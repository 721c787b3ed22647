"""Which 当年会計期間 a freee run checks against, and the check itself (the core's).

A day inside a fiscal year the company file marks 年度締め済み (`is_closed`) is always refused:
freee takes no deal there, whatever period the run names. Otherwise, in order: the run's
explicit period (`--fiscal-period`, `settings.fiscal_period_override`); else the company file's
open fiscal years when it lists any; else the settings' period for the store.
"""

from __future__ import annotations

from journalgen.errors import OutOfFiscalPeriodError
from journalgen.fiscal import check_fiscal_period
from journalgen.journal import Journal
from journalgen.settings import Settings
from journalgen_freee.company import Company
from journalgen_freee.errors import ClosedFiscalYearError


def check_freee_fiscal_period(journal: Journal, settings: Settings, company: Company | None) -> None:
    """Refuse a store-day outside the current fiscal period with OUT_OF_FISCAL_PERIOD."""
    day = journal.business_date.isoformat()
    closed = company.closed_year_holding(journal.business_date) if company is not None else None
    if closed is not None:
        raise ClosedFiscalYearError(file=journal.source, date=day, period=str(closed.period),
                                    field="business_date", value=day)
    if settings.fiscal_period_override is not None or company is None or not company.fiscal_years:
        check_fiscal_period(journal, settings.fiscal_period_for(journal.store.code), "freee")
        return
    period = company.fiscal_period_for(journal.business_date)
    if period is None:  # every year in the file is closed: nothing is inside
        latest = max(company.fiscal_years, key=lambda year: year.start_date)
        raise OutOfFiscalPeriodError(file=journal.source, date=day, period=f"{latest.period} (closed)",
                                     field="business_date", value=day)
    check_fiscal_period(journal, period, "freee")
