"""Faults and hostile input, one class of issue 10 at a time: what a user, or an attacker, can do
to a run, and what journalgen must do instead of crashing, mixing builds or losing files."""

from __future__ import annotations

import copy
import fcntl
import threading
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from journalgen import JournalgenError, build, parse_close
from journalgen.cli import cli
from journalgen.errors import InputEncodingError, InvalidInputError, SettingsError
from journalgen.close import DailyClose
from journalgen.inputs import MAX_DIGITS, SAMPLE_SETTINGS
from journalgen.settings import load_settings
from journalgen.storeday import LOCK_FILE, MANIFEST, output_lock

GOOD = {
    "business_date": "2025-01-10",
    "store": {"code": "0001", "name": "店舗0001"},
    "sales": [
        {"payment": "cash", "tax": "standard_10", "amount": 3300, "tax_amount": 300},
        {"payment": "credit", "payment_item": {"id": "00000000000001000001", "name": "Visa"},
         "tax": "reduced_8", "amount": 1080, "tax_amount": 80},
    ],
    "cash_movements": [{"direction": "out", "reason": "消耗品購入", "amount": 1200}],
    "cash_count": {"expected": 152300, "counted": 152200},
}


def close(code: str = "0001", day: str = "2025-01-10", **top) -> dict:
    data = copy.deepcopy(GOOD)
    data["store"]["code"], data["business_date"] = code, day
    return {**data, **top}


def write(folder: Path, name: str, content: dict | bytes | str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, dict):
        content = json.dumps(content, ensure_ascii=False)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def run(*args: str | Path):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def assert_clean(result) -> None:
    """Exit code 0, 1 or 2 and a message, never a Python traceback or an escaped exception."""
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


# --- 1. one store-day's failure is that store-day's -------------------------------------------

def test_a_store_day_folder_that_cannot_be_made_fails_alone(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    write(inputs, "a.json", close("0001"))
    write(inputs, "b.json", close("0002"))
    write(inputs, "c.json", close("0001", "2025-01-11"))
    write(out / "2025-01-10", "0002", "a file where the store's folder should be")

    result = run("build", "--input", inputs, "--out", out, "--target", "journal", "--lang", "en")

    assert_clean(result)
    assert result.exit_code == 1
    assert "[OUTPUT_NOT_WRITTEN]" in result.stderr and str(out / "2025-01-10" / "0002") in result.stderr
    assert "a part of the path is a file, not a folder" in result.stderr or "not as a folder" in result.stderr
    assert visible(out / "2025-01-10" / "0001") == ["journal.csv", "journal.json"]
    assert visible(out / "2025-01-11" / "0001") == ["journal.csv", "journal.json"]
    assert "Store-days: 2 built, 1 failed," in result.output


def test_an_unreadable_input_file_fails_alone(tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    write(inputs, "a.json", close("0001"))
    locked = write(inputs, "b.json", close("0002"))
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = run("build", "--input", inputs, "--out", tmp_path / "out", "--target", "journal", "--lang", "ja")

    assert_clean(result)
    assert result.exit_code == 1
    assert "[INPUT_UNREADABLE]" in result.stderr and "アクセス権がありません" in result.stderr
    assert (tmp_path / "out" / "2025-01-10" / "0001" / "journal.json").is_file()


def test_an_unexpected_error_is_a_message_and_exit_1_not_a_traceback(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("journalgen.batch.build_batch", broken)  # the cli imports it when run
    result = run("build", "--input", write(tmp_path, "a.json", close()), "--out", tmp_path / "out")

    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "RuntimeError: a bug" in result.stderr and "Traceback" not in result.output


# --- 2. hostile input is refused as input, in the library as in the CLI ---------------------

@pytest.mark.parametrize("text", [
    json.dumps(close()).replace("3300", "9" * 5000),  # ValueError: int of more than 4300 digits
    "[" * 100_000 + "]" * 100_000,  # RecursionError in json
    json.dumps(close(extra=json.loads("[" * 500 + "]" * 500))),  # RecursionError in the duplicate-key scan
    json.dumps(close(), ensure_ascii=False).replace("店舗0001", "\\ud800"),  # a lone surrogate: no file could hold it
])
def test_hostile_json_is_a_journalgen_error(text):
    with pytest.raises(InvalidInputError):
        parse_close(text)


def test_a_lone_surrogate_escape_is_refused_and_shown_escaped_not_raw(tmp_path):
    text = json.dumps(close(), ensure_ascii=False).replace("店舗0001", "\\ud800")
    result = run("validate", write(tmp_path, "a.json", text), "--lang", "en")
    assert_clean(result)
    assert result.exit_code == 1 and "store.name" in result.stderr and "\\ud800" in result.stderr


def test_a_lone_surrogate_character_is_refused_and_an_escaped_pair_is_its_character():
    text = json.dumps(close(), ensure_ascii=False)
    with pytest.raises(InvalidInputError) as caught:
        parse_close(text.replace("店舗0001", "\ud800"))
    assert [problem.field for problem in caught.value.problems] == ["store.name"]
    assert parse_close(text.replace("店舗0001", "\\ud83c\\udf5c")).store.name == "🍜"


@pytest.mark.parametrize(("text", "said"), [
    (json.dumps(close()).replace("3300", "9" * 21), "a number has 21 digits; no amount has more than 20"),
    (json.dumps(close(extra=json.loads("[" * 40 + "]" * 40))), "extra" + "[0]" * 31 + ": nested more than 32 levels deep: not a daily close"),
])
def test_a_long_number_or_deep_nesting_is_refused_before_the_fields_are_looked_at(text, said):
    with pytest.raises(InvalidInputError) as caught:
        parse_close(text)
    assert caught.value.message("en").splitlines()[1:] == [f"  - {said}"]


def test_no_close_the_schema_accepts_can_nest_deeper_or_hold_a_longer_number_than_the_reader_allows():
    """The reader's quick path (`inputs._plain_close`) skips the depth and digit checks on the
    grounds that a close that validates cannot break them: every object closed to unknown keys,
    every integer bounded or one of a few values. A field that breaks this must fail here."""
    integers, objects = [], []

    def walk(node, path):
        if isinstance(node, dict):
            if node.get("type") == "integer":
                integers.append((path, node))
            if "properties" in node or node.get("type") == "object":
                objects.append((path, node))
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(DailyClose.model_json_schema(), "")
    assert integers and objects
    for path, node in integers:
        largest = node.get("maximum", max(node.get("enum", [10**MAX_DIGITS])))
        assert len(str(largest)) <= MAX_DIGITS, path
    for path, node in objects:
        assert node.get("additionalProperties") is False, path
        for name, field in node.get("properties", {}).items():  # no field of any shape (Any)
            assert {"type", "$ref", "anyOf", "allOf", "enum", "const"} & field.keys(), f"{path}/{name}"


def test_bytes_that_are_not_utf8_are_an_encoding_error_and_a_bom_is_accepted_alike():
    text = json.dumps(close(), ensure_ascii=False)
    with pytest.raises(InputEncodingError):
        parse_close(text.encode("cp932"))
    assert parse_close(b"\xef\xbb\xbf" + text.encode("utf-8")) == parse_close("\ufeff" + text) == parse_close(text)
    with pytest.raises(InputEncodingError) as caught:
        parse_close(text.encode("utf-16"))
    assert "UTF-16" in caught.value.message("en")


def test_the_cli_reads_bom_and_utf16_as_the_library_does(tmp_path):
    text = json.dumps(close(), ensure_ascii=False)
    bom = write(tmp_path / "bom", "a.json", b"\xef\xbb\xbf" + text.encode("utf-8"))
    utf16 = write(tmp_path / "utf16", "a.json", text.encode("utf-16"))
    assert run("validate", bom, "--lang", "en").exit_code == 0
    refused = run("validate", utf16, "--lang", "en")
    assert refused.exit_code == 1 and "[INPUT_NOT_UTF8]" in refused.stderr and "UTF-16" in refused.stderr


# --- 3. JSON Lines split on \n only ------------------------------------------------------------

def test_json_lines_split_on_newline_only_and_keep_their_line_numbers(tmp_path):
    odd = close("0002", sales=[{"payment": "cash", "tax": "standard_10", "amount": 1100}])
    odd["store"]["name"] = "店\u2028舗\u2029名\u0085"
    lines = [json.dumps(odd, ensure_ascii=False), json.dumps(close("0003")), '{"broken": ']
    batch = write(tmp_path, "batch.jsonl", "\n".join(lines) + "\n")

    result = run("validate", batch, "--lang", "en")

    assert f"✓ {batch}:1: valid" in result.output and f"✓ {batch}:2: valid" in result.output
    assert f"{batch}:3: line 1" in result.stderr and result.exit_code == 1


# --- 4. a store code every file system takes --------------------------------------------------

@pytest.mark.parametrize("code, reason", [
    ("9" * 300, "must be at most 64 characters long"),
    ("CON", "is a name Windows keeps for a device"),
    ("lpt1", "is a name Windows keeps for a device"),
])
def test_validate_refuses_a_store_code_no_folder_can_have(tmp_path, code, reason):
    result = run("validate", write(tmp_path, "a.json", close(code)), "--lang", "en")
    assert result.exit_code == 1 and "store.code" in result.stderr and reason in result.stderr


def test_store_codes_differing_only_in_case_are_refused_both(tmp_path):
    inputs = tmp_path / "in"
    write(inputs, "a.json", close("abc"))
    write(inputs, "b.json", close("ABC", "2025-01-11"))
    result = run("validate", inputs, "--lang", "en")
    assert result.exit_code == 1 and result.stderr.count("[STORE_CODE_CASE]") == 2
    assert "ABC, abc" in result.stderr


# --- 5. messages stay readable ----------------------------------------------------------------

def test_long_values_are_cut_with_their_length_and_control_characters_are_escaped(tmp_path):
    data = close()
    data["sales"][0]["payment"] = "x" * 5000
    data["store"]["code"] = "\x1b]0;pwned\x07\u202eevil\x9b2J"
    result = run("validate", write(tmp_path, "a.json", data), "--lang", "en")

    assert result.exit_code == 1
    assert "(5002 characters)" in result.stderr and "x" * 101 not in result.stderr
    for raw in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert raw not in result.output
    assert "\\u202e" in result.stderr and "\\x9b" in result.stderr


# --- 6. a store-day switches as one step, and only journalgen's files are touched ------------

def test_users_files_named_like_targets_are_kept_through_a_rebuild_and_a_refusal(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    write(inputs, "a.json", close())
    assert run("build", "--input", inputs, "--out", out, "--target", "journal").exit_code == 0
    day = out / "2025-01-10" / "0001"
    mine = {"journal.txt": "my notes", "freee-posted.log": "posted 2025-01-12", "yayoi-checked.md": "ok"}
    for name, text in mine.items():
        (day / name).write_text(text, encoding="utf-8")

    assert run("build", "--input", inputs, "--out", out, "--target", "journal").exit_code == 0
    refused = run("build", "--input", inputs, "--out", out, "--target", "journal", "--target", "yayoi",
                  "--fiscal-period", "2024-01-01..2024-12-31", "--lang", "en")

    assert refused.exit_code == 1
    assert visible(day) == sorted(mine)
    assert {name: (day / name).read_text(encoding="utf-8") for name in mine} == mine


def test_a_close_refused_at_validation_takes_back_the_earlier_build_and_says_so(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    write(inputs, "a.json", close())
    assert run("build", "--input", inputs, "--out", out, "--target", "journal").exit_code == 0
    broken = close()
    broken["sales"][0]["amount"] = "3300"  # a broken re-export of the same store-day
    write(inputs, "a.json", broken)

    result = run("build", "--input", inputs, "--out", out, "--target", "journal", "--lang", "en")

    assert result.exit_code == 1 and "[INPUT_INVALID]" in result.stderr
    assert "removed files of an earlier build of this store-day: journal.json, journal.csv" in result.stderr \
        or "journal.csv, journal.json" in result.stderr
    assert visible(out / "2025-01-10" / "0001") == []


def test_what_a_killed_run_left_is_removed_by_the_next_run_and_never_taken_for_output(tmp_path):
    out = tmp_path / "out"
    day = out / "2025-01-10" / "0001"
    write(day.parent / ".0001.journalgen-new-0123456789ab", "journal.json", "half a build")
    write(day, ".journalgen-tmp-review.html.x1y2.tmp", "half a page")

    result = run("build", "--input", write(tmp_path, "a.json", close()), "--out", out, "--target", "journal")

    assert result.exit_code == 0
    assert sorted(p.name for p in day.parent.iterdir()) == ["0001"]
    assert sorted(p.name for p in day.iterdir()) == [MANIFEST, "journal.csv", "journal.json"]
    assert b"half" not in (day / "journal.json").read_bytes()


def test_a_second_run_into_a_busy_output_folder_stops_and_touches_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / LOCK_FILE, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as another journalgen run holds it
        result = run("build", "--input", write(tmp_path, "a.json", close()), "--out", out, "--lang", "en")
    assert_clean(result)
    assert result.exit_code == 1 and "[OUTPUT_BUSY]" in result.stderr
    assert [p.name for p in out.iterdir()] == [LOCK_FILE]


def test_the_output_lock_waits_for_a_run_that_lets_go_and_is_let_go_after_the_block(tmp_path):
    other = open(tmp_path / LOCK_FILE, "w")
    fcntl.flock(other, fcntl.LOCK_EX)
    threading.Timer(0.3, other.close).start()  # the other run ends
    with output_lock(tmp_path, wait=30), open(tmp_path / LOCK_FILE) as probe:
        with pytest.raises(BlockingIOError):
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(tmp_path / LOCK_FILE) as probe:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_the_manifest_names_exactly_what_the_build_wrote(tmp_path):
    out = tmp_path / "out"
    assert run("build", "--input", write(tmp_path, "a.json", close()), "--out", out, "--target", "journal").exit_code == 0
    manifest = json.loads((out / "2025-01-10" / "0001" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["files"] == ["journal.csv", "journal.json"]


# --- 7. usage and settings slips stop the run before anything is touched ---------------------

@pytest.fixture
def built(tmp_path):
    """An output folder with one earlier build, and the input that made it."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    write(inputs, "a.json", close())
    assert run("build", "--input", inputs, "--out", out, "--target", "journal").exit_code == 0
    return inputs, out, {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _untouched(out: Path, before: dict[str, bytes]) -> bool:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("slip", ["out-is-a-file", "config-is-a-folder", "target-twice", "no-company-file"])
def test_a_usage_or_settings_slip_exits_2_with_nothing_touched(built, tmp_path, slip):
    inputs, out, before = built
    args = ["build", "--input", inputs, "--out", out, "--lang", "en"]
    if slip == "out-is-a-file":
        args[4] = write(tmp_path, "out.txt", "not a folder")
    elif slip == "config-is-a-folder":
        args += ["--config", tmp_path]
    elif slip == "target-twice":
        args += ["--target", "journal", "--target", "journal"]
    else:
        settings = write(tmp_path, "settings.toml", '[targets.freee]\ncompany_file = "nowhere.json"\n')
        args += ["--config", settings, "--target", "journal"]

    result = run(*args)

    assert_clean(result)
    assert result.exit_code == 2, result.output
    assert _untouched(out, before)
    expected = {"out-is-a-file": "[OUTPUT_FOLDER]", "config-is-a-folder": "it is a folder, not a file",
                "target-twice": "[REPEATED_TARGET]", "no-company-file": "targets.freee.company_file"}[slip]
    assert expected in result.stderr


def test_a_settings_file_with_a_utf8_bom_is_read(tmp_path):
    settings = write(tmp_path, "settings.toml", b'\xef\xbb\xbf[company]\nname = "BOM"\n')
    assert load_settings(settings).company.name == "BOM"


# --- 8. naming templates are checked as a build renders them, in a sandbox that finishes -----

@pytest.mark.parametrize("template", [
    "{{ store|length }}",  # passed the check with a dict for store, then crashed the build
    "{{ 1 / 0 }}",
    "{{ 99999999**99999999 }}",
    "{{ 'x' * 10**11 }}",
    "{{ 'x'|center(10**11) }}",
    "{{ '{:>99999999999}'.format(1) }}",
    "{{ 'x' * 5000 }}{{ 'y' * 5000 }}",  # a name of 10,000 characters
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
])
def test_a_template_that_cannot_render_is_a_settings_error_naming_it(tmp_path, template):
    settings = write(tmp_path, "settings.toml", f"[naming]\nitem = {json.dumps(template)}\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(settings)
    assert "naming.item" in caught.value.message("en")


def test_a_template_failing_only_on_real_data_fails_that_store_day_as_a_settings_error(tmp_path):
    settings = write(tmp_path, "settings.toml",
                     '[naming]\ncash_difference_description = "{{ 100 // (difference - 1) }}"\n')
    inputs = tmp_path / "in"
    write(inputs, "a.json", close("0001"))  # difference -100: fine
    write(inputs, "b.json", close("0002", cash_count={"expected": 100, "counted": 101}))  # 1: divides by zero

    result = run("build", "--input", inputs, "--config", settings, "--out", tmp_path / "out", "--target", "journal",
                 "--lang", "en")

    assert_clean(result)
    assert result.exit_code == 1 and "[INVALID_SETTINGS]" in result.stderr and "ZeroDivisionError" in result.stderr
    assert (tmp_path / "out" / "2025-01-10" / "0001" / "journal.json").is_file()


# --- 9. text that reaches spreadsheets and accounting systems ---------------------------------

def test_journal_csv_neutralises_formulas_and_keeps_numbers(tmp_path):
    settings = write(tmp_path, "settings.toml",
                     '[naming]\ncash_movement_description = "{{ reason }}"\nsection = "{{ store.name }}"\n')
    data = close(cash_movements=[{"direction": "out", "reason": "=HYPERLINK(\"http://x\")", "amount": 1200}])
    data["store"]["name"] = "@SUM(A1)"
    csv_text = build(parse_close(json.dumps(data)), load_settings(settings), "journal")["journal.csv"].decode("utf-8-sig")

    assert "'=HYPERLINK" in csv_text and "'@SUM(A1)" in csv_text
    assert ',=' not in csv_text and ',@' not in csv_text and ',"=' not in csv_text
    assert ",1200," in csv_text and ",-" not in csv_text.replace(",'-", "")


def test_one_payment_item_id_with_two_names_is_refused():
    data = close()
    data["sales"].append({"payment": "credit", "payment_item": {"id": "00000000000001000001", "name": "VISA"},
                          "tax": "standard_10", "amount": 1100})
    with pytest.raises(InvalidInputError) as caught:
        parse_close(json.dumps(data))
    assert caught.value.field == "sales[2].payment_item.name" and "Visa" in caught.value.message("en")


def test_a_directory_input_reads_capital_suffixes_and_names_what_it_skips(tmp_path):
    inputs = tmp_path / "in"
    write(inputs, "A.JSON", close())
    write(inputs / "old", "b.json", close("0002"))
    write(inputs, "notes.txt", "mine")
    (inputs / "gone.json").symlink_to(tmp_path / "nowhere.json")

    result = run("validate", inputs, "--lang", "en")

    assert result.exit_code == 0 and f"✓ {inputs / 'A.JSON'}: valid" in result.output
    for name, reason in (("gone.json", "a link to nothing"), ("notes.txt", "not a .json or .jsonl file"),
                         ("old", "a folder: folders inside the input folder are not read")):
        assert f"· {inputs / name}: not read: {reason}" in result.stderr


def test_the_last_day_of_the_calendar_ends_cleanly(tmp_path):
    result = run("build", "--input", write(tmp_path, "a.json", close(day="9999-12-31")), "--from", "9999-12-30",
                 "--to", "9999-12-31", "--out", tmp_path / "out", "--target", "journal", "--lang", "en")
    assert_clean(result)
    assert result.exit_code == 0 and "· No daily close on 1 day(s): 9999-12-30" in result.output


def test_yayoi_refuses_an_amount_past_its_digit_limit_naming_field_value_and_limit():
    data = close(sales=[{"payment": "cash", "tax": "standard_10", "amount": 10**12, "tax_amount": 0}],
                 cash_movements=[], cash_count=None)
    with pytest.raises(JournalgenError) as caught:
        build(parse_close(json.dumps(data)), load_settings(SAMPLE_SETTINGS), "yayoi")
    message = caught.value.message("en")
    assert caught.value.code == "YAYOI_VOUCHER_TOO_LONG" and caught.value.field == "借方金額/貸方金額"
    assert "1,000,000,000,000" in message and "999,999,999" in message and "1000" in message


def test_register_text_on_the_console_is_shown_escaped(tmp_path):
    hostile = close(store={"code": "0001", "name": "店\x1b[2J\x07"},
                    cash_movements=[{"direction": "out", "reason": "\u202e立替\x1b]0;x\x07", "amount": 100}])
    result = run("build", "--input", write(tmp_path, "a.json", hostile), "--out", tmp_path / "out",
                 "--target", "journal", "--lang", "en")
    assert_clean(result)
    assert result.exit_code == 0
    assert not any(char in result.output for char in "\x1b\x07\u202e")
    assert "店\\x1b[2J\\x07" in result.output and "SUSPENSE_BOOKED" in result.output
