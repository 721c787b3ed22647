"""The review page (`journalgen review`): what it shows, checked against the journal, and the
command. The page in a real headless Chromium is tested in test_review_browser.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import webbrowser
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from journalgen.build import render
from journalgen.cli import cli
from journalgen.close import DailyClose
from journalgen.i18n import format_yen, translate
from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, parse_close, read_closes
from journalgen.journal import EntryKind, Journal
from journalgen.journalize import journalize
from journalgen.reconcile import reconcile
from journalgen.review import ENTRY_KIND_LABELS, period_holding, review_page
from journalgen.settings import BuildOptions, CashReason, FiscalPeriod, Settings, load_settings
from journalgen.warnings import day_warnings
from tests.test_freee import company_file, company_settings

SAMPLE_DAY = "2025-01-11"
"""The sample day with the most to review: voids, an unregistered reason, a cash overage."""
CASES_DIR = Path(__file__).parent / "cases"
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# --- a small DOM, enough to find elements by their data- attributes ------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    nodes: list[Element | str] = field(default_factory=list)
    """Children and text in page order."""

    @property
    def text(self) -> str:
        """All text inside the element, whitespace collapsed."""
        return " ".join("".join(self._texts()).split())

    def _texts(self):
        for node in self.nodes:
            yield from [node] if isinstance(node, str) else node._texts()

    def find_all(self, **attrs: str | None) -> list[Element]:
        """Descendants having every attribute given (value None: any value), in page order."""
        found = []
        for child in self.children:
            if all(name in child.attrs and value in (None, child.attrs[name]) for name, value in attrs.items()):
                found.append(child)
            found += child.find_all(**attrs)
        return found

    def by_tag(self, tag: str) -> list[Element]:
        """Descendants that are `<tag>` elements, in page order."""
        return [child for child in self.children if child.tag == tag] + [
            found for child in self.children for found in child.by_tag(tag)]

    def one(self, **attrs: str | None) -> Element:
        [element] = self.find_all(**attrs)
        return element


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name.replace("-", "_").replace("class", "class_"): value or ""
                                for name, value in attrs})
        self.stack[-1].children.append(element)
        self.stack[-1].nodes.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].parts.append(data)
        self.stack[-1].nodes.append(data)


def parse(html: str) -> Element:
    """The page as a tree; attribute names have `-` turned into `_` (data-yen → data_yen)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def yen_cell(element: Element) -> int:
    """The integer in a cell's data-yen, after checking the cell shows that amount as text."""
    amount = int(element.attrs["data_yen"])
    assert element.text == format_yen(amount), f"cell shows {element.text!r} for {amount} yen"
    return amount


# --- the days the tests look at -----------------------------------------------------------------


def sample(close_file: str = f"{SAMPLE_DAY}_0001.json") -> tuple[Journal, Settings]:
    settings = load_settings(SAMPLE_SETTINGS)
    [loaded] = read_closes(SAMPLE_CLOSES / close_file)
    return journalize(loaded.close, settings, loaded.source), settings


def close_of_case(case: str) -> DailyClose:
    [loaded] = read_closes(CASES_DIR / case / "close.json")
    return loaded.close


def case_day(case: str) -> tuple[Journal, Settings]:
    settings = load_settings(SAMPLE_SETTINGS)
    return journalize(close_of_case(case), settings, f"{case}.json"), settings


def busy_day() -> tuple[Journal, Settings]:
    """A busy real-looking day: 43 sales rows over every payment kind and 14 支払科目, five tax
    categories, voids of this and earlier days, five cash movements (two unregistered), a
    shortage, one line per 支払科目, and a store name long enough to wrap. 弥生 cuts the long
    部門 (`overlong = "truncate"`) and freee has the store's section, so no target refuses it."""
    text = BUSY_DAY.read_text(encoding="utf-8").replace("サンプル食堂 本店", LONG_STORE_NAME)
    close = parse_close(text, BUSY_DAY.name)
    sample_settings = load_settings(SAMPLE_SETTINGS)
    freee = sample_settings.targets["freee"]
    settings = sample_settings.model_copy(update={
        "journal": sample_settings.journal.model_copy(update={"sales_grouping": "payment_item"}),
        "targets": {**sample_settings.targets,
                    "freee": {**freee, "sections": {**freee["sections"], f"0001:{LONG_STORE_NAME}": 701009}},
                    "yayoi": {**sample_settings.targets["yayoi"], "overlong": "truncate"}},
    })
    return journalize(close, settings, BUSY_DAY.name), settings


BUSY_DAY = Path(__file__).parent / "review" / "busy-day.json"
LONG_STORE_NAME = "サンプル食堂 中央駅前ショッピングモール三階レストラン街 本店"
DAYS = {
    "busy": busy_day,
    "sample": sample,
    "refund-only": lambda: case_day("refund-only-day"),
    "refused": lambda: case_day("outside-fiscal-period"),
    "every-payment-kind": lambda: case_day("every-payment-kind"),
    "zero-sales": lambda: case_day("zero-sales"),
    "shortage": lambda: case_day("cash-shortage"),
}
"""Days whose page must tell their story right, by name."""


# --- what the page must show, checked the same way for the plain page and the browser's DOM ----


def assert_totals_match(page: Element, journal: Journal) -> None:
    """Net sales, Σdebit = Σcredit, the totals per account × tax and every reconciliation row
    shown on the page equal the journal's."""
    assert yen_cell(page.one(data_total="net-sales")) == journal.net_sales()
    lines = [line for _, line in journal.lines()]
    debit = sum(line.amount for line in lines if line.side == "debit")
    assert debit == sum(line.amount for line in lines if line.side == "credit")
    if journal.entries:
        assert yen_cell(page.one(data_total="debit")) == debit
        assert yen_cell(page.one(data_total="credit")) == debit

    expected: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"debit": 0, "credit": 0, "debit tax": 0, "credit tax": 0})
    for line in lines:
        expected[(line.account, line.tax.value)][line.side] += line.amount
        expected[(line.account, line.tax.value)][f"{line.side} tax"] += line.tax_amount
    shown = {
        (row.attrs["data_account"], row.attrs["data_tax"]): {
            **{side: yen_cell(row.one(data_side=side)) for side in ("debit", "credit")},
            **{f"{side} tax": yen_cell(row.one(data_tax_side=side)) for side in ("debit", "credit")},
        }
        for row in page.find_all(data_account=None)
    }
    assert shown == expected

    rows = reconcile(journal)
    shown_rows = page.find_all(data_reconcile=None)
    assert [row.attrs["data_reconcile"] for row in shown_rows] == [row.what for row in rows]
    for row, element in zip(rows, shown_rows, strict=True):
        assert yen_cell(element.one(data_column="register")) == row.register
        assert yen_cell(element.one(data_column="journal")) == row.journal
        assert yen_cell(element.one(data_column="difference")) == 0
        assert element.text.endswith("✓ " + translate("agrees", page.by_tag("html")[0].attrs["lang"]))


def figure(element: Element, name: str) -> int:
    return yen_cell(element.one(data_figure=name))


def assert_story_matches(page: Element, journal: Journal, settings: Settings) -> None:
    """The day's story above the journal equals the journal: sales per tax category (gross,
    voids, net and the tax of each), net sales per payment kind and what stays 未決済, per
    支払科目 (the register rows each entry books, adding up to their kind), the cash count
    (its difference is what the journal books as shortage or overage), and the voids."""
    by_tax: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_payment: dict[str, int] = defaultdict(int)
    accounts: dict[str, str] = {}
    for entry in journal.entries:
        if entry.kind not in (EntryKind.sale, EntryKind.void):
            continue
        sign, what = (1, "gross") if entry.kind is EntryKind.sale else (-1, "voided")
        for line in entry.lines:
            if line.account == settings.accounts.sales:
                by_tax[line.tax.value][what] += line.amount
                by_tax[line.tax.value][f"{what}-tax"] += line.tax_amount
            else:
                by_payment[line.payment.value] += sign * line.amount
                accounts[line.payment.value] = line.account
    for row in by_tax.values():
        row["net"], row["net-tax"] = row["gross"] - row["voided"], row["gross-tax"] - row["voided-tax"]
    names = ("gross", "gross-tax", "voided", "voided-tax", "net", "net-tax")
    shown = {row.attrs["data_sales_tax"]: {name: figure(row, name) for name in names}
             for row in page.find_all(data_sales_tax=None)}
    assert shown.pop("total") == {name: sum(row[name] for row in by_tax.values()) for name in names}
    assert shown == by_tax
    assert sum(row["net"] for row in by_tax.values()) == journal.net_sales()

    kinds = [row for row in page.find_all(data_payment=None) if "data_payment_item" not in row.attrs]
    assert {row.attrs["data_payment"]: figure(row, "net") for row in kinds} == by_payment
    for row in kinds:
        kind = row.attrs["data_payment"]
        if accounts[kind] == settings.accounts.receivable:
            assert figure(row, "unsettled") == by_payment[kind]
        else:
            assert row.one(data_figure="unsettled").text == "— 決済済"
        items = page.find_all(data_payment=kind, data_payment_item=None)
        register = defaultdict(int)
        for sign, rows in ((1, journal.close.sales), (-1, journal.close.voids)):
            for source in rows:
                if source.payment.value == kind:
                    register[source.payment_item.id if source.payment_item else ""] += sign * source.amount
        if items:
            assert {item.attrs["data_payment_item"]: figure(item, "net") for item in items} == register
            assert sum(figure(item, "net") for item in items) == by_payment[kind]
        else:
            assert set(register) == {""}

    count = journal.close.cash_count
    if count is not None:
        booked = sum(entry.amount if entry.kind is EntryKind.overage else -entry.amount
                     for entry in journal.entries if entry.kind in (EntryKind.shortage, EntryKind.overage))
        assert [yen_cell(page.one(data_cash=name)) for name in ("expected", "counted")] == [count.expected, count.counted]
        assert int(page.one(data_cash="difference").attrs["data_yen"]) == count.difference == booked

    voids = [entry for entry in journal.entries if entry.kind is EntryKind.void]
    shown_voids = page.find_all(data_void=None)
    assert [row.attrs["data_void"] for row in shown_voids] == [entry.key for entry in voids]
    for row, entry in zip(shown_voids, voids, strict=True):
        assert figure(row, "amount") == entry.amount
        assert entry.receipt_no in row.text and entry.original_date.isoformat() in row.text
        assert [link.attrs["href"] for link in row.by_tag("a")] == [f"#e-{entry.key}"]


def assert_links_resolve(page: Element) -> None:
    """Every link of the page points at an element of the page, and no two elements share an id."""
    ids = [element.attrs["id"] for element in page.find_all(id=None)]
    assert len(ids) == len(set(ids))
    targets = [link.attrs["href"] for link in page.by_tag("a")]
    assert all(target.startswith("#") and target[1:] in ids for target in targets), targets


# --- the page, without a browser -------------------------------------------------------------


@pytest.mark.parametrize("day", sorted(DAYS))
def test_the_days_story_equals_the_journal(day):
    journal, settings = DAYS[day]()
    page = parse(review_page(journal, settings, "ja"))
    assert_story_matches(page, journal, settings)
    assert_totals_match(page, journal)
    assert_links_resolve(page)


def test_the_story_of_the_sample_day_in_figures():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    assert journal.net_sales() == 50300  # the sample day: sales 56,900 − voids 6,600
    assert page.one(data_total="register-net-sales").text == "￥50,300"
    total = page.one(data_sales_tax="total")
    assert [figure(total, name) for name in ("gross", "voided", "net", "net-tax")] == [56900, 6600, 50300, 4521]
    visa = page.one(data_payment="credit", data_payment_item="00000000000001000001")
    assert visa.text.startswith("↳ Visa") and figure(visa, "net") == figure(visa, "unsettled") == -5500
    assert page.one(data_cash="difference").text.startswith("￥50")
    [earlier, same_day] = page.find_all(data_void=None)
    assert "0000123 (2025-01-10, 前日以前)" in earlier.text and "前日以前" not in same_day.text


def test_page_says_whose_day_it_is():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    assert page.by_tag("h1")[0].text == "サンプル食堂 本店 (0001)"
    assert page.by_tag("header")[0].one(datetime=SAMPLE_DAY).text == "2025年1月11日"
    assert page.one(data_info="company").text == "サンプル食堂株式会社"
    assert page.one(data_info="fiscal-period").text == "2025年1月1日〜2025年12月31日"
    assert page.one(data_info="input").text == f"{SAMPLE_DAY}_0001.json"  # the file's name, not its folder
    assert page.one(data_info="settings").text == "同梱のサンプル設定（settings.toml）"
    assert page.one(data_info="settings-hash").text == hashlib.sha256(SAMPLE_SETTINGS.read_bytes()).hexdigest()[:12]
    assert page.one(data_info="version").text == version("journalgen")


def test_page_in_english():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "en"))
    assert page.by_tag("header")[0].one(datetime=SAMPLE_DAY).text == "January 11, 2025"
    assert "Cash overage of ￥50, booked to 雑収入." in page.one(id="warnings").text
    assert "取消 伝票No.0000123（2025-01-10分）" in page.one(id="journal").text


def warning_items(page: Element) -> list[Element]:
    return page.find_all(data_warning=None)


def warning_texts(page: Element) -> list[str]:
    return [item.one(class_="message").text for item in warning_items(page)]


@pytest.mark.parametrize("day", ["sample", "busy", "refund-only"])
def test_each_warning_links_to_its_entries_which_are_marked(day):
    journal, settings = DAYS[day]()
    page = parse(review_page(journal, settings, "ja"))
    found = day_warnings(journal, settings)
    items = warning_items(page)
    assert [item.attrs["data_warning"] for item in items] == [warning.code for warning in found]
    for warning, item in zip(found, items, strict=True):
        assert item.one(class_="message").text == warning.message("ja")
        assert item.text.startswith("⚠ 警告:" if warning.level == "warning" else "ℹ 注記:")  # not by colour alone
        assert [link.attrs["href"] for link in item.by_tag("a")] == [f"#e-{key}" for key in warning.entry_keys]
        for key in warning.entry_keys:
            row = page.one(id=f"e-{key}")
            assert row.attrs["data_entry"] == key and "marked" in row.attrs["class_"]
            [mark] = row.find_all(class_="mark")
            assert mark.text in ("⚠ 警告", "ℹ 注記") and page.one(id=mark.attrs["href"][1:]).attrs["data_warning"]
    marked = {row.attrs["data_entry"] for row in page.find_all(data_entry=None) if "marked" in row.attrs.get("class_", "")}
    assert marked == {key for warning in found for key in warning.entry_keys}


def test_rows_booked_to_suspense_and_cash_difference_are_marked():
    journal, settings = busy_day()
    page = parse(review_page(journal, settings, "ja"))
    marked_accounts = set()
    for row in page.find_all(data_entry=None):
        if "marked" in row.attrs.get("class_", ""):
            marked_accounts |= {cell.text for cell in row.by_tag("td")[2:] if cell.text in ("仮払金", "仮受金", "雑損失")}
    assert marked_accounts == {"仮払金", "仮受金", "雑損失"}


def test_each_entry_shows_the_key_yayoi_keeps_in_its_memo():
    journal, settings = busy_day()
    page = parse(review_page(journal, settings, "ja"))
    yayoi = json.loads(render(journal, settings, ["yayoi"])["yayoi-smart.json"])
    memos = [record["仕訳メモ"] for record in yayoi["records"]]
    shown = [row.one(data_key="").text for row in page.find_all(data_entry=None)]
    assert [f"journalgen:{key}" for key in shown] == memos
    assert len(shown) == len(journal.entries) == 53


def test_page_shows_what_each_target_receives():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    assert [heading.attrs["data_target"] for heading in page.find_all(data_target=None)] == list(settings.build.targets)
    assert [heading.text for heading in page.find_all(data_target=None)] == ["journal", "freee", "弥生"]
    targets = page.one(id="targets").text
    assert "journal.csv" in targets and "freee-deals.json" in targets and "yayoi-import.csv" in targets
    assert "【POS Regi】電子マネー" in targets  # the rendered files are shown, cp932 decoded


def test_reconciliation_folds_to_one_line_when_everything_agrees():
    journal, settings = busy_day()
    page = parse(review_page(journal, settings, "ja"))
    [details] = page.one(id="reconciliation").by_tag("details")
    assert "open" not in details.attrs
    rows = reconcile(journal)
    assert details.by_tag("summary")[0].text == f"✓ レジの合計 {len(rows)} 件がすべて仕訳と1円単位で一致しています。"
    assert len(rows) > 30


def test_reconciliation_names_its_rows_in_words():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    labels = [row.by_tag("th")[0].text for row in page.find_all(data_reconcile=None)]
    assert "売上 課税10% 現金" in labels and "税額 課税10% 現金" in labels
    assert labels[-1] == "現金過不足"


def test_entry_kinds_are_named_in_the_pages_language():
    journal, settings = sample()
    for lang in ("en", "ja"):
        page = parse(review_page(journal, settings, lang))
        shown = {cell.attrs["data_kind"]: cell.text for cell in page.find_all(data_kind=None)}
        assert shown == {kind: translate(ENTRY_KIND_LABELS[EntryKind(kind)], lang) for kind in shown}
        if lang == "en":
            assert {"Sale", "Void or correction", "Cash out", "Overage"} <= set(shown.values())
    assert set(ENTRY_KIND_LABELS) == set(EntryKind)
    assert all(translate(label, "ja") != label for label in ENTRY_KIND_LABELS.values())


# --- refusals on top ------------------------------------------------------------------------------


def sections(page: Element) -> list[str]:
    return [section.attrs["id"] for section in page.by_tag("section")]


def test_a_refused_day_has_a_banner_on_top_naming_the_targets_why_and_the_next_step():
    journal, settings = case_day("outside-fiscal-period")
    page = parse(review_page(journal, settings, "ja"))
    assert sections(page)[:3] == ["refusals", "summary", "warnings"]
    [refusal] = page.one(id="refusals").find_all(data_refusal=None)
    assert refusal.attrs["data_refusal"] == "OUT_OF_FISCAL_PERIOD" and refusal.attrs["data_targets"] == "freee yayoi"
    assert refusal.by_tag("strong")[0].text == "freee, 弥生"  # 弥生, not yayoi, in Japanese
    assert refusal.one(class_="reason").text == (
        "当年会計期間外: 営業日 2024年12月28日 は当年会計期間 2025年1月1日〜2025年12月31日 に含まれません。")
    assert refusal.one(data_command="").text == "--fiscal-period 2024-01-01..2024-12-31"  # on one line, to copy
    assert "--fiscal-period 2024-01-01..2024-12-31 を付けて" in refusal.one(data_next_step="").text
    assert "yayoi" not in page.one(id="refusals").text
    assert page.by_tag("body")[0].text.count("当年会計期間外") == 1  # said once, in the banner
    refused = page.find_all(data_refusal_of=None)
    assert [item.attrs["data_refusal_of"] for item in refused] == ["freee", "yayoi"]
    assert all("ページ上部" in item.text for item in refused)
    assert_totals_match(page, journal)


def test_the_banner_in_english():
    journal, settings = case_day("outside-fiscal-period")
    page = parse(review_page(journal, settings, "en"))
    refusal = page.one(data_refusal="OUT_OF_FISCAL_PERIOD")
    assert refusal.by_tag("strong")[0].text == "freee, Yayoi"
    assert refusal.one(data_next_step="").text == (
        "If the fiscal year of this day is still open in your books, run again with --fiscal-period "
        "2024-01-01..2024-12-31; if that year is closed, this day is not sent.")


def test_the_next_step_names_the_fiscal_year_of_the_day():
    period = FiscalPeriod(start=dt.date(2025, 4, 1), end=dt.date(2026, 3, 31))
    assert str(period_holding(period, dt.date(2025, 3, 31))) == "2024-04-01..2025-03-31"
    assert str(period_holding(period, dt.date(2027, 4, 1))) == "2027-04-01..2028-03-31"
    assert str(period_holding(FiscalPeriod(start=dt.date(2024, 3, 1), end=dt.date(2025, 2, 28)),
                              dt.date(2025, 2, 28))) == "2024-03-01..2025-02-28"


def test_a_missing_period_is_one_refusal_naming_every_target_that_refuses_for_it():
    sample_settings = load_settings(SAMPLE_SETTINGS)
    settings = sample_settings.model_copy(update={
        "company": sample_settings.company.model_copy(update={"fiscal_period": None})})
    journal = journalize(close_of_case("cash-only"), settings)
    page = parse(review_page(journal, settings, "en"))
    [refusal] = page.find_all(data_refusal=None)
    assert refusal.attrs["data_refusal"] == "MISSING_FISCAL_PERIOD" and refusal.attrs["data_targets"] == "freee yayoi"
    assert "[stores.\"0001\"] fiscal_period" in refusal.one(data_next_step="").text
    assert warning_texts(page) == []


def test_another_refusal_keeps_its_own_message_and_lines():
    sample_settings = load_settings(SAMPLE_SETTINGS)
    settings = sample_settings.model_copy(update={"targets": {**sample_settings.targets, "freee": {"company_id": 1}}})
    close_file = CASES_DIR / "cash-only" / "close.json"
    journal = journalize(close_of_case("cash-only"), settings, str(close_file))
    html = review_page(journal, settings, "en")
    [refusal] = parse(html).find_all(data_refusal=None)
    assert refusal.attrs["data_refusal"] == "MISSING_MASTER" and refusal.attrs["data_targets"] == "freee"
    reason = refusal.one(class_="reason")
    assert reason.text.startswith("close.json: target freee has no id for: ")
    assert str(close_file.parent) not in html  # the input by its name only: the folder is the user's
    assert "".join(reason.parts).count("\n") >= 2  # one line per missing freee id
    assert "pre-wrap" in html.split(".reason {")[1].split("}")[0]


def test_out_of_period_is_warned_even_when_no_target_checks_it():
    settings = load_settings(SAMPLE_SETTINGS).model_copy(update={"build": BuildOptions(targets=("journal",))})
    journal = journalize(close_of_case("outside-fiscal-period"), settings)
    page = parse(review_page(journal, settings, "ja"))
    assert "refusals" not in sections(page)
    assert warning_texts(page) == [
        "当年会計期間外: 営業日 2024年12月28日 は当年会計期間 2025年1月1日〜2025年12月31日 に含まれません。",
        ("設定の [build] targets に会計ソフトの出力先がないため、freee, 弥生 の確認（当年会計期間、マスタ、上限）は"
         "このページに出ません。確認するには [build] targets に追加してください。"),
    ]


def test_page_with_the_shipped_defaults_says_what_it_cannot_check():
    journal = journalize(close_of_case("cash-only"), Settings())
    page = parse(review_page(journal, Settings(), "en"))
    assert page.one(data_info="settings").text == "shipped defaults"
    assert page.one(data_info="fiscal-period").text == "not set"
    assert not page.find_all(data_info="settings-hash")
    assert [item.attrs["data_warning"] for item in warning_items(page)] == ["MISSING_FISCAL_PERIOD", "NO_ACCOUNTING_TARGET"]


def test_a_reason_registered_to_the_suspense_account_is_not_warned_about():
    settings = load_settings(SAMPLE_SETTINGS)
    registered = settings.model_copy(update={
        "cash_movements": {**settings.cash_movements, "雑費立替": CashReason(account=settings.accounts.suspense_paid)}})
    journal, _ = sample()
    assert any("雑費立替" in text for text in warning_texts(parse(review_page(journal, settings, "ja"))))
    journal = journalize(journal.close, registered, journal.source)
    assert not any("雑費立替" in text for text in warning_texts(parse(review_page(journal, registered, "ja"))))


def test_day_without_entries():
    journal, settings = case_day("zero-sales")
    page = parse(review_page(journal, settings, "ja"))
    assert "仕訳はありません" in page.one(id="journal").text
    assert yen_cell(page.one(data_total="net-sales")) == 0
    assert warning_texts(page) == ["この日の売上がありません。レジが正しい日で閉局したか確認してください。"]


# --- safe, self-contained, accessible ---------------------------------------------------------------


def test_page_escapes_every_input_text_and_loads_nothing():
    hostile = "<i>x</i>&amp;\"'"
    close = json.loads((CASES_DIR / "cash-in-out-unmapped" / "close.json").read_text(encoding="utf-8"))
    close["store"]["name"] = f"店{hostile}"
    close["sales"].append({"payment": "credit", "payment_item": {"id": "0001", "name": f"カード{hostile}"},
                           "tax": "standard_10", "amount": 1100, "tax_amount": 100})
    close["voids"] = [{"receipt_no": f"R{hostile}", "original_date": close["business_date"], "reason": hostile,
                       "payment": "cash", "tax": "standard_10", "amount": 110, "tax_amount": 10}]
    for movement in close["cash_movements"]:
        movement["reason"] += hostile
    sample_settings = load_settings(SAMPLE_SETTINGS)
    settings = sample_settings.model_copy(update={
        "company": sample_settings.company.model_copy(update={"name": f"社{hostile}"})})
    journal = journalize(parse_close(json.dumps(close, ensure_ascii=False), f"day{hostile}.json"), settings,
                         f"day{hostile}.json")
    html = review_page(journal, settings, "ja")
    page = parse(html)
    assert page.by_tag("i") == []
    assert html.count("&lt;i&gt;x&lt;/i&gt;&amp;amp;&#34;&#39;") >= 8
    assert page.by_tag("script") == [] and not page.find_all(src=None)
    assert all(link.attrs["href"].startswith("#") for link in page.by_tag("a"))
    assert "url(" not in html and "@import" not in html
    assert "default-src 'none'" in page.one(http_equiv="Content-Security-Policy").attrs["content"]


def test_tables_have_captions_and_headers_have_scope():
    for day in ("busy", "refused", "refund-only"):
        journal, settings = DAYS[day]()
        page = parse(review_page(journal, settings, "ja"))
        tables = page.by_tag("table")
        assert tables and all(len(table.by_tag("caption")) == 1 for table in tables)
        assert all(th.attrs.get("scope") in ("col", "colgroup", "row") for th in page.by_tag("th"))


# --- the command -------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, ["review", *args])


def test_review_writes_a_page_per_store_of_the_day(tmp_path):
    result = run("--date", "2025-01-10", "--out", str(tmp_path), "--lang", "ja")
    assert result.exit_code == 0, result.output
    pages = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.html"))
    assert pages == ["2025-01-10/0001/review.html", "2025-01-10/0002/review.html"]  # no index for one day
    assert "同梱のサンプルデータ" in result.output
    html = (tmp_path / "2025-01-10/0002/review.html").read_text(encoding="utf-8")
    assert "サンプル食堂 駅前店" in html and "2025年1月10日" in html
    assert not list(tmp_path.rglob("*.tmp"))  # written atomically: no staging file left behind


def test_review_of_one_store_from_an_input_and_config(tmp_path):
    result = run("--date", "2025-01-10", "--store", "0002", "--input", str(SAMPLE_CLOSES),
                 "--config", str(SAMPLE_SETTINGS), "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert [path.parent.name for path in tmp_path.rglob("review.html")] == ["0002"]
    assert "✓ 2025-01-10 0002 サンプル食堂 駅前店" in result.output


def test_review_of_a_range_writes_an_index_of_every_store_day(tmp_path):
    result = run("--from", "2025-01-09", "--to", "2025-01-12", "--out", str(tmp_path), "--lang", "ja")
    assert result.exit_code == 0, result.output
    index = parse((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert [row.attrs["data_missing"] for row in index.find_all(data_missing=None)] == ["2025-01-09"]
    rows = index.find_all(data_day=None)
    assert [(row.attrs["data_day"], row.attrs["data_store"]) for row in rows] == [
        ("2025-01-10", "0001"), ("2025-01-10", "0002"), ("2025-01-11", "0001"), ("2025-01-11", "0002"),
        ("2025-01-12", "0001")]
    settings = load_settings(SAMPLE_SETTINGS)
    for row in rows:
        [link] = row.by_tag("a")
        page_file = tmp_path / link.attrs["href"]
        assert page_file == tmp_path / row.attrs["data_day"] / row.attrs["data_store"] / "review.html"
        [loaded] = read_closes(SAMPLE_CLOSES / f"{row.attrs['data_day']}_{row.attrs['data_store']}.json")
        journal = journalize(loaded.close, settings, loaded.source)
        assert yen_cell(row.one(data_figure="net-sales")) == journal.net_sales()
        assert yen_cell(parse(page_file.read_text(encoding="utf-8")).one(data_total="net-sales")) == journal.net_sales()
        found = day_warnings(journal, settings)
        assert [item.text for item in row.one(data_figure="warnings").by_tag("li")] == [
            f"{'⚠ 警告' if warning.level == 'warning' else 'ℹ 注記'}: {warning.message('ja')}" for warning in found]
        assert found or row.one(data_figure="warnings").text == "—"
        assert row.one(data_figure="refusals").text == "—"
    assert index.by_tag("table")[0].by_tag("caption") and index.by_tag("script") == []


def test_review_of_a_refused_day_exits_1_with_builds_message_and_still_writes_the_page(tmp_path):
    args = ("--date", "2025-01-10", "--fiscal-period", "2024-01-01..2024-12-31", "--lang", "en")
    built = CliRunner().invoke(cli, ["build", *args, "--out", str(tmp_path / "built")])
    reviewed = run(*args, "--out", str(tmp_path / "reviewed"))
    assert built.exit_code == reviewed.exit_code == 1
    refused = [line for line in built.output.splitlines() if line.startswith("✗")]
    assert len(refused) == 2 and all("[OUT_OF_FISCAL_PERIOD]" in line for line in refused)
    assert [line for line in reviewed.output.splitlines() if line.startswith("✗")] == refused
    for store in ("0001", "0002"):
        page = parse((tmp_path / "reviewed" / "2025-01-10" / store / "review.html").read_text(encoding="utf-8"))
        assert page.one(data_info="fiscal-period").text == (
            "January 1, 2024 to December 31, 2024 (--fiscal-period, this run only)")
        assert page.one(data_refusal="OUT_OF_FISCAL_PERIOD").attrs["data_targets"] == "freee yayoi"
        assert "--fiscal-period 2025-01-01..2025-12-31" in page.one(data_next_step="").text


def test_a_refused_day_is_marked_in_the_index(tmp_path):
    result = run("--from", "2024-12-28", "--to", "2024-12-28", "--input", str(CASES_DIR / "outside-fiscal-period"),
                 "--config", str(SAMPLE_SETTINGS), "--out", str(tmp_path), "--lang", "ja")
    assert result.exit_code == 1
    [row] = parse((tmp_path / "index.html").read_text(encoding="utf-8")).find_all(data_day=None)
    assert row.one(data_figure="refusals").text == "✗ freee, 弥生 [OUT_OF_FISCAL_PERIOD]"


def test_review_needs_a_day_or_a_range(tmp_path):
    for args in ((), ("--date", "2025-01-10", "--from", "2025-01-10", "--to", "2025-01-11"), ("--from", "2025-01-10")):
        result = run(*args, "--out", str(tmp_path))
        assert result.exit_code == 2, args
    assert run("--from", "2025-01-11", "--to", "2025-01-10", "--out", str(tmp_path)).exit_code == 2
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_review_of_a_day_without_a_close(tmp_path):
    result = run("--date", "2025-03-01", "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 1
    assert "No daily close in" in result.output and "2025-03-01" in result.output
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_review_reports_an_unreadable_input(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"business_date": "2025-01-10",', encoding="utf-8")
    result = run("--date", "2025-01-10", "--input", str(broken), "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.exit_code == 1
    assert f"✗ [INPUT_JSON_SYNTAX] {broken}: line 1" in result.output
    assert not (tmp_path / "out").exists()


def test_review_with_broken_settings_is_a_usage_error(tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text("[accounts]\ncash = 1\n", encoding="utf-8")
    result = run("--date", "2025-01-10", "--config", str(config), "--input", str(SAMPLE_CLOSES),
                 "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.exit_code == 2
    assert "[INVALID_SETTINGS]" in result.output


def test_review_open_uses_the_browser(tmp_path, monkeypatch):
    opened = []

    class Browser:
        def open(self, url):
            opened.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda: Browser())
    result = run("--date", "2025-01-10", "--store", "0001", "--out", str(tmp_path), "--open", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert opened == [(tmp_path / "2025-01-10/0001/review.html").resolve().as_uri()]
    opened.clear()
    result = run("--from", "2025-01-10", "--to", "2025-01-11", "--out", str(tmp_path), "--open", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert opened == [(tmp_path / "index.html").resolve().as_uri()]  # a range opens its index, not every page


def test_review_open_without_a_browser(tmp_path, monkeypatch):
    def no_browser():
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    result = run("--date", "2025-01-10", "--store", "0001", "--out", str(tmp_path), "--open", "--lang", "ja")
    assert result.exit_code == 0, result.output
    assert "ブラウザが見つかりません" in result.output
    assert (tmp_path / "2025-01-10/0001/review.html").is_file()


def test_an_unreadable_close_of_a_range_is_a_row_of_the_index(tmp_path):
    folder = tmp_path / "closes"
    folder.mkdir()
    (folder / "2025-01-10_0001.json").write_bytes((SAMPLE_CLOSES / "2025-01-10_0001.json").read_bytes())
    (folder / "broken.json").write_text('{"business_date": "2025-01-10",', encoding="utf-8")
    result = run("--from", "2025-01-10", "--to", "2025-01-10", "--input", str(folder), "--config", str(SAMPLE_SETTINGS),
                 "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.exit_code == 1
    index = parse((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    [error] = index.find_all(data_error=None)
    assert error.attrs["data_error"] == "INPUT_JSON_SYNTAX" and "broken.json" in error.text
    assert [row.attrs["data_store"] for row in index.find_all(data_day=None)] == ["0001"]


def test_a_year_freee_holds_closed_is_its_own_refusal_with_its_own_next_step(tmp_path):
    """Under `--fiscal-period` for 2024, 弥生 takes 2024-12-28, but freee's company file says
    2024 is closed (年度締め済み): the banner names freee alone, with freee's reason."""
    settings = company_settings(company_file(tmp_path, ("2024-01-01", "2024-12-31", True))).model_copy(
        update={"fiscal_period_override": FiscalPeriod.parse("2024-01-01..2024-12-31")})
    journal = journalize(close_of_case("outside-fiscal-period"), settings, "close.json")
    page = parse(review_page(journal, settings, "en"))
    [refusal] = page.find_all(data_refusal=None)
    assert refusal.attrs["data_targets"] == "freee"
    assert "closed in freee (年度締め済み)" in refusal.one(class_="reason").text
    assert refusal.one(data_next_step="").text.startswith("The target holds the fiscal year of this day closed")
