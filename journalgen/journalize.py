"""The core: one daily close + settings → one balanced, reconciled neutral journal.

Bookings follow the table in DESIGN.md. Sales are aggregated per (tax category × payment kind)
unless settings ask for one line per payment item or per input row (or the kind names a 取引先 per
payment item); voids, 商品券(釣りなし) excesses, cash movements and the cash difference are one
entry each. How a payment kind's side is booked (receivable, discount, liability), the 売上返還
option for earlier-day voids, 取引先, due dates and a store's own cash drawer are explained in
docs/accounting.md. Rows of zero yen book nothing.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from journalgen.close import (
    PAYMENT_ORDER,
    TAX_ORDER,
    DailyClose,
    PaymentItem,
    PaymentKind,
    TaxCategory,
    rows_by_source,
)
from journalgen.errors import Problem, SettingsError
from journalgen.journal import Entry, EntryKind, Journal, Line, Side, key_maker
from journalgen.naming import render_name
from journalgen.reconcile import check_journal
from journalgen.settings import CashReason, Settings
from journalgen.tax import compute_tax, row_tax


def journalize(close: DailyClose, settings: Settings, source: str = "") -> Journal:
    """Book one daily close. Raises UnbalancedEntryError / UnreconciledError if an invariant
    fails (a bug, never a user's fault) and SettingsError if a naming template cannot render."""
    booker = _Booker(close, settings)
    entries = [*booker.sales(), *booker.excess(), *booker.voids(), *booker.cash_movements(),
               *booker.cash_difference()]
    if drawer := settings.cash_drawer_for(close.store.code):
        entries = [_in_drawer(entry, settings.accounts.cash, drawer) for entry in entries]
    journal = Journal(close=close, entries=_keyed(close, entries), source=source,
                      tax_rounding=settings.journal.tax_rounding)
    check_journal(journal)
    return journal


def _in_drawer(entry: Entry, cash: str, drawer: str) -> Entry:
    """`entry` with the store's own cash drawer as the 補助科目 of its cash-account lines."""
    return replace(entry, lines=tuple(replace(line, sub_account=drawer) if line.account == cash else line
                                      for line in entry.lines))


def _keyed(close: DailyClose, entries: list[Entry]) -> tuple[Entry, ...]:
    """The entries with their stable keys. A key hashes the store-day, the entry's kind, the
    input rows it books (their data, not their positions) and each line's content, so
    reordering the input keeps every key, and an entry changes key only when it changes.
    Entries that would still share a key (two identical cash movements) are numbered."""
    rows = rows_by_source(close)
    day = close.business_date.isoformat()
    occurrences: Counter[tuple[object, ...]] = Counter()
    keyed = []
    for entry in entries:
        booked = sorted(rows[source].model_dump_json() for source in entry.sources)
        occurrence = (entry.kind, *booked)
        occurrences[occurrence] += 1
        key_of = key_maker(day, close.store.code, entry.kind.value, booked, occurrences[occurrence])
        lines = tuple(line.keyed(key_of(line.canonical())) for line in entry.lines)
        # the entry's last part: its lines' keys in canonical JSON (hex digits need no escape)
        keyed.append(Entry(kind=entry.kind, lines=lines, sources=entry.sources,
                           key=key_of('["' + '","'.join(line.key for line in lines) + '"]'),
                           receipt_no=entry.receipt_no, original_date=entry.original_date))
    return tuple(keyed)


EXCESS_SUFFIX = "（釣りなし超過分）"
"""Ends the description of a 商品券(釣りなし) excess line (its sales description before it)."""


class _Booker:
    """Builds the entries of one close; one method per kind of event."""

    def __init__(self, close: DailyClose, settings: Settings):
        self.close = close
        self.settings = settings
        self.accounts = settings.accounts
        self.business_date = close.business_date.isoformat()

    def name(self, template_field: str, **context: Any) -> str:
        template = getattr(self.settings.naming, template_field)
        try:
            return render_name(template, store=self.close.store, business_date=self.business_date, **context)
        except ValueError as exc:
            problem = Problem(f"naming.{template_field}", template, "{error}", {"error": str(exc)})
            raise SettingsError(file=self.settings.file_name, problems=(problem,)) from None

    def payment_context(
        self, payment: PaymentKind, tax: TaxCategory, payment_item: PaymentItem | None
    ) -> dict[str, Any]:
        return {
            "payment": payment.value,
            "payment_label": self.settings.payments[payment].label,
            "payment_item_id": payment_item.id if payment_item else "",
            "payment_item_name": payment_item.name if payment_item else "",
            "tax": tax.value,
            "tax_label": self.settings.tax_labels[tax],
        }

    def money_line(self, side: Side, payment: PaymentKind, amount: int, tax: TaxCategory, tax_amount: int,
                   named: dict[str, Any]) -> Line:
        """The side of a sale or void that says how it was paid: `[payments.KIND] account`, 対象外,
        except that a `discount` treatment carries the sale's tax category and tax, so that the
        sale and its discount cancel in taxable sales and output tax. The 取引先 and due date of
        the kind (or of its 支払科目) go on this side."""
        booking = self.settings.payments[payment]
        if booking.treatment == "discount":
            return Line(side=side, account=booking.account, amount=amount, tax=tax, tax_amount=tax_amount, **named)
        item = named["payment_item"]
        return Line(side=side, account=booking.account, amount=amount, tax=TaxCategory.out_of_scope, tax_amount=0,
                    partner=booking.partner_of(item.id if item else None),
                    due_date=booking.due.of(self.close.business_date) if booking.due else None, **named)

    @functools.cached_property
    def section(self) -> str:
        """The 部門 of every line: its template sees only the store and the day, so it renders once."""
        return self.name("section")

    def by_item(self, payment: PaymentKind) -> bool:
        """Whether sales of `payment` are grouped per 支払科目: when settings ask, or when the kind
        names a 取引先 per 支払科目 (each card company clears its own receivable)."""
        return self.settings.journal.sales_grouping != "tax_payment" or bool(self.settings.payments[payment].partners)

    def sales(self) -> Iterator[Entry]:
        per_row = self.settings.journal.sales_grouping == "row"
        rounding = self.settings.journal.tax_rounding
        by_item = {kind: self.by_item(kind) for kind in {sale.payment for sale in self.close.sales}}
        groups: dict[tuple[Any, ...], list[int]] = {}
        for index, sale in enumerate(self.close.sales):
            key: tuple[Any, ...] = (TAX_ORDER[sale.tax], PAYMENT_ORDER[sale.payment])
            if by_item[sale.payment]:
                key += (sale.payment_item.id if sale.payment_item else "",)
            if per_row:
                key += (index,)
            groups.setdefault(key, []).append(index)
        for key in sorted(groups):
            rows = [self.close.sales[index] for index in groups[key]]
            amount = sum(row.amount for row in rows)
            if amount == 0:
                continue
            first = rows[0]
            tax_amount = sum(row_tax(row, rounding) for row in rows)
            payment_item = first.payment_item if by_item[first.payment] else None
            context = self.payment_context(first.payment, first.tax, payment_item)
            named = dict(
                description=self.name("sales_description", **context),
                item=self.name("item", **context),
                section=self.section,
                payment=first.payment,
                payment_label=context["payment_label"],
                payment_item=payment_item,
            )
            yield Entry(
                kind=EntryKind.sale,
                sources=tuple(f"sales[{index}]" for index in groups[key]),
                lines=(
                    self.money_line("debit", first.payment, amount, first.tax, tax_amount, named),
                    Line(side="credit", account=self.accounts.sales, amount=amount, tax=first.tax,
                         tax_amount=tax_amount, **named),
                ),
            )

    def excess(self) -> Iterator[Entry]:
        """Each 商品券(釣りなし) excess: the voucher's account (as its kind is booked) debited, the
        excess account (雑収入) credited, 対象外. A sale-kind entry: it arises in a sale."""
        kind, tax = PaymentKind.gift_no_change, TaxCategory.out_of_scope
        for index, row in enumerate(self.close.gift_no_change_excess):
            if row.amount == 0:
                continue
            context = self.payment_context(kind, tax, row.payment_item)
            named = dict(
                description=self.name("sales_description", **context) + EXCESS_SUFFIX,
                item=self.name("item", **context),
                section=self.section,
                payment=kind,
                payment_label=context["payment_label"],
                payment_item=row.payment_item,
            )
            yield Entry(
                kind=EntryKind.sale,
                sources=(f"gift_no_change_excess[{index}]",),
                lines=(self.money_line("debit", kind, row.amount, tax, 0, named),
                       Line(side="credit", account=self.accounts.voucher_excess, amount=row.amount, tax=tax,
                            tax_amount=0, **named)),
            )

    def voids(self) -> Iterator[Entry]:
        for index, void in enumerate(self.close.voids):
            if void.amount == 0:
                continue
            context = self.payment_context(void.payment, void.tax, void.payment_item)
            named = dict(
                description=self.name(
                    "void_description",
                    receipt_no=void.receipt_no,
                    original_date=void.original_date.isoformat(),
                    reason=void.reason or "",
                    **context,
                ),
                item=self.name("item", **context),
                section=self.section,
                payment=void.payment,
                payment_label=context["payment_label"],
                payment_item=void.payment_item,
            )
            returned = (self.settings.journal.earlier_day_voids == "sales_return" and bool(void.tax.rate)
                        and void.original_date < self.close.business_date)
            tax_amount = row_tax(void, self.settings.journal.tax_rounding)
            yield Entry(
                kind=EntryKind.void,
                sources=(f"voids[{index}]",),
                receipt_no=void.receipt_no,
                original_date=void.original_date,
                lines=(
                    Line(side="debit", account=self.accounts.sales, amount=void.amount, tax=void.tax,
                         tax_amount=tax_amount, sales_return=returned, **named),
                    self.money_line("credit", void.payment, void.amount, void.tax, tax_amount, named),
                ),
            )

    def cash_movements(self) -> Iterator[Entry]:
        for index, movement in enumerate(self.close.cash_movements):
            if movement.amount == 0:
                continue
            inward = movement.direction == "in"
            booking = self.settings.cash_movements.get(movement.reason) or CashReason(
                account=self.accounts.suspense_received if inward else self.accounts.suspense_paid
            )
            if booking.transfer:
                kind = EntryKind.transfer_in if inward else EntryKind.transfer_out
            else:
                kind = EntryKind.cash_in if inward else EntryKind.cash_out
            named = dict(
                description=self.name(
                    "cash_movement_description", direction=movement.direction, reason=movement.reason
                ),
                section=self.section,
            )
            counter = Line(
                side="credit" if inward else "debit", account=booking.account, amount=movement.amount,
                tax=booking.tax, tax_amount=compute_tax(movement.amount, booking.tax,
                                                        self.settings.journal.tax_rounding), **named,
            )
            cash = Line(side="debit" if inward else "credit", account=self.accounts.cash,
                        amount=movement.amount, tax=TaxCategory.out_of_scope, tax_amount=0, **named)
            yield Entry(kind=kind, sources=(f"cash_movements[{index}]",),
                        lines=(cash, counter) if inward else (counter, cash))

    def cash_difference(self) -> Iterator[Entry]:
        count = self.close.cash_count
        if count is None or count.difference == 0:
            return
        difference = count.difference
        named = dict(
            description=self.name("cash_difference_description", difference=difference),
            section=self.section,
            tax=TaxCategory.out_of_scope,
            tax_amount=0,
            amount=abs(difference),
        )
        cash_side = "debit" if difference > 0 else "credit"
        other_side = "credit" if difference > 0 else "debit"
        other_account = self.accounts.overage if difference > 0 else self.accounts.shortage
        cash = Line(side=cash_side, account=self.accounts.cash, **named)
        other = Line(side=other_side, account=other_account, **named)
        yield Entry(
            kind=EntryKind.overage if difference > 0 else EntryKind.shortage,
            sources=("cash_count",),
            lines=(cash, other) if difference > 0 else (other, cash),
        )

