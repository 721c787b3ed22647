"""One exception class per rule, so a connector service can catch exactly what it handles.

Every error carries a stable `code`, the file, field and value it is about, and renders its
message in Japanese or English (`error.message("ja")`). Message templates are English message
ids translated by the babel catalog in `journalgen/locale/`.
"""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Union, get_args, get_origin

from journalgen.i18n import CORE_LOCALE_DIR, LANGS, Lang, translate
from journalgen.safe_text import cut, escaped

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError


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
        params = {key: escaped(value) if isinstance(value, str) else value for key, value in self.reason_params.items()}
        reason = translate(self.reason, lang, locale_dir).format(**params)
        field = shorter(self.field, lang)
        if not field:
            return reason
        if not self.value:
            return f"{field}: {reason}"
        return translate("{field} = {value}: {reason}", lang).format(
            field=field, value=shorter(self.value, lang), reason=reason)

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
        params = {key: escaped(value) if isinstance(value, str) else value for key, value in self.params.items()}
        if "value" in params:
            params["value"] = shorter(self.params["value"], lang)
        head = template.format(file=escaped(self.file), **params)
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
    "extra_forbidden_close": "unknown field; did you mean {suggestion}?",
    "missing": "required field is missing",
    "enum": "unknown value; allowed: {expected}",
    "literal_error": "unknown value; allowed: {expected}",
    "value_close": "unknown value; did you mean {suggestion}? allowed: {expected}",
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
    "string_too_long": "must be at most {max_length} characters long",
    "store_code_reserved": "is a name Windows keeps for a device (CON, PRN, AUX, NUL, COM0-9, LPT0-9); no folder can have it",
    "payment_item_renamed": "支払科目 {id} is named {name} in an earlier row of sales: one 支払科目 has one name",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a table",
    "bool_type": "must be true or false",
    # input contract version 2: its sections, and where they overlap the version 1 totals
    "v2_section_in_v1": 'is a section of input version 2: give "version": 2 to use it',
    "v2_lines_total": "(the lines' total) differs from the receipt's amount, {amount} yen: the two must agree to the yen",
    "v2_menus_total": (
        "(the menus' total) less discounts of {discounts} yen differs from the sales' total of {sales} yen: "
        "the two must agree to the yen"
    ),
    "v2_total": "(this section's total) differs from the total of {other}, {total} yen: the two must agree to the yen",
    "v2_receipt_total": (
        "differs from the {total} yen the voids of receipt {receipt_no} add up to: the two must agree to the yen"
    ),
    "v2_receipt_missing": "is voided, but cancelled_receipts has no receipt with this number",
    "v2_cash_total": (
        "(the cash by denomination) differs from cash_count.counted, {counted} yen: the two must agree to the yen"
    ),
    "v2_payment_item_kind": "differs from the 支払種別 {kind} that masters.payment_items gives 支払科目 {id}",
    "v2_unknown_product": "is not in masters.products",
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
    except RecursionError:
        return "[…]"


def shorter(text: str, lang: Lang) -> str:
    """`text` as a message shows it: escaped (`safe_text`) and, past MAX_SHOWN characters, cut
    with its length."""
    kept, length = cut(text)
    if length is None:
        return kept
    return translate("{text}… ({length} characters)", lang).format(text=kept, length=length)


def _members(annotation: Any) -> list[Any]:
    """The types `annotation` stands for: itself, or each member of a union, without Annotated."""
    if get_origin(annotation) is Annotated:
        return _members(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return [member for arg in get_args(annotation) for member in _members(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model holding the field at `loc`, followed from `model` through fields, lists and tables."""
    from pydantic import BaseModel  # only once a validation has failed: listing targets needs none

    types: list[Any] = [model]
    for part in loc[:-1]:
        following: list[Any] = []
        for kind in types:
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                fields = {info.alias or name: info for name, info in kind.model_fields.items()}
                if part in fields:
                    following += _members(fields[part].annotation)
            elif get_origin(kind) in (list, tuple, Sequence) and isinstance(part, int):
                following += [member for arg in get_args(kind) if arg is not Ellipsis for member in _members(arg)]
            elif get_origin(kind) in (dict, Mapping) and len(get_args(kind)) == 2:
                following += _members(get_args(kind)[1])
        types = following
    return next((kind for kind in types if isinstance(kind, type) and issubclass(kind, BaseModel)), None)


def _close_to(value: Any, allowed: list[str]) -> str | None:
    """The allowed name `value` was most likely meant to be, if one is close."""
    import difflib  # only once a value was refused

    found = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
    return found[0] if found else None


def pydantic_problems(exc: ValidationError, model: type[BaseModel] | None = None) -> tuple[Problem, ...]:
    """Every field error of a pydantic validation, as problems with translatable reasons. A
    misspelt value gets a "did you mean", and so does a misspelt key when `model` (the model
    that was validated) is given."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        # Pydantic appends the failing enum/literal branch or validator name; keep the field path.
        reason = PYDANTIC_REASONS.get(error["type"])
        context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        if "expected" in context:  # pydantic lists "'a', 'b' or 'c'" in English; list them alike in every language
            context["expected"] = context["expected"].replace(" or ", ", ")
            if suggestion := _close_to(error.get("input"), re.findall(r"'([^']*)'", context["expected"])):
                reason, context["suggestion"] = PYDANTIC_REASONS["value_close"], suggestion
        if error["type"] == "extra_forbidden" and model is not None and loc and (owner := _model_at(model, loc)):
            allowed = [info.alias or name for name, info in owner.model_fields.items()]
            if suggestion := _close_to(loc[-1], allowed):
                reason, context = PYDANTIC_REASONS["extra_forbidden_close"], {"suggestion": suggestion}
        if error["type"] == "value_error":  # a validator's own words: the message id to translate,
            # its braces (a template's `{{ … }}`) doubled so formatting the message shows them as they are
            reason, context = context["error"].replace("{", "{{").replace("}", "}}"), {}
        elif reason is None:
            reason, context = "{error}", {"error": error["msg"]}
        value = "(missing)" if error["type"] == "missing" else shown(error.get("input"))
        problems.append(Problem(_field_path(loc), value, reason, context))
    return tuple(problems)


# --- file system and hostile input --------------------------------------------------------

# The causes of the file-system refusals a user meets, as message ids; any other is shown with
# the system's own words.
OS_CAUSES: dict[int, str] = {
    errno.ENAMETOOLONG: "the file name is too long for the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.EEXIST: "it already exists, and not as a folder",
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "no such file or folder",
    errno.EIO: "input/output error",
    errno.ELOOP: "too many levels of symbolic links",
}


def os_problem(exc: OSError) -> Problem:
    """An OSError as a problem line: its cause in the user's language, and the path it names."""
    reason = OS_CAUSES.get(exc.errno or 0)
    path = exc.filename if exc.filename is not None else ""
    if reason is None:
        return Problem(str(path), "", "{error}", {"error": exc.strerror or str(exc)})
    return Problem(str(path), "", reason)


class InputReadError(JournalgenError):
    code = "INPUT_UNREADABLE"
    template = "{file}: the file cannot be read"


class OutputWriteError(JournalgenError):
    code = "OUTPUT_NOT_WRITTEN"
    template = "{file}: this store-day's files cannot be written; the folder keeps what it held before"


class OutputBusyError(JournalgenError):
    code = "OUTPUT_BUSY"
    template = (
        "{folder}: another journalgen run is writing into this folder (it holds {lock}); "
        "run again when it has finished"
    )


class OutputFolderError(JournalgenError):
    code = "OUTPUT_FOLDER"
    template = "{file}: the output folder cannot be used; nothing was written"


class RepeatedTargetError(JournalgenError):
    code = "REPEATED_TARGET"
    template = "target {target} is asked for more than once; name each target once"


class InputUtf16Error(InputEncodingError):
    template = "{file}: the file is UTF-16; save it as UTF-8"


class StoreCodeCaseError(JournalgenError):
    code = "STORE_CODE_CASE"
    template = (
        "{file}: store codes {codes} differ only in upper and lower case; on Windows and macOS they "
        "would share one folder, so give each store a code of its own"
    )


class FileAccessError(JournalgenError):
    code = "FILE_ACCESS"
    template = "{file}: the file system refused journalgen"
