"""Property: whatever lands in an input folder beside one good close — random bytes, random JSON,
deep nesting, huge numbers, odd code points in every text — the real CLI ends with exit code 0, 1
or 2, prints no traceback and never sends a control character to the terminal from the input, and
the good close is built."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journalgen.cli import cli

GOOD = {
    "business_date": "2025-01-10",
    "store": {"code": "0001", "name": "店舗0001"},
    "sales": [{"payment": "cash", "tax": "standard_10", "amount": 3300, "tax_amount": 300}],
}

odd_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300) | st.sampled_from(
    ["\x1b[2J\x1b]0;x\x07", "\u202e\u2066", "\u2028\u2029\u0085", "\ud800", "CON", "a" * 5000, "ABC", "abc"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=20,
)


@st.composite
def hostile_closes(draw) -> dict:
    """A close of another store whose fields hold odd text, huge numbers or random JSON."""
    data = json.loads(json.dumps(GOOD))
    data["store"]["code"] = draw(st.sampled_from(["0002", "abc", "ABC", "con", "9" * 300]) | odd_text)
    data["store"]["name"] = draw(odd_text)
    data["sales"][0]["amount"] = draw(st.integers(min_value=-(10**30), max_value=10**30) | json_values)
    if draw(st.booleans()):
        data[draw(odd_text)] = draw(json_values)
    return data


def _as_bytes(content: object) -> bytes:
    return content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False).encode(
        "utf-8", "surrogatepass")


hostile_files = st.one_of(
    st.binary(max_size=300),
    json_values.map(_as_bytes),
    hostile_closes().map(_as_bytes),
    st.integers(min_value=1, max_value=100_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(min_value=4300, max_value=20_000).map(lambda digits: b'{"n": ' + b"9" * digits + b"}"),
)
names = st.sampled_from(["a.json", "b.JSON", "c.jsonl", "d.txt", "e.json"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.dictionaries(names, hostile_files, min_size=1, max_size=3), command=st.sampled_from(["build", "validate"]))
def test_the_cli_survives_any_input_beside_a_good_close(files, command):
    with tempfile.TemporaryDirectory() as folder:
        inputs, out = Path(folder) / "in", Path(folder) / "out"
        inputs.mkdir()
        (inputs / "0-good.json").write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
        for name, content in files.items():
            (inputs / name).write_bytes(content)
        args = [command, str(inputs), "--lang", "en"] if command == "validate" else [
            "build", "--input", str(inputs), "--out", str(out), "--target", "journal", "--lang", "en"]

        result = CliRunner().invoke(cli, args)

        assert result.exit_code in (0, 1, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in result.output
        assert not any(char in result.output for char in "\x1b\x07\u202e\u2066\x9b"), result.output
        if command == "build":
            assert (out / "2025-01-10" / "0001" / "journal.json").is_file(), result.output
        else:
            assert f"✓ {inputs / '0-good.json'}: valid" in result.output
