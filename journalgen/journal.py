"""The neutral journal: balanced double-entry entries that know nothing of any target.

Every line carries a stable `key` derived from its content and its source rows, so a later run
can tell what changed: a hash of their canonical JSON, `json.dumps(parts, ensure_ascii=False,
sort_keys=True, default=str, separators=(",", ":"))`, written here without the generic encoder.
Amounts are positive integer yen; the side says debit or credit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import StrEnum
from itertools import zip_longest
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any, Literal

from journalgen.close import DailyClose, PaymentItem, PaymentKind, Store, TaxCategory
from journalgen.tax import TaxRounding

Side = Literal["debit", "credit"]

EXCESS_SOURCE = "gift_no_change_excess["
"""How an entry cites a `gift_no_change_excess` row of the close."""


class EntryKind(StrEnum):
    """What happened at the register; the order here is the order entries appear in."""

    sale = "sale"
    void = "void"
    cash_in = "cash_in"
    cash_out = "cash_out"
    transfer_in = "transfer_in"
    transfer_out = "transfer_out"
    shortage = "shortage"
    overage = "overage"


@dataclass(frozen=True, slots=True)
class Line:
    """One side of an entry: an account, an amount, and how it is taxed and named."""

    side: Side
    account: str
    amount: int
    tax: TaxCategory
    tax_amount: int
    description: str
    item: str | None = None
    section: str | None = None
    payment: PaymentKind | None = None
    payment_label: str | None = None
    payment_item: PaymentItem | None = None
    sales_return: bool = False
    """A sales line of a void of an earlier day booked as 売上返還 (対価の返還等), when settings ask."""
    partner: str | None = None
    """The 取引先 owing (or owed) the money side of an unsettled sale or void."""
    due_date: dt.date | None = None
    """When that 取引先 pays, from `[payments.KIND] due`."""
    sub_account: str | None = None
    """補助科目: the store's own cash drawer on lines of the cash account (`cash_drawer`)."""
    key: str = ""
    """The last field, so that `keyed` can pass the others in order."""

    def keyed(self, key: str) -> Line:
        """This line with `key`: `dataclasses.replace(line, key=key)` at half its cost."""
        return Line(*_LINE_VALUES(self), key)

    def content(self) -> dict[str, object]:
        """The line as plain data (without its key), in a fixed order; `sales_return`, `partner`,
        `due_date` and `sub_account` only when set, so lines without them keep their keys."""
        return {
            "side": self.side,
            "account": self.account,
            "amount": self.amount,
            "tax": self.tax.value,
            "tax_amount": self.tax_amount,
            "item": self.item,
            "section": self.section,
            "description": self.description,
            "payment": self.payment.value if self.payment else None,
            "payment_label": self.payment_label,
            "payment_item": {"id": item.id, "name": item.name} if (item := self.payment_item) else None,
            **({"sales_return": True} if self.sales_return else {}),
            **({"partner": self.partner} if self.partner else {}),
            **({"due_date": self.due_date.isoformat()} if self.due_date else {}),
            **({"sub_account": self.sub_account} if self.sub_account else {}),
        }

    def canonical(self) -> str:
        """The canonical JSON of `content()`, which the line's key hashes, written field by field in
        sorted key order (tests/test_keys.py holds it to json.dumps)."""
        item = self.payment_item
        return "".join((
            '{"account":', _text(self.account), ',"amount":', str(self.amount),
            ',"description":', _text(self.description),
            f',"due_date":"{self.due_date.isoformat()}"' if self.due_date else "",
            ',"item":', _text(self.item),
            ',"partner":' + _text(self.partner) if self.partner else "",
            ',"payment":', _text(self.payment),
            ',"payment_item":', f'{{"id":{_text(item.id)},"name":{_text(item.name)}}}' if item else "null",
            ',"payment_label":', _text(self.payment_label),
            ',"sales_return":true' if self.sales_return else "",
            ',"section":', _text(self.section), ',"side":', _text(self.side),
            ',"sub_account":' + _text(self.sub_account) if self.sub_account else "",
            ',"tax":', _text(self.tax), ',"tax_amount":', str(self.tax_amount), "}",
        ))

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Line:
        """The line `document()` of an Entry wrote (its key and its content)."""
        data = dict(document)
        payment_item = data.pop("payment_item")
        return cls(**data | {
            "tax": TaxCategory(data["tax"]),
            "payment": PaymentKind(data["payment"]) if data["payment"] else None,
            "payment_item": PaymentItem.model_validate(payment_item) if payment_item else None,
        })


_LINE_VALUES = attrgetter(*(field.name for field in fields(Line) if field.name != "key"))


@dataclass(frozen=True, slots=True)
class Entry:
    """A balanced group of lines booked for one event (or one aggregated group of events).

    `sources` names the input rows it books (`sales[0]`, `voids[2]`, `cash_count` …); each input
    row is booked by exactly one entry. `receipt_no` and `original_date` are set on voids.
    """

    kind: EntryKind
    lines: tuple[Line, ...]
    sources: tuple[str, ...]
    key: str = ""
    receipt_no: str | None = None
    original_date: dt.date | None = None

    @property
    def books_excess(self) -> bool:
        """Whether the entry books a 商品券(釣りなし) excess: a sale-kind entry on the excess
        account (雑収入), not on sales."""
        return self.sources[0].startswith(EXCESS_SOURCE)

    @property
    def debit(self) -> int:
        """The entry's debit total."""
        return sum(line.amount for line in self.lines if line.side == "debit")

    @property
    def credit(self) -> int:
        """The entry's credit total."""
        return sum(line.amount for line in self.lines if line.side == "credit")

    def pairs(self) -> list[tuple[Line | None, Line | None]]:
        """The debit lines beside the credit lines, row by row, as a 仕訳帳 prints an entry;
        the shorter side is padded with None."""
        debits = [line for line in self.lines if line.side == "debit"]
        credits = [line for line in self.lines if line.side == "credit"]
        return list(zip_longest(debits, credits))

    @property
    def amount(self) -> int:
        """The entry's size: its debit total (equal to its credit total once checked)."""
        return self.debit

    def document(self) -> dict[str, Any]:
        """The entry as plain data, keys in reading order (as `journal.json` and the ledger hold it)."""
        return {
            "key": self.key,
            "kind": self.kind.value,
            "sources": list(self.sources),
            **({"receipt_no": self.receipt_no} if self.receipt_no else {}),
            **({"original_date": self.original_date.isoformat()} if self.original_date else {}),
            "lines": [{"key": line.key, **line.content()} for line in self.lines],
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Entry:
        """The entry `document()` wrote."""
        original_date = document.get("original_date")
        return cls(
            kind=EntryKind(document["kind"]),
            lines=tuple(Line.from_document(line) for line in document["lines"]),
            sources=tuple(document["sources"]),
            key=document["key"],
            receipt_no=document.get("receipt_no"),
            original_date=dt.date.fromisoformat(original_date) if original_date else None,
        )


@dataclass(frozen=True, slots=True)
class Journal:
    """One store-day's journal, with the close it was made from, where that came from, and the
    tax rounding it was made with."""

    close: DailyClose
    entries: tuple[Entry, ...]
    source: str = ""
    tax_rounding: TaxRounding = "floor"
    """How tax was computed for rows that came without the register's `tax_amount`."""
    resend: int = 0
    """0 for a store-day's journal; N for the delta journal of its `resend-N` (see delta.py),
    so a target can name the re-send in what it renders (freee's `ref_number`)."""

    @property
    def business_date(self) -> dt.date:
        return self.close.business_date

    @property
    def store(self) -> Store:
        return self.close.store

    def lines(self) -> list[tuple[Entry, Line]]:
        """Every line with its entry, in journal order."""
        return [(entry, line) for entry in self.entries for line in entry.lines]

    def net_sales(self) -> int:
        """Sales minus voids, tax-inclusive: what the day sold (a 商品券 excess is not sales)."""
        sold = sum(e.amount for e in self.entries if e.kind is EntryKind.sale and not e.books_excess)
        voided = sum(e.amount for e in self.entries if e.kind is EntryKind.void)
        return sold - voided


def key_maker(*first: str | int | list[str]) -> Callable[[str], str]:
    """Stable keys of parts `(*first, last)`, `first` encoded once, `last` given as its canonical
    JSON (`Line.canonical()`): a short hash of the parts' canonical JSON, so equal content ⇒
    equal key, run after run."""
    head = "[" + "".join(_part(part) + "," for part in first)
    return lambda last: _digest(head + last + "]")


def _part(value: str | int | list[str]) -> str:
    """The canonical JSON of a key's leading part, for the shapes those parts have."""
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, list):
        return "[" + ",".join(map(encode_basestring, value)) + "]"
    if type(value) is int:
        return str(value)
    raise TypeError(f"a key part is text, an int or a list of text, not {value!r}")


def _text(value: str | None) -> str:
    """A string (or None) in canonical JSON."""
    return "null" if value is None else encode_basestring(value)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
