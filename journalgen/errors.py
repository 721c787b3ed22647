"""One exception class per rule, so a connector service can catch exactly what it handles.

Every error carries a stable `code`, the file, field and value it is about, and renders its
message in Japanese or English (`error.message("ja")`). Message templates are English message
ids translated by the babel catalog in `journalgen/locale/`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from journalgen.i18n import CORE_LOCALE_DIR, LANGS, Lang, translate


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field: where it is, what it holds, and why it is refused."""

    field: str
    value: str
    reason: str
    reason_params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: Lang, locale_dir: Path = CORE_LOCALE_DIR) -> str:
        """`field = value: reason` in `lang`; `field: reason` without a value, and the reason
        alone when no field is named."""
        reason = translate(self.reason, lang, locale_dir).format(**self.reason_params)
        if not self.field:
            return reason
        if not self.value:
            return f"{self.field}: {reason}"
        return translate("{field} = {value}: {reason}", lang).format(field=self.field, value=self.value, reason=reason)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record with the message in both languages."""
        return {
            "field": self.field,
            "value": self.value,
            "message": {lang: self.message(lang) for lang in LANGS},
        }


class JournalgenError(Exception):
    """Base of every refusal journalgen makes. Subclasses set `code` and `template`."""

    code: ClassVar[str] = "ERROR"
    template: ClassVar[str] = "{detail}"
    locale_dir: ClassVar[Path] = CORE_LOCALE_DIR

    def __init__(self, *, file: str = "", problems: tuple[Problem, ...] = (), locale_dir: Path | None = None,
                 **params: Any):
        self.file = file
        self.problems = tuple(problems)
        self.params = params
        if locale_dir is not None:  # a plugin's catalog, for the reasons its own validators give
            self.locale_dir = locale_dir
        super().__init__(self.message("en"))

    @property
    def field(self) -> str:
        return self.problems[0].field if self.problems else str(self.params.get("field", ""))

    @property
    def value(self) -> str:
        return self.problems[0].value if self.problems else str(self.params.get("value", ""))

    def message(self, lang: Lang = "en") -> str:
        """The whole message in `lang`: headline naming the file, then one line per problem."""
        template = translate(self.template, lang, self.locale_dir)
        if not self.file:  # a library caller's close that came from no file
            template = template.removeprefix("{file}: ")
        head = template.format(file=self.file, **self.params)
        lines = [head] + [f"  - {problem.message(lang, self.locale_dir)}" for problem in self.problems]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record with the message in both languages."""
        return {
            "code": self.code,
            "file": self.file,
            "field": self.field,
            "value": self.value,
            "message": {lang: self.message(lang) for lang in LANGS},
        }


# --- input -------------------------------------------------------------------------------


class InputEncodingError(JournalgenError):
    code = "INPUT_NOT_UTF8"
    template = "{file}: byte {position} ({byte}) is not UTF-8; save the file as UTF-8"


class InputSyntaxError(JournalgenError):
    code = "INPUT_JSON_SYNTAX"
    template = "{file}: line {line}, column {column}: not valid JSON ({detail}) near: {value}"


class InvalidInputError(JournalgenError):
    code = "INPUT_INVALID"
    template = "{file}: the daily close does not follow the input contract"


class DuplicateStoreDayError(JournalgenError):
    code = "DUPLICATE_STORE_DAY"
    template = "{file}: store {store} on {date} appears more than once in this input ({places})"


class InputNotFoundError(JournalgenError):
    code = "INPUT_NOT_FOUND"
    template = "{file}: no such file or directory"


# --- accounting rules ----------------------------------------------------------------------


class UnbalancedEntryError(JournalgenError):
    code = "UNBALANCED_ENTRY"
    template = "{file}: entry {entry} does not balance: debit {debit} yen, credit {credit} yen"


class UnreconciledError(JournalgenError):
    code = "UNRECONCILED"
    template = "{file}: the journal does not account for the input to the yen: {detail}"


class OutOfFiscalPeriodError(JournalgenError):
    code = "OUT_OF_FISCAL_PERIOD"
    template = "{file}: 当年会計期間外 (outside the current fiscal period): business date {date} is not in {period}"


class MissingFiscalPeriodError(JournalgenError):
    code = "MISSING_FISCAL_PERIOD"
    template = (
        "{file}: target {target} needs the current fiscal period for store {store}; "
        "set [company.fiscal_period] (or [stores.\"{store}\".fiscal_period]) in the settings"
    )


class MissingMasterError(JournalgenError):
    code = "MISSING_MASTER"
    template = "{file}: target {target} has no id for: {names}; add them under {where} in the settings"


# --- settings and plugins ------------------------------------------------------------------


class SettingsError(JournalgenError):
    code = "INVALID_SETTINGS"
    template = "{file}: the settings cannot be used"


class UnknownTargetError(JournalgenError):
    code = "UNKNOWN_TARGET"
    template = "no target named {target}; installed targets: {installed}"


class DuplicateTargetError(JournalgenError):
    code = "DUPLICATE_TARGET"
    template = "two plugins register target {target}: {first} and {second}"


class OutputNameError(JournalgenError):
    code = "OUTPUT_NAME"
    template = "target {target} renders {name}; a target's file names must start with {target}. or {target}-"


class OutputCollisionError(JournalgenError):
    code = "OUTPUT_COLLISION"
    template = "targets {first} and {second} both render {name}"


class LedgerUnavailableError(JournalgenError):
    code = "LEDGER_UNAVAILABLE"
    template = "the sent-ledger {url} cannot be opened: {reason}"


class LedgerConflictError(JournalgenError):
    code = "LEDGER_CONFLICT"
    template = (
        "{target} {store} {date}: the sent-ledger moved on since this plan was made (another run recorded "
        "re-send {number}); plan again"
    )


# --- pydantic → Problem -------------------------------------------------------------------

# Reasons for pydantic's error types, as message ids the catalog translates.
PYDANTIC_REASONS: dict[str, str] = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
    "enum": "unknown value; allowed: {expected}",
    "literal_error": "unknown value; allowed: {expected}",
    "int_type": "must be a whole number of yen (not a decimal, not a string)",
    "int_from_float": "must be a whole number of yen (not a decimal, not a string)",
    "greater_than_equal": "must not be negative",
    "less_than_equal": "must be at most {le}",
    "date_parsing": "not a real calendar date in the form YYYY-MM-DD",
    "date_from_datetime_parsing": "not a real calendar date in the form YYYY-MM-DD",
    "date_type": "must be a date string in the form YYYY-MM-DD",
    "string_type": "must be a string",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must match the pattern {pattern}",
    "tax_amount_untaxed": "must be 0 or left out: {tax} carries no consumption tax",
    "tax_amount_over_amount": "must not exceed amount ({amount} yen): the tax is part of the tax-inclusive amount",
    "void_after_business_date": (
        "is after the business date {business_date}: a void cancels a receipt of that day or before"
    ),
    "duplicate_key": "appears twice in one object: the register's meaning cannot be told",
    "payment_item_id_number": (
        "must be a string of digits in quotes: as a number, leading zeros would be lost"
    ),
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a table",
    "bool_type": "must be true or false",
}


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def shown(value: Any) -> str:
    """A value as an error message shows it: JSON (Japanese unescaped), else its text."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def pydantic_problems(exc: ValidationError) -> tuple[Problem, ...]:
    """Every field error of a pydantic validation, as problems with translatable reasons."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        # Pydantic appends the failing enum/literal branch or validator name; keep the field path.
        reason = PYDANTIC_REASONS.get(error["type"])
        context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        if "expected" in context:  # pydantic lists "'a', 'b' or 'c'" in English; list them alike in every language
            context["expected"] = context["expected"].replace(" or ", ", ")
        if error["type"] == "value_error":  # a validator's own words: the message id to translate
            reason, context = context["error"], {}
        elif reason is None:
            reason, context = "{error}", {"error": error["msg"]}
        value = "(missing)" if error["type"] == "missing" else shown(error.get("input"))
        problems.append(Problem(_field_path(loc), value, reason, context))
    return tuple(problems)
