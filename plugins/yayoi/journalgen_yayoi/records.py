"""The one record model both renderings share: one 弥生 取引 per journal entry.

A 取引 is seen the way スマート取引取込 shows it: money comes in (収入) or goes out (支出)
through a 取引手段 (現金, 売掛金 …) against a 勘定科目. As a journal line pair, the 取引手段 is the
借方 of a 収入 and the 貸方 of a 支出. Every text is already fitted to 弥生's rules here, so both
renderings write exactly the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal, NamedTuple

from journalgen.journal import Entry, EntryKind, Journal, Line
from journalgen.settings import Settings
from journalgen_yayoi.errors import UnmappedTaxError
from journalgen_yayoi.options import YayoiOptions
from journalgen_yayoi.text import ACCOUNT, DESCRIPTION, SECTION, SUB_ACCOUNT, Limit, TextRules

INCOME_KINDS = frozenset({EntryKind.sale, EntryKind.cash_in, EntryKind.transfer_in, EntryKind.overage})
"""Entries whose 取引手段 is debited: money comes in."""

PURCHASE_KINDS = frozenset({EntryKind.cash_out, EntryKind.transfer_out, EntryKind.shortage})
"""Entries whose 勘定科目 takes a purchase-side 税区分 (a void is a sales deduction)."""

MEMO_PREFIX = "journalgen:"


class YayoiSide(NamedTuple):
    """One side of a 取引: where it sits (借方/貸方) and what 弥生 writes there. A tuple, as
    `YayoiRecord`: made twice per entry, it costs a third of a frozen dataclass."""

    position: Literal["借方", "貸方"]
    account: str
    sub_account: str
    section: str
    tax_category: str
    tax_amount: int


class YayoiRecord(NamedTuple):
    """One 取引: an entry of the neutral journal as 弥生 will hold it (immutable: a tuple)."""

    key: str
    kind: EntryKind
    date: dt.date
    direction: Literal["収入", "支出"]
    means: YayoiSide
    counter: YayoiSide
    amount: int
    description: str
    due_date: dt.date | None = None
    """期日: when the 取引先 of an unsettled sale pays (`[payments.KIND] due`)."""

    @property
    def memo(self) -> str:
        """The 仕訳メモ: the entry's stable key, how a re-sent voucher is recognised."""
        return MEMO_PREFIX + self.key

    @property
    def debit(self) -> YayoiSide:
        """The 借方 side: the 取引手段 of a 収入, the 勘定科目 of a 支出."""
        return self.means if self.means.position == "借方" else self.counter

    @property
    def credit(self) -> YayoiSide:
        """The 貸方 side: the 勘定科目 of a 収入, the 取引手段 of a 支出."""
        return self.counter if self.means.position == "借方" else self.means


def build_records(journal: Journal, settings: Settings, options: YayoiOptions) -> list[YayoiRecord]:
    """Every entry of `journal` as a 弥生 取引, in journal order; raises a YayoiError when a
    text breaks the cp932 or length rules or a 税区分 is not mapped."""
    return list(map(_RecordBuilder(journal, settings, options).record, journal.entries))


class _RecordBuilder:
    """Turns the entries of one store-day into YayoiRecords, fitting their texts to 弥生's rules."""

    def __init__(self, journal: Journal, settings: Settings, options: YayoiOptions):
        self.date = journal.business_date
        self.cash = settings.accounts.cash
        self.options = options
        self.rules = TextRules(options, journal.source)
        self.tables = {table: getattr(options, table) for table in (
            "sales_tax_categories", "purchase_tax_categories", "sales_return_tax_categories")}

    def record(self, entry: Entry) -> YayoiRecord:
        """`entry` as a 取引."""
        (debit,) = (line for line in entry.lines if line.side == "debit")
        (credit,) = (line for line in entry.lines if line.side == "credit")
        income = entry.kind in INCOME_KINDS
        means, counter = (debit, credit) if income else (credit, debit)
        tax_table = "purchase_tax_categories" if entry.kind in PURCHASE_KINDS else "sales_tax_categories"

        def named() -> str:
            return f"{entry.kind.value} {entry.key}"

        return YayoiRecord(
            key=entry.key,
            kind=entry.kind,
            date=self.date,
            direction="収入" if income else "支出",
            means=self.side(means, "借方" if income else "貸方", self.sub_account(means), tax_table, named),
            counter=self.side(counter, "貸方" if income else "借方", "", tax_table, named),
            amount=debit.amount,  # the entry's one debit line
            description=self.description(debit.description, entry.key, named),
            due_date=means.due_date,
        )

    def description(self, text: str, key: str, entry: Callable[[], str]) -> str:
        """The 摘要, ending with ` #<key>` when asked; the key itself is never cut."""
        if not self.options.key_in_description:
            return self.rules.fit(text, "摘要", DESCRIPTION, entry)
        suffix = f" #{key}"
        return self.rules.fit(text, "摘要", Limit(columns=DESCRIPTION.columns - len(suffix)), entry) + suffix

    def sub_account(self, line: Line) -> str:
        """補助科目 of the 取引手段: its 取引先 when settings name one (弥生 keeps a 取引先 as the
        補助科目 of 売掛金), the store's own cash drawer on 現金, else the payment kind or item, for
        non-cash payment accounts only."""
        if line.partner or line.sub_account:
            return line.partner or line.sub_account or ""
        if line.payment is None or line.account == self.cash or self.options.sub_account == "none":
            return ""
        if self.options.sub_account == "payment_item" and line.payment_item is not None:
            return line.payment_item.name
        return line.payment_label or ""

    def side(self, line: Line, position: Literal["借方", "貸方"], sub_account: str, tax_table: str,
             entry: Callable[[], str]) -> YayoiSide:
        """`line` as the side at `position`, with `sub_account` as its 補助科目: names fitted to
        弥生's limits, 部門 only when `sections` is on, 税区分 from `tax_table` (sales or
        purchase); raises UnmappedTaxError when that table names no 税区分 for the line's tax. A
        売上返還 line takes its name from `sales_return_tax_categories`."""
        table = "sales_return_tax_categories" if line.sales_return else tax_table
        names = self.tables[table]
        if line.tax not in names:
            raise UnmappedTaxError(file=self.rules.file, table=table, tax=line.tax.value, entry=entry(),
                                   field=f"targets.yayoi.{table}", value=line.tax.value)
        fit = self.rules.fit
        return YayoiSide(
            position=position,
            account=fit(line.account, f"{position}勘定科目", ACCOUNT, entry),
            sub_account=fit(sub_account, f"{position}補助科目", SUB_ACCOUNT, entry),
            section=fit(line.section or "", f"{position}部門", SECTION, entry) if self.options.sections else "",
            tax_category=fit(names[line.tax], f"{position}税区分", None, entry),
            tax_amount=line.tax_amount,
        )
