"""The review page (`journalgen review`): its content, the command, and the page in a real
headless Chromium, whose totals must equal the journal's."""

from __future__ import annotations

import os
import shutil
import subprocess
import webbrowser
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from journalgen.cli import cli
from journalgen.close import DailyClose
from journalgen.i18n import format_yen, translate
from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, parse_close, read_closes
from journalgen.journal import EntryKind, Journal
from journalgen.journalize import journalize
from journalgen.reconcile import reconcile
from journalgen.review import ENTRY_KIND_LABELS, review_page
from journalgen.settings import BuildOptions, CashReason, Settings, load_settings

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

    @property
    def text(self) -> str:
        """All text inside the element, whitespace collapsed."""
        return " ".join("".join(self._texts()).split())

    def _texts(self):
        yield from self.parts
        for child in self.children:
            yield from child._texts()

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
        element = Element(tag, {name.replace("-", "_"): value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].parts.append(data)


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


# --- what the page must show, checked the same way for the plain page and the browser's DOM ----


def sample(close_file: str = f"{SAMPLE_DAY}_0001.json") -> tuple[Journal, Settings]:
    settings = load_settings(SAMPLE_SETTINGS)
    [loaded] = read_closes(SAMPLE_CLOSES / close_file)
    return journalize(loaded.close, settings, loaded.source), settings


def assert_totals_match(page: Element, journal: Journal) -> None:
    """Net sales, Σdebit = Σcredit, the totals per account × tax and every reconciliation row
    shown on the page equal the journal's."""
    assert yen_cell(page.one(data_total="net-sales")) == journal.net_sales()
    lines = [line for _, line in journal.lines()]
    debit = sum(line.amount for line in lines if line.side == "debit")
    assert debit == sum(line.amount for line in lines if line.side == "credit")
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


# --- the page, without a browser -------------------------------------------------------------


def test_page_shows_the_journal_totals_and_reconciliation():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    assert_totals_match(page, journal)
    assert journal.net_sales() == 50300  # the sample day: sales 56,900 − voids 6,600
    assert page.one(data_total="register-net-sales").text == "￥50,300"
    assert len(page.find_all(data_entry=None)) == len(journal.entries)


def test_page_speaks_japanese_with_babel_dates_and_yen():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    assert page.one(datetime=SAMPLE_DAY).text == "2025年1月11日"
    assert page.find_all(lang="ja")
    journal_table = page.one(id="journal")
    assert "取消 伝票No.0000123（2025-01-10分）" in journal_table.text
    assert "￥39,600" in journal_table.text


def test_page_in_english():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "en"))
    assert page.one(datetime=SAMPLE_DAY).text == "January 11, 2025"
    assert "Cash overage of ￥50, booked to 雑収入." in page.one(id="warnings").text


def test_page_warns_about_unregistered_reasons_and_the_cash_difference():
    journal, settings = sample()
    warnings = [item.text for item in parse(review_page(journal, settings, "ja")).find_all(data_warning=None)]
    assert warnings == [
        ("登録されていない入出金理由「雑費立替」（出金 ￥800）を仮払金に計上しました。"
         "設定の [cash_movements] に登録するか、正しい科目に振り替えてください。"),
        "現金が ￥50 過剰です（雑収入に計上）。",
    ]


def test_page_shows_what_each_target_receives():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    assert [heading.attrs["data_target"] for heading in page.find_all(data_target=None)] == list(settings.build.targets)
    targets = page.one(id="targets").text
    assert "journal.csv" in targets and "freee-deals.json" in targets and "yayoi-import.csv" in targets
    assert "【POS Regi】電子マネー" in targets  # the rendered files are shown, cp932 decoded


def close_of_case(case: str) -> DailyClose:
    [loaded] = read_closes(CASES_DIR / case / "close.json")
    return loaded.close


def warning_texts(page: Element) -> list[str]:
    return [item.text for item in page.find_all(data_warning=None)]


def test_day_outside_the_fiscal_period_is_said_once_naming_the_targets_that_refuse_it():
    settings = load_settings(SAMPLE_SETTINGS)
    journal = journalize(close_of_case("outside-fiscal-period"), settings)
    page = parse(review_page(journal, settings, "ja"))
    assert warning_texts(page) == [
        ("当年会計期間外: 営業日 2024年12月28日 は当年会計期間 2025年1月1日〜2025年12月31日 に含まれません。 "
        "この理由でこの日を受け付けない出力先: freee, yayoi")]
    assert page.one(data_info="fiscal-period").text == "2025年1月1日〜2025年12月31日"
    # each target still says it refuses the day, and points at the warning instead of repeating it
    refusals = page.find_all(data_refusal=None)
    assert [item.attrs["data_refusal"] for item in refusals] == ["OUT_OF_FISCAL_PERIOD", "OUT_OF_FISCAL_PERIOD"]
    assert all(item.text == "この日を受け付けません: [OUT_OF_FISCAL_PERIOD] （理由は上の「警告」を参照）"
               for item in refusals)
    assert page.one(id="summary").text.count("当年会計期間外") + page.one(id="warnings").text.count(
        "当年会計期間外") + page.one(id="targets").text.count("当年会計期間外") == 1
    assert_totals_match(page, journal)


def test_out_of_period_is_warned_even_when_no_target_checks_it():
    settings = load_settings(SAMPLE_SETTINGS).model_copy(update={"build": BuildOptions(targets=("journal",))})
    journal = journalize(close_of_case("outside-fiscal-period"), settings)
    assert warning_texts(parse(review_page(journal, settings, "en"))) == [
        ("当年会計期間外 (outside the current fiscal period): the business day December 28, 2024 is not in "
        "January 1, 2025 to December 31, 2025."),
        ("[build] targets in the settings names no accounting target, so the checks of freee, yayoi (fiscal "
        "period, masters, limits) are not on this page: add them to [build] targets to see them."),
    ]


def test_review_takes_the_runs_fiscal_period(tmp_path):
    result = run("--date", "2025-01-10", "--store", "0002", "--fiscal-period", "2024-01-01..2024-12-31",
                 "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 0, result.output
    page = parse((tmp_path / "2025-01-10" / "0002" / "review.html").read_text(encoding="utf-8"))
    assert page.one(data_info="fiscal-period").text == (
        "January 1, 2024 to December 31, 2024 (--fiscal-period, this run only)")
    [warning] = warning_texts(page)
    assert warning.startswith("当年会計期間外 (outside the current fiscal period): the business day January 10, 2025")
    assert warning.endswith("Targets that refuse the day for this reason: freee, yayoi")


def test_page_says_which_input_and_settings_it_was_made_with():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    assert page.one(data_info="input").text == f"{SAMPLE_DAY}_0001.json"  # the file's name, not its folder
    assert page.one(data_info="settings").text == "同梱のサンプル設定（settings.toml）"


def test_page_with_the_shipped_defaults_says_what_it_cannot_check():
    journal = journalize(close_of_case("cash-only"), Settings())
    page = parse(review_page(journal, Settings(), "en"))
    assert page.one(data_info="settings").text == "shipped defaults"
    assert page.one(data_info="fiscal-period").text == "not set"
    assert warning_texts(page) == [
        ("No fiscal period (当年会計期間) is set for this store: accounting targets refuse every day until "
        "[company] fiscal_period is set in the settings."),
        ("[build] targets in the settings names no accounting target, so the checks of freee, yayoi (fiscal "
        "period, masters, limits) are not on this page: add them to [build] targets to see them."),
    ]


def test_a_missing_period_is_said_once_naming_the_targets_that_refuse_for_it():
    sample_settings = load_settings(SAMPLE_SETTINGS)
    settings = sample_settings.model_copy(update={
        "company": sample_settings.company.model_copy(update={"fiscal_period": None})})
    journal = journalize(close_of_case("cash-only"), settings)
    assert warning_texts(parse(review_page(journal, settings, "en"))) == [
        ("No fiscal period (当年会計期間) is set for this store: accounting targets refuse every day until "
        "[company] fiscal_period is set in the settings. Targets that refuse the day for this reason: freee, yayoi")]


def test_a_refusal_of_several_lines_keeps_its_lines():
    sample_settings = load_settings(SAMPLE_SETTINGS)
    settings = sample_settings.model_copy(update={"targets": {**sample_settings.targets, "freee": {"company_id": 1}}})
    close_file = CASES_DIR / "cash-only" / "close.json"
    journal = journalize(close_of_case("cash-only"), settings, str(close_file))
    html = review_page(journal, settings, "en")
    [warning] = parse(html).find_all(data_warning=None)
    assert warning.text.startswith("Target freee refused this day: [MISSING_MASTER] close.json: ")
    assert str(close_file.parent) not in html  # the input by its name only: the folder is the user's
    assert "".join(warning.parts).count("\n") >= 2  # one line per missing freee id
    assert "white-space: pre-wrap" in html.split("ul.warnings li {")[1].split("}")[0]


def test_a_reason_registered_to_the_suspense_account_is_not_warned_about():
    settings = load_settings(SAMPLE_SETTINGS)
    registered = settings.model_copy(update={
        "cash_movements": {**settings.cash_movements, "雑費立替": CashReason(account=settings.accounts.suspense_paid)}})
    journal, _ = sample()
    assert any("雑費立替" in text for text in warning_texts(parse(review_page(journal, settings, "ja"))))
    journal = journalize(journal.close, registered, journal.source)
    assert not any("雑費立替" in text for text in warning_texts(parse(review_page(journal, registered, "ja"))))


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


def test_reconciliation_names_its_rows_in_words():
    journal, settings = sample()
    page = parse(review_page(journal, settings, "ja"))
    labels = [row.by_tag("td")[0].text for row in page.find_all(data_reconcile=None)]
    assert "売上 課税10% 現金" in labels and "税額 課税10% 現金" in labels
    assert labels[-1] == "現金過不足"


def test_shortage_warning():
    settings = load_settings(SAMPLE_SETTINGS)
    journal = journalize(close_of_case("cash-shortage"), settings)
    assert warning_texts(parse(review_page(journal, settings, "ja"))) == ["現金が ￥500 不足しています（雑損失に計上）。"]


def test_day_without_entries():
    settings = load_settings(SAMPLE_SETTINGS)
    journal = journalize(close_of_case("zero-sales"), settings)
    page = parse(review_page(journal, settings, "ja"))
    assert "仕訳はありません" in page.one(id="journal").text
    assert yen_cell(page.one(data_total="net-sales")) == 0
    assert [w.text for w in page.find_all(data_warning=None)] == [
        "この日の売上がありません。レジが正しい日で閉局したか確認してください。"]


def test_page_escapes_what_the_register_sends_and_loads_nothing():
    text = (CASES_DIR / "cash-only" / "close.json").read_text(encoding="utf-8")
    close = parse_close(text.replace("サンプル食堂 本店", "<b>店</b>"), "close.json")
    settings = load_settings(SAMPLE_SETTINGS)
    html = review_page(journalize(close, settings), settings, "ja")
    page = parse(html)
    assert "&lt;b&gt;店&lt;/b&gt;" in html and page.by_tag("b") == []
    assert page.by_tag("script") == [] and not page.find_all(src=None) and not page.find_all(href=None)
    assert "url(" not in html and "@import" not in html
    assert "default-src 'none'" in page.one(http_equiv="Content-Security-Policy").attrs["content"]


# --- the command -------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, ["review", *args])


def test_review_writes_a_page_per_store_of_the_day(tmp_path):
    result = run("--date", "2025-01-10", "--out", str(tmp_path), "--lang", "ja")
    assert result.exit_code == 0, result.output
    pages = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.html"))
    assert pages == ["2025-01-10/0001/review.html", "2025-01-10/0002/review.html"]
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


def test_review_open_without_a_browser(tmp_path, monkeypatch):
    def no_browser():
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", no_browser)
    result = run("--date", "2025-01-10", "--store", "0001", "--out", str(tmp_path), "--open", "--lang", "ja")
    assert result.exit_code == 0, result.output
    assert "ブラウザが見つかりません" in result.output
    assert (tmp_path / "2025-01-10/0001/review.html").is_file()


# --- in a real browser -------------------------------------------------------------------


def chromium() -> str | None:
    """A Chromium (or Chrome) binary on this machine, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


BROWSER_REQUIRED = os.environ.get("JOURNALGEN_REQUIRE_BROWSER") == "1"
"""Set by .ci/run, which installs Chromium: there a missing browser is a failure, not a skip."""


@pytest.mark.skipif(chromium() is None and not BROWSER_REQUIRED,
                    reason="no Chromium binary found (Debian: apt-get install chromium)")
def test_review_page_in_headless_chromium(tmp_path):
    """Chromium loads the page from disk with networking off; the totals in the DOM it builds
    equal the journal's."""
    assert chromium() is not None, "JOURNALGEN_REQUIRE_BROWSER=1 but no Chromium binary is installed"
    result = run("--date", SAMPLE_DAY, "--store", "0001", "--out", str(tmp_path / "out"), "--lang", "ja")
    assert result.exit_code == 0, result.output
    page_file = tmp_path / "out" / SAMPLE_DAY / "0001" / "review.html"
    browser = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page_file.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert browser.returncode == 0, browser.stderr
    page = parse(browser.stdout)
    assert page.one(id="journal")  # the browser built the page, not an error page
    journal, _ = sample()
    assert_totals_match(page, journal)
    assert page.one(datetime=SAMPLE_DAY).text == "2025年1月11日"
