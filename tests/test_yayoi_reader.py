"""A reader of the 弥生インポート形式, written from 弥生's published format and not from the renderer.

`read_import_file(data, period)` parses one file and asserts everything 弥生 requires of it: exact
cp932 bytes, CRLF line ends, at most 1,000 lines, 25 columns, valid 識別フラグ and voucher grouping,
`YYYY/MM/DD` dates inside the fiscal period, unsigned integer amounts of at most 9 digits, balanced
vouchers, and names no longer than 弥生 keeps. The other yayoi tests read every file through it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass

import pytest

from journalgen.settings import FiscalPeriod

# 弥生's column order, spelled out here on purpose (the renderer's constant is not used).
HEADER = (
    "識別フラグ,伝票No.,決算,取引日付,借方勘定科目,借方補助科目,借方部門,借方税区分,借方金額,借方税金額,"
    "貸方勘定科目,貸方補助科目,貸方部門,貸方税区分,貸方金額,貸方税金額,摘要,番号,期日,タイプ,生成元,仕訳メモ,"
    "付箋1,付箋2,調整"
).split(",")
SINGLE_FLAGS = {"2000", "2111"}
AMOUNT = re.compile(r"\A[0-9]{1,9}\Z")
DATE = re.compile(r"\A([0-9]{4})/([0-9]{2})/([0-9]{2})\Z")


class ImportFormatError(AssertionError):
    """The file breaks a rule of the 弥生インポート形式."""


@dataclass
class SideAmounts:
    account: str
    sub_account: str
    section: str
    tax_category: str
    amount: int
    tax_amount: int


@dataclass
class ImportLine:
    number: int
    flag: str
    date: dt.date
    debit: SideAmounts
    credit: SideAmounts
    description: str
    memo: str
    cells: dict[str, str]


@dataclass
class Voucher:
    lines: list[ImportLine]

    @property
    def memo(self) -> str:
        return self.lines[0].memo

    @property
    def debit_total(self) -> int:
        return sum(line.debit.amount for line in self.lines)

    @property
    def credit_total(self) -> int:
        return sum(line.credit.amount for line in self.lines)


def _fail(number: int, message: str) -> ImportFormatError:
    return ImportFormatError(f"line {number}: {message}")


def _amount(cells: dict[str, str], column: str, number: int, required: bool) -> int:
    value = cells[column]
    if value == "" and not required:
        return 0
    if not AMOUNT.match(value):
        raise _fail(number, f"{column} = {value!r} is not an unsigned integer of at most 9 digits")
    return int(value)


def _side(cells: dict[str, str], at: str, number: int) -> SideAmounts:
    side = SideAmounts(
        account=cells[f"{at}勘定科目"], sub_account=cells[f"{at}補助科目"], section=cells[f"{at}部門"],
        tax_category=cells[f"{at}税区分"], amount=_amount(cells, f"{at}金額", number, required=True),
        tax_amount=_amount(cells, f"{at}税金額", number, required=False),
    )
    if side.amount and not side.account:
        raise _fail(number, f"{at}金額 without {at}勘定科目")
    if len(side.account) > 12:
        raise _fail(number, f"{at}勘定科目 {side.account!r} is longer than 12 characters")
    if len(side.sub_account) > 15:
        raise _fail(number, f"{at}補助科目 {side.sub_account!r} is longer than 15 characters")
    if len(side.account.encode("cp932")) > 24 or len(side.sub_account.encode("cp932")) > 24:
        raise _fail(number, f"{at}勘定科目/補助科目 wider than 24 half-width columns")
    if len(side.section.encode("cp932")) > 24:
        raise _fail(number, f"{at}部門 {side.section!r} is wider than 24 half-width columns")
    return side


def _date(value: str, number: int, period: FiscalPeriod | None) -> dt.date:
    match = DATE.match(value)
    if not match:
        raise _fail(number, f"取引日付 {value!r} is not YYYY/MM/DD")
    try:
        day = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise _fail(number, f"取引日付 {value!r} is not a calendar date") from None
    if period is not None and not period.start <= day <= period.end:
        raise _fail(number, f"取引日付 {value} is outside the fiscal period {period}")
    return day


def _line(number: int, text: str, period: FiscalPeriod | None) -> ImportLine:
    rows = list(csv.reader([text]))
    if len(rows) != 1 or len(rows[0]) != len(HEADER):
        raise _fail(number, f"expected one record of {len(HEADER)} columns, got {[len(row) for row in rows]}")
    cells = dict(zip(HEADER, rows[0], strict=True))
    if len(cells["摘要"].encode("cp932")) > 64:
        raise _fail(number, f"摘要 {cells['摘要']!r} is wider than 64 half-width columns")
    if cells["期日"] and not DATE.match(cells["期日"]):
        raise _fail(number, f"期日 {cells['期日']!r} is not YYYY/MM/DD")
    if cells["調整"] not in ("", "no", "yes") or cells["タイプ"] not in ("", "0", "1", "2", "3"):
        raise _fail(number, f"調整 {cells['調整']!r} / タイプ {cells['タイプ']!r} not allowed")
    return ImportLine(
        number=number, flag=cells["識別フラグ"], date=_date(cells["取引日付"], number, period),
        debit=_side(cells, "借方", number), credit=_side(cells, "貸方", number),
        description=cells["摘要"], memo=cells["仕訳メモ"], cells=cells,
    )


def read_import_file(data: bytes, period: FiscalPeriod | None = None) -> list[Voucher]:
    """The vouchers of one 弥生インポート形式 file; raises ImportFormatError on any broken rule."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"not cp932: {exc}") from None
    if text.encode("cp932") != data:
        raise ImportFormatError("cp932 does not round-trip exactly")
    if data and not data.endswith(b"\r\n"):
        raise ImportFormatError("the last line does not end with CRLF")
    if b"\n" in data.replace(b"\r\n", b"") or b"\r" in data.replace(b"\r\n", b""):
        raise ImportFormatError("a line ends with a bare LF or CR")
    texts = text.split("\r\n")[:-1] if text else []
    if len(texts) > 1000:
        raise ImportFormatError(f"{len(texts)} lines, more than 1,000")
    vouchers: list[Voucher] = []
    open_voucher: list[ImportLine] | None = None
    for number, line_text in enumerate(texts, start=1):
        line = _line(number, line_text, period)
        if line.flag in SINGLE_FLAGS | {"2110"} and open_voucher is not None:
            raise _fail(number, f"flag {line.flag} while the voucher of line {open_voucher[0].number} is open")
        if line.flag in SINGLE_FLAGS:
            vouchers.append(Voucher([line]))
        elif line.flag == "2110":
            open_voucher = [line]
        elif line.flag in ("2100", "2101"):
            if open_voucher is None:
                raise _fail(number, f"flag {line.flag} outside a voucher")
            if line.date != open_voucher[0].date:
                raise _fail(number, "a voucher's lines have different dates")
            open_voucher.append(line)
            if line.flag == "2101":
                vouchers.append(Voucher(open_voucher))
                open_voucher = None
        else:
            raise _fail(number, f"識別フラグ {line.flag!r} is not 2000, 2111, 2110, 2100 or 2101")
    if open_voucher is not None:
        raise ImportFormatError(f"the voucher of line {open_voucher[0].number} has no last line (2101)")
    for voucher in vouchers:
        if voucher.debit_total != voucher.credit_total:
            raise _fail(voucher.lines[0].number,
                        f"voucher does not balance: 借方 {voucher.debit_total}, 貸方 {voucher.credit_total}")
    return vouchers


# --- the reader's own tests: it must refuse what 弥生 refuses -------------------------------

GOOD = "2000,,,2025/01/10,現金,,,対象外,1100,0,売上高,,,課税売上込10%,1100,100,現金売上,,,0,,journalgen:k,0,0,no\r\n"


def _line_text(**cells: str) -> str:
    values = dict(zip(HEADER, next(csv.reader([GOOD.strip()])), strict=True))
    values.update(cells)
    return ",".join(values[column] for column in HEADER) + "\r\n"


def test_reader_accepts_a_single_line_and_a_multi_line_voucher():
    data = (GOOD + _line_text(識別フラグ="2110") + _line_text(識別フラグ="2100")
            + _line_text(識別フラグ="2101")).encode("cp932")
    vouchers = read_import_file(data, FiscalPeriod(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)))
    assert [len(voucher.lines) for voucher in vouchers] == [1, 3]
    assert vouchers[1].debit_total == 3300


def test_reader_refuses_bytes_that_decode_but_encode_back_differently():
    # NEC's ≒ (0x8790) decodes to U+2252, which cp932 encodes as 0x81E0: 弥生 would not read
    # back the bytes the file holds.
    assert b"\x87\x90".decode("cp932").encode("cp932") == b"\x81\xe0"
    data = GOOD.encode("cp932").replace("現金売上".encode("cp932"), b"\x87\x90")
    with pytest.raises(ImportFormatError, match="round-trip"):
        read_import_file(data)
    assert read_import_file(data.replace(b"\x87\x90", b"\x81\xe0"))[0].lines[0].description == "\u2252"


@pytest.mark.parametrize(("data", "complaint"), [
    ((GOOD.replace("\r\n", "\n") + GOOD).encode("cp932"), "bare LF"),
    (GOOD.replace("\r\n", "").encode("cp932"), "does not end with CRLF"),
    (GOOD.encode("utf-8"), "cp932"),
    (GOOD.replace(",no\r\n", "\r\n").encode("cp932"), "25 columns"),
    (_line_text(借方金額="-1100", 貸方金額="-1100").encode("cp932"), "unsigned"),
    (_line_text(借方金額="1000000000", 貸方金額="1000000000").encode("cp932"), "9 digits"),
    (_line_text(貸方金額="1000").encode("cp932"), "does not balance"),
    (_line_text(取引日付="2025-01-10").encode("cp932"), "YYYY/MM/DD"),
    (_line_text(取引日付="2026/01/10").encode("cp932"), "outside the fiscal period"),
    (_line_text(識別フラグ="2100").encode("cp932"), "outside a voucher"),
    (_line_text(識別フラグ="2110").encode("cp932"), "no last line"),
    (_line_text(識別フラグ="1000").encode("cp932"), "is not 2000"),
    (_line_text(借方勘定科目="あ" * 13).encode("cp932"), "12 characters"),
    (_line_text(借方補助科目="あ" * 16).encode("cp932"), "15 characters"),
    (_line_text(借方補助科目="あ" * 13).encode("cp932"), "24 half-width"),
    (_line_text(摘要="あ" * 33).encode("cp932"), "64 half-width"),
    ((GOOD * 1001).encode("cp932"), "1,000"),
])
def test_reader_refuses_what_yayoi_refuses(data, complaint):
    with pytest.raises(ImportFormatError, match=complaint):
        read_import_file(data, FiscalPeriod(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)))
