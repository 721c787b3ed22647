"""The freee target, rule by rule: grouping, payment accounts, voids, the refund rule, cash
movements, over/short, the 100-detail split, masters, the company file, the fiscal period,
settings errors, messages and determinism."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from journalgen_freee import FreeeRequests, deal_bodies
from journalgen_freee import errors as freee_errors
from journalgen_freee.errors import FreeeUnsupportedPaymentAccountError
from test_freee_schema import REPO, SAMPLE_CLOSES, SAMPLE_SETTINGS, assert_valid
from test_i18n import placeholders

from journalgen.build import build
from journalgen.cli import cli
from journalgen.close import CashCount, CashMovement, DailyClose, Sale, Store, Void
from journalgen.errors import JournalgenError, MissingMasterError, OutOfFiscalPeriodError, SettingsError
from journalgen.i18n import translate
from journalgen.inputs import parse_close
from journalgen.journalize import journalize
from journalgen.plugins import installed_targets
from journalgen.settings import CashReason, FiscalPeriod, Settings, load_settings

STORE = Store(code="0001", name="サンプル食堂 本店")
DAY = dt.date(2025, 1, 10)
FREEE = SAMPLE_SETTINGS.target_section("freee")
CASH_WALLET = FREEE["walletables"]["現金"]["id"]
BANK = FREEE["walletables"]["普通預金"]["id"]


def settings_with(freee: dict[str, Any] | None = None, **update: Any) -> Settings:
    """The sample settings, with `[targets.freee]` replaced by `freee` (when given) and other
    top-level fields updated."""
    targets = {**SAMPLE_SETTINGS.targets, "freee": FREEE if freee is None else freee}
    return SAMPLE_SETTINGS.model_copy(update={"targets": targets, **update})


def settings_from(**data: Any) -> Settings:
    """Settings validated from `data` (so `[payments]` accounts follow `[accounts]`), with the
    sample's fiscal period and `[targets.freee]`."""
    return Settings.model_validate({"company": SAMPLE_SETTINGS.company.model_dump(), "targets": {"freee": FREEE},
                                    **data})


def close(**fields: Any) -> DailyClose:
    return DailyClose(business_date=fields.pop("business_date", DAY), store=STORE, **fields)


def bodies(day: DailyClose, settings: Settings = SAMPLE_SETTINGS) -> FreeeRequests:
    requests = deal_bodies(journalize(day, settings, "close.json"), settings)
    assert_valid(requests)
    return requests


def sample(name: str) -> DailyClose:
    path = REPO / "journalgen" / "sample" / "closes" / name
    return parse_close(path.read_text(encoding="utf-8"), str(path))


def by_ref(requests: FreeeRequests) -> dict[str, dict[str, Any]]:
    return {deal["ref_number"]: deal for deal in requests.deals}


def cash_sale(amount: int, tax_amount: int | None = None, tax: str = "standard_10", payment: str = "cash") -> Sale:
    return Sale(payment=payment, tax=tax, amount=amount, tax_amount=tax_amount)


# --- registration and the file -------------------------------------------------------------


def test_freee_is_registered_through_the_entry_point_group():
    installed = {item.target.name: item for item in installed_targets().installed()}
    assert installed["freee"].distribution == "journalgen-freee"


def test_the_file_holds_the_same_bodies_as_the_library_api():
    day = sample("2025-01-10_0001.json")
    data = build(day, SAMPLE_SETTINGS, "freee", "close.json")["freee-deals.json"]
    assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    document = json.loads(data)
    assert list(document) == ["business_date", "store", "company_id", "deals", "transfers", "manual_journals"]
    requests = bodies(day)
    assert document["deals"] == requests.deals and document["transfers"] == requests.transfers
    assert document["manual_journals"] == requests.manual_journals
    assert "サンプル食堂" in data.decode("utf-8")  # Japanese unescaped


# --- sales ---------------------------------------------------------------------------------


def test_cash_is_settled_into_the_cash_wallet_and_each_non_cash_kind_is_its_own_unsettled_deal():
    deals = by_ref(bodies(sample("2025-01-10_0001.json")))
    assert list(deals)[:3] == ["POS-20250110-0001-cash", "POS-20250110-0001-credit", "POS-20250110-0001-qr"]
    cash = deals["POS-20250110-0001-cash"]
    assert cash["type"] == "income"
    assert [(d["tax_code"], d["amount"], d["vat"]) for d in cash["details"]] == [(129, 48400, 4400), (156, 12960, 960)]
    assert {d["item_id"] for d in cash["details"]} == {FREEE["items"]["【POS Regi】現金"]}
    assert {d["section_id"] for d in cash["details"]} == {FREEE["sections"]["0001:サンプル食堂 本店"]}
    assert cash["payments"] == [
        {"amount": 61360, "from_walletable_id": CASH_WALLET, "from_walletable_type": "wallet", "date": "2025-01-10"}
    ]
    credit = deals["POS-20250110-0001-credit"]
    assert "payments" not in credit  # 未決済: freee books 売掛金
    assert [(d["amount"], d["vat"], d["item_id"]) for d in credit["details"]] == [
        (34100, 3100, FREEE["items"]["【POS Regi】クレジット"])
    ]
    assert "payments" not in deals["POS-20250110-0001-qr"]


def test_vat_is_left_out_where_freee_takes_no_tax_and_codes_default_as_documented():
    requests = bodies(close(sales=(cash_sale(1100, 100), cash_sale(2000, tax="non_taxable"),
                                   cash_sale(3000, tax="out_of_scope"), cash_sale(1080, tax="old_8"))))
    details = requests.deals[0]["details"]
    assert [(d["tax_code"], d.get("vat")) for d in details] == [(129, 100), (101, 80), (23, None), (2, None)]


def test_tax_codes_are_overridable():
    freee = {**FREEE, "tax_codes": {"standard_10": 9999}}
    requests = bodies(close(sales=(cash_sale(1100, 100), cash_sale(1080, 80, "reduced_8"))), settings_with(freee))
    assert [d["tax_code"] for d in requests.deals[0]["details"]] == [9999, 156]


def test_per_day_puts_all_sales_in_one_deal_with_the_cash_part_as_partial_payment():
    settings = settings_with({**FREEE, "sales_deals": "per_day"})
    deals = by_ref(bodies(sample("2025-01-10_0001.json"), settings))
    day = deals["POS-20250110-0001-sales"]
    assert sum(d["amount"] for d in day["details"]) == 48400 + 12960 + 34100 + 6760
    assert day["payments"][0]["amount"] == 48400 + 12960


def test_a_payment_kind_booked_to_a_koza_is_settled_from_it_and_one_booked_to_receivable_stays_unsettled():
    settings = settings_from(payments={"credit": {"account": "普通預金"}, "on_account": {"account": "売掛金"}})
    day = close(sales=(cash_sale(1100, 100), cash_sale(2200, 200, payment="credit"),
                       cash_sale(3300, 300, payment="on_account")))
    deals = by_ref(bodies(day, settings))
    assert deals["POS-20250110-0001-cash"]["payments"] == [
        {"amount": 1100, "from_walletable_id": CASH_WALLET, "from_walletable_type": "wallet", "date": "2025-01-10"}]
    assert deals["POS-20250110-0001-credit"]["payments"] == [
        {"amount": 2200, "from_walletable_id": BANK, "from_walletable_type": "bank_account", "date": "2025-01-10"}]
    assert "payments" not in deals["POS-20250110-0001-on_account"]
    per_day = settings_from(payments={"credit": {"account": "普通預金"}},
                            targets={"freee": {**FREEE, "sales_deals": "per_day"}})
    (whole,) = bodies(day, per_day).deals
    assert [(p["from_walletable_id"], p["amount"]) for p in whole["payments"]] == [(CASH_WALLET, 1100), (BANK, 2200)]


def test_the_receivable_account_of_the_settings_leaves_non_cash_kinds_unsettled():
    settings = settings_from(accounts={"receivable": "未収入金"})
    day = close(sales=(cash_sale(2200, 200, payment="credit"),))
    assert {line.account for entry in journalize(day, settings).entries for line in entry.lines} == {"未収入金", "売上高"}
    (credit,) = bodies(day, settings).deals
    assert credit["ref_number"] == "POS-20250110-0001-credit" and "payments" not in credit


def test_a_payment_account_freee_cannot_book_is_refused_naming_the_key_and_how_to_fix_it():
    settings = settings_from(payments={"points": {"account": "販売促進費"}})
    with pytest.raises(FreeeUnsupportedPaymentAccountError) as caught:
        build(close(sales=(cash_sale(1100, 100, payment="points"),)), settings, "freee", "close.json")
    error = caught.value
    assert isinstance(error, SettingsError) and error.code == "FREEE_UNSUPPORTED_PAYMENT_ACCOUNT"
    assert (error.file, error.field, error.value) == ("settings", "payments.points.account", "販売促進費")
    assert "[targets.freee.walletables]" in error.message("en") and "売掛金" in error.message("en")
    assert "販売促進費" in error.message("ja") and "未決済" in error.message("ja")
    assert bodies(close(sales=(cash_sale(1100, 100),)), settings).deals  # a day without points still builds


def test_a_void_is_a_minus_line_in_its_payment_kinds_deal_naming_receipt_and_date():
    deals = by_ref(bodies(sample("2025-01-11_0001.json")))
    cash = deals["POS-20250111-0001-cash"]
    void = cash["details"][-1]
    assert (void["amount"], void["vat"]) == (-1100, -100)
    assert "0000151" in void["description"] and "2025-01-11" in void["description"]
    assert cash["payments"][0]["amount"] == 39600 - 1100


# --- the refund rule -----------------------------------------------------------------------


def journal_lines(manual_journal: dict[str, Any]) -> list[tuple[str, int, int, int, int | None]]:
    """(entry_side, account_item_id, tax_code, amount, vat) of each line of a manual journal."""
    return [(d["entry_side"], d["account_item_id"], d["tax_code"], d["amount"], d.get("vat"))
            for d in manual_journal["details"]]


def test_a_refund_only_day_is_one_manual_journal_per_void_booking_what_the_journal_books():
    requests = bodies(sample("2025-01-14_0001.json"))
    assert requests.deals == []
    (refund,) = requests.manual_journals
    assert journal_lines(refund) == [("debit", FREEE["account_items"]["売上高"], 129, 3300, 300),
                                     ("credit", FREEE["account_items"]["現金"], 2, 3300, None)]
    assert "0000388" in refund["details"][0]["description"]
    assert re.fullmatch(r"POS-[0-9a-f]{16}", refund["ref_number"])


def test_a_group_netting_to_zero_is_an_income_deal_and_a_manual_journal():
    void = Void(receipt_no="0000009", original_date=DAY, payment="cash", tax="standard_10", amount=1100,
                tax_amount=100)
    requests = bodies(close(sales=(cash_sale(1100, 100),), voids=(void,)))
    deals = by_ref(requests)
    assert list(deals) == ["POS-20250110-0001-cash"]
    assert deals["POS-20250110-0001-cash"]["type"] == "income"
    assert deals["POS-20250110-0001-cash"]["payments"][0]["amount"] == 1100
    (refund,) = requests.manual_journals
    assert [line[:2] for line in journal_lines(refund)] == [("debit", FREEE["account_items"]["売上高"]),
                                                            ("credit", FREEE["account_items"]["現金"])]


def test_a_non_cash_refund_credits_the_receivable_as_the_journal_does():
    """Not an unsettled expense deal, which freee would book against 未払金."""
    void = Void(receipt_no="0000123", original_date=dt.date(2025, 1, 9), payment="credit", tax="standard_10",
                amount=5500, tax_amount=500)
    requests = bodies(close(voids=(void,)))
    assert requests.deals == []
    (refund,) = requests.manual_journals
    assert journal_lines(refund) == [("debit", FREEE["account_items"]["売上高"], 129, 5500, 500),
                                     ("credit", FREEE["account_items"]["売掛金"], 2, 5500, None)]


def test_one_deal_per_day_splits_when_the_cash_payment_would_exceed_the_deal():
    """Cash voids of 1,100 against cash sales of 1,000 would pay −100 into the drawer."""
    void = Void(receipt_no="1", original_date=DAY, payment="cash", tax="standard_10", amount=1100, tax_amount=100)
    settings = settings_with({**FREEE, "sales_deals": "per_day"})
    requests = bodies(close(sales=(cash_sale(1000), cash_sale(5000, payment="credit")), voids=(void,),
                            cash_count=None), settings)
    deal = by_ref(requests)["POS-20250110-0001-sales"]
    assert deal["payments"][0]["amount"] == 1000 and sum(d["amount"] for d in deal["details"]) == 6000
    assert [line[0] for line in journal_lines(requests.manual_journals[0])] == ["debit", "credit"]


def test_a_refund_journal_missing_the_receivable_id_says_why_it_is_needed():
    account_items = {name: id_ for name, id_ in FREEE["account_items"].items() if name != "売掛金"}
    void = Void(receipt_no="1", original_date=DAY, payment="credit", tax="standard_10", amount=900)
    with pytest.raises(MissingMasterError) as refused:
        bodies(close(voids=(void,)), settings_with({**FREEE, "account_items": account_items}))
    assert "振替伝票" in refused.value.message("ja") and "manual journal" in refused.value.message("en")


# --- cash movements and over/short ----------------------------------------------------------


def test_cash_movements_are_income_expense_deals_or_transfers():
    movements = (CashMovement(direction="in", reason="釣銭補充", amount=30000),
                 CashMovement(direction="out", reason="消耗品購入", amount=1650),
                 CashMovement(direction="out", reason="雑費立替", amount=800),
                 CashMovement(direction="in", reason="未登録の理由", amount=500),
                 CashMovement(direction="out", reason="売上金入金", amount=100000))
    requests = bodies(close(cash_movements=movements))
    deals = by_ref(requests)
    assert all(re.fullmatch(r"POS-20250110-0001-(in|out)-[0-9a-f]{8}", ref) for ref in deals)
    supplies, unmapped_out, unmapped_in = (deals[f"POS-20250110-0001-{ref}"] for ref in (
        f"out-{entry_key(movements, 1)}", f"out-{entry_key(movements, 2)}", f"in-{entry_key(movements, 3)}"))
    assert supplies["type"] == "expense"
    assert [(d["account_item_id"], d["tax_code"], d["amount"], d["vat"]) for d in supplies["details"]] == [
        (FREEE["account_items"]["消耗品費"], 136, 1650, 150)
    ]
    assert supplies["payments"][0]["from_walletable_id"] == CASH_WALLET
    assert (unmapped_out["details"][0]["account_item_id"], unmapped_out["details"][0]["tax_code"]) == (
        FREEE["account_items"]["仮払金"], 2)
    assert (unmapped_in["type"], unmapped_in["details"][0]["account_item_id"]) == (
        "income", FREEE["account_items"]["仮受金"])
    refill, deposit = requests.transfers
    assert (refill["from_walletable_id"], refill["from_walletable_type"]) == (BANK, "bank_account")
    assert refill["to_walletables"] == [{"type": "wallet", "id": CASH_WALLET, "amount": 30000,
                                         "description": f"POS-20250110-0001-in-{entry_key(movements, 0)} 入金 釣銭補充"}]
    assert (deposit["from_walletable_id"], deposit["to_walletables"][0]["id"]) == (CASH_WALLET, BANK)


def entry_key(movements: tuple[CashMovement, ...], index: int) -> str:
    """The first 8 hex digits of the key of the entry booking `movements[index]`."""
    journal = journalize(close(cash_movements=movements), SAMPLE_SETTINGS)
    (entry,) = (entry for entry in journal.entries if entry.sources == (f"cash_movements[{index}]",))
    return entry.key[:8]


def test_reordering_cash_movements_keeps_each_ones_ref_number():
    movements = (CashMovement(direction="out", reason="消耗品購入", amount=1650),
                 CashMovement(direction="out", reason="雑費立替", amount=800))
    refs = {deal["details"][0]["amount"]: deal["ref_number"] for deal in bodies(close(cash_movements=movements)).deals}
    moved = {deal["details"][0]["amount"]: deal["ref_number"]
             for deal in bodies(close(cash_movements=(CashMovement(direction="in", reason="両替", amount=1),
                                                      *reversed(movements)))).deals}
    assert {amount: moved[amount] for amount in refs} == refs


def test_a_cash_movement_booked_to_a_walletable_account_is_a_transfer_never_a_detail():
    settings = settings_with(cash_movements={"両替": CashReason(account="普通預金")})  # transfer flag forgotten
    requests = bodies(close(cash_movements=(CashMovement(direction="in", reason="両替", amount=5000),)), settings)
    assert requests.deals == [] and requests.transfers[0]["from_walletable_id"] == BANK


def test_shortage_and_overage_are_deals_on_their_accounts_paid_from_and_into_cash():
    (short,) = bodies(close(cash_count=CashCount(expected=1000, counted=900))).deals
    assert (short["ref_number"], short["type"]) == ("POS-20250110-0001-shortage", "expense")
    assert (short["details"][0]["account_item_id"], short["details"][0]["tax_code"]) == (
        FREEE["account_items"]["雑損失"], 2)
    assert "vat" not in short["details"][0] and short["payments"][0]["amount"] == 100
    (over,) = bodies(close(cash_count=CashCount(expected=1000, counted=1050))).deals
    assert (over["type"], over["details"][0]["account_item_id"], over["payments"][0]["amount"]) == (
        "income", FREEE["account_items"]["雑収入"], 50)


# --- the 100-detail limit ------------------------------------------------------------------


def test_a_group_over_100_details_is_split_in_order_and_parts_are_numbered_without_the_total():
    settings = SAMPLE_SETTINGS.model_copy(update={"journal": SAMPLE_SETTINGS.journal.model_copy(
        update={"sales_grouping": "row"})})
    rows = tuple(cash_sale(100 + index) for index in range(250))
    requests = bodies(close(sales=rows), settings)
    assert [(d["ref_number"], len(d["details"])) for d in requests.deals] == [
        ("POS-20250110-0001-cash-1", 100), ("POS-20250110-0001-cash-2", 100), ("POS-20250110-0001-cash-3", 50)]
    assert [d["amount"] for deal in requests.deals for d in deal["details"]] == [row.amount for row in rows]
    for deal in requests.deals:
        assert deal["payments"][0]["amount"] == sum(d["amount"] for d in deal["details"])
    assert bodies(close(sales=rows), settings) == requests


def test_a_part_of_only_voids_becomes_manual_journals():
    voids = tuple(Void(receipt_no=f"{n:07d}", original_date=DAY, payment="cash", tax="standard_10", amount=10)
                  for n in range(150))
    requests = bodies(close(sales=(cash_sale(100000),), voids=voids))
    assert [(d["ref_number"], d["type"], len(d["details"])) for d in requests.deals] == [
        ("POS-20250110-0001-cash-1", "income", 100)]
    assert len(requests.manual_journals) == 51
    assert len({journal["ref_number"] for journal in requests.manual_journals}) == 51


def test_per_day_parts_are_cut_at_payment_kind_boundaries():
    """60 cash, 60 credit and 130 QR rows: cash and credit cannot share a part, QR takes two of
    its own; each part's open balance is one kind."""
    settings = settings_with({**FREEE, "sales_deals": "per_day"}).model_copy(update={
        "journal": SAMPLE_SETTINGS.journal.model_copy(update={"sales_grouping": "row"})})
    rows = (*(cash_sale(100 + n) for n in range(60)), *(cash_sale(200 + n, payment="credit") for n in range(60)),
            *(cash_sale(300 + n, payment="qr") for n in range(130)))
    requests = bodies(close(sales=rows), settings)
    items = {item_id: name for name, item_id in FREEE["items"].items()}
    assert [(deal["ref_number"], len(deal["details"]), {items[d["item_id"]] for d in deal["details"]})
            for deal in requests.deals] == [
        ("POS-20250110-0001-sales-1", 60, {"【POS Regi】現金"}),
        ("POS-20250110-0001-sales-2", 60, {"【POS Regi】クレジット"}),
        ("POS-20250110-0001-sales-3", 100, {"【POS Regi】QR決済"}),
        ("POS-20250110-0001-sales-4", 30, {"【POS Regi】QR決済"})]


# --- masters -------------------------------------------------------------------------------


def test_every_missing_master_is_named_in_one_error_with_where_to_add_it():
    settings = settings_with({"tax_codes": {}})
    day = sample("2025-01-12_0001.json")  # has an 輸出売上 and a bank deposit
    with pytest.raises(MissingMasterError) as caught:
        build(day, settings, "freee", "close.json")
    error = caught.value
    assert error.code == "MISSING_MASTER"
    missing = {(problem.field, problem.value) for problem in error.problems}
    assert missing == {
        ("targets.freee.company_id", "(missing)"),
        ("targets.freee.account_items", "売上高"),
        ("targets.freee.sections", "0001:サンプル食堂 本店"),
        ("targets.freee.walletables", "現金"),
        ("targets.freee.walletables", "普通預金"),
        ("targets.freee.tax_codes", "export"),
        *{("targets.freee.items", f"【POS Regi】{label}") for label in ("現金", "クレジット", "掛売", "未回収")},
    }
    for lang in ("ja", "en"):
        message = error.message(lang)
        assert "[targets.freee.items]" in message and "【POS Regi】掛売" in message
    assert "追加" in error.message("ja")


def test_detail_tags_go_on_every_detail_and_a_missing_tag_is_a_missing_master():
    settings = settings_with({**FREEE, "detail_tags": ["POS Regi"], "tags": {"POS Regi": 91}})
    requests = bodies(sample("2025-01-10_0001.json"), settings)
    assert {tuple(d["tag_ids"]) for deal in requests.deals for d in deal["details"]} == {(91,)}
    with pytest.raises(MissingMasterError) as caught:
        bodies(sample("2025-01-10_0001.json"), settings_with({**FREEE, "detail_tags": ["POS Regi"]}))
    assert [(p.field, p.value) for p in caught.value.problems] == [("targets.freee.tags", "POS Regi")]


# --- the company file ----------------------------------------------------------------------


def company_file(tmp_path: Path, *years: tuple[str, str, bool], company_id: int = 424242) -> Path:
    """A saved GET /api/1/companies/{id}?details=true response with the sample's names."""

    def named(names: list[str], start: int) -> list[dict[str, Any]]:
        return [{"id": start + n, "name": name, "shortcut1": None} for n, name in enumerate(names)]

    company = {
        "id": company_id, "name": "サンプル食堂株式会社", "role": "admin",
        "fiscal_years": [{"id": n + 1, "start_date": start, "end_date": end, "is_closed": closed,
                          "tax_method": 2, "month_end_date": None} for n, (start, end, closed) in enumerate(years)],
        "account_items": named(list(FREEE["account_items"]), 1000) + [
            {"id": 1998 + n, "name": name, "categories": ["資産", "流動資産", "現金・預金"]}
            for n, name in enumerate(["現金", "定期預金"])],
        "items": named(list(FREEE["items"]), 2000),
        "sections": named(list(FREEE["sections"]), 3000),
        "tags": [],
        "walletables": [{"id": 4001, "name": "現金", "type": "wallet"},
                        {"id": 4002, "name": "みずほ銀行", "type": "bank_account"}],
    }
    path = tmp_path / "company.json"
    path.write_text(json.dumps({"company": company}, ensure_ascii=False), encoding="utf-8")
    return path


def company_settings(path: Path, **freee: Any) -> Settings:
    return settings_with({"company_file": str(path), "walletables": {"普通預金": "みずほ銀行"},
                          "purchase_tax_codes": FREEE["purchase_tax_codes"], "tax_codes": FREEE["tax_codes"], **freee})


def test_the_company_file_gives_ids(tmp_path):
    settings = company_settings(company_file(tmp_path, ("2025-01-01", "2025-12-31", False)))
    requests = bodies(sample("2025-01-10_0001.json"), settings)
    cash = requests.deals[0]
    assert cash["company_id"] == 424242 and requests.company_id == 424242
    assert cash["details"][0]["account_item_id"] == 1000 and cash["details"][0]["item_id"] == 2000
    assert cash["details"][0]["section_id"] == 3000 and cash["payments"][0]["from_walletable_id"] == 4001
    assert requests.transfers[0]["from_walletable_id"] == 4002


def test_a_relative_company_file_is_found_beside_the_settings_file(tmp_path, monkeypatch):
    folder = tmp_path / "books"
    folder.mkdir()
    company_file(folder, ("2025-01-01", "2025-12-31", False))
    (folder / "settings.toml").write_text(
        '[company]\nfiscal_period = { start = 2024-01-01, end = 2024-12-31 }\n'
        '[targets.freee]\ncompany_file = "company.json"\n'
        '[targets.freee.walletables]\n"普通預金" = "みずほ銀行"\n'
        '[targets.freee.purchase_tax_codes]\nstandard_10 = 136\nreduced_8 = 163\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = load_settings(Path("books/settings.toml"))
    requests = bodies(sample("2025-01-10_0001.json"), settings)  # the file's open year, not the settings'
    assert requests.company_id == 424242


def test_an_account_the_company_file_files_under_cash_and_deposits_is_never_a_detail(tmp_path):
    """定期預金 is a 現金・預金 勘定科目 in the file but no 口座 is known for it: a cash movement or a
    payment kind booked to it is a missing 口座, never a detail line."""
    path = company_file(tmp_path, ("2025-01-01", "2025-12-31", False))
    settings = company_settings(path).model_copy(update={"cash_movements": {"預入": CashReason(account="定期預金")}})
    deposit = close(cash_movements=(CashMovement(direction="out", reason="預入", amount=5000),))
    with pytest.raises(MissingMasterError) as caught:
        bodies(deposit, settings)
    assert [(p.field, p.value) for p in caught.value.problems] == [("targets.freee.walletables", "定期預金")]
    payments = {**SAMPLE_SETTINGS.payments, "qr": SAMPLE_SETTINGS.payments["qr"].model_copy(
        update={"account": "定期預金"})}
    with pytest.raises(MissingMasterError) as caught:
        bodies(close(sales=(cash_sale(1100, 100, payment="qr"),)), settings.model_copy(update={"payments": payments}))
    assert [(p.field, p.value) for p in caught.value.problems] == [("targets.freee.walletables", "定期預金")]
    known = company_settings(path, walletables={"普通預金": "みずほ銀行", "定期預金": "みずほ銀行"}).model_copy(
        update={"cash_movements": settings.cash_movements})
    requests = bodies(deposit, known)
    assert requests.deals == [] and requests.transfers[0]["to_walletables"][0]["id"] == 4002


def test_a_koza_name_the_company_file_lacks_is_named_in_the_missing_master(tmp_path):
    path = company_file(tmp_path, ("2025-01-01", "2025-12-31", False))
    settings = company_settings(path, walletables={"普通預金": "りそな銀行"})
    with pytest.raises(MissingMasterError) as caught:
        bodies(sample("2025-01-10_0001.json"), settings)  # its 釣銭補充 comes from 普通預金
    (problem,) = caught.value.problems
    assert (problem.field, problem.value) == ("targets.freee.walletables", "普通預金")
    for lang in ("ja", "en"):
        assert "りそな銀行" in caught.value.message(lang) and "普通預金" in caught.value.message(lang)
    assert "walletables.普通預金 (りそな銀行)" in caught.value.message("en")


def test_settings_ids_win_over_the_company_file_and_company_ids_must_agree(tmp_path):
    path = company_file(tmp_path, ("2025-01-01", "2025-12-31", False))
    settings = company_settings(path, items={"【POS Regi】現金": 77})
    assert bodies(sample("2025-01-10_0001.json"), settings).deals[0]["details"][0]["item_id"] == 77
    with pytest.raises(SettingsError) as caught:
        bodies(sample("2025-01-10_0001.json"), company_settings(path, company_id=1))
    assert caught.value.code == "INVALID_SETTINGS" and "424242" in caught.value.message("ja")


def test_an_unreadable_company_file_is_a_settings_error(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"company": {"name": "x"}}', encoding="utf-8")
    for path in (broken, tmp_path / "absent.json"):
        with pytest.raises(SettingsError) as caught:
            bodies(sample("2025-01-10_0001.json"), company_settings(path))
        assert "targets.freee.company_file" in caught.value.message("en")


# --- the fiscal period ---------------------------------------------------------------------


def assert_out_of_period(error: OutOfFiscalPeriodError, date: str, period: str) -> None:
    assert error.code == "OUT_OF_FISCAL_PERIOD"
    for lang in ("ja", "en"):
        message = error.message(lang)
        assert "当年会計期間外" in message and date in message and period in message


def test_a_day_outside_the_settings_period_is_refused_in_ja_and_en():
    settings = SAMPLE_SETTINGS.model_copy(update={"company": SAMPLE_SETTINGS.company.model_copy(
        update={"fiscal_period": FiscalPeriod.parse("2024-04-01..2025-01-09")})})
    with pytest.raises(OutOfFiscalPeriodError) as caught:
        build(sample("2025-01-10_0001.json"), settings, "freee", "close.json")
    assert_out_of_period(caught.value, "2025-01-10", "2024-04-01..2025-01-09")


def assert_closed_year(error: OutOfFiscalPeriodError, date: str, period: str) -> None:
    assert_out_of_period(error, date, period)
    assert "年度締め済み" in error.message("ja") and "closed in freee" in error.message("en")
    assert error.file and all(error.message(lang).startswith(f"{error.file}: ") for lang in ("ja", "en"))


def test_a_day_in_a_closed_year_of_the_company_file_is_refused_naming_that_year(tmp_path):
    path = company_file(tmp_path, ("2024-01-01", "2024-12-31", True), ("2025-01-01", "2025-12-31", False))
    with pytest.raises(OutOfFiscalPeriodError) as caught:
        bodies(close(business_date=dt.date(2024, 12, 30), sales=(cash_sale(1100),)), company_settings(path))
    assert_closed_year(caught.value, "2024-12-30", "2024-01-01..2024-12-31")


def test_the_company_files_years_win_over_the_settings_period(tmp_path):
    """The sample settings say 2025; the company file knows only 2024, still open."""
    path = company_file(tmp_path, ("2024-01-01", "2024-12-31", False))
    with pytest.raises(OutOfFiscalPeriodError) as caught:
        bodies(sample("2025-01-10_0001.json"), company_settings(path))
    assert_out_of_period(caught.value, "2025-01-10", "2024-01-01..2024-12-31")


def test_a_company_file_with_every_year_closed_refuses_every_day(tmp_path):
    path = company_file(tmp_path, ("2024-01-01", "2024-12-31", True))
    with pytest.raises(OutOfFiscalPeriodError) as caught:
        bodies(sample("2025-01-10_0001.json"), company_settings(path))
    assert_out_of_period(caught.value, "2025-01-10", "2024-01-01..2024-12-31 (closed)")


def test_an_explicit_fiscal_period_decides_for_open_and_unknown_years_but_never_reopens_a_closed_one(tmp_path):
    path = company_file(tmp_path, ("2024-01-01", "2024-12-31", True), ("2025-01-01", "2025-12-31", False))
    both = company_settings(path).model_copy(
        update={"fiscal_period_override": FiscalPeriod.parse("2024-01-01..2026-12-31")})
    with pytest.raises(OutOfFiscalPeriodError) as caught:
        bodies(close(business_date=dt.date(2024, 12, 30), sales=(cash_sale(1100),)), both)
    assert_closed_year(caught.value, "2024-12-30", "2024-01-01..2024-12-31")
    assert bodies(sample("2025-01-10_0001.json"), both).deals  # an open year of the file
    assert bodies(close(business_date=dt.date(2026, 1, 5), sales=(cash_sale(1100),)), both).deals  # no year
    later = both.model_copy(update={"fiscal_period_override": FiscalPeriod.parse("2026-01-01..2026-12-31")})
    with pytest.raises(OutOfFiscalPeriodError) as caught:
        bodies(sample("2025-01-10_0001.json"), later)  # open in the file, but not the run's period
    assert_out_of_period(caught.value, "2025-01-10", "2026-01-01..2026-12-31")


# --- options and determinism ---------------------------------------------------------------


def test_an_unknown_freee_setting_is_refused():
    with pytest.raises(SettingsError) as caught:
        build(sample("2025-01-10_0001.json"), settings_with({**FREEE, "company": 1}), "freee", "close.json")
    assert "targets.freee.company" in caught.value.message("en")


@pytest.mark.parametrize(("table", "given", "shown"), [
    ("tax_codes", "{ standard_10 = -129 }", "targets.freee.tax_codes.standard_10 = -129: must not be negative"),
    ("tax_codes", "5", "targets.freee.tax_codes = 5: must be a table"),
    ("purchase_tax_codes", "{ reduced_8 = -163 }", "targets.freee.purchase_tax_codes.reduced_8 = -163"),
])
def test_a_bad_tax_code_setting_stops_the_cli_naming_file_key_and_value(tmp_path, table, given, shown):
    path = tmp_path / "settings.toml"
    path.write_text(f"[targets.freee]\n{table} = {given}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--date", "2025-01-10", "--target", "freee", "--config", str(path),
                                      "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f"[INVALID_SETTINGS] {path}: the settings cannot be used" in result.stderr and shown in result.stderr
    assert not (tmp_path / "out").exists()


def _reason_argument(call: ast.Call) -> ast.expr:
    position = {"settings_error": 3, "Problem": 2}[call.func.id]
    if len(call.args) > position:
        return call.args[position]
    return next(keyword.value for keyword in call.keywords if keyword.arg == "reason")


def test_every_freee_message_has_japanese_with_the_same_placeholders():
    """Reasons are constants of journalgen_freee.errors, never literals elsewhere; each constant
    and each error template there has its Japanese in the plugin's catalog."""
    for path in Path(freee_errors.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("settings_error", "Problem"):
                assert not isinstance(_reason_argument(node), ast.Constant), f"{path.name}:{node.lineno}"
    messages = {value for name, value in vars(freee_errors).items() if name.isupper() and isinstance(value, str)}
    messages |= {error.template for error in vars(freee_errors).values() if isinstance(error, type)
                 and issubclass(error, JournalgenError) and error.__module__ == freee_errors.__name__}
    assert len(messages) > 10
    for message in messages:
        japanese = translate(message, "ja", freee_errors.LOCALE_DIR)
        assert japanese != message and placeholders(japanese) == placeholders(message), message


def test_same_input_gives_the_same_bytes_in_another_process():
    script = (
        "import sys, pathlib\n"
        "from journalgen.build import build\n"
        "from journalgen.inputs import parse_close\n"
        "from journalgen.settings import load_settings\n"
        "settings = load_settings(pathlib.Path(sys.argv[1]))\n"
        "for path in sys.argv[2:]:\n"
        "    close = parse_close(pathlib.Path(path).read_text(encoding='utf-8'), path)\n"
        "    sys.stdout.buffer.write(build(close, settings, 'freee', path)['freee-deals.json'])\n"
    )
    args = [sys.executable, "-c", script, str(REPO / "journalgen" / "sample" / "settings.toml"),
            *map(str, SAMPLE_CLOSES)]
    runs = [subprocess.run(args, capture_output=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")]
    here = b"".join(build(parse_close(p.read_text(encoding="utf-8"), str(p)), SAMPLE_SETTINGS, "freee", str(p))
                    ["freee-deals.json"] for p in SAMPLE_CLOSES)
    assert runs[0] == runs[1] == here
