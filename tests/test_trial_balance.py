"""freee, 弥生 and the neutral journal end with the same books: the same trial balance per account
(and the same taxed amounts and tax per account and tax category), for random closes under
every combination of sales grouping, freee `sales_deals` mode and payment treatments.

freee's bodies are read the way freee books them, written down here from freee's API reference
and not from the renderer: an income deal credits its details (a negative detail debits), its
payments debit their 口座 and the unpaid rest debits 売掛金; an expense deal debits its details,
its payments credit their 口座 and the unpaid rest credits 未払金; a transfer moves money from one
口座 to another; a manual journal books each line on its `entry_side`. The 弥生 file is read back
by the independent reader of tests/test_yayoi_reader.py.

`JOURNALGEN_PROPERTY_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_trial_balance.py` runs
the long version (README, "Run the tests").
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from journalgen_freee import FreeeRequests, deal_bodies
from journalgen_freee.options import DEFAULT_PURCHASE_TAX_CODES, DEFAULT_TAX_CODES
from journalgen_yayoi import plugin as yayoi_plugin
from journalgen_yayoi.options import YayoiOptions
from journalgen_yayoi.records import PURCHASE_KINDS
from strategies import closes
from test_freee_schema import SAMPLE_SETTINGS, assert_valid
from test_yayoi_reader import read_import_file

from journalgen.close import DailyClose, PaymentKind, Store, TaxCategory, VoucherExcess, Void
from journalgen.journal import EntryKind, Journal
from journalgen.journalize import journalize
from journalgen.settings import Settings

EXAMPLES = int(os.environ.get("JOURNALGEN_PROPERTY_EXAMPLES", "300"))
STORE = Store(code="0001", name="サンプル食堂 本店")  # a store the sample settings have a 部門 for
FREEE_RECEIVABLE, FREEE_PAYABLE = "売掛金", "未払金"
"""What freee books the unpaid rest of an income / expense deal to."""

Balances = Counter[Any]
NON_CASH = tuple(kind for kind in PaymentKind if kind is not PaymentKind.cash)
TREATMENTS = ("receivable", "discount", "liability")

REFUND_ONLY_DAY = DailyClose(
    business_date=dt.date(2025, 2, 9), store=STORE,
    voids=(Void(receipt_no="0000388", original_date=dt.date(2025, 2, 8), reason="refund", payment="cash",
                tax="standard_10", amount=3300, tax_amount=300),
           Void(receipt_no="0000391", original_date=dt.date(2025, 2, 8), reason="refund", payment="credit",
                tax="reduced_8", amount=1080, tax_amount=80)),
)
"""tests/cases/refund-only-day: net sales −4,380, a card sale of an earlier day voided."""


SALES_RETURN_CODES = {TaxCategory.standard_10: 143, TaxCategory.reduced_8: 9170, TaxCategory.old_8: 9115}
"""freee's published 課税売返10%, and made-up codes for the 8% ones (as the sample's ids are)."""


PARTNERS = {"カード会社": 901001, "三井住友カード": 901002, "JCB": 901003, "PayPay": 901004}
TERMS = {
    "credit": {"partner": "カード会社", "partners": {"0001": "三井住友カード", "42": "JCB"},
               "due": {"closing_day": 31, "months_later": 1, "day": 15}},
    "qr": {"partner": "PayPay", "due": {"closing_day": 20, "months_later": 1, "day": 31}},
}
"""取引先 and due dates: one per card company for クレジット, one for QR決済."""


DRAWER = "本店レジ"
"""Store 0001's own cash drawer when a variant asks: a freee 口座 (with its own 勘定科目, as freee
keeps one per 口座) and a 弥生 補助科目 of 現金."""


@functools.cache
def variant(grouping: str, sales_deals: str, treatments: tuple[str, ...], voids: str = "sales",
            terms: bool = False, drawer: bool = False) -> Settings:
    """The sample settings with a sales grouping, a freee `sales_deals` mode, a treatment per
    non-cash payment kind (validated, so a treatment's default account applies), a tax category
    for voids of earlier days, (`terms`) 取引先 and due dates, and (`drawer`) store 0001's own
    cash drawer."""
    data = SAMPLE_SETTINGS.model_dump(exclude={"fiscal_period_override"})
    data["journal"]["sales_grouping"] = grouping
    data["journal"]["earlier_day_voids"] = voids
    data["targets"]["freee"] = {**data["targets"]["freee"], "sales_deals": sales_deals,
                                "sales_return_tax_codes": {tax.value: code for tax, code in SALES_RETURN_CODES.items()}}
    data["targets"]["freee"]["account_items"] = {**data["targets"]["freee"]["account_items"],
                                                 "売上値引高": 501009, "前受金": 501010}
    data["payments"] = {kind.value: {"label": booking["label"]} for kind, booking in data["payments"].items()}
    for kind, treatment in zip(NON_CASH, treatments, strict=True):
        if treatment != "receivable":
            data["payments"][kind.value]["treatment"] = treatment
        elif terms and kind.value in TERMS:
            data["payments"][kind.value] |= TERMS[kind.value]
    data["targets"]["freee"]["partners"] = PARTNERS
    if drawer:
        data["stores"] = {STORE.code: {"cash_drawer": DRAWER}}
        data["targets"]["freee"]["walletables"] = {**data["targets"]["freee"]["walletables"],
                                                   DRAWER: {"id": 801003, "type": "wallet"}}
        data["targets"]["freee"]["account_items"][DRAWER] = 501012
    return Settings.model_validate(data)


def journal_books(journal: Journal) -> tuple[Balances, Balances]:
    """The neutral journal's trial balance (debit − credit per account) and its taxed lines
    (amount and tax per account × freee tax code, 対象外 left out)."""
    freee = SAMPLE_SETTINGS.target_section("freee")
    sales_codes = {**DEFAULT_TAX_CODES, **freee.get("tax_codes", {})}
    purchase_codes = {**DEFAULT_PURCHASE_TAX_CODES, **freee.get("purchase_tax_codes", {})}
    balances: Balances = Counter()
    taxed: Balances = Counter()
    for entry, line in journal.lines():
        sign = 1 if line.side == "debit" else -1
        balances[in_drawer(line.account, line.sub_account or "")] += sign * line.amount
        if line.tax is not TaxCategory.out_of_scope:
            codes = purchase_codes if entry.kind in PURCHASE_KINDS else sales_codes
            code = (SALES_RETURN_CODES if line.sales_return else codes)[line.tax]
            taxed[line.account, code, "amount"] += sign * line.amount
            taxed[line.account, code, "tax"] += sign * line.tax_amount
    return balances, taxed


def in_drawer(account: str, sub_account: str) -> str:
    """The trial-balance row of an account: 現金 of a store's own drawer is a row of its own."""
    return f"{account}/{sub_account}" if account == SAMPLE_SETTINGS.accounts.cash and sub_account else account


def freee_books(requests: FreeeRequests, settings: Settings) -> tuple[Balances, Balances]:
    """The same two tables, as freee books the bodies (see the module docstring); the drawer's
    口座 and its 勘定科目 are the drawer's row."""
    freee = settings.target_section("freee")
    cash = settings.accounts.cash
    accounts = {item_id: in_drawer(cash, name) if name == DRAWER else name
                for name, item_id in freee["account_items"].items()}
    wallets = {(wallet["type"], wallet["id"]): in_drawer(cash, name) if name == DRAWER else name
               for name, wallet in freee["walletables"].items()}
    balances: Balances = Counter()
    taxed: Balances = Counter()

    def book(account_item_id: int, code: int, amount: int, vat: int | None, sign: int) -> None:
        account = accounts[account_item_id]
        balances[account] += sign * amount
        if code != DEFAULT_TAX_CODES[TaxCategory.out_of_scope]:
            taxed[account, code, "amount"] += sign * amount
            taxed[account, code, "tax"] += sign * (vat or 0)

    for deal in requests.deals:
        income = deal["type"] == "income"
        detail_sign = -1 if income else 1  # income details are credits
        for detail in deal["details"]:
            book(detail["account_item_id"], detail["tax_code"], detail["amount"], detail.get("vat"), detail_sign)
        paid = 0
        for payment in deal.get("payments", []):
            balances[wallets[payment["from_walletable_type"], payment["from_walletable_id"]]] -= detail_sign * payment["amount"]
            paid += payment["amount"]
        rest = sum(detail["amount"] for detail in deal["details"]) - paid
        balances[FREEE_RECEIVABLE if income else FREEE_PAYABLE] -= detail_sign * rest
    for transfer in requests.transfers:
        balances[wallets[transfer["from_walletable_type"], transfer["from_walletable_id"]]] -= sum(
            to["amount"] for to in transfer["to_walletables"])
        for to in transfer["to_walletables"]:
            balances[wallets[to["type"], to["id"]]] += to["amount"]
    for manual in requests.manual_journals:
        for detail in manual["details"]:
            book(detail["account_item_id"], detail["tax_code"], detail["amount"], detail.get("vat"),
                 1 if detail["entry_side"] == "debit" else -1)
    return balances, taxed


def yayoi_books(journal: Journal, settings: Settings) -> tuple[Balances, Balances]:
    """The trial balance and taxed lines (per account × 弥生 税区分) of the 弥生インポート形式
    file(s), read back by the independent reader, with the journal's taxed lines renamed to
    弥生's 税区分 for comparison."""
    options = YayoiOptions.model_validate(settings.target_section("yayoi"))
    outputs = yayoi_plugin.render(journal, settings, options)
    balances: Balances = Counter()
    taxed: Balances = Counter()
    for name in sorted(outputs):
        if not name.endswith(".csv"):
            continue
        for voucher in read_import_file(outputs[name], settings.fiscal_period_for(STORE.code)):
            for line in voucher.lines:
                for sign, side in ((1, line.debit), (-1, line.credit)):
                    balances[in_drawer(side.account, side.sub_account)] += sign * side.amount
                    if side.tax_category != options.sales_tax_categories[TaxCategory.out_of_scope]:
                        taxed[side.account, side.tax_category, "amount"] += sign * side.amount
                        taxed[side.account, side.tax_category, "tax"] += sign * side.tax_amount
    return balances, taxed


def yayoi_expected(journal: Journal, settings: Settings) -> Balances:
    """The journal's taxed lines under 弥生's 税区分 names."""
    options = YayoiOptions.model_validate(settings.target_section("yayoi"))
    taxed: Balances = Counter()
    for entry, line in journal.lines():
        if line.tax is TaxCategory.out_of_scope:
            continue
        names = options.purchase_tax_categories if entry.kind in PURCHASE_KINDS else options.sales_tax_categories
        names = options.sales_return_tax_categories if line.sales_return else names
        sign = 1 if line.side == "debit" else -1
        taxed[line.account, names[line.tax], "amount"] += sign * line.amount
        taxed[line.account, names[line.tax], "tax"] += sign * line.tax_amount
    return taxed


def nonzero(counter: Balances) -> dict[Any, int]:
    return {key: value for key, value in counter.items() if value}


def assert_same_books(close: DailyClose, settings: Settings) -> None:
    journal = journalize(close.model_copy(update={"store": STORE}), settings, "close.json")
    requests = deal_bodies(journal, settings)
    assert_valid(requests)
    balances, taxed = journal_books(journal)
    freee_balances, freee_taxed = freee_books(requests, settings)
    assert nonzero(freee_balances) == nonzero(balances), "freee's trial balance differs from the journal's"
    assert nonzero(freee_taxed) == nonzero(taxed), "freee's taxed amounts differ from the journal's"
    yayoi_balances, yayoi_taxed = yayoi_books(journal, settings)
    assert nonzero(yayoi_balances) == nonzero(balances), "弥生's trial balance differs from the journal's"
    assert nonzero(yayoi_taxed) == nonzero(yayoi_expected(journal, settings))


excesses = st.lists(st.builds(VoucherExcess, amount=st.integers(0, 5000)), max_size=2).map(tuple)
closes_with_excess = st.builds(lambda close, excess: close.model_copy(update={"gift_no_change_excess": excess}),
                               closes(max_rows=8), excesses)
variants = st.tuples(st.sampled_from(["tax_payment", "payment_item", "row"]),
                     st.sampled_from(["per_payment_kind", "per_day"]),
                     st.tuples(*(st.sampled_from(TREATMENTS) for _ in NON_CASH)),
                     st.sampled_from(["sales", "sales_return"]),
                     st.booleans(), st.booleans())
PLAIN = ("tax_payment", "per_payment_kind", ("receivable",) * len(NON_CASH), "sales", False, False)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(close=closes_with_excess, chosen=variants)
@example(close=REFUND_ONLY_DAY, chosen=PLAIN)
@example(close=REFUND_ONLY_DAY, chosen=("tax_payment", "per_day", PLAIN[2], "sales_return", True, True))
def test_freee_and_yayoi_book_the_journal_to_the_yen(close: DailyClose,
                                                     chosen: tuple[str, str, tuple[str, ...], str, bool, bool]):
    assert_same_books(close, variant(*chosen))


def test_the_freee_reading_catches_an_unsettled_expense_refund():
    """The refund-only day as the freee target rendered it before: an unsettled expense deal on
    売上高, which freee books against 未払金 while the journal credits 売掛金."""
    settings = variant(*PLAIN)
    freee = settings.target_section("freee")
    journal = journalize(REFUND_ONLY_DAY, settings, "close.json")
    before = FreeeRequests(company_id=1, transfers=[], manual_journals=[], deals=[
        {"type": "expense", "details": [{"account_item_id": freee["account_items"]["売上高"], "tax_code": 129,
                                         "amount": 3300, "vat": 300}],
         "payments": [{"amount": 3300, "from_walletable_id": freee["walletables"]["現金"]["id"],
                       "from_walletable_type": "wallet"}]},
        {"type": "expense", "details": [{"account_item_id": freee["account_items"]["売上高"], "tax_code": 156,
                                         "amount": 1080, "vat": 80}]}])
    balances, _ = freee_books(before, settings)
    expected, _ = journal_books(journal)
    assert nonzero(balances) != nonzero(expected)
    assert (balances[FREEE_PAYABLE], balances[FREEE_RECEIVABLE]) == (-1080, 0)
    assert expected["売掛金"] == -1080


@pytest.mark.parametrize("treatment", ["discount", "liability"])
def test_a_points_day_books_the_same_under_each_treatment(treatment: str):
    """A named example of the property: points are not taxable sales under `discount`."""
    treatments = tuple(treatment if kind is PaymentKind.points else "receivable" for kind in NON_CASH)
    settings = variant("tax_payment", "per_payment_kind", treatments, "sales")
    close = DailyClose(business_date=dt.date(2025, 3, 1), store=STORE, sales=(
        {"payment": "points", "tax": "standard_10", "amount": 1100, "tax_amount": 100},))
    assert_same_books(close, settings)
    balances, taxed = journal_books(journalize(close, settings))
    if treatment == "discount":
        assert sum(value for (_, code, what), value in taxed.items() if code == 129 and what == "tax") == 0
        assert balances["売上値引高"] == 1100
    else:
        assert balances["前受金"] == 1100


def test_voids_of_earlier_days_take_the_sales_return_categories_when_asked():
    """The refund-only day under `earlier_day_voids = "sales_return"`: freee 143 / 課税売返込10%
    on the 10% void, and still the same books in every target."""
    settings = variant("tax_payment", "per_payment_kind", PLAIN[2], "sales_return")
    assert_same_books(REFUND_ONLY_DAY, settings)
    journal = journalize(REFUND_ONLY_DAY, settings)
    _, taxed = journal_books(journal)
    assert taxed["売上高", 143, "amount"] == 3300 and taxed["売上高", 143, "tax"] == 300
    assert yayoi_books(journal, settings)[1]["売上高", "課税売返込10%", "amount"] == 3300


def test_unsettled_card_sales_name_their_card_company_and_due_date():
    """Each card company's sales are a deal of their own with its partner_id and 支払期日 (month-end
    closing, paid the 15th of the next month); 弥生 writes the 取引先 as 補助科目 and the 期日."""
    settings = variant(*PLAIN[:4], True, False)
    visa = {"id": "0001", "name": "Visa"}
    close = DailyClose(business_date=dt.date(2025, 3, 10), store=STORE, sales=(
        {"payment": "credit", "payment_item": visa, "tax": "standard_10", "amount": 1100, "tax_amount": 100},
        {"payment": "credit", "payment_item": {"id": "42", "name": "JCB"}, "tax": "standard_10", "amount": 2200},
        {"payment": "credit", "tax": "standard_10", "amount": 3300}))
    assert_same_books(close, settings)
    journal = journalize(close, settings)
    deals = {deal["ref_number"]: deal for deal in deal_bodies(journal, settings).deals}
    assert {ref: (deal["partner_id"], deal["due_date"]) for ref, deal in deals.items()} == {
        "POS-20250310-0001-credit-JCB": (PARTNERS["JCB"], "2025-04-15"),
        "POS-20250310-0001-credit-カード会社": (PARTNERS["カード会社"], "2025-04-15"),
        "POS-20250310-0001-credit-三井住友カード": (PARTNERS["三井住友カード"], "2025-04-15")}
    options = YayoiOptions.model_validate(settings.target_section("yayoi"))
    (data,) = (data for name, data in yayoi_plugin.render(journal, settings, options).items() if name.endswith(".csv"))
    lines = [line for voucher in read_import_file(data) for line in voucher.lines]
    assert sorted((line.debit.sub_account, line.cells["期日"]) for line in lines) == [
        ("JCB", "2025/04/15"), ("カード会社", "2025/04/15"), ("三井住友カード", "2025/04/15")]


def test_a_store_with_its_own_drawer_books_its_cash_there():
    """Store 0001's cash sales, refund, paid-out and shortage go through its own 口座 in freee and
    its 補助科目 of 現金 in 弥生; the company's 現金 is untouched."""
    settings = variant(*PLAIN[:5], True)
    close = DailyClose.model_validate({
        **REFUND_ONLY_DAY.model_dump(),
        "sales": ({"payment": "cash", "tax": "standard_10", "amount": 5500, "tax_amount": 500},),
        "cash_movements": ({"direction": "out", "reason": "消耗品購入", "amount": 1100},
                           {"direction": "in", "reason": "釣銭補充", "amount": 10000}),
        "cash_count": {"expected": 1000, "counted": 900}})
    assert_same_books(close, settings)
    journal = journalize(close, settings)
    balances, _ = journal_books(journal)
    assert balances["現金"] == 0 and balances[f"現金/{DRAWER}"] == 5500 - 3300 - 1100 + 10000 - 100
    requests = deal_bodies(journal, settings)
    drawer_id = settings.target_section("freee")["walletables"][DRAWER]["id"]
    assert {payment["from_walletable_id"] for deal in requests.deals for payment in deal.get("payments", [])} == {
        drawer_id}
    assert requests.transfers[0]["to_walletables"][0]["id"] == drawer_id
