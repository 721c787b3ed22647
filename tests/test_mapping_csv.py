"""The ASPIT mapping CSV round-trip (seed 000 §3): export → import exact, cp932/UTF-8 files,
the Excel-damaged ID, the seed's limits, and the 客層 自動振り分け."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from journalgen.cli import cli
from journalgen.inputs import SAMPLE_CLOSES

SETTINGS = """[targets.aspit]
mapping_file = "aspit-mapping.json"
[targets.aspit.stores."0002"]
company_code = "12345678"
store_code = "9013"
"""


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    return tmp_path


def mapping(project: Path, command: str, kind: str, *args: str):
    return CliRunner().invoke(cli, ["mapping", command, "--target", "aspit", "--kind", kind, "--config",
                                    str(project / "settings.toml"), "--input", str(SAMPLE_CLOSES), "--lang", "en",
                                    *args])


def stored(project: Path) -> dict:
    return json.loads((project / "aspit-mapping.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["payment", "discount", "segment"])
def test_export_import_export_is_exact_and_written_for_excel(project, kind):
    first, second = project / "first.csv", project / "second.csv"
    assert mapping(project, "export", kind, str(first)).exit_code == 0
    data = first.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"") and not data.startswith(b"\xef\xbb\xbf")
    data.decode("cp932")
    imported = mapping(project, "import", kind, str(first))
    assert imported.exit_code == 0, imported.output
    assert kind in stored(project)
    assert mapping(project, "export", kind, str(second)).exit_code == 0
    assert second.read_bytes() == data


def test_the_payment_csv_has_the_seeds_columns_and_keeps_leading_zeros(project):
    assert mapping(project, "export", "payment", str(project / "p.csv")).exit_code == 0
    lines = (project / "p.csv").read_bytes().decode("cp932").splitlines()
    assert lines[0] == "支払科目ID,店舗表示名,アスピット支払内訳"
    assert "00000000000001000001,Visa,1" in lines


def test_an_imported_mapping_drives_the_feed(project):
    csv_file = project / "p.csv"
    csv_file.write_bytes("支払科目ID,店舗表示名,アスピット支払内訳\r\n00000000000001000001,Visa,11\r\n".encode("cp932"))
    assert mapping(project, "import", "payment", str(csv_file)).exit_code == 0
    result = CliRunner().invoke(cli, ["build", "--input", str(SAMPLE_CLOSES), "--config", str(project / "settings.toml"),
                                      "--target", "aspit",
                                      "--date", "2025-01-11", "--out", str(project / "out"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    feed = json.loads((project / "out" / "2025-01-11" / "0002" / "aspit-payments.json").read_text(encoding="utf-8"))
    assert [(row["code"], row["amount"]) for row in feed["payments"]] == [(11, 3300), (None, 6560)]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig"])
def test_shift_jis_and_utf8_files_are_read(project, encoding):
    csv_file = project / "s.csv"
    text = ("ASPIT店舗コード,客層別ID,選択項目,客層種別名,選択項目名,アスピット客層コード\n"
            "9013,US00800000000000000103,3,集客,SNS,3\n9013,US00800000000000000003,3,利用シーン,ランチ,\n")
    csv_file.write_bytes(text.encode(encoding))
    result = mapping(project, "import", "segment", str(csv_file))
    assert result.exit_code == 0, result.output
    assert stored(project) == {"segment": {"codes": {"US00800000000000000103": 3}}}


def test_an_excel_damaged_id_is_reported_with_its_line_and_likely_id_and_nothing_is_applied(project):
    csv_file = project / "p.csv"
    csv_file.write_bytes("支払科目ID,店舗表示名,アスピット支払内訳\r\n1000001,Visa,1\r\n2000001,PayPay,2\r\n"
                         "99,謎,3\r\n".encode("cp932"))
    result = mapping(project, "import", "payment", str(csv_file))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "line 2, 支払科目ID = 1000001: not an ID of the register: most likely 00000000000001000001" in result.stderr
    assert "line 3, 支払科目ID = 2000001: not an ID of the register: most likely 00000000000002000001" in result.stderr
    assert "line 4, 支払科目ID = 99: not an ID of the register (none" in result.stderr
    assert not (project / "aspit-mapping.json").exists()
    japanese = CliRunner().invoke(cli, ["mapping", "import", "--target", "aspit", "--kind", "payment", "--config",
                                        str(project / "settings.toml"), "--input", str(SAMPLE_CLOSES), "--lang", "ja",
                                        str(csv_file)])
    assert "POSに存在しないIDです" in japanese.stderr and "00000000000001000001" in japanese.stderr


@pytest.mark.parametrize(("kind", "header", "rows", "words"), [
    ("payment", "支払科目ID,店舗表示名,アスピット支払内訳", [f"{i:020},x,{i}" for i in range(21)],
     ["アスピット支払内訳 = 21", "at most 20"]),
    ("discount", "値割引ID,種別,店舗表示名,アスピット値引内訳", [f"D{i},値引,x,{i}" for i in range(15)],
     ["アスピット値引内訳 = 15", "at most 14"]),
    ("segment", "ASPIT店舗コード,客層別ID,選択項目,客層種別名,選択項目名,アスピット客層コード",
     ["9013,US00800000000000000103,3,集客,SNS,1234567890"], ["line 2, アスピット客層コード = 1234567890", "at most 9 digits"]),
])
def test_over_limit_files_are_refused_naming_the_limit(project, kind, header, rows, words):
    csv_file = project / "over.csv"
    csv_file.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp932"))
    args = ["mapping", "import", "--target", "aspit", "--kind", kind, "--config", str(project / "settings.toml"),
            "--lang", "en", str(csv_file)]  # no --input: no IDs to check against, only the limits
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and all(word in result.stderr for word in words), result.stderr
    assert not (project / "aspit-mapping.json").exists()


def test_a_wrong_header_or_no_mapping_file_is_refused_without_a_traceback(project, tmp_path):
    csv_file = project / "p.csv"
    csv_file.write_bytes("ID,名前,コード\r\n".encode("cp932"))
    result = mapping(project, "import", "payment", str(csv_file))
    assert result.exit_code == 1 and "the header must be 支払科目ID,店舗表示名,アスピット支払内訳" in result.stderr
    bare = tmp_path / "bare.toml"
    bare.write_text("", encoding="utf-8")
    csv_file.write_bytes("支払科目ID,店舗表示名,アスピット支払内訳\r\n".encode("cp932"))
    result = CliRunner().invoke(cli, ["mapping", "import", "--target", "aspit", "--kind", "payment", "--config",
                                      str(bare), "--lang", "en", str(csv_file)])
    assert result.exit_code == 1 and "[ASPIT_MAPPING_FILE_NOT_SET]" in result.stderr
    unknown = mapping(project, "export", "colour", str(csv_file))
    assert unknown.exit_code == 2 and "payment, discount, segment" in unknown.output


def test_auto_numbers_segments_after_the_seeds_defaults(project):
    result = mapping(project, "auto", "segment")
    assert result.exit_code == 0, result.output
    assert stored(project) == {"segment": {"codes": {
        "US00800000000000000003": 8, "US00800000000000000103": 3, "US00800000000000000105": 5}}}


def test_a_damaged_mapping_file_is_refused_naming_its_fields_and_the_build_still_reports_it(project):
    (project / "aspit-mapping.json").write_text('{"payment": 5, "colour": 1}', encoding="utf-8")
    result = mapping(project, "export", "payment", str(project / "p.csv"))
    assert result.exit_code == 1 and "[ASPIT_MAPPING_FILE]" in result.stderr
    assert "payment = 5: must be an object" in result.stderr and "colour = 1: unknown field" in result.stderr
    built = CliRunner().invoke(cli, ["build", "--input", str(SAMPLE_CLOSES), "--config", str(project / "settings.toml"),
                                      "--target", "aspit",
                                     "--date", "2025-01-11", "--out", str(project / "out"), "--lang", "en"])
    assert built.exit_code == 1 and "[ASPIT_MAPPING_FILE]" in built.stderr and "Traceback" not in built.output
