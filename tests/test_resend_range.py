"""A whole fiscal year of three stores from one JSON Lines file, built and then partly re-sent."""

from __future__ import annotations

import json

from click.testing import CliRunner
from resend_scenario import many_days, settings_text

from journalgen.cli import cli


def test_a_year_of_three_stores_builds_then_re_sends_only_the_corrected_days(tmp_path):
    closes = many_days(tmp_path / "closes.jsonl", 365)
    lines = closes.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[400]) | {"sales": [{"payment": "cash", "tax": "standard_10", "amount": -1}]}
    lines[400] = json.dumps(broken, ensure_ascii=False)
    closes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = tmp_path / "settings.toml"
    settings.write_text(settings_text(None), encoding="utf-8")
    out = tmp_path / "out"

    def build(*period: str):
        return CliRunner().invoke(cli, ["build", "--input", str(closes), "--config", str(settings), "--out", str(out),
                                        "--target", "journal", "--lang", "en", *period])

    year = build("--from", "2025-01-01", "--to", "2025-12-31")
    assert year.exit_code == 1
    assert "Store-days: 1094 built, 1 failed," in year.stdout
    assert "Sent-ledger: 1094 sent for the first time, 0 unchanged, 0 re-sent." in year.stdout
    (failure,) = [line for line in year.stderr.splitlines() if line.startswith("✗")]
    assert "[INPUT_INVALID]" in failure and "sales[0].amount" in year.stderr

    for index in (453, 460):  # 2025-06-01 0001 and 2025-06-03 0002: a late void each
        close = json.loads(lines[index])
        close["voids"] = [{"receipt_no": f"R{index}", "original_date": close["business_date"], "payment": "cash",
                           "tax": "standard_10", "amount": 1100, "tax_amount": 100}]
        lines[index] = json.dumps(close, ensure_ascii=False)
    closes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    week = build("--from", "2025-06-01", "--to", "2025-06-07")
    # the broken line names a day outside the week: the filter leaves it unread, as it leaves every such close
    assert week.exit_code == 0 and "[INPUT_INVALID]" not in week.stderr
    assert "Store-days: 21 built, 0 failed," in week.stdout
    assert "Sent-ledger: 0 sent for the first time, 19 unchanged, 2 re-sent." in week.stdout
    assert sorted(str(p.relative_to(out)) for p in out.rglob("resend-*")) == [
        "2025-06-01/0001/resend-1", "2025-06-03/0002/resend-1"]
