"""The CLI as a person runs it: the shipped sample, date ranges, exit codes, same bytes twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from journalgen.cli import cli
from journalgen.inputs import SAMPLE_CLOSES
from journalgen.schema import input_schema, input_schema_text, shipped_schema_text
from journalgen.storeday import MANIFEST

ROOT = Path(__file__).parents[1]
SAMPLE_DAYS = {"2025-01-10": ["0001", "0002"], "2025-01-11": ["0001", "0002"], "2025-01-12": ["0001"],
               "2025-01-13": ["0001"], "2025-01-14": ["0001"]}


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def tree(folder: Path) -> dict[str, bytes]:
    """Every output file under `folder`; the sent-ledger (`.journalgen/`) records when, so it is left out."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".journalgen" not in p.relative_to(folder).parts}


def days(out: Path) -> list[str]:
    """The business-day folders under `out` (not the sent-ledger's `.journalgen/` nor the lock)."""
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def test_the_readme_command_builds_every_sample_day_for_every_sample_target(tmp_path):
    env = {**os.environ, "LANG": "ja_JP.UTF-8"}
    result = subprocess.run([sys.executable, "-m", "journalgen", "build"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "純売上 ￥102,220" in result.stdout and "店舗・営業日: 作成 7 件、失敗 0 件、警告 5 件。" in result.stdout
    assert "送信台帳: 初回 7 件、変更なし 0 件、再送 0 件。" in result.stdout
    out = tmp_path / "out"
    assert days(out) == sorted(SAMPLE_DAYS)
    for day, stores in SAMPLE_DAYS.items():
        for store in stores:
            names = {p.name for p in (out / day / store).iterdir()}
            assert {"journal.json", "journal.csv", "freee-deals.json", "yayoi-import.csv"} <= names, (day, store)


def test_same_input_gives_byte_identical_output(tmp_path):
    for run in ("a", "b"):
        assert invoke("build", "--out", str(tmp_path / run), "--lang", "en").exit_code == 0
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert first == second and len(first) > 12


def test_a_range_builds_only_its_days_and_names_the_days_without_a_close(tmp_path):
    result = invoke("build", "--from", "2025-01-11", "--to", "2025-01-16", "--target", "journal",
                    "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert days(tmp_path) == ["2025-01-11", "2025-01-12", "2025-01-13", "2025-01-14"]
    assert "Store-days: 5 built, 0 failed, 4 warning(s)." in result.output
    assert "Sent-ledger: 5 sent for the first time, 0 unchanged, 0 re-sent." in result.output
    assert [line for line in result.output.splitlines() if line.startswith("·")] == [
        "· No daily close on 2 day(s): 2025-01-15..2025-01-16"]


def test_one_day_with_json_lines_input(tmp_path):
    batch = tmp_path / "closes.jsonl"
    batch.write_text("".join(json.dumps(json.loads(p.read_text("utf-8")), ensure_ascii=False) + "\n"
                             for p in sorted(SAMPLE_CLOSES.glob("*.json"))), encoding="utf-8")
    result = invoke("build", "--input", str(batch), "--date", "2025-01-10", "--target", "journal",
                    "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out" / "2025-01-10").iterdir() if not p.name.startswith(".")) == ["0001", "0002"]


def test_a_day_without_input_fails_and_says_so(tmp_path):
    result = invoke("build", "--date", "2025-02-01", "--target", "journal", "--out", str(tmp_path / "out"), "--lang", "en")
    assert result.exit_code == 1
    assert "No daily close" in result.stderr and "2025-02-01" in result.stderr
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_2(tmp_path):
    assert invoke("build", "--date", "2025-01-10", "--from", "2025-01-09").exit_code == 2
    assert invoke("build", "--date", "2025-02-30").exit_code == 2
    assert invoke("build", "--date", "20250110").exit_code == 2
    assert invoke("build", "--fiscal-period", "2025-01-01").exit_code == 2
    reversed_range = invoke("build", "--from", "2025-01-14", "--to", "2025-01-10", "--out", str(tmp_path))
    assert reversed_range.exit_code == 2 and "before --from" in reversed_range.stderr
    reversed_period = invoke("build", "--fiscal-period", "2025-12-31..2025-01-01", "--out", str(tmp_path))
    assert reversed_period.exit_code == 2 and "END not before START" in reversed_period.stderr
    assert "pydantic" not in reversed_period.stderr
    unknown = invoke("build", "--target", "nope", "--out", str(tmp_path), "--lang", "en")
    assert unknown.exit_code == 2 and "[UNKNOWN_TARGET]" in unknown.stderr


def test_targets_lists_the_built_in_targets_with_their_distributions():
    listed = json.loads(invoke("targets", "--json").output)
    by_name = {row["name"]: row for row in listed}
    assert by_name["journal"]["distribution"] == "journalgen"
    assert by_name["freee"]["distribution"] == "journalgen-freee"
    assert by_name["yayoi"]["distribution"] == "journalgen-yayoi"
    assert all(row["version"] for row in listed)


def test_schema_command_prints_the_shipped_file():
    shipped = (ROOT / "schemas" / "daily-close-v2.schema.json").read_text(encoding="utf-8")
    assert invoke("schema").output == shipped == shipped_schema_text() == input_schema_text()


def test_the_shipped_schema_agrees_with_the_models_on_sample_and_bad_input():
    validator = jsonschema.Draft202012Validator(input_schema())
    for path in SAMPLE_CLOSES.glob("*.json"):
        validator.validate(json.loads(path.read_text(encoding="utf-8")))
    close = json.loads((SAMPLE_CLOSES / "2025-01-10_0001.json").read_text(encoding="utf-8"))
    for field, value in (("amount", 1100.5), ("amount", "1100"), ("amount", -1), ("payment", "bitcoin")):
        bad = json.loads(json.dumps(close))
        bad["sales"][0][field] = value
        assert not validator.is_valid(bad), (field, value)


def test_a_rebuild_removes_files_the_target_no_longer_renders_and_keeps_the_others(tmp_path):
    day = tmp_path / "2025-01-10" / "0001"
    day.mkdir(parents=True)
    (day / "yayoi-import-2.csv").write_bytes(b"an old second part")
    (day / MANIFEST).write_text('{"files": ["yayoi-import-2.csv"]}', encoding="utf-8")  # an earlier build's
    (day / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke("build", "--date", "2025-01-10", "--target", "yayoi", "--target", "journal",
                    "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in day.iterdir() if not p.name.startswith(".")) == [
        "journal.csv", "journal.json", "notes.txt", "yayoi-import.csv", "yayoi-smart.json"]


def test_output_files_are_readable_as_the_umask_allows(tmp_path):
    old_umask = os.umask(0o022)
    try:
        assert invoke("build", "--date", "2025-01-10", "--target", "journal", "--out", str(tmp_path)).exit_code == 0
    finally:
        os.umask(old_umask)
    assert {oct(p.stat().st_mode & 0o777) for p in tmp_path.rglob("*.json")} == {oct(0o644)}


def test_a_folder_keeps_only_the_latest_build_and_a_refused_day_keeps_nothing_importable(tmp_path):
    day = tmp_path / "out" / "2025-01-10" / "0001"
    assert invoke("build", "--date", "2025-01-10", "--out", str(tmp_path / "out")).exit_code == 0
    (day / "notes.txt").write_text("mine", encoding="utf-8")
    assert {"freee-deals.json", "yayoi-import.csv"} <= {p.name for p in day.iterdir()}

    # a corrected close rebuilt for the journal only: freee and 弥生 files of the old close go
    corrected = json.loads((SAMPLE_CLOSES / "2025-01-10_0001.json").read_text(encoding="utf-8"))
    corrected["sales"][0]["amount"] += 1100
    corrected["sales"][0].pop("tax_amount", None)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "close.json").write_text(json.dumps(corrected, ensure_ascii=False), encoding="utf-8")
    rebuilt = invoke("build", "--input", str(tmp_path / "in"), "--target", "journal", "--out", str(tmp_path / "out"),
                     "--lang", "en")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert sorted(p.name for p in day.iterdir() if not p.name.startswith(".")) == ["journal.csv", "journal.json", "notes.txt"]
    assert "removed files of an earlier build of this store-day: freee-deals.json" in rebuilt.output

    # the same day now refused (outside the period named for this run): no target file is left
    refused = invoke("build", "--input", str(tmp_path / "in"), "--target", "journal", "--target", "yayoi",
                     "--fiscal-period", "2024-01-01..2024-12-31", "--out", str(tmp_path / "out"), "--lang", "en")
    assert refused.exit_code == 1
    assert "[OUT_OF_FISCAL_PERIOD]" in refused.stderr and "journal.csv, journal.json" in refused.stderr
    assert sorted(p.name for p in day.iterdir() if not p.name.startswith(".")) == ["notes.txt"]


def test_validate_runs_the_targets_checks_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sample = str(SAMPLE_CLOSES)
    settings = str(ROOT / "journalgen" / "sample" / "settings.toml")
    assert invoke("validate", sample, "--config", settings, "--lang", "en").exit_code == 0

    refused = invoke("validate", sample, "--config", settings, "--target", "yayoi",
                     "--fiscal-period", "2025-01-11..2025-01-31", "--lang", "en")
    assert refused.exit_code == 1
    assert refused.stderr.count("[OUT_OF_FISCAL_PERIOD]") == 2  # both stores of 2025-01-10
    assert refused.output.count(": valid") == 5
    assert list(tmp_path.iterdir()) == []
