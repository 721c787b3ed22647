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
import io

from journalgen_yayoi.errors import VoucherTooLongError
from journalgen_yayoi.options import YayoiOptions
from journalgen_yayoi.records import YayoiRecord, YayoiSide
from journalgen_yayoi.text import ENCODING

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
    count = max(_parts_needed(value) for value in (record.amount, debit.tax_amount, credit.tax_amount))
    amounts = split_evenly(record.amount, count)
    debit_taxes = split_evenly(debit.tax_amount, count)
    credit_taxes = split_evenly(credit.tax_amount, count)
    flags = [options.single_line_flag] if count == 1 else ["2110", *["2100"] * (count - 2), "2101"]
    rows = []
    for index, flag in enumerate(flags):
        cells = {
            "識別フラグ": flag,
            "取引日付": record.date.strftime("%Y/%m/%d"),
            **_side(debit, amounts[index], debit_taxes[index]),
            **_side(credit, amounts[index], credit_taxes[index]),
            "摘要": record.description,
            "期日": record.due_date.strftime("%Y/%m/%d") if record.due_date else "",
            "タイプ": "0" if flag == "2000" else "3",  # 0 仕訳, 3 振替伝票
            "仕訳メモ": record.memo,
            "付箋1": "0",
            "付箋2": "0",
            "調整": "no",
        }
        rows.append([cells.get(column, "") for column in COLUMNS])
    return rows


def split_evenly(amount: int, parts: int) -> list[int]:
    """`amount` in `parts` integers differing by at most 1, larger ones first; they sum to it."""
    base, extra = divmod(amount, parts)
    return [base + 1 if index < extra else base for index in range(parts)]


def _parts_needed(amount: int) -> int:
    return max(1, -(-amount // MAX_AMOUNT))


def _side(side: YayoiSide, amount: int, tax_amount: int) -> dict[str, str]:
    at = side.position
    return {
        f"{at}勘定科目": side.account,
        f"{at}補助科目": side.sub_account,
        f"{at}部門": side.section,
        f"{at}税区分": side.tax_category,
        f"{at}金額": str(amount),
        f"{at}税金額": str(tax_amount),
    }


def _encoded(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(ENCODING)
