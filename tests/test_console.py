"""The console as a shop owner and a script meet it, through the real CLI: the sample never lands
on real books, any console encoding works, progress only on a terminal, warnings and gaps said
once, `--json` in the shape of the shipped schema, help and errors in Japanese."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import click
import pytest
from click.testing import CliRunner

from journalgen.build import build_closes
from journalgen.cli import cli
from journalgen.cli_i18n import CLICK_MESSAGES
from journalgen.i18n import CORE_LOCALE_DIR, catalog
from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, read_closes
from journalgen.settings import load_settings

ROOT = Path(__file__).parents[1]
SUMMARY_SCHEMA = json.loads((ROOT / "schemas" / "run-summary.schema.json").read_text(encoding="utf-8"))
PLAIN_ENV = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The installed command in a subprocess, output through pipes (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "journalgen", *map(str, args)], capture_output=True,
                          env={**PLAIN_ENV, **(env or {})}, cwd=cwd, timeout=120)


def run_in_terminal(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, str]:
    """The command on a real pseudo-terminal (stdout and stderr both): exit code and all it drew."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "journalgen", *map(str, args)], stdin=follower,
                               stdout=follower, stderr=follower, env={**PLAIN_ENV, **(env or {})}, cwd=cwd)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but the sent-ledger's (it records when and by which run)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".journalgen" not in p.relative_to(folder).parts}


@pytest.fixture
def books(tmp_path) -> tuple[Path, Path, Path]:
    """A user's own closes (the sample with another day-one total), settings and built output."""
    closes, out, mine = tmp_path / "closes", tmp_path / "out", tmp_path / "mine.toml"
    shutil.copytree(SAMPLE_CLOSES, closes)
    shutil.copy(SAMPLE_SETTINGS, mine)
    day_one = closes / "2025-01-10_0001.json"
    close = json.loads(day_one.read_text(encoding="utf-8"))
    close["sales"][0]["amount"] += 1100
    close["sales"][0].pop("tax_amount", None)
    day_one.write_text(json.dumps(close, ensure_ascii=False), encoding="utf-8")
    built = invoke("build", "--input", closes, "--config", mine, "--out", out, "--lang", "en")
    assert built.exit_code == 0, built.output
    assert "net sales ￥103,320" in built.output  # not the sample's ￥102,220
    return closes, mine, out


# --- safety ------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [[], ["--target", "yayoi"], ["--target", "journal", "--strict"]])
def test_a_forgotten_input_with_a_config_is_a_usage_error_that_touches_no_real_file(books, extra):
    _, mine, out = books
    before = tree(out)
    result = invoke("build", "--date", "2025-01-10", "--config", mine, "--out", out, *extra, "--lang", "en")
    assert result.exit_code == 2
    assert "Missing option --input" in result.stderr and "sample" not in result.stdout
    assert tree(out) == before


def test_review_with_a_config_and_no_input_writes_no_sample_page_either(books):
    _, mine, out = books
    before = tree(out)
    result = invoke("review", "--date", "2025-01-10", "--config", mine, "--out", out, "--lang", "ja")
    assert result.exit_code == 2 and "--input が指定されていません" in result.stderr
    assert tree(out) == before


def test_the_sample_is_built_with_no_options_or_with_sample_and_never_with_a_config(books, tmp_path):
    closes, mine, _ = books
    assert invoke("build", "--sample", "--date", "2025-01-10", "--out", tmp_path / "s", "--lang", "en").exit_code == 0
    assert "サンプル食堂 本店".encode() in (tmp_path / "s/2025-01-10/0001/journal.json").read_bytes()
    both = invoke("build", "--sample", "--config", mine, "--out", tmp_path / "t", "--lang", "en")
    assert both.exit_code == 2 and "--sample cannot be combined" in both.stderr
    missing = invoke("build", "--input", tmp_path / "nowhere", "--out", tmp_path / "t", "--lang", "en")
    assert missing.exit_code == 2 and "nowhere: no such file or directory" in missing.stderr
    assert not (tmp_path / "t").exists()


def test_a_cp932_console_gets_text_marks_and_the_same_files(tmp_path):
    utf8 = run("build", "--out", tmp_path / "a", "--lang", "ja", env={"PYTHONIOENCODING": "utf-8"})
    cp932 = run("build", "--out", tmp_path / "b", "--lang", "ja", env={"PYTHONIOENCODING": "cp932"})
    assert utf8.returncode == cp932.returncode == 0, cp932.stderr.decode("cp932")
    text = cp932.stdout.decode("cp932")  # every byte is cp932
    assert "OK 2025-01-10 0001 サンプル食堂 本店: 純売上 ￥102,220" in text and "  !! [CASH_SHORTAGE]" in text
    assert "✓ 2025-01-10 0001" in utf8.stdout.decode("utf-8")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    for command in (["review", "--date", "2025-01-10", "--out", tmp_path / "r"], ["validate", SAMPLE_CLOSES], ["-h"]):
        other = run(*command, env={"PYTHONIOENCODING": "cp932", "LANG": "ja_JP.UTF-8"})
        assert other.returncode == 0, other.stderr.decode("cp932")
        assert b"Traceback" not in other.stderr


def test_build_closes_yields_each_store_day_as_soon_as_it_is_written(tmp_path):
    loaded = read_closes(SAMPLE_CLOSES)
    results = build_closes(loaded, load_settings(SAMPLE_SETTINGS), ["journal"], tmp_path)
    first = next(results)
    assert first.written and [p.parent for p in tmp_path.glob("*/*")] == [first.written[0].parent.parent]
    assert len([first, *results]) == len(loaded) == 7


# --- progress, colour, next step ---------------------------------------------------------------


def test_a_terminal_gets_progress_colour_and_a_next_step_and_a_pipe_gets_none(tmp_path):
    code, drawn = run_in_terminal("build", "--out", tmp_path / "t", "--lang", "en", cwd=tmp_path)
    assert code == 0, drawn
    assert "0/7 store-days" in drawn and "7/7 store-days" in drawn and "left" in drawn
    assert "\x1b[32m✓\x1b[0m 2025-01-10 0001" in drawn  # green ✓
    assert "Next: check a day with `journalgen review --date 2025-01-10`" in drawn

    piped = run("build", "--out", tmp_path / "p", "--lang", "en", cwd=tmp_path)
    output = (piped.stdout + piped.stderr).decode("utf-8")
    assert piped.returncode == 0 and "store-days," not in output and "\x1b[" not in output
    assert "Next:" not in output and "✓ 2025-01-10 0001" in output


def test_no_color_and_force_color_are_respected(tmp_path):
    code, drawn = run_in_terminal("build", "--out", tmp_path / "t", "--lang", "en", env={"NO_COLOR": "1"})
    assert code == 0 and "\x1b[32m" not in drawn and "✓ 2025-01-10 0001" in drawn
    forced = run("build", "--out", tmp_path / "p", "--lang", "en", env={"FORCE_COLOR": "1"})
    assert "\x1b[32m✓\x1b[0m 2025-01-10 0001" in forced.stdout.decode("utf-8")


def test_one_store_day_gets_no_progress_and_quiet_gets_none(tmp_path):
    code, one = run_in_terminal("build", "--date", "2025-01-11", "--store", "0001", "--out", tmp_path / "a",
                                "--lang", "en")
    assert code == 0 and "store-days," not in one
    code, quiet = run_in_terminal("build", "-q", "--out", tmp_path / "b", "--lang", "en")
    assert code == 0 and "store-days," not in quiet and "✓" not in quiet and "Next:" not in quiet
    assert "Store-days: 7 built, 0 failed, 5 warning(s)." in quiet


# --- what is said ------------------------------------------------------------------------------


def test_a_year_over_the_sample_says_the_gaps_once_and_names_the_missing_store(tmp_path):
    result = invoke("build", "--from", "2025-01-01", "--to", "2025-12-31", "--target", "journal",
                    "--out", tmp_path, "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) < 20
    assert "· No daily close on 360 day(s): 2025-01-01..2025-01-09, 2025-01-15..2025-12-31" in lines
    assert "⚠ Store 0002 has no close on 2025-01-12..2025-01-14, when other stores have one." in lines


def test_warnings_are_printed_under_their_day_and_counted_in_both_languages(tmp_path):
    en = invoke("build", "--date", "2025-01-11", "--store", "0001", "--target", "journal", "--out", tmp_path,
                "--lang", "en").output
    assert en.splitlines()[2:5] == [
        "  ⚠ [SUSPENSE_BOOKED] Unregistered reason “雑費立替” (Cash out ￥800) was booked to 仮払金: register it "
        "under [cash_movements] in the settings, or move it to the right account.",
        "  ⚠ [CASH_OVERAGE] Cash overage of ￥50, booked to 雑収入.",
        "Store-days: 1 built, 0 failed, 2 warning(s).",
    ]
    ja = invoke("build", "--date", "2025-01-11", "--store", "0001", "--target", "journal", "--out", tmp_path,
                "--lang", "ja").output
    assert "  ⚠ [CASH_OVERAGE] 現金が ￥50 " in ja and "警告 2 件。" in ja


def test_quiet_keeps_failures_and_the_summary_and_verbose_adds_notes(tmp_path):
    quiet = invoke("build", "-q", "--target", "journal", "--out", tmp_path, "--lang", "en")
    assert quiet.exit_code == 0
    assert quiet.stdout.splitlines()[-2:] == ["Store-days: 7 built, 0 failed, 5 warning(s).",
                                              "Sent-ledger: 7 sent for the first time, 0 unchanged, 0 re-sent."]
    assert "✓" not in quiet.output and "[CASH_SHORTAGE]" not in quiet.output
    assert "Store 0002 has no close on 2025-01-12..2025-01-14" in quiet.stdout
    verbose = invoke("build", "-v", "--date", "2025-01-14", "--target", "journal", "--out", tmp_path, "--lang", "en")
    assert "· [VOID_OF_EARLIER_DAY]" in verbose.output and "input: " in verbose.output
    assert "Settings: " in verbose.output
    normal = invoke("build", "--date", "2025-01-14", "--target", "journal", "--out", tmp_path, "--lang", "en")
    assert "VOID_OF_EARLIER_DAY" not in normal.output


def test_strict_fails_the_days_with_warnings_writes_nothing_for_them_and_builds_the_rest(tmp_path):
    result = invoke("build", "--strict", "--target", "journal", "--out", tmp_path, "--lang", "en")
    assert result.exit_code == 1
    assert "✗ 2025-01-11 0001 サンプル食堂 本店: [STRICT_WARNINGS]" in result.stderr
    assert "  ⚠ [SUSPENSE_BOOKED]" in result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("2025-*/*")) == [
        "2025-01-10/0002", "2025-01-11/0002", "2025-01-12/0001"]
    assert "Store-days: 3 built, 4 failed, 5 warning(s)." in result.stdout


def test_validate_without_settings_says_it_checked_the_neutral_journal_only(tmp_path):
    bare = invoke("validate", SAMPLE_CLOSES, "--lang", "en")
    assert bare.exit_code == 0
    assert "checked the input contract and the neutral journal only" in bare.output
    full = invoke("validate", SAMPLE_CLOSES, "--config", SAMPLE_SETTINGS, "--lang", "en")
    assert full.exit_code == 0 and "neutral journal only" not in full.output
    assert invoke("validate", tmp_path / "nowhere", "--lang", "en").exit_code == 2


# --- --json ------------------------------------------------------------------------------------


def test_build_json_is_one_document_in_the_shipped_shape(books, tmp_path):
    closes, mine, _ = books
    (closes / "broken.json").write_text("{", encoding="utf-8")
    result = run("build", "--json", "--input", closes, "--config", mine, "--fiscal-period", "2025-01-11..2025-12-31",
                 "--out", tmp_path / "j", "--lang", "en")
    assert result.returncode == 1
    document = json.loads(result.stdout.decode("utf-8"))
    jsonschema.Draft202012Validator(SUMMARY_SCHEMA).validate(document)
    days = {(day["date"], day["store"]): day for day in document["store_days"]}
    assert days[("2025-01-10", "0001")]["status"] == "failed"
    assert days[("2025-01-10", "0001")]["error"]["code"] == "OUT_OF_FISCAL_PERIOD"
    assert days[(None, None)]["error"]["code"] == "INPUT_JSON_SYNTAX"
    built = days[("2025-01-11", "0001")]
    assert built["status"] == "built" and built["net_sales"] == 50300 and built["error"] is None
    assert {Path(p).name for p in built["files"]} >= {"journal.json", "freee-deals.json", "yayoi-import.csv"}
    assert [(w["code"], w["level"]) for w in built["warnings"]] == [
        ("VOID_OF_EARLIER_DAY", "note"), ("SUSPENSE_BOOKED", "warning"), ("CASH_OVERAGE", "warning")]
    assert document["stores_missing"] == [{"store": "0002", "days": [{"from": "2025-01-12", "to": "2025-01-14"}]}]
    assert document["totals"] == {"store_days": 8, "ok": 5, "failed": 3, "warnings": 5,  # a refused day's too
                                  "net_sales": 50300 + 9860 + 93080 + 43880 - 3300}
    assert "✓ 2025-01-11 0001" in result.stderr.decode("utf-8")  # the lines for people, out of the way


def test_validate_json_is_in_the_same_shape_and_says_what_was_checked():
    result = run("validate", SAMPLE_CLOSES, "--json", "--lang", "ja")
    document = json.loads(result.stdout.decode("utf-8"))
    jsonschema.Draft202012Validator(SUMMARY_SCHEMA).validate(document)
    assert document["command"] == "validate" and document["totals"]["ok"] == 7
    assert document["checked"] == {"settings": None, "targets": ["journal"], "neutral_journal_only": True}
    assert {day["status"] for day in document["store_days"]} == {"valid"}
    assert "現金が ￥100 不足しています" in json.dumps(document, ensure_ascii=False)


def test_json_under_cp932_stays_valid_json(tmp_path):
    result = run("build", "--json", "--date", "2025-01-10", "--out", tmp_path, env={"PYTHONIOENCODING": "cp932"})
    assert result.returncode == 0
    document = json.loads(result.stdout.decode("cp932"))
    assert document["store_days"][0]["store_name"] == "サンプル食堂 本店"


# --- conventions -------------------------------------------------------------------------------


def test_h_is_help_every_option_says_what_it_does_and_target_lists_the_installed_ones():
    assert invoke("-h").output == invoke("--help").output
    listing = invoke("--help").output
    assert "..." not in listing.split("Commands:")[1]
    assert "Check daily closes as a build would (input contract, journal invariants" in " ".join(listing.split())
    for name, command in cli.commands.items():
        assert CliRunner().invoke(cli, [name, "-h"]).exit_code == 0
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, (name, param.name)
                if isinstance(param.type, click.Choice):
                    assert all(choice in param.help for choice in param.type.choices), (name, param.name)
    build_help = " ".join(CliRunner().invoke(cli, ["build", "-h"], env={"LANG": "C"}).output.split())
    assert "installed: aspit, flaro, freee, journal, makasete, yayoi" in build_help and "[ja|en]" in build_help


def test_help_and_usage_errors_are_japanese_under_lang_ja_or_a_japanese_locale():
    help_ja = invoke("build", "--lang", "ja", "-h").output
    assert help_ja.startswith("使い方: ") and "オプション:" in help_ja and "この営業日を作成します" in help_ja
    locale_ja = CliRunner().invoke(cli, ["-h"], env={"LANG": "ja_JP.UTF-8"}).output
    assert "コマンド:" in locale_ja and "閉局データを build と同じように検査します" in locale_ja
    missing = invoke("review", "--lang", "ja")
    assert missing.exit_code == 2
    assert "エラー: --date か、--from と --to のどちらかを指定してください" in missing.stderr and "使い方は" in missing.stderr
    unknown = invoke("mapping", "export", "--lang", "ja")
    assert unknown.exit_code == 2 and "エラー: 引数 FILE が指定されていません。" in unknown.stderr
    bad_date = invoke("build", "--date", "2025-02-30", "--lang", "ja")
    assert bad_date.exit_code == 2 and "YYYY-MM-DD 形式の日付ではありません" in bad_date.stderr
    typo = invoke("build", "--dat", "2025-01-10", "--lang", "ja")
    assert typo.exit_code == 2 and "--dat というオプションはありません。'--date'" in typo.stderr


def test_build_store_builds_only_that_store(tmp_path):
    result = invoke("build", "--store", "0002", "--target", "journal", "--out", tmp_path, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("2025-*/*")) == [
        "2025-01-10/0002", "2025-01-11/0002"]
    none = invoke("build", "--store", "9999", "--target", "journal", "--out", tmp_path, "--lang", "en")
    assert none.exit_code == 1 and "9999" in none.stderr


def test_the_readme_example_of_the_json_summary_follows_the_shipped_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("### `--json`")[1].split("```json\n")[1].split("```")[0]
    jsonschema.Draft202012Validator(SUMMARY_SCHEMA).validate(json.loads(example))


def test_shell_completion_offers_commands_and_installed_targets():
    def complete(words: str, cword: int) -> str:
        env = {"COMP_WORDS": words, "COMP_CWORD": str(cword), "_JOURNALGEN_COMPLETE": "bash_complete"}
        return run(env=env).stdout.decode("utf-8")

    assert "plain,build" in complete("journalgen bu", 1)
    assert complete("journalgen build --target ya", 3).splitlines() == ["plain,yayoi"]


def test_misspelt_values_and_keys_get_a_did_you_mean(tmp_path):
    close = json.loads((SAMPLE_CLOSES / "2025-01-10_0001.json").read_text(encoding="utf-8"))
    close["sales"][0]["payment"], close["sales"][1]["tax"] = "cahs", "reduced8"
    close["cash_count"]["countd"] = 1
    (tmp_path / "close.json").write_text(json.dumps(close, ensure_ascii=False), encoding="utf-8")
    refused = invoke("validate", tmp_path / "close.json", "--lang", "en")
    assert refused.exit_code == 1
    assert 'sales[0].payment = "cahs": unknown value; did you mean cash? allowed: ' in refused.stderr
    assert 'sales[1].tax = "reduced8": unknown value; did you mean reduced_8?' in refused.stderr
    assert "cash_count.countd = 1: unknown field; did you mean counted?" in refused.stderr

    settings = tmp_path / "mine.toml"
    settings.write_text('[accounts]\nshortge = "x"\n[targets.yayoi]\nsectoins = true\n', encoding="utf-8")
    bad = invoke("build", "--input", tmp_path / "close.json", "--config", settings, "--target", "yayoi",
                 "--out", tmp_path / "out", "--lang", "ja")
    assert bad.exit_code == 2 and 'accounts.shortge = "x": 未知の項目です。shortage のことですか？' in bad.stderr
    settings.write_text("[targets.yayoi]\nsectoins = true\n", encoding="utf-8")
    target_key = invoke("validate", tmp_path / "close.json", "--config", settings, "--target", "yayoi", "--lang", "en")
    assert target_key.exit_code == 2
    assert "targets.yayoi.sectoins = true: unknown field; did you mean sections?" in target_key.stderr
    assert not (tmp_path / "out").exists()


def test_a_json_run_without_any_close_still_prints_its_document(tmp_path):
    result = run("build", "--json", "--date", "2026-01-01", "--target", "journal", "--out", tmp_path / "out")
    assert result.returncode == 1 and b"No daily close" in result.stderr
    document = json.loads(result.stdout.decode("utf-8"))
    jsonschema.Draft202012Validator(SUMMARY_SCHEMA).validate(document)
    assert document["store_days"] == [] and document["days_without_close"] == [{"from": "2026-01-01", "to": "2026-01-01"}]
    assert not (tmp_path / "out").exists()


def test_every_help_text_and_click_message_has_japanese():
    japanese = catalog(CORE_LOCALE_DIR, "ja")
    texts = {msgid for _, msgid in CLICK_MESSAGES} | {"Usage: ", "[OPTIONS]", "Options", "Commands",
                                                        "Show this message and exit.", "Show the version and exit."}
    for command in [cli, *cli.commands.values()]:
        texts.add(" ".join(command.help.split()))
        texts |= {" ".join(param.help.split()) for param in command.params if getattr(param, "help", None)}
    assert sorted(text for text in texts if text not in japanese) == []
