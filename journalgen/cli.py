"""The `journalgen` command: build, validate, schema, targets.

Exit codes: 0 when everything asked for was built, 1 when some store-days failed (each is named
with its reason), 2 for usage or settings errors.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from pydantic import TypeAdapter, ValidationError

from journalgen.build import StoreDayResult, build_closes, check_output_folder, check_targets, render
from journalgen.close import IsoDate
from journalgen.errors import FileAccessError, JournalgenError, SettingsError, os_problem, shorter
from journalgen.i18n import Lang, default_lang, format_yen, translate
from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, LoadedClose, read_closes, skipped_inputs
from journalgen.journalize import journalize
from journalgen.plugins import installed_targets
from journalgen.review import open_in_browser, write_review_page
from journalgen.safe_text import escaped
from journalgen.schema import input_schema_text
from journalgen.settings import FiscalPeriod, Settings, load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return IsoDateText.validate_python(value)
        except ValidationError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


IsoDateText = TypeAdapter(IsoDate)
DATE = _DateType()
lang_option = click.option("--lang", type=click.Choice(["ja", "en"]), help="Message language (default: from the locale).")
config_option = click.option("--config", type=click.Path(path_type=Path), help="Settings file (TOML).")


def _fail_usage(error: JournalgenError, lang: Lang) -> None:
    click.echo(f"[{error.code}] {error.message(lang)}", err=True)
    raise SystemExit(EXIT_USAGE)


def _settings(config: Path | None, lang: Lang) -> Settings:
    try:
        return load_settings(config)
    except SettingsError as error:
        _fail_usage(error, lang)


def _run_input(input_path: Path | None, config: Path | None, fiscal_period: str | None,
               lang: Lang, announce: str) -> tuple[Path, Settings]:
    """The input and settings of a run: the shipped sample (with its settings) when no input is
    given, and the `--fiscal-period` override applied."""
    if input_path is None:
        input_path, config = SAMPLE_CLOSES, config or SAMPLE_SETTINGS
        click.echo(translate(announce, lang).format(path=input_path))
    return input_path, _run_settings(config, fiscal_period, lang)


def _run_settings(config: Path | None, fiscal_period: str | None, lang: Lang) -> Settings:
    """The settings of a run, with the `--fiscal-period` override applied."""
    settings = _settings(config, lang)
    if fiscal_period:
        try:
            settings = settings.model_copy(update={"fiscal_period_override": FiscalPeriod.parse(fiscal_period)})
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--fiscal-period") from None
    return settings


fiscal_period_option = click.option(
    "--fiscal-period", help="Use this 当年会計期間 for this run: START..END (see README)."
)
input_option = click.option(
    "--input", "input_path", type=click.Path(path_type=Path),
    help="A close (.json), a directory of them, or JSON Lines (.jsonl). Default: the shipped sample.",
)
out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True)


class _Guarded(click.Group):
    """The command group, turning whatever a command did not catch into a message and an exit
    code: no Python traceback ever reaches the user."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except JournalgenError as error:  # the output folder busy or unusable, …
            click.echo(f"[{error.code}] {error.message(default_lang())}", err=True)
            raise SystemExit(EXIT_FAILED) from None
        except OSError as exc:
            error = FileAccessError(file=str(exc.filename or ""), problems=(os_problem(exc),))
            click.echo(f"[{error.code}] {error.message(default_lang())}", err=True)
            raise SystemExit(EXIT_FAILED) from None
        except Exception as exc:  # a bug: say so plainly, without a traceback
            click.echo(translate("journalgen stopped on an unexpected error ({kind}: {detail}); please report it "
                                 "with the command you ran.", default_lang()).format(
                kind=type(exc).__name__, detail=shorter(str(exc), default_lang())), err=True)
            raise SystemExit(EXIT_FAILED) from None


@click.group(cls=_Guarded)
@click.version_option(package_name="journalgen")
def cli() -> None:
    """journalgen: a register's daily close (閉局) → journals for freee, 弥生 and more."""


@cli.command()
@click.option("--date", "day", type=DATE, help="Build this business day.")
@click.option("--from", "start", type=DATE, help="First business day of a range.")
@click.option("--to", "end", type=DATE, help="Last business day of a range.")
@input_option
@config_option
@click.option("--target", "targets", multiple=True, help="Target to render (repeatable). Default: [build] targets.")
@out_option
@fiscal_period_option
@lang_option
def build(day, start, end, input_path, config, targets, out_dir, fiscal_period, lang) -> None:
    """Build journals into OUT/<date>/<store>/."""
    lang = lang or default_lang()
    if day and (start or end):
        raise click.UsageError("--date cannot be combined with --from/--to")
    input_path, settings = _run_input(input_path, config, fiscal_period, lang,
                                      "Building the shipped sample data ({path}).")
    targets = list(targets) or list(settings.build.targets)
    try:
        check_targets(settings, targets)
        check_output_folder(out_dir)
    except JournalgenError as error:
        _fail_usage(error, lang)
    if start and end and end < start:
        raise click.BadParameter(f"{end} is before --from {start}", param_hint="--to")
    first, last = (day, day) if day else (start or dt.date.min, end or dt.date.max)
    _report_skipped(input_path, lang)
    loaded = [item for item in read_closes(input_path) if item.close is None or first <= item.close.business_date <= last]
    if not loaded:
        days = str(day) if day else f"{start or ''}..{end or ''}"
        click.echo(translate("No daily close in {path} for {days}.", lang).format(path=input_path, days=days), err=True)
        raise SystemExit(EXIT_FAILED)
    results = build_closes(loaded, settings, targets, out_dir)
    for result in results:
        _report(result, lang)
    if start and end:
        _report_missing_days(start, end, {item.close.business_date for item in loaded if item.close}, lang)
    failed = sum(1 for result in results if result.error)
    click.echo(translate("Store-days: {built} built, {failed} failed.", lang).format(
        built=len(results) - failed, failed=failed))
    raise SystemExit(EXIT_FAILED if failed else EXIT_OK)


def _report(result: StoreDayResult, lang: Lang) -> None:
    failed = result.error is not None
    if failed:
        where = f"{result.close.business_date.isoformat()} {result.close.store.code} " if result.close else ""
        click.echo(f"✗ {where}[{result.error.code}] {result.error.message(lang)}", err=True)
    else:
        where = f"{result.close.business_date.isoformat()} {result.close.store.code} {result.close.store.name}"
        journal = result.journal
        folder = result.written[0].parent if result.written else ""
        files = ", ".join(path.name for path in result.written)
        click.echo(translate("✓ {where}: net sales {sales}, entries: {entries} → {folder}/ ({files})", lang).format(
            where=where, sales=format_yen(journal.net_sales()), entries=len(journal.entries), folder=folder,
            files=files))
    if result.removed:
        click.echo(translate("  removed files of an earlier build of this store-day: {files}", lang).format(
            files=", ".join(path.name for path in result.removed)), err=failed)


def _report_missing_days(start: dt.date, end: dt.date, present: set[dt.date], lang: Lang) -> None:
    """Name the days of a `--from/--to` range that have no close at all, so a re-send of a range
    does not silently skip a day the register never exported."""
    for offset in range((end - start).days + 1):  # no day after `end` is computed: --to 9999-12-31 ends
        day = start + dt.timedelta(days=offset)
        if day not in present:
            click.echo(translate("· {date}: no daily close in the input", lang).format(date=day.isoformat()))


def _report_skipped(input_path: Path, lang: Lang) -> None:
    """Name the entries of an input folder that are not read (sub-folders, other files, dangling links)."""
    for skipped in skipped_inputs(input_path):
        click.echo(translate("· {path}: not read: {reason}", lang).format(
            path=escaped(str(skipped.path)), reason=translate(skipped.reason, lang)), err=True)


@cli.command()
@click.option("--date", "day", type=DATE, required=True, help="The business day to review.")
@click.option("--store", "store_code", help="Only this store code. Default: every store of the day.")
@input_option
@config_option
@out_option
@fiscal_period_option
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Page language (default: from the locale).")
@click.option("--open", "open_page", is_flag=True, help="Open each page in the web browser, when there is one.")
def review(day, store_code, input_path, config, out_dir, fiscal_period, lang, open_page) -> None:
    """Write OUT/<date>/<store>/review.html: the day's journal for an accountant to check."""
    lang = lang or default_lang()
    input_path, settings = _run_input(input_path, config, fiscal_period, lang,
                                      "Reviewing the shipped sample data ({path}).")
    try:
        check_targets(settings, settings.build.targets)
    except JournalgenError as error:
        _fail_usage(error, lang)
    loaded = [
        item for item in read_closes(input_path)
        if item.close is None or (item.close.business_date == day and store_code in (None, item.close.store.code))
    ]
    if not loaded:
        store = f" {store_code}" if store_code else ""
        click.echo(translate("No daily close in {path} for {date}{store}.", lang).format(
            path=input_path, date=day.isoformat(), store=store), err=True)
        raise SystemExit(EXIT_FAILED)
    failed = 0
    for item in loaded:
        try:
            if item.error is not None:
                raise item.error
            page = write_review_page(journalize(item.close, settings, item.source), settings, out_dir, lang)
        except JournalgenError as error:
            failed += 1
            click.echo(f"✗ [{error.code}] {error.message(lang)}", err=True)
            continue
        click.echo(f"✓ {day.isoformat()} {item.close.store.code} {item.close.store.name}: {page}")
        if open_page and not open_in_browser(page):
            click.echo(translate("No web browser found; open {path} yourself.", lang).format(path=page), err=True)
    raise SystemExit(EXIT_FAILED if failed else EXIT_OK)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@config_option
@click.option("--target", "targets", multiple=True, help="Target whose checks to run (repeatable). Default: [build] targets.")
@fiscal_period_option
@lang_option
def validate(path, config, targets, fiscal_period, lang) -> None:
    """Check daily closes as a build would (input contract, journal invariants, each target's
    checks and rendering); write nothing."""
    lang = lang or default_lang()
    settings = _run_settings(config, fiscal_period, lang)
    targets = list(targets) or list(settings.build.targets)
    try:
        check_targets(settings, targets)
    except JournalgenError as error:
        _fail_usage(error, lang)
    failed = 0
    _report_skipped(path, lang)
    for item in read_closes(path):
        error = item.error or _build_error(item, settings, targets)
        if error is None:
            click.echo(translate("✓ {source}: valid", lang).format(source=item.source))
        else:
            failed += 1
            click.echo(f"✗ [{error.code}] {error.message(lang)}", err=True)
    raise SystemExit(EXIT_FAILED if failed else EXIT_OK)


def _build_error(item: LoadedClose, settings: Settings, targets: list[str]) -> JournalgenError | None:
    """What would stop `item` from building for `targets`, or None."""
    try:
        render(journalize(item.close, settings, item.source), settings, targets)
    except JournalgenError as error:
        return error
    return None


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the daily close (input contract version 1)."""
    click.echo(input_schema_text(), nl=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def targets(as_json) -> None:
    """List installed targets with their distribution and version."""
    try:
        installed = installed_targets().installed()
    except JournalgenError as error:  # two plugins registering one name
        _fail_usage(error, default_lang())
    rows = [
        {"name": item.target.name, "distribution": item.distribution, "version": item.version,
         "summary": item.target.summary}
        for item in installed
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']:<12} {row['distribution']} {row['version']}  {row['summary']}")


def main() -> None:
    """Console-script entry point."""
    cli()
