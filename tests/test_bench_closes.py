"""The bench's generated closes (bench/closes.py) are closes journalgen takes: each validates,
and builds for every target with the settings generated beside them."""

import sys
from pathlib import Path

from journalgen import build, load_settings, parse_close

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
import closes  # noqa: E402


def test_generated_closes_validate_and_journalize(tmp_path):
    lines = list(closes.closes(12, seed=7, stores=4, v2_share=0.5))
    settings = load_settings(closes.write_settings(tmp_path / "settings.toml", 12, stores=4))
    parsed = [parse_close(line, source=f"line {n}") for n, line in enumerate(lines, 1)]
    assert {close.version for close in parsed} == {1, 2}
    assert len({close.store_day for close in parsed}) == 12
    assert all(20 <= len(close.sales) <= 80 for close in parsed)
    targets = ["journal", "freee", "yayoi", "aspit", "makasete", "flaro"]
    for close in parsed:
        names = build(close, settings, target=targets)
        assert {"journal.json", "freee-deals.json", "yayoi-import.csv", "aspit-daily.json",
                "makasete-sales.json", "flaro-settlement.json"} <= set(names)
    assert lines == list(closes.closes(12, seed=7, stores=4, v2_share=0.5))  # the same bytes for a seed
