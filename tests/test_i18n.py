"""Every message the core can say has its Japanese in the babel catalog."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from string import Formatter

import pytest

from journalgen import errors
from journalgen.i18n import (
    CORE_LOCALE_DIR,
    catalog,
    default_lang,
    format_yen,
    translate,
)
from journalgen.journal import EntryKind
from journalgen.review import ENTRY_KIND_LABELS, RECONCILIATION_LABELS

CORE = Path(errors.__file__).parent
# call name → position of the message id among its arguments
MESSAGE_ARGUMENT = {"translate": 0, "Problem": 2, "refuse": 2, "Skipped": 1}


def placeholders(message: str) -> list[str]:
    """The `{names}` a message is formatted with, sorted (`{{` and `}}` are literal braces)."""
    return sorted(name for _, name, _, _ in Formatter().parse(message) if name is not None)


def message_ids() -> set[str]:
    """Message ids used in the core: error templates, reasons, translate() calls, the review
    page's `t("…")` texts, entry kinds (journal.csv looks them up by value, the page by label)
    and reconciliation rows."""
    found = set(errors.PYDANTIC_REASONS.values()) | set(errors.OS_CAUSES.values()) | {kind.value for kind in EntryKind}
    found |= set(RECONCILIATION_LABELS.values()) | set(ENTRY_KIND_LABELS.values())
    for template in (CORE / "templates").glob("*.html"):
        found |= set(re.findall(r"""\bt\(["']([^"']+)["']\)""", template.read_text(encoding="utf-8")))
    for path in CORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and [
                getattr(target, "id", "") for target in node.targets
            ] == ["template"]:
                found.add(node.value.value)
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                position = MESSAGE_ARGUMENT.get(name)
                if position is not None and len(node.args) > position and isinstance(node.args[position], ast.Constant):
                    found.add(node.args[position].value)
    return found


def test_the_scan_finds_the_messages():
    ids = message_ids()
    assert "unknown field" in ids and errors.OutOfFiscalPeriodError.template in ids and len(ids) > 30


@pytest.mark.parametrize("msgid", sorted(message_ids()))
def test_every_message_has_japanese_with_the_same_placeholders(msgid):
    japanese = catalog(CORE_LOCALE_DIR, "ja").get(msgid)
    assert japanese, f"no Japanese for {msgid!r} in journalgen/locale/ja/LC_MESSAGES/journalgen.po"
    assert placeholders(japanese) == placeholders(msgid)


def test_out_of_period_says_toenen_kaikei_kikangai_in_both_languages():
    error = errors.OutOfFiscalPeriodError(date="2024-12-31", period="2025-01-01..2025-12-31")
    for lang in ("ja", "en"):
        assert "当年会計期間外" in error.message(lang) and "2024-12-31" in error.message(lang)
        assert "2025-01-01..2025-12-31" in error.message(lang)
    assert error.to_dict()["message"]["ja"] != error.to_dict()["message"]["en"]


def test_language_follows_the_locale(monkeypatch):
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr("locale.getlocale", lambda: (None, None))
    assert default_lang() == "en"
    monkeypatch.setattr("locale.getlocale", lambda: ("Japanese_Japan", "932"))  # Windows, no variable set
    assert default_lang() == "ja"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert default_lang() == "en"
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert default_lang() == "ja"
    assert translate("unknown field", "ja") == "未知の項目です"


def test_yen_is_formatted_for_japanese_readers():
    assert format_yen(102_220) == "￥102,220"
    assert format_yen(-3_300) == "-￥3,300"
