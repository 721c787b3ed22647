"""The accountants' case folders: every case in `tests/cases/`, rendered for every built-in
target, compared with the files under `snapshots/<case>/`, and checked the way freee and 弥生
would check them (freee's own schema; an independent reader of the 弥生インポート形式).

A case folder holds `close.json` (the register's daily close), optionally `settings.toml`
(merged over the shipped sample settings: tables merge, values replace) and a `README.md`
saying what the case is about. How to add a case or accept a change: docs/accountants.md.
`.venv/bin/python tests/test_cases.py CASE [ja|en]` writes the case's review page, made from
exactly the journal and settings the test renders (docs/accountants.md §6).
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from snapshot_files import SNAPSHOT_ROOT, CaseFileSnapshot, param_id, target_of
from test_yayoi_reader import read_import_file

from journalgen.build import render
from journalgen.errors import JournalgenError
from journalgen.i18n import Lang
from journalgen.inputs import SAMPLE_SETTINGS, parse_close
from journalgen.journal import Journal
from journalgen.journalize import journalize
from journalgen.plugins import installed_targets
from journalgen.review import readable, write_review_page
from journalgen.settings import Settings

CASES_DIR = Path(__file__).parent / "cases"
BUILT_IN_TARGETS = ("journal", "freee", "yayoi")
FEED_TARGETS = ("aspit", "makasete", "flaro")
"""Cases named `<feed>-…` pin that sales-analytics feed: they are rendered for it only."""
CASES = sorted(folder.name for folder in CASES_DIR.iterdir() if folder.is_dir())
CP932_FILE = re.compile(r"^yayoi-import(-\d+)?\.csv$")
"""弥生インポート形式 files: cp932 bytes, snapshotted together with a UTF-8 twin."""
TWIN_SUFFIX = ".utf8.txt"


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`base` with `override` laid over it: tables merge key by key, other values replace."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def case_settings(folder: Path) -> Settings:
    """The shipped sample settings, with the case's own `settings.toml` merged over them."""
    data = tomllib.loads(SAMPLE_SETTINGS.read_text(encoding="utf-8"))
    own = folder / "settings.toml"
    if own.is_file():
        data = merged(data, tomllib.loads(own.read_text(encoding="utf-8")))
    return Settings.model_validate(data)


def case_journal(case: str) -> tuple[Journal, Settings]:
    """The journal of `case` and the settings it was made with. Raises the JournalgenError of a
    close or settings that cannot be booked."""
    folder = CASES_DIR / case
    source = f"tests/cases/{case}/close.json"
    close = parse_close((folder / "close.json").read_text(encoding="utf-8"), source)
    settings = case_settings(folder)
    return journalize(close, settings, source), settings


def case_targets(case: str) -> tuple[str, ...]:
    """The targets a case is rendered for: the feed a `<feed>-…` case names, else the accounting ones."""
    feed = case.partition("-")[0]
    return (feed,) if feed in FEED_TARGETS else BUILT_IN_TARGETS


def rendered_files(journal: Journal, settings: Settings, target: str) -> dict[str, bytes]:
    """What `target` renders for the journal, as snapshot files: its outputs (each cp932 file
    followed by its UTF-8 twin), `<target>.error.json` when the target refuses the day, or
    `<target>.skipped.json` when it leaves the day out (a feed's link window)."""
    skipped: dict = {}
    try:
        outputs = render(journal, settings, [target], skipped)
    except JournalgenError as refusal:
        text = json.dumps(refusal.to_dict(), ensure_ascii=False, indent=2) + "\n"
        return {f"{target}.error.json": text.encode("utf-8")}
    if target in skipped:
        reason = {lang: skipped[target].message(lang) for lang in ("ja", "en")}
        text = json.dumps({"target": target, "skipped": reason}, ensure_ascii=False, indent=2) + "\n"
        return {f"{target}.skipped.json": text.encode("utf-8")}
    files: dict[str, bytes] = {}
    for name, data in outputs.items():
        files[name] = data
        if CP932_FILE.match(name):
            files[name + TWIN_SUFFIX] = data.decode("cp932").encode("utf-8")
    return files


def output_problems(files: dict[str, bytes], journal: Journal, settings: Settings) -> list[str]:
    """What freee or 弥生 would refuse in the rendered files: every `freee-deals.json` body is
    validated against freee's schema, every 弥生インポート形式 file read by an independent reader."""
    problems = []
    for name, data in files.items():
        try:
            if name == "freee-deals.json":
                # Imported here, so that without the freee plugin the test says it is not installed.
                from journalgen_freee import FreeeRequests
                from test_freee_schema import assert_valid

                document = json.loads(data)
                assert_valid(FreeeRequests(document["company_id"], document["deals"], document["transfers"],
                                           document["manual_journals"]))
            elif CP932_FILE.match(name):
                read_import_file(data, settings.fiscal_period_for(journal.store.code))
        except AssertionError as problem:
            problems.append(f"{name}: {problem}")
    return problems


def stored_files(case: str, target: str) -> dict[str, bytes]:
    """The approved snapshot files of `case` for `target`, as stored under `snapshots/<case>/`."""
    folder = SNAPSHOT_ROOT / case
    if not folder.is_dir():
        return {}
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if target_of(path.name) == target}


def difference(stored: Path, rendered: bytes) -> str:
    """How `rendered` differs from the snapshot file `stored`, as a unified diff of lines."""
    shown = stored.relative_to(SNAPSHOT_ROOT.parent).as_posix()
    if not stored.exists():
        return f"{shown}: no such snapshot yet"
    old, new = readable(stored.read_bytes()), readable(rendered)
    if old == new:
        return f"{shown}: same text, different bytes (encoding, BOM or line endings)"
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), f"{shown} (stored)", f"{shown} (rendered now)", lineterm=""
    )
    return "\n".join(lines)


def render_case(case: str, target: str) -> tuple[Journal, Settings, dict[str, bytes]]:
    """The case's journal, settings and the files `target` renders for it. A case that cannot
    be booked fails the test with the error in Japanese and English, without a traceback."""
    if target not in installed_targets().names():
        pytest.fail(f"built-in target {target!r} is not installed: .venv/bin/pip install -e plugins/{target}",
                    pytrace=False)
    try:
        journal, settings = case_journal(case)
    except JournalgenError as error:
        message = f"[{error.code}] {error.message('ja')}\n[{error.code}] {error.message('en')}"
    else:
        return journal, settings, rendered_files(journal, settings, target)
    pytest.fail(message, pytrace=False)  # outside the except block: no "during handling" chain


@pytest.mark.parametrize(
    ("case", "target"),
    [pytest.param(case, target, id=param_id(case, target)) for case in CASES for target in case_targets(case)],
)
def test_case(case: str, target: str, snapshot) -> None:
    """Each file the target renders for the case equals `snapshots/<case>/<file>`, byte for byte,
    and is what freee or 弥生 accepts."""
    snapshot = snapshot.use_extension(CaseFileSnapshot)
    try:
        journal, settings, files = render_case(case, target)
    except BaseException:
        # Claim the approved files as they are, so `--snapshot-update` cannot delete them as unused
        # while the case does not even render (a typo in close.json, a target not installed).
        for name, data in stored_files(case, target).items():
            assert snapshot(name=name) == data
        raise
    assert all(target_of(name) == target for name in files), f"{target} renders files named for another target"
    differences, changed = [], set()
    for name, data in files.items():
        if snapshot(name=name) != data:
            twin_of = name.removesuffix(TWIN_SUFFIX)
            if twin_of in changed:  # the UTF-8 twin of a cp932 file whose diff was just shown
                differences.append(f"snapshots/{case}/{name}: same change as {twin_of}")
            else:
                differences.append(difference(SNAPSHOT_ROOT / case / name, data))
            changed.add(name)
    if differences:
        differences.append("If the new output is right, accept it: .venv/bin/python -m pytest --snapshot-update")
    problems = output_problems(files, journal, settings)
    if problems:
        differences.append("What freee or 弥生 would refuse in the output:\n" + "\n".join(problems))
    if differences:
        pytest.fail("\n\n".join(differences), pytrace=False)


@pytest.mark.parametrize("case", CASES)
def test_case_folder_is_complete(case: str) -> None:
    """A case folder has its close and a README, and nothing the suite would ignore."""
    folder = CASES_DIR / case
    names = {path.name for path in folder.iterdir()}
    assert {"close.json", "README.md"} <= names
    assert names <= {"close.json", "README.md", "settings.toml"}, f"unexpected files in {folder}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case), "case folders are named in kebab-case ASCII"


def test_the_output_checks_refuse_what_freee_and_yayoi_refuse():
    """The checks `test_case` runs are not vacuous: a deal without details and a 弥生 file with
    LF line ends are both reported, by file name."""
    journal, settings = case_journal("cash-only")
    files = {**rendered_files(journal, settings, "freee"), **rendered_files(journal, settings, "yayoi")}
    assert output_problems(files, journal, settings) == []
    document = json.loads(files["freee-deals.json"])
    del document["deals"][0]["details"]
    files["freee-deals.json"] = json.dumps(document).encode("utf-8")
    files["yayoi-import.csv"] = files["yayoi-import.csv"].replace(b"\r\n", b"\n")
    problems = output_problems(files, journal, settings)
    assert [problem.split(":")[0] for problem in problems] == ["freee-deals.json", "yayoi-import.csv"]
    assert "'details' is a required property" in problems[0] and "CRLF" in problems[1]


def review_case(case: str, out_dir: Path, lang: Lang) -> Path:
    """Write the review page of `case` under `out_dir`, made from exactly the journal and
    settings `test_case` renders, and return its path."""
    journal, settings = case_journal(case)
    label = "journalgen/sample/settings.toml"
    if (CASES_DIR / case / "settings.toml").is_file():
        label += f" + tests/cases/{case}/settings.toml"
    return write_review_page(journal, settings, out_dir, lang, label)


def test_a_case_is_reviewed_with_the_settings_the_tests_use(tmp_path):
    """A case's review page uses the case's settings.toml over the sample's: this case's 弥生
    output replaces 𠮷 (its overlay asks for it) instead of refusing the day."""
    page = review_case("store-name-not-in-cp932-replaced", tmp_path, "en").read_text(encoding="utf-8")
    assert "journalgen/sample/settings.toml + tests/cases/store-name-not-in-cp932-replaced/settings.toml" in page
    assert 'data-refusal' not in page and "yayoi-import.csv" in page


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in CASES or sys.argv[2:] not in ([], ["ja"], ["en"]):
        sys.exit(f"usage: .venv/bin/python tests/test_cases.py CASE [ja|en]\ncases: {', '.join(CASES)}")
    chosen = sys.argv[1]
    print(review_case(chosen, Path("out") / "cases" / chosen, sys.argv[2] if len(sys.argv) == 3 else "ja"))
