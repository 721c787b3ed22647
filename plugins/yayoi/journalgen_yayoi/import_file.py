"""The 弥生インポート形式 file that 弥生会計 and 弥生会計 オンライン import directly.

25 columns, no header, Shift_JIS (cp932), CRLF, at most 1,000 lines per file. One 取引 is one
voucher. A voucher is one line (識別フラグ 2000, or 2111 when asked) unless an amount has more
than 9 digits: then it is a multi-line voucher (2110 first, 2100 middle, 2101 last) whose lines
each carry at most 999,999,999 yen on both sides. Vouchers are never split across files; a day
that needs more than 1,000 lines is written as `yayoi-import-1.csv`, `yayoi-import-2.csv` …,
filled in journal order.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io

from journalgen_yayoi.errors import VoucherTooLongError
from journalgen_yayoi.options import YayoiOptions
from journalgen_yayoi.records import YayoiRecord
from journalgen_yayoi.text import CACHED_TEXTS, ENCODING

COLUMNS = (
    "識別フラグ", "伝票No.", "決算", "取引日付",
    "借方勘定科目", "借方補助科目", "借方部門", "借方税区分", "借方金額", "借方税金額",
    "貸方勘定科目", "貸方補助科目", "貸方部門", "貸方税区分", "貸方金額", "貸方税金額",
    "摘要", "番号", "期日", "タイプ", "生成元", "仕訳メモ", "付箋1", "付箋2", "調整",
)
MAX_AMOUNT = 999_999_999
MAX_LINES_PER_FILE = 1000
FILE_NAME = "yayoi-import.csv"


def render_import(records: list[YayoiRecord], options: YayoiOptions, file: str = "") -> dict[str, bytes]:
    """`yayoi-import.csv`, or `yayoi-import-N.csv` files when the day needs more than 1,000 lines."""
    files: list[list[list[str]]] = [[]]
    for record in records:
        rows = voucher_rows(record, options)
        if len(rows) > MAX_LINES_PER_FILE:
            field, value = max((("借方金額/貸方金額", record.amount), ("借方税金額", record.debit.tax_amount),
                                ("貸方税金額", record.credit.tax_amount)), key=lambda pair: pair[1])
            raise VoucherTooLongError(file=file, entry=f"{record.kind.value} {record.key}", field=field,
                                      value=f"{value:,}", max_amount=f"{MAX_AMOUNT:,}", lines=len(rows),
                                      limit=MAX_LINES_PER_FILE)
        if len(files[-1]) + len(rows) > MAX_LINES_PER_FILE:
            files.append([])
        files[-1].extend(rows)
    if len(files) == 1:
        return {FILE_NAME: _encoded(files[0])}
    return {f"yayoi-import-{number}.csv": _encoded(rows) for number, rows in enumerate(files, start=1)}


def voucher_rows(record: YayoiRecord, options: YayoiOptions) -> list[list[str]]:
    """The lines of one voucher: one, or as many as its largest amount needs at 9 digits each."""
    debit, credit = record.debit, record.credit
    count = max(_parts_needed(record.amount), _parts_needed(debit.tax_amount), _parts_needed(credit.tax_amount))
    date = _slashed(record.date)
    due = _slashed(record.due_date) if record.due_date else ""
    if count == 1:
        return [_row(record, options.single_line_flag, record.amount, debit.tax_amount, credit.tax_amount, date=date,
                     due=due)]
    flags = ["2110", *["2100"] * (count - 2), "2101"]
    return [_row(record, *cells, date=date, due=due) for cells in zip(
        flags, split_evenly(record.amount, count), split_evenly(debit.tax_amount, count),
        split_evenly(credit.tax_amount, count))]


def _row(record: YayoiRecord, flag: str, amount: int, debit_tax: int, credit_tax: int, *, date: str,
         due: str) -> list[str]:
    """One line of the file, its 25 cells in the order of `COLUMNS`."""
    debit, credit = record.debit, record.credit
    return [
        flag, "", "", date,
        debit.account, debit.sub_account, debit.section, debit.tax_category, str(amount), str(debit_tax),
        credit.account, credit.sub_account, credit.section, credit.tax_category, str(amount), str(credit_tax),
        record.description, "", due, "0" if flag == "2000" else "3",  # タイプ: 0 仕訳, 3 振替伝票
        "", record.memo, "0", "0", "no",
    ]


@functools.lru_cache(maxsize=CACHED_TEXTS)
def _slashed(date: dt.date) -> str:
    """取引日付 and 期日 as 弥生 writes them: 2025/01/10."""
    return date.strftime("%Y/%m/%d")


def split_evenly(amount: int, parts: int) -> list[int]:
    """`amount` in `parts` integers differing by at most 1, larger ones first; they sum to it."""
    base, extra = divmod(amount, parts)
    return [base + 1 if index < extra else base for index in range(parts)]


def _parts_needed(amount: int) -> int:
    return max(1, -(-amount // MAX_AMOUNT))


def _encoded(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(ENCODING)
