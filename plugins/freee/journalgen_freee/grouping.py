"""How one store-day's journal becomes freee deals, transfers and manual journals (before any
id is looked up). freee must book exactly what the neutral journal books (docs/accounting.md).

- Sales and voids of `receivable` payment kinds go into sales deals: by default one per payment
  kind and 取引先 (the deal's `partner_id`, with the `due_date` of its unsettled rest), or with `sales_deals = "per_day"` one for the whole day. A void is a negative detail
  (控除・マイナス行) in its payment kind's deal.
- The account a payment kind's sales are debited to (`[payments.KIND] account`) decides how the
  deal is settled: the cash account or another freee 口座 ⇒ a payment into that 口座; the
  receivable account ⇒ no payment (未決済, freee books 売掛金); any other account cannot be said
  in a freee deal and is refused (FREEE_UNSUPPORTED_PAYMENT_ACCOUNT).
- A deal holds at most 100 details: a larger group is cut into parts at payment-kind boundaries
  (whole kinds packed together in kind order; a kind of more than 100 gets parts of its own), each
  part carrying the payment of its own details.
- Refund rule: a part that would total 0 yen or less, or whose payment into a 口座 would be
  negative or larger than the deal, keeps its sales as an income deal, and each of its voids
  becomes a manual journal (振替伝票) of the void's own two lines — 売上高 debited, the payment
  account credited — which is exactly what the journal books.
- Sales of `discount` and `liability` payment kinds (売上値引高, 前受金 …) are manual journals too,
  one per entry: a deal can only settle into a 口座 or leave 売掛金 open.
- Cash in/out to an account is an income/expense deal paid into/out of 現金; to a 口座 (a bank
  account, or any account freee keeps as 現金・預金) it is a transfer.
- Over/short is an expense deal on the shortage account or an income deal on the overage
  account, paid out of/into 現金.

`ref_number` is `{prefix}-{YYYYMMDD}-{store}-{group}` (the group is `sales`, or the payment kind
followed by `-{取引先}` when the kind names one; `-{n}` for the n-th part of a group cut into parts), `-in-`/`-out-` + 8 hex digits of the entry's stable key for a cash movement; a manual
journal's is `{prefix}-{entry key}`, cut to freee's 20 characters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from journalgen.close import PAYMENT_ORDER, PaymentKind
from journalgen.journal import Entry, EntryKind, Journal, Line
from journalgen.settings import Settings
from journalgen_freee.errors import unsupported_payment_account

MAX_DETAILS = 100
"""freee's limit of details per deal (dealCreateParams.details: 最大100行)."""

MAX_REF = 20
"""freee's limit of a manual journal's ref_number (manualJournalCreateParams: 20文字以内)."""

DealType = Literal["income", "expense"]


class Detail(NamedTuple):
    """One detail line: the neutral line booked in it, the entry it comes from, the entry's other
    line (`money`: the money side, with its 取引先 and due date), +1 or -1 (控除・マイナス行), and
    `wallet`, the account of the 口座 its money moves through (現金, a bank …), None when 未決済.
    A tuple: one per sale, it builds in a third of a frozen dataclass's time."""

    line: Line
    entry: Entry
    money: Line
    sign: int
    wallet: str | None = None

    @property
    def amount(self) -> int:
        """The detail's signed amount: negative for a 控除・マイナス行."""
        return self.sign * self.line.amount


Payments = tuple[tuple[str, int], ...]
"""(口座 account, yen) pairs, in the order the deal's details first name each 口座."""


@dataclass(frozen=True, slots=True)
class DealDraft:
    """A deal before ids: each of `payments` goes into (income) or out of (expense) its 口座;
    none ⇒ 未決済. `purchase` says the details take purchase-side tax codes (money paid out
    for a cost)."""

    ref: str
    type: DealType
    details: tuple[Detail, ...]
    payments: Payments
    purchase: bool = False

    @property
    def open_terms(self) -> tuple[str | None, dt.date | None]:
        """The 取引先 and due date of the deal's unsettled rest, when its unsettled details share
        one (else None: freee takes one 取引先 and one 支払期日 per deal)."""
        terms = {(detail.money.partner, detail.money.due_date) for detail in self.details if detail.wallet is None}
        return terms.pop() if len(terms) == 1 else (None, None)


@dataclass(frozen=True, slots=True)
class TransferDraft:
    """Money moved between the register's 現金 and another 口座."""

    ref: str
    from_account: str
    to_account: str
    amount: int
    description: str


@dataclass(frozen=True, slots=True)
class JournalDraft:
    """A manual journal (振替伝票) booking one journal entry's lines as they are."""

    ref: str
    entry: Entry


Draft = DealDraft | TransferDraft | JournalDraft


def ref_base(journal: Journal, prefix: str) -> str:
    """`{prefix}-{YYYYMMDD}-{store}`: the part of every deal's ref_number fixed by the store-day."""
    return f"{prefix}-{journal.business_date:%Y%m%d}-{journal.store.code}"


def journal_ref(prefix: str, entry: Entry) -> str:
    """A manual journal's ref_number: the prefix and the entry's stable key, in 20 characters.
    freee filters manual journals by ref_number, so a connector can look one up before posting."""
    return f"{prefix}-{entry.key}"[:MAX_REF]


def sales_drafts(
    journal: Journal, settings: Settings, per_day: bool, is_walletable: Callable[[str], bool], prefix: str
) -> Iterator[Draft]:
    """The sales deals of the day, grouped, cut into parts and refund-split as the module says,
    then the manual journals of `discount` and `liability` sales."""
    base = ref_base(journal, prefix)
    groups: dict[tuple[int, str], list[Detail]] = {}  # (kind order, ref suffix): per kind and 取引先, or one
    journals: list[JournalDraft] = []
    for entry in journal.entries:
        if entry.kind not in (EntryKind.sale, EntryKind.void):
            continue
        sale = entry.kind is EntryKind.sale
        booked = next(line for line in entry.lines if line.side == ("credit" if sale else "debit"))
        money = next(line for line in entry.lines if line is not booked)
        if settings.payments[booked.payment].treatment != "receivable":
            journals.append(JournalDraft(ref=journal_ref(prefix, entry), entry=entry))
            continue
        if per_day:
            group = (-1, "sales")
        else:
            group = (PAYMENT_ORDER[booked.payment], booked.payment + (f"-{money.partner}" if money.partner else ""))
        wallet = _payment_wallet(money, settings, is_walletable)
        groups.setdefault(group, []).append(Detail(booked, entry, money, 1 if sale else -1, wallet))
    for (_, name), details in sorted(groups.items()):
        parts = _parts(details)
        for number, part in enumerate(parts, 1):
            ref = f"{base}-{name}" + (f"-{number}" if len(parts) > 1 else "")
            yield from _income_or_split(ref, part, prefix)
    yield from journals


def _parts(details: list[Detail]) -> list[tuple[Detail, ...]]:
    """`details` as they are when they fit one deal; else cut at payment-kind boundaries: whole
    kinds packed into parts of at most 100 in kind order, a kind of more than 100 in parts of its
    own, so each part's open balance is kinds a person clears whole."""
    if len(details) <= MAX_DETAILS:
        return [tuple(details)]
    kinds: dict[PaymentKind, list[Detail]] = {}
    for detail in details:
        kinds.setdefault(detail.line.payment, []).append(detail)
    parts: list[tuple[Detail, ...]] = []
    current: list[Detail] = []
    for kind in sorted(kinds, key=PAYMENT_ORDER.__getitem__):
        these = kinds[kind]
        if len(current) + len(these) <= MAX_DETAILS:
            current += these
            continue
        if current:
            parts.append(tuple(current))
        if len(these) > MAX_DETAILS:
            parts += [tuple(these[start:start + MAX_DETAILS]) for start in range(0, len(these), MAX_DETAILS)]
            current = []
        else:
            current = list(these)
    if current:
        parts.append(tuple(current))
    return parts


def _payment_wallet(money: Line, settings: Settings, is_walletable: Callable[[str], bool]) -> str | None:
    """The 口座 account a sale's money goes into, None for 未決済; refuses any other account."""
    account, accounts = money.account, settings.accounts
    if account == accounts.cash:
        return money.sub_account or account  # the store's own drawer, when it has one
    if is_walletable(account):
        return account
    if account == accounts.receivable:
        return None
    raise unsupported_payment_account(settings.file_name, money.payment.value, account, accounts.cash,
                                      accounts.receivable)


def _payments(details: tuple[Detail, ...]) -> Payments:
    paid: dict[str, int] = {}
    for detail in details:
        if detail.wallet is not None:
            paid[detail.wallet] = paid.get(detail.wallet, 0) + detail.amount
    return tuple((wallet, amount) for wallet, amount in paid.items() if amount)


def _income_or_split(ref: str, details: tuple[Detail, ...], prefix: str) -> Iterator[Draft]:
    total, payments = sum(detail.amount for detail in details), _payments(details)
    if total > 0 and all(amount > 0 for _, amount in payments) and sum(amount for _, amount in payments) <= total:
        yield DealDraft(ref=ref, type="income", details=details, payments=payments)
        return
    sales = tuple(detail for detail in details if detail.sign > 0)
    if sales:
        yield DealDraft(ref=ref, type="income", details=sales, payments=_payments(sales))
    for detail in details:
        if detail.sign < 0:
            yield JournalDraft(ref=journal_ref(prefix, detail.entry), entry=detail.entry)


def other_drafts(
    journal: Journal, settings: Settings, is_walletable: Callable[[str], bool], prefix: str
) -> Iterator[DealDraft | TransferDraft]:
    """Cash in/out and over/short, one deal or transfer per entry, in journal order. A cash
    movement's ref_number ends with its entry's key, so it names the same movement however the
    rows are ordered."""
    base = ref_base(journal, prefix)
    for entry in journal.entries:
        if entry.kind in (EntryKind.sale, EntryKind.void):
            continue
        inward = entry.kind in (EntryKind.cash_in, EntryKind.transfer_in, EntryKind.overage)
        other = next(line for line in entry.lines if line.side != ("debit" if inward else "credit"))
        drawer = next(line for line in entry.lines if line is not other)
        cash = drawer.sub_account or settings.accounts.cash  # the 口座 of the store's drawer
        if entry.kind in (EntryKind.shortage, EntryKind.overage):
            yield DealDraft(ref=f"{base}-{entry.kind.value}", type="income" if inward else "expense",
                            details=(Detail(other, entry, drawer, 1),), payments=((cash, entry.amount),),
                            purchase=not inward)
            continue
        ref = f"{base}-{'in' if inward else 'out'}-{entry.key[:8]}"
        if entry.kind in (EntryKind.transfer_in, EntryKind.transfer_out) or is_walletable(other.account):
            yield TransferDraft(ref=ref, from_account=other.account if inward else cash,
                                to_account=cash if inward else other.account, amount=entry.amount,
                                description=other.description)
        else:
            yield DealDraft(ref=ref, type="income" if inward else "expense",
                            details=(Detail(other, entry, drawer, 1),), payments=((cash, entry.amount),),
                            purchase=not inward)
