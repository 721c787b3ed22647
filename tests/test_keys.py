"""Entry and line keys are the short hash of their parts' canonical JSON, whichever way the
parts are encoded: keys in ledgers and snapshots stay valid."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from journalgen.close import PaymentItem, PaymentKind, TaxCategory
from journalgen.journal import Line, key_maker

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
PARTS = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                     lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
                     max_leaves=20)


def reference_key(*parts: object) -> str:
    """How keys were made before the encoding of shared parts was shared."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@settings(max_examples=200, deadline=None)
@given(st.lists(PARTS, min_size=1, max_size=5), PARTS)
def test_a_key_hashes_the_canonical_json_of_all_its_parts(first, last):
    assert key_maker(*first)(last) == reference_key(*first, last)


def test_a_keyed_line_keeps_every_other_field():
    line = Line(side="debit", account="売掛金", amount=1100, tax=TaxCategory.standard_10, tax_amount=100,
                description="売上", item="品目", section="本店", payment=PaymentKind.credit, payment_label="クレジット",
                payment_item=PaymentItem(id="0001", name="Visa"), sales_return=True, partner="カード会社",
                sub_account="レジ1")
    assert line.keyed("0123456789abcdef") == replace(line, key="0123456789abcdef")
