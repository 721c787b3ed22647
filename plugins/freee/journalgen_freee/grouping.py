"""How one store-day's journal becomes freee deals and transfers (before any id is looked up).

- Sales and voids go into sales deals: by default one per payment kind, or with
  `sales_deals = "per_day"` one for the whole day. A void is a negative detail (控除・マイナス行)
  in its payment kind's deal.
- The account a payment kind's sales are debited to (`[payments.KIND] account`) decides how the
  deal is settled: the cash account or another freee 口座 ⇒ a payment into that 口座; the
  receivable account ⇒ no payment (未決済, freee books 売掛金); any other account cannot be said
  in a freee deal and is refused (FREEE_UNSUPPORTED_PAYMENT_ACCOUNT).
- A deal holds at most 100 details: a group is cut into parts of 100 in journal order, each
  part carrying the payment of its own details.
- Refund rule: a part that would total 0 yen or less, or whose payment into a 口座 would be
  negative or larger than the deal, is booked as two deals instead — its sales as an income
  deal and its voids as an expense deal (`-refund`) on 売上高 with positive amounts, paid out of
  the 口座 (nothing for 未決済 kinds).
- Cash in/out to an account is an income/expense deal paid into/out of 現金; to a 口座 (a bank
  account, or any account freee keeps as 現金・預金) it is a transfer.
- Over/short is an expense deal on the shortage account or an income deal on the overage
  account, paid out of/into 現金.

`ref_number` is `{prefix}-{YYYYMMDD}-{store}-{group}`, `-{i}/{n}` when a group is cut into
parts, `-refund` for the refund half of a part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Literal

from journalgen.close import PaymentKind
from journalgen.journal import Entry, EntryKind, Journal, Line
from journalgen.settings import Settings
from journalgen_freee.errors import unsupported_payment_account

MAX_DETAILS = 100
"""freee's limit of details per deal (dealCreateParams.details: 最大100行)."""

DealType = Literal["income", "expense"]
_GROUP_ORDER = {"sales": -1} | {kind.value: index for index, kind in enumerate(PaymentKind)}


@dataclass(frozen=True, slots=True)
class Detail:
    """One detail line: the neutral line booked in it, +1 or -1 (控除・マイナス行), and `wallet`,
    the account of the 口座 its money moves through (現金, a bank …), None when 未決済."""

    line: Line
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


@dataclass(frozen=True, slots=True)
class TransferDraft:
    """Money moved between the register's 現金 and another 口座."""

    ref: str
    from_account: str
    to_account: str
    amount: int
    description: str


def ref_base(journal: Journal, prefix: str) -> str:
    """`{prefix}-{YYYYMMDD}-{store}`: the part of every ref_number fixed by the store-day."""
    return f"{prefix}-{journal.business_date:%Y%m%d}-{journal.store.code}"


def sales_drafts(
    journal: Journal, settings: Settings, per_day: bool, is_walletable: Callable[[str], bool], base: str
) -> Iterator[DealDraft]:
    """The sales deals of the day, grouped, cut into parts and refund-split as the module says."""
    groups: dict[str, list[Detail]] = {}  # by payment kind in PaymentKind order, or one "sales"
    for entry in journal.entries:
        if entry.kind not in (EntryKind.sale, EntryKind.void):
            continue
        sale = entry.kind is EntryKind.sale
        booked = next(line for line in entry.lines if line.side == ("credit" if sale else "debit"))
        money = next(line for line in entry.lines if line is not booked)
        group = "sales" if per_day else booked.payment.value
        wallet = _payment_wallet(money, settings, is_walletable)
        groups.setdefault(group, []).append(Detail(line=booked, sign=1 if sale else -1, wallet=wallet))
    for group, details in sorted(groups.items(), key=lambda item: _GROUP_ORDER[item[0]]):
        parts = [details[start:start + MAX_DETAILS] for start in range(0, len(details), MAX_DETAILS)]
        for number, part in enumerate(parts, 1):
            ref = f"{base}-{group}" + (f"-{number}/{len(parts)}" if len(parts) > 1 else "")
            yield from _income_or_split(ref, tuple(part))


def _payment_wallet(money: Line, settings: Settings, is_walletable: Callable[[str], bool]) -> str | None:
    """The 口座 account a sale's money goes into, None for 未決済; refuses any other account."""
    account, accounts = money.account, settings.accounts
    if account == accounts.cash or is_walletable(account):
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


def _income_or_split(ref: str, details: tuple[Detail, ...]) -> Iterator[DealDraft]:
    total, payments = sum(detail.amount for detail in details), _payments(details)
    if total > 0 and all(amount > 0 for _, amount in payments) and sum(amount for _, amount in payments) <= total:
        yield DealDraft(ref=ref, type="income", details=details, payments=payments)
        return
    sales = tuple(detail for detail in details if detail.sign > 0)
    refunds = tuple(replace(detail, sign=1) for detail in details if detail.sign < 0)
    if sales:
        yield DealDraft(ref=ref, type="income", details=sales, payments=_payments(sales))
    if refunds:
        yield DealDraft(ref=f"{ref}-refund", type="expense", details=refunds, payments=_payments(refunds))


def _movement_number(entry: Entry) -> int:
    """The 1-based row of `cash_movements` that `entry` books. The core names an entry's input
    rows in `sources` as `cash_movements[N]` (0-based); this is the one place reading that form."""
    return int(entry.sources[0].removeprefix("cash_movements[").removesuffix("]")) + 1


def other_drafts(
    journal: Journal, settings: Settings, is_walletable: Callable[[str], bool], base: str
) -> Iterator[DealDraft | TransferDraft]:
    """Cash in/out and over/short, one deal or transfer per entry, in journal order."""
    cash = settings.accounts.cash
    for entry in journal.entries:
        if entry.kind in (EntryKind.sale, EntryKind.void):
            continue
        inward = entry.kind in (EntryKind.cash_in, EntryKind.transfer_in, EntryKind.overage)
        other = next(line for line in entry.lines if line.side != ("debit" if inward else "credit"))
        if entry.kind in (EntryKind.shortage, EntryKind.overage):
            yield DealDraft(ref=f"{base}-{entry.kind.value}", type="income" if inward else "expense",
                            details=(Detail(other, 1),), payments=((cash, entry.amount),), purchase=not inward)
            continue
        ref = f"{base}-{'in' if inward else 'out'}-{_movement_number(entry)}"
        if entry.kind in (EntryKind.transfer_in, EntryKind.transfer_out) or is_walletable(other.account):
            yield TransferDraft(ref=ref, from_account=other.account if inward else cash,
                                to_account=cash if inward else other.account, amount=entry.amount,
                                description=other.description)
        else:
            yield DealDraft(ref=ref, type="income" if inward else "expense", details=(Detail(other, 1),),
                            payments=((cash, entry.amount),), purchase=not inward)

