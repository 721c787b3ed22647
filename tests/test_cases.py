"""The accountants' case folders: every case in `tests/cases/`, rendered for every built-in
target, compared with the files under `snapshots/<case>/`.

A case folder holds `close.json` (the register's daily close), optionally `settings.toml`
(merged over the shipped sample settings: tables merge, values replace) and a `README.md`
saying what the case is about. How to add a case or accept a change: docs/accountants.md.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from snapshot_files import SNAPSHOT_ROOT, CaseFileSnapshot, param_id, target_of

from journalgen.build import render
from journalgen.errors import JournalgenError
from journalgen.inputs import SAMPLE_SETTINGS, parse_close
from journalgen.journalize import journalize
from journalgen.plugins import installed_targets
from journalgen.settings import Settings

CASES_DIR = Path(__file__).parent / "cases"
BUILT_IN_TARGETS = ("journal", "freee", "yayoi")
CASES = sorted(folder.name for folder in CASES_DIR.iterdir() if folder.is_dir())
CP932_FILE = re.compile(r"^yayoi-import(-\d+)?\.csv$")
"""弥生インポート形式 files: cp932 bytes, snapshotted together with a UTF-8 twin."""


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


def rendered_files(case: str, target: str) -> dict[str, bytes]:
    """What `target` renders for `case`, as snapshot files: its outputs (plus a UTF-8 twin of
    each cp932 file), or `<target>.error.json` when the target refuses the case."""
    folder = CASES_DIR / case
    source = f"tests/cases/{case}/close.json"
    close = parse_close((folder / "close.json").read_text(encoding="utf-8"), source)
    settings = case_settings(folder)
    journal = journalize(close, settings, source)
    try:
        outputs = render(journal, settings, [target])
    except JournalgenError as refusal:
        text = json.dumps(refusal.to_dict(), ensure_ascii=False, indent=2) + "\n"
        return {f"{target}.error.json": text.encode("utf-8")}
    files: dict[str, bytes] = {}
    for name, data in outputs.items():
        files[name] = data
        if CP932_FILE.match(name):
            files[f"{name}.utf8.txt"] = data.decode("cp932").encode("utf-8")
    return files


def stored_files(case: str, target: str) -> dict[str, bytes]:
    """The approved snapshot files of `case` for `target`, as stored under `snapshots/<case>/`."""
    folder = SNAPSHOT_ROOT / case
    if not folder.is_dir():
        return {}
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if target_of(path.name) == target}


def readable(data: bytes) -> str:
    """Bytes as text for a diff: UTF-8 (a BOM dropped), else cp932 (弥生), else their repr."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return repr(data)


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


@pytest.mark.parametrize(
    ("case", "target"),
    [pytest.param(case, target, id=param_id(case, target)) for case in CASES for target in BUILT_IN_TARGETS],
)
def test_case(case: str, target: str, snapshot) -> None:
    """Each file the target renders for the case equals `snapshots/<case>/<file>`, byte for byte."""
    snapshot = snapshot.use_extension(CaseFileSnapshot)
    try:
        if target not in installed_targets().names():
            pytest.fail(f"built-in target {target!r} is not installed: .venv/bin/pip install -e plugins/{target}")
        files = rendered_files(case, target)
    except BaseException:
        # Claim the approved files as they are, so `--snapshot-update` cannot delete them as unused
        # while the case does not even render (a typo in close.json, a target not installed).
        for name, data in stored_files(case, target).items():
            assert snapshot(name=name) == data
        raise
    assert all(target_of(name) == target for name in files), f"{target} renders files named for another target"
    differences = []
    for name, data in files.items():
        if snapshot(name=name) != data:
            differences.append(difference(SNAPSHOT_ROOT / case / name, data))
    if differences:
        pytest.fail(
            "\n\n".join(differences)
            + "\n\nIf the new output is right, accept it: .venv/bin/python -m pytest --snapshot-update",
            pytrace=False,
        )


@pytest.mark.parametrize("case", CASES)
def test_case_folder_is_complete(case: str) -> None:
    """A case folder has its close and a README, and nothing the suite would ignore."""
    folder = CASES_DIR / case
    names = {path.name for path in folder.iterdir()}
    assert {"close.json", "README.md"} <= names
    assert names <= {"close.json", "README.md", "settings.toml"}, f"unexpected files in {folder}"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case), "case folders are named in kebab-case ASCII"

