"""The one JSON encoder of every target's files writes what `json.dumps(…, ensure_ascii=False,
indent=2)` wrote before it, byte for byte, for any document a target can hold."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from journalgen.jsonfile import json_file

TEXT = st.text(st.characters(exclude_categories=("Cs",)))  # any character but a lone surrogate
"""Any text: non-ASCII, control characters, U+2028/U+2029, quotes, backslashes, a BOM …"""
SCALARS = st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40) | TEXT
DOCUMENTS = st.recursive(SCALARS, lambda children: st.lists(children, max_size=5)
                         | st.dictionaries(TEXT, children, max_size=5), max_leaves=40)


def standard(document: object) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_json_file_writes_what_json_dumps_writes(document):
    assert json_file(document) == standard(document)


def test_the_characters_json_escapes_and_those_it_keeps():
    text = "".join(map(chr, range(0x20))) + '"\\/\x7f\x80\u2028\u2029\ufeff日本😀'
    document = {"z": text, "a": [[], {}, {"": None}], "big": 2**64, "neg": -(10**30), "yes": True}
    assert json_file(document) == standard(document)
    assert list(json.loads(json_file(document))) == ["z", "a", "big", "neg", "yes"]
    assert json_file(document).endswith(b"}\n")
