"""Start-up: what each command imports, seen from `sys.modules` at the end of a real process.

Timing belongs in bench/; these tests pin the cause instead: `--help`, `schema` and shell
completion load none of the heavy libraries, nor do `targets` and `--target` completion, and a
build on a new ledger or one at the migrations' head neither Alembic nor SQLAlchemy, nor (with
fewer store-days than a worker's chunk) a process pool.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
RUN = """
import atexit, json, sys
atexit.register(lambda: print("\\nMODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr))
from journalgen.cli import main
sys.argv[0] = "journalgen"
main()
"""
HEAVY = ("pydantic", "pydantic_core", "jinja2", "sqlalchemy", "alembic", "httpx", "babel", "psycopg")
RENDERING = ("journalgen.close", "journalgen.build", "journalgen.journalize", "journalgen_freee.bodies",
             "journalgen_yayoi.records", "journalgen_yayoi.smart", "journalgen_yayoi.import_file",
             "journalgen_aspit.feeds", "journalgen_makasete.feeds")


def loaded(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
           every: bool = False) -> tuple[str, set[str]]:
    """Run `journalgen ARGS`; its stdout, and the top packages and journalgen modules it imported
    (with `every`, every module it imported)."""
    result = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "LANG": "C.UTF-8", **(env or {})}, cwd=cwd)
    report = result.stderr.rpartition("\nMODULES ")[2]
    modules = set(json.loads(report))
    if every:
        return result.stdout, modules
    return result.stdout, {name.partition(".")[0] for name in modules} | {
        name for name in modules if name.startswith("journalgen")}


def test_help_schema_and_completion_import_no_heavy_library():
    for args, env, expected in (
        (("--help",), None, "Commands"),
        (("schema",), None, '"$id"'),
        ((), {"_JOURNALGEN_COMPLETE": "bash_complete", "COMP_WORDS": "journalgen bu", "COMP_CWORD": "1"}, "build"),
    ):
        output, modules = loaded(*args, env=env)
        assert expected in output, args
        assert modules.isdisjoint(HEAVY + RENDERING), (args, sorted(modules & {*HEAVY, *RENDERING}))


def test_targets_build_help_and_target_completion_load_the_plugins_without_any_heavy_library():
    """The plugins declare their options models and mappings lazily, so listing them imports
    neither pydantic nor jinja2, nor the input models."""
    output, modules = loaded("targets")
    assert {line.split()[0] for line in output.splitlines()} == {"aspit", "flaro", "freee", "journal", "makasete",
                                                                 "yayoi"}
    assert modules.isdisjoint(HEAVY + RENDERING), sorted(modules & {*HEAVY, *RENDERING})
    output, modules = loaded("build", "--help")  # its --target help names the installed targets
    assert "aspit, flaro, freee, journal, makasete, yayoi" in " ".join(output.split())
    assert modules.isdisjoint(HEAVY + RENDERING), sorted(modules & {*HEAVY, *RENDERING})
    output, modules = loaded(env={"_JOURNALGEN_COMPLETE": "bash_complete", "COMP_WORDS": "journalgen build --target ya",
                                  "COMP_CWORD": "3"})
    assert "yayoi" in output
    assert "journalgen_yayoi.plugin" in modules  # the names came from the plugins themselves
    assert modules.isdisjoint(HEAVY + RENDERING), sorted(modules & {*HEAVY, *RENDERING})


def test_a_build_on_a_new_ledger_or_one_at_head_imports_neither_alembic_nor_sqlalchemy_nor_babel_nor_a_pool(tmp_path):
    unused = {"alembic", "sqlalchemy", "httpx", "psycopg", "babel", "multiprocessing"}
    out = tmp_path / "out"
    _, first = loaded("build", "--date", "2025-01-10", "--out", str(out), cwd=tmp_path)
    assert first.isdisjoint(unused), sorted(first & unused)  # the ledger from head.sql, two store-days in-process
    output, again = loaded("build", "--date", "2025-01-10", "--out", str(out), cwd=tmp_path)
    assert "2 unchanged" in output
    assert again.isdisjoint(unused), sorted(again & unused)


def test_a_build_reads_no_distribution_metadata_which_journalgen_targets_shows(tmp_path):
    """A target's distribution name and version are read when shown, not when the plugins load:
    a build parses no METADATA file (and so never imports the parser of one, `email.parser`)."""
    _, modules = loaded("build", "--date", "2025-01-10", "--out", str(tmp_path / "out"), cwd=tmp_path, every=True)
    assert "email.parser" not in modules
    output, modules = loaded("targets", every=True)
    assert "journalgen-freee" in output and "email.parser" in modules


def test_the_public_names_are_the_functions_even_once_their_modules_of_the_same_name_are_imported():
    import journalgen.build
    import journalgen.journalize
    from journalgen import build, journalize

    assert callable(build) and build.__module__ == "journalgen.build"
    assert callable(journalize) and journalize.__module__ == "journalgen.journalize"


def test_the_catalog_reader_and_the_yen_format_give_what_babel_gives():
    """journalgen reads its `.po` catalogs and formats yen itself, as babel's reader and ja_JP
    currency format would, so that a build loads no babel; these pin the two to babel."""
    from babel.messages.pofile import read_po as babel_read_po
    from babel.numbers import format_currency

    from journalgen.i18n import format_yen, read_po

    catalogs = [*(REPO / "journalgen").glob("locale/*/LC_MESSAGES/*.po"),
                *(REPO / "plugins").glob("*/*/locale/*/LC_MESSAGES/*.po")]
    assert len(catalogs) == 6
    for po_file in catalogs:
        with po_file.open("rb") as handle:
            expected = {message.id: message.string for message in babel_read_po(handle) if message.id and message.string}
        assert read_po(po_file.read_text(encoding="utf-8"), str(po_file)) == expected, po_file
    edge = ('# a comment\nmsgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            '#, python-format\nmsgid "a \\"quoted\\" {name}\\n"\n"continued\\t\\\\"\nmsgstr ""\n"引用 \\"{name}\\"\\n"\n\n'
            'msgid "untranslated"\nmsgstr ""\n')
    assert read_po(edge, "edge.po") == {'a "quoted" {name}\ncontinued\t\\': '引用 "{name}"\n'}
    with pytest.raises(ValueError, match="edge.po:2"):
        read_po('msgid "one"\nmsgid_plural "many"\n', "edge.po")
    for amount in (0, 1, 999, 1000, -1, -100, 102_220, -1_234_567, 10**15):
        assert format_yen(amount) == format_currency(amount, "JPY", locale="ja_JP"), amount
