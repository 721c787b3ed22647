"""The plugin contract: hook specs documented, targets found through the `journalgen`
entry-point group exactly as an installed third-party distribution would be."""

from __future__ import annotations

import importlib
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pluggy
import pytest

from journalgen import hookspecs
from journalgen.close import DailyClose
from journalgen.errors import DuplicateTargetError, UnknownTargetError
from journalgen.plugins import Targets, installed_targets
from journalgen.target import Target

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "journalgen-totals"


def install_as_distribution(site: Path) -> None:
    """Lay the example plugin out as pip would: its module plus a .dist-info with entry points."""
    shutil.copy(EXAMPLE / "journalgen_totals.py", site)
    info = site / "journalgen_totals-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: journalgen-totals\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[journalgen]\ntotals = journalgen_totals\n")
    (info / "top_level.txt").write_text("journalgen_totals\n")


def run_journalgen(*args: str, site: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "LANG": "C.UTF-8"}
    return subprocess.run([sys.executable, "-m", "journalgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_third_party_target_is_discovered_listed_and_built(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    install_as_distribution(site)

    listed = run_journalgen("targets", site=site, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert any(line.split()[:3] == ["totals", "journalgen-totals", "0.1.0"] for line in listed.stdout.splitlines())

    built = run_journalgen("build", "--date", "2025-01-10", "--target", "totals", "--out", "out", site=site, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    totals = (tmp_path / "out" / "2025-01-10" / "0001" / "totals.csv").read_text(encoding="utf-8").splitlines()
    assert totals[0] == "account,debit,credit"
    rows = {account: (int(debit), int(credit)) for account, debit, credit in (r.split(",") for r in totals[1:])}
    assert sum(d for d, _ in rows.values()) == sum(c for _, c in rows.values()) > 0
    assert rows["売上高"][1] == 102_220  # the sample day's sales, credited


def test_the_readme_shows_the_example_plugin_as_it_is():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (EXAMPLE / "journalgen_totals.py").read_text(encoding="utf-8") in readme


def test_every_hook_spec_has_a_docstring_and_appears_in_the_readme_with_its_signature():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    specs = [(name, fn) for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("journalgen_")]
    assert specs
    for name, fn in specs:
        assert inspect.getdoc(fn), name
        assert f"{name}{inspect.signature(fn)}".replace("'", "") in readme.replace("'", "")


def _manager_with(*plugins) -> pluggy.PluginManager:
    manager = pluggy.PluginManager("journalgen")
    manager.add_hookspecs(hookspecs)
    for plugin in plugins:
        manager.register(plugin)
    manager.check_pending()
    return manager


class _Plugin:
    def __init__(self, name):
        self.name = name

    @hookspecs.hookimpl
    def journalgen_register_targets(self, register):
        register(Target(name=self.name, summary="test", render=lambda journal, settings, options: {}))


def test_two_plugins_claiming_one_name_is_an_error():
    with pytest.raises(DuplicateTargetError, match="two plugins register target same"):
        Targets(_manager_with(_Plugin("same"), _Plugin("same")))


def test_a_misspelled_hook_fails_when_plugins_load():
    class Misspelled:
        @hookspecs.hookimpl
        def journalgen_register_target(self, register):
            """Missing the s."""

    with pytest.raises(pluggy.PluginValidationError):
        _manager_with(Misspelled())


def test_an_unknown_target_lists_the_installed_ones():
    with pytest.raises(UnknownTargetError) as caught:
        installed_targets().get("nope")
    assert "journal" in caught.value.message("en")


def test_build_returns_bytes_without_touching_disk(tmp_path, monkeypatch):
    from journalgen import build

    monkeypatch.chdir(tmp_path)
    close = DailyClose.model_validate_json((ROOT / "journalgen/sample/closes/2025-01-10_0001.json").read_bytes())
    outputs = build(close)
    assert sorted(outputs) == ["journal.csv", "journal.json"]
    assert outputs["journal.csv"].startswith("\ufeff日付".encode())
    assert list(tmp_path.iterdir()) == []


def test_a_target_must_prefix_its_file_names_with_its_name(monkeypatch):
    from journalgen.errors import OutputNameError

    build_module = importlib.import_module("journalgen.build")  # the package's `build` is the function

    class Sloppy:
        @hookspecs.hookimpl
        def journalgen_register_targets(self, register):
            register(Target(name="sloppy", summary="test", render=lambda journal, settings, options: {"out.csv": b""}))

    monkeypatch.setattr(build_module, "installed_targets", lambda: Targets(_manager_with(Sloppy())))
    close = DailyClose.model_validate_json((ROOT / "journalgen/sample/closes/2025-01-10_0001.json").read_bytes())
    with pytest.raises(OutputNameError, match="must start with sloppy. or sloppy-"):
        build_module.build(close, target="sloppy")
