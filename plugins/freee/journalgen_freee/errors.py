"""The freee target's own refusal, with its Japanese in `locale/` next to this module."""

from __future__ import annotations

from pathlib import Path

from journalgen.errors import MissingMasterError, Problem, SettingsError

LOCALE_DIR = Path(__file__).parent / "locale"

ADD_ID = "no freee id: add \"{name}\" = <id> under [targets.freee.{table}], or give a company_file that lists it"
ADD_WALLETABLE = (
    "no freee 口座: add \"{name}\" = {{ id = <id>, type = \"wallet\" or \"bank_account\" }} under "
    "[targets.freee.walletables], or give a company_file that lists it"
)
ADD_TAX_CODE = "no freee 税区分コード: add {name} = <code> under [targets.freee.{table}]"
ADD_COMPANY_ID = "set company_id (事業所ID) under [targets.freee], or give a company_file"


class FreeeMissingMasterError(MissingMasterError):
    """Every freee id a store-day needs and the settings (or company file) lack, in one error.

    Code MISSING_MASTER like the core's, so a caller catching MissingMasterError catches it.
    """

    locale_dir = LOCALE_DIR


class FreeeSettingsError(SettingsError):
    """A `[targets.freee]` setting or the company file it names cannot be used (INVALID_SETTINGS)."""

    template = "{file}: the settings cannot be used"
    locale_dir = LOCALE_DIR


def settings_error(file: str, field: str, value: str, reason: str, **params: str) -> FreeeSettingsError:
    """A FreeeSettingsError with one problem: `field` holds `value`, refused for `reason`."""
    return FreeeSettingsError(file=file, problems=(Problem(field, value, reason, params),))


def _problem(table: str, name: str) -> Problem:
    if table == "company_id":
        return Problem(field="targets.freee.company_id", value="(missing)", reason=ADD_COMPANY_ID)
    reason = {"walletables": ADD_WALLETABLE, "tax_codes": ADD_TAX_CODE,
              "purchase_tax_codes": ADD_TAX_CODE}.get(table, ADD_ID)
    return Problem(field=f"targets.freee.{table}", value=name, reason=reason,
                   reason_params={"name": name, "table": table})


def missing_master(file: str, missing: list[tuple[str, str]]) -> FreeeMissingMasterError:
    """The one error for every missing (table, name) pair, e.g. ("items", "【POS Regi】現金"):
    one problem per name, each saying where in the settings to add it."""
    tables = sorted({table for table, _ in missing})
    return FreeeMissingMasterError(
        file=file,
        problems=tuple(_problem(table, name) for table, name in missing),
        target="freee",
        names=", ".join(f"{table}.{name}" if name else table for table, name in missing),
        where=", ".join("[targets.freee]" if table == "company_id" else f"[targets.freee.{table}]"
                        for table in tables),
    )
