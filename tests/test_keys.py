"""Entry and line keys are the short hash of their parts' canonical JSON, whichever way the
parts are encoded (a line writes its own): keys in ledgers and snapshots stay valid."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journalgen.close import PaymentItem, PaymentKind, TaxCategory
from journalgen.journal import Line, key_maker

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
PARTS = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                     lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
                     max_leaves=20)


def canonical(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))


def reference_key(*parts: object) -> str:
    """How keys were made before the encoding of shared parts was shared."""
    return hashlib.sha256(canonical(parts).encode("utf-8")).hexdigest()[:16]


FIRST = st.lists(TEXT | st.integers() | st.lists(TEXT, max_size=4), min_size=1, max_size=5)
"""The shapes of the parts a key is made of before its last: text, a number, rows as text."""


@settings(max_examples=200, deadline=None)
@given(FIRST, PARTS)
def test_a_key_hashes_the_canonical_json_of_all_its_parts(first, last):
    assert key_maker(*first)(canonical(last)) == reference_key(*first, last)


OPTIONAL_TEXT = st.none() | TEXT
LINES = st.builds(
    Line,
    side=st.sampled_from(("debit", "credit")), account=TEXT, amount=st.integers(), tax=st.sampled_from(TaxCategory),
    tax_amount=st.integers(), description=TEXT, item=OPTIONAL_TEXT, section=OPTIONAL_TEXT,
    payment=st.none() | st.sampled_from(PaymentKind), payment_label=OPTIONAL_TEXT,
    payment_item=st.none() | st.builds(PaymentItem, id=st.from_regex(r"[0-9]+", fullmatch=True),
                                       name=TEXT.filter(bool)),
    sales_return=st.booleans(), partner=OPTIONAL_TEXT, due_date=st.none() | st.dates(), sub_account=OPTIONAL_TEXT,
)


@settings(max_examples=500, deadline=None)
@given(LINES)
def test_a_line_writes_the_canonical_json_of_its_content(line):
    assert line.canonical() == canonical(line.content())


def test_a_keyed_line_keeps_every_other_field():
    line = Line(side="debit", account="売掛金", amount=1100, tax=TaxCategory.standard_10, tax_amount=100,
                description="売上", item="品目", section="本店", payment=PaymentKind.credit, payment_label="クレジット",
                payment_item=PaymentItem(id="0001", name="Visa"), sales_return=True, partner="カード会社",
                sub_account="レジ1")
    assert line.keyed("0123456789abcdef") == replace(line, key="0123456789abcdef")


def test_a_key_part_of_another_shape_is_refused_not_miswritten():
    with pytest.raises(TypeError):
        key_maker(True)  # json writes `true`, str() `True`
