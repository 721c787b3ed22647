"""Store-day warnings: what the console prints and the review page marks."""

from __future__ import annotations

import pytest

from journalgen import load_settings
from journalgen.inputs import SAMPLE_SETTINGS
from journalgen.journalize import journalize
from journalgen.warnings import day_warnings
from tests.test_review import close_of_case


@pytest.mark.parametrize(("case", "codes"), [
    ("cash-only", []),
    ("zero-sales", ["NO_SALES"]),
    ("refund-only-day", ["VOID_OF_EARLIER_DAY", "VOID_OF_EARLIER_DAY", "NEGATIVE_NET_SALES"]),
    ("cash-shortage", ["CASH_SHORTAGE"]),
    ("cash-overage", ["CASH_OVERAGE"]),
])
def test_warning_codes_per_case(case, codes):
    journal = journalize(close_of_case(case), load_settings(SAMPLE_SETTINGS))
    assert [warning.code for warning in day_warnings(journal, load_settings(SAMPLE_SETTINGS))] == codes


def test_a_warning_names_the_entries_it_is_about_and_speaks_both_languages():
    settings = load_settings(SAMPLE_SETTINGS)
    journal = journalize(close_of_case("refund-only-day"), settings)
    negative = [w for w in day_warnings(journal, settings) if w.code == "NEGATIVE_NET_SALES"][0]
    keys = {entry.key for entry in journal.entries}
    assert negative.entry_keys and set(negative.entry_keys) <= keys
    assert "純売上がマイナス" in negative.message("ja") and "negative" in negative.message("en")
    assert negative.to_dict("en")["level"] == "warning"
