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

from journalgen.build import StoreDayResult, build_closes, check_targets, render, write_atomically
from journalgen.close import IsoDate
from journalgen.errors import JournalgenError, SettingsError
from journalgen.i18n import Lang, default_lang, format_yen, translate
from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, LoadedClose, read_closes
from journalgen.journalize import journalize
from journalgen.ledger import LEDGER_FILE, Ledger, default_url
from journalgen.plugins import installed_targets
from journalgen.resend import Emitter
from journalgen.review import open_in_browser, write_review_page
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


@click.group()
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
@click.option("--full", is_flag=True, help="Re-send every store-day whole (recorded), e.g. after it was deleted in 弥生.")
@click.option("--dry-run", is_flag=True, help="Say what would be built and re-sent; write and record nothing.")
@lang_option
def build(day, start, end, input_path, config, targets, out_dir, fiscal_period, full, dry_run, lang) -> None:
    """Build journals into OUT/<date>/<store>/."""
    lang = lang or default_lang()
    if day and (start or end):
        raise click.UsageError("--date cannot be combined with --from/--to")
    input_path, settings = _run_input(input_path, config, fiscal_period, lang,
                                      "Building the shipped sample data ({path}).")
    targets = list(targets) or list(settings.build.targets)
    try:
        check_targets(settings, targets)
    except JournalgenError as error:
        _fail_usage(error, lang)
    if start and end and end < start:
        raise click.BadParameter(f"{end} is before --from {start}", param_hint="--to")
    first, last = (day, day) if day else (start or dt.date.min, end or dt.date.max)
    loaded = [item for item in read_closes(input_path) if item.close is None or first <= item.close.business_date <= last]
    if not loaded:
        days = str(day) if day else f"{start or ''}..{end or ''}"
        click.echo(translate("No daily close in {path} for {days}.", lang).format(path=input_path, days=days), err=True)
        raise SystemExit(EXIT_FAILED)
    ledger = _open_ledger(settings, out_dir, dry_run, lang)
    try:
        emitter = Emitter(ledger, settings, targets, write_atomically, full=full, dry_run=dry_run)
        results = build_closes(loaded, settings, targets, out_dir, emitter)
    finally:
        ledger.close()
    for result in results:
        _report(result, lang)
        _report_resend(result, lang)
    if start and end:
        _report_missing_days(start, end, {item.close.business_date for item in loaded if item.close}, lang)
    failed = sum(1 for result in results if result.error)
    status = [result.plan.status for result in results if result.plan is not None and not result.error]
    click.echo(translate("Store-days: {built} built, {unchanged} unchanged, {resent} re-sent, {failed} failed.",
                         lang).format(built=status.count("built"), unchanged=status.count("unchanged"),
                                      resent=status.count("resent"), failed=failed))
    if dry_run:
        click.echo(translate("Dry run: nothing was written or recorded.", lang))
    raise SystemExit(EXIT_FAILED if failed else EXIT_OK)


def _open_ledger(settings: Settings, out_dir: Path, dry_run: bool, lang: Lang) -> Ledger:
    """The run's sent-ledger: `[ledger] url`, else OUT/.journalgen/ledger.sqlite3. A dry run
    over an OUT that has none plans against an empty one kept in memory and creates nothing."""
    url = settings.ledger.url or default_url(out_dir)
    if dry_run and settings.ledger.url is None and not (out_dir / LEDGER_FILE).exists():
        url = "sqlite://"
    try:
        return Ledger(url)
    except JournalgenError as error:
        _fail_usage(error, lang)


def _signed_yen(amount: int) -> str:
    return ("+" if amount >= 0 else "−") + format_yen(abs(amount))


def _report_resend(result: StoreDayResult, lang: Lang) -> None:
    """Under a store-day's line: `unchanged`, or what its re-send holds and where."""
    if result.plan is None or result.error is not None:
        return
    resend = result.plan.resend
    folder = result.written[0].parent / resend.folder if resend is not None and result.written else ""
    if result.plan.status == "unchanged":
        click.echo(translate("  unchanged: nothing to re-send", lang))
    elif resend is not None and resend.kind == "full":
        click.echo(translate("  re-send {number} (whole day): {entries} entries → {folder}/", lang).format(
            number=resend.number, entries=len(resend.added), folder=folder or resend.folder))
    elif resend is not None:
        click.echo(translate("  re-send {number}: +{added} −{reversed} entries, sales {sales} → {folder}/",
                             lang).format(number=resend.number, added=len(resend.added),
                                          reversed=len(resend.reversed),
                                          sales=_signed_yen(resend.journal.net_sales()), folder=folder or resend.folder))


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
        line = ("✓ {where}: net sales {sales}, entries: {entries} → {folder}/ ({files})" if result.written
                else "✓ {where}: net sales {sales}, entries: {entries} (dry run: nothing written)")
        click.echo(translate(line, lang).format(
            where=where, sales=format_yen(journal.net_sales()), entries=len(journal.entries), folder=folder,
            files=files))
    if result.removed:
        click.echo(translate("  removed files of an earlier build of this store-day: {files}", lang).format(
            files=", ".join(path.name for path in result.removed)), err=failed)


def _report_missing_days(start: dt.date, end: dt.date, present: set[dt.date], lang: Lang) -> None:
    """Name the days of a `--from/--to` range that have no close at all, so a re-send of a range
    does not silently skip a day the register never exported."""
    day = start
    while day <= end:
        if day not in present:
            click.echo(translate("· {date}: no daily close in the input", lang).format(date=day.isoformat()))
        day += dt.timedelta(days=1)


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
