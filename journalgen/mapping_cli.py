"""`journalgen mapping export|import|auto`: a target's code mappings as CSV files a person edits
in Excel. Exit codes: 0 done, 1 the file or an input was refused (nothing applied), 2 usage or
settings error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from journalgen.cli_i18n import Group
from journalgen.i18n import Lang, default_lang, translate

if TYPE_CHECKING:  # imported by the commands themselves: `journalgen --help` stays light
    from journalgen.close import DailyClose
    from journalgen.errors import JournalgenError
    from journalgen.mapping import MappingKind
    from journalgen.settings import Settings

EXIT_FAILED, EXIT_USAGE = 1, 2


def _options(function):
    for option in reversed((
        click.option("--target", "target_name", required=True, help="The target whose mapping this is, e.g. aspit."),
        click.option("--kind", required=True, help="Which mapping, e.g. payment, discount, segment."),
        click.option("--config", type=click.Path(path_type=Path), help="Settings file (TOML)."),
        click.option("--input", "input_path", type=click.Path(path_type=Path),
                     help="Daily closes whose masters and rows give the IDs the register knows."),
        click.option("--lang", type=click.Choice(["ja", "en"]), help="Message language (default: from the locale)."),
    )):
        function = option(function)
    return function


def _refuse(error: JournalgenError, lang: Lang, exit_code: int) -> None:
    click.echo(f"[{error.code}] {error.message(lang)}", err=True)
    raise SystemExit(exit_code)


def _context(target_name: str, kind: str, config: Path | None, input_path: Path | None,
             lang: Lang) -> tuple[MappingKind, Settings, object, list[DailyClose]]:
    """The mapping kind, settings, target options and given closes of a `mapping` command."""
    from journalgen.build import target_options
    from journalgen.errors import JournalgenError
    from journalgen.inputs import read_closes
    from journalgen.plugins import installed_targets
    from journalgen.settings import load_settings

    try:
        settings = load_settings(config)
        target = installed_targets().get(target_name)
        options = target_options(target, settings)
    except JournalgenError as error:
        _refuse(error, lang, EXIT_USAGE)
    if kind not in target.mappings:
        kinds = ", ".join(target.mappings) or "-"
        raise click.BadParameter(translate("{target} has no mapping {kind}; it has: {kinds}", lang).format(
            target=target_name, kind=kind, kinds=kinds), param_hint="--kind")
    closes = []
    for item in read_closes(input_path) if input_path is not None else ():
        if item.error is not None:
            _refuse(item.error, lang, EXIT_FAILED)
        closes.append(item.close)
    return target.mappings[kind], settings, options, closes


@click.group(cls=Group)
def mapping() -> None:
    """Export, import or number a target's code mappings (CSV for Excel)."""


@mapping.command("export")
@_options
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def export_command(target_name, kind, config, input_path, lang, file) -> None:
    """Write the current mapping to FILE."""
    from journalgen.build import write_atomically
    from journalgen.errors import JournalgenError
    from journalgen.mapping import write_csv

    lang = lang or default_lang()
    chosen, settings, options, closes = _context(target_name, kind, config, input_path, lang)
    try:
        rows = chosen.export(settings, options, closes)
        write_atomically(file.parent, {file.name: write_csv(chosen.columns, rows, str(file))})
    except JournalgenError as error:
        _refuse(error, lang, EXIT_FAILED)
    click.echo(translate("Wrote {count} rows to {path}.", lang).format(count=len(rows), path=file))


@mapping.command("import")
@_options
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def import_command(target_name, kind, config, input_path, lang, file) -> None:
    """Check FILE and write its mapping into the mapping file the settings name; a file with any
    bad line is not applied."""
    from journalgen.errors import JournalgenError
    from journalgen.mapping import read_csv

    lang = lang or default_lang()
    chosen, settings, options, closes = _context(target_name, kind, config, input_path, lang)
    try:
        rows = read_csv(file, chosen.columns)
        written = chosen.write(chosen.apply(rows, str(file), settings, options, closes), settings, options)
    except JournalgenError as error:
        _refuse(error, lang, EXIT_FAILED)
    click.echo(translate("Applied {count} rows of {path} to {mapping}.", lang).format(
        count=len(rows), path=file, mapping=written))


@mapping.command("auto")
@_options
def auto_command(target_name, kind, config, input_path, lang) -> None:
    """Number the codes automatically (自動振り分け) and write them into the mapping file."""
    from journalgen.errors import JournalgenError

    lang = lang or default_lang()
    chosen, settings, options, closes = _context(target_name, kind, config, input_path, lang)
    if chosen.auto is None:
        raise click.BadParameter(translate("{target} cannot number {kind} automatically", lang).format(
            target=target_name, kind=kind), param_hint="--kind")
    try:
        written = chosen.write(chosen.auto(settings, options, closes), settings, options)
    except JournalgenError as error:
        _refuse(error, lang, EXIT_FAILED)
    click.echo(translate("Numbered {kind} automatically into {mapping}.", lang).format(kind=kind, mapping=written))
