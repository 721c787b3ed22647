"""The ASPIT mapping CSVs (seed 000 §3): 支払明細, 値引明細 and 客層, exported for Excel and
imported into the mapping file the settings name, plus the 客層 自動振り分け."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from journalgen.build import write_atomically
from journalgen.close import DailyClose, DiscountKind
from journalgen.errors import Problem
from journalgen.jsonfile import json_file
from journalgen.mapping import CsvRow, MappingCsvError, MappingKind, id_problem
from journalgen.settings import Settings
from journalgen_aspit.errors import LOCALE_DIR, MappingFileNotSetError
from journalgen_aspit.mappings import effective_mapping, mapping_path, read_mapping_file, segment_code
from journalgen_aspit.options import (
    DEFAULT_SEGMENT_CODES,
    DISCOUNT_LIMIT_RULE,
    MAX_SEGMENT_CODE,
    PAYMENT_LIMIT_RULE,
    SEGMENT_CODE_RULE,
    AspitOptions,
    DiscountMapping,
    PaymentMapping,
)

PAYMENT_COLUMNS = ("支払科目ID", "店舗表示名", "アスピット支払内訳")
DISCOUNT_COLUMNS = ("値割引ID", "種別", "店舗表示名", "アスピット値引内訳")
SEGMENT_COLUMNS = ("ASPIT店舗コード", "客層別ID", "選択項目", "客層種別名", "選択項目名", "アスピット客層コード")
DISCOUNT_KIND_LABELS = {DiscountKind.fixed: "値引", DiscountKind.percent: "割引"}
CODE_RULE = "must be a whole number of at most 9 digits, or empty for not mapped"
DUPLICATE_RULE = "appears on an earlier line ({line}) with another code"


def _code(code: int | None) -> str:
    return "" if code is None else str(code)


def _payment_items(closes: list[DailyClose]) -> dict[str, str]:
    """Every 支払科目 the closes know (masters first), by ID, with its name."""
    found: dict[str, str] = {}
    for close in closes:
        for item in close.masters.payment_items if close.masters else ():
            found.setdefault(item.id, item.name)
        for row in (*close.sales, *close.voids):
            if row.payment_item is not None:
                found.setdefault(row.payment_item.id, row.payment_item.name)
    return found


def _discounts(closes: list[DailyClose]) -> dict[str, tuple[DiscountKind, str]]:
    return {row.id: (row.kind, row.name) for close in closes for row in close.discounts or ()}


def export_payments(settings: Settings, options: AspitOptions, closes: list[DailyClose]) -> list[list[str]]:
    """支払科目ID, 店舗表示名, アスピット支払内訳 for every 支払科目 known or mapped, by ID."""
    mapping = effective_mapping(options, settings).payment
    kinds = {row.payment_item.id: row.payment for close in closes for row in (*close.sales, *close.voids)
             if row.payment_item is not None}
    kinds |= {item.id: item.payment for close in closes if close.masters for item in close.masters.payment_items}
    names = {key: "" for key in mapping.items} | _payment_items(closes)
    rows = []
    for item_id in sorted(names):
        code = mapping.items.get(item_id) if mapping.by == "payment_item" else mapping.kinds.get(kinds.get(item_id))
        rows.append([item_id, names[item_id], _code(code)])
    return rows


def export_discounts(settings: Settings, options: AspitOptions, closes: list[DailyClose]) -> list[list[str]]:
    """値割引ID, 種別, 店舗表示名, アスピット値引内訳 for every discount seen or mapped, by ID."""
    mapping = effective_mapping(options, settings).discount
    seen = _discounts(closes)
    rows = []
    for discount_id in sorted(set(seen) | set(mapping.items)):
        kind, name = seen.get(discount_id, (None, ""))
        code = mapping.items.get(discount_id) if mapping.by == "discount" else mapping.kinds.get(kind)
        rows.append([discount_id, DISCOUNT_KIND_LABELS.get(kind, ""), name, _code(code)])
    return rows


def export_segments(settings: Settings, options: AspitOptions, closes: list[DailyClose]) -> list[list[str]]:
    """The seed's 客層 columns for every 客層 seen (per ASPIT store) or mapped."""
    mapping = effective_mapping(options, settings)
    rows: dict[tuple[str, str], list[str]] = {}
    for close in closes:
        link = options.stores.get(close.store.code)
        for row in close.segments or ():
            store = link.store_code if link else ""
            rows.setdefault((store, row.id), [store, row.id, row.choice, row.type_name, row.name,
                                              _code(segment_code(mapping, row))])
    for segment_id, code in mapping.segment.codes.items():
        if not any(key[1] == segment_id for key in rows):
            rows[("", segment_id)] = ["", segment_id, "", "", "", str(code)]
    return [rows[key] for key in sorted(rows)]


def _parsed(rows: list[CsvRow], file: str, id_column: str, code_column: str, known: set[str],
            maximum: int = MAX_SEGMENT_CODE, rule: str = CODE_RULE) -> dict[str, int]:
    """{ID: code} of the rows with a code; every bad ID or code of the file is reported at once."""
    problems, codes, lines = [], {}, {}
    for row in rows:
        row_id, code = row.cells[id_column], row.cells[code_column]
        problem = id_problem(row.line, id_column, row_id, known)
        if problem is not None:
            problems.append(problem)
        if code == "":
            continue
        if not (code.isascii() and code.isdigit()) or int(code) > maximum:
            problems.append(Problem(f"line {row.line}, {code_column}", code, rule))
        elif row_id in codes and codes[row_id] != int(code):
            problems.append(Problem(f"line {row.line}, {id_column}", row_id, DUPLICATE_RULE,
                                    {"line": str(lines[row_id])}))
        else:
            codes[row_id], lines[row_id] = int(code), row.line
    if problems:
        raise MappingCsvError(file=file, problems=tuple(problems), locale_dir=LOCALE_DIR)
    return codes


def _within_limit(model, table: dict, file: str, column: str, rule: str) -> dict:
    try:
        model.model_validate(table)
    except ValidationError:
        count = str(len(set(table["items"].values())))
        raise MappingCsvError(file=file, problems=(Problem(column, count, rule),), locale_dir=LOCALE_DIR) from None
    return table


def apply_payments(rows, file, settings, options, closes) -> dict:
    """The 支払明細 mapping per 支払科目 the CSV gives (an empty code: その他支払種別)."""
    known = set(_payment_items(closes)) | set(effective_mapping(options, settings).payment.items)
    table = {"by": "payment_item", "items": _parsed(rows, file, PAYMENT_COLUMNS[0], PAYMENT_COLUMNS[2], known)}
    return {"payment": _within_limit(PaymentMapping, table, file, PAYMENT_COLUMNS[2], PAYMENT_LIMIT_RULE)}


def apply_discounts(rows, file, settings, options, closes) -> dict:
    """The 値引明細 mapping per discount the CSV gives (an empty code: その他値引)."""
    known = set(_discounts(closes)) | set(effective_mapping(options, settings).discount.items)
    table = {"by": "discount", "items": _parsed(rows, file, DISCOUNT_COLUMNS[0], DISCOUNT_COLUMNS[3], known)}
    return {"discount": _within_limit(DiscountMapping, table, file, DISCOUNT_COLUMNS[3], DISCOUNT_LIMIT_RULE)}


def apply_segments(rows, file, settings, options, closes) -> dict:
    """The 客層 mapping per 客層別ID the CSV gives (an empty code: not sent)."""
    known = {row.id for close in closes for row in close.segments or ()}
    known |= set(effective_mapping(options, settings).segment.codes)
    codes = _parsed(rows, file, SEGMENT_COLUMNS[1], SEGMENT_COLUMNS[5], known, MAX_SEGMENT_CODE, SEGMENT_CODE_RULE)
    return {"segment": {"codes": codes}}


def auto_segments(settings: Settings, options: AspitOptions, closes: list[DailyClose]) -> dict:
    """自動振り分け: the seed's default 集客 items keep 1–7; every other (客層種別, 選択項目名) gets
    the next number from 8, in the order of its first 客層別ID."""
    segments = sorted({row.id: row for close in closes for row in close.segments or ()}.values(),
                      key=lambda row: row.id)
    numbers = dict(DEFAULT_SEGMENT_CODES)
    for row in segments:
        numbers.setdefault((row.type_name, row.name), max(numbers.values()) + 1)
    return {"segment": {"codes": {row.id: numbers[(row.type_name, row.name)] for row in segments}}}


def write_mapping(table: dict, settings: Settings, options: AspitOptions) -> Path:
    """Lay `table` (one kind) over the mapping file the settings name, written atomically."""
    path = mapping_path(options, settings)
    if path is None:
        raise MappingFileNotSetError(file=settings.file_name)
    data = read_mapping_file(path) | table
    ordered = {kind: data[kind] for kind in ("payment", "discount", "segment") if kind in data}
    write_atomically(path.parent, {path.name: json_file(ordered)})
    return path


MAPPINGS = {
    "payment": MappingKind(PAYMENT_COLUMNS, export_payments, apply_payments, write_mapping),
    "discount": MappingKind(DISCOUNT_COLUMNS, export_discounts, apply_discounts, write_mapping),
    "segment": MappingKind(SEGMENT_COLUMNS, export_segments, apply_segments, write_mapping, auto_segments),
}
"""What `journalgen mapping … --target aspit --kind KIND` works with."""
