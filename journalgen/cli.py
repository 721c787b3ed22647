"""The `journalgen` command: build, validate, review, schema, targets.

Exit codes: 0 when everything asked for was built, 1 when some store-days failed (each is named
with its reason), 2 for usage or settings errors.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
from pydantic import TypeAdapter, ValidationError

from journalgen.build import build_closes, check_targets, render
from journalgen.cli_i18n import Group, context_lang
from journalgen.close import IsoDate
from journalgen.console import Console, can_encode, echo, is_terminal, tolerate_unencodable
from journalgen.errors import JournalgenError, SettingsError
from journalgen.i18n import Lang, default_lang, format_yen, translate
from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, LoadedClose, read_closes
from journalgen.journal import Journal
from journalgen.journalize import journalize
from journalgen.mapping_cli import mapping
from journalgen.plugins import installed_targets
from journalgen.review import open_in_browser, write_review_page
from journalgen.schema import input_schema_text
from journalgen.settings import FiscalPeriod, Settings, load_settings
from journalgen.summary import DayOutcome, RunSummary, days_without_close, format_ranges, stores_missing
from journalgen.warnings import refuse_warnings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return IsoDateText.validate_python(value)
        except ValidationError:
            self.fail(translate("{value} is not a date in the form YYYY-MM-DD", context_lang(ctx)).format(
                value=repr(value)), param, ctx)


IsoDateText = TypeAdapter(IsoDate)
DATE = _DateType()
lang_option = click.option("--lang", type=click.Choice(["ja", "en"]),
                           help="Message language: ja or en (default: from the locale).")
config_option = click.option("--config", type=click.Path(path_type=Path),
                             help="Settings file (TOML) with your company, accounts and targets.")


def _fail_usage(error: JournalgenError, lang: Lang) -> None:
    echo(f"[{error.code}] {error.message(lang)}", err=True)
    raise SystemExit(EXIT_USAGE)


def _settings(config: Path | None, lang: Lang) -> Settings:
    try:
        return load_settings(config)
    except SettingsError as error:
        _fail_usage(error, lang)


def _is_sample_run(input_path: Path | None, config: Path | None, sample: bool) -> bool:
    """Whether a run reads the shipped sample: asked for with `--sample`, or neither `--input`
    nor `--config` given. `--sample` with either of them is a usage error."""
    if sample and (input_path or config):
        raise click.UsageError(translate("--sample cannot be combined with --input or --config",
                                         context_lang(click.get_current_context(silent=True))))
    return sample or (input_path is None and config is None)


def _require_input(input_path: Path | None, lang: Lang) -> Path:
    """The `--input` of a run with settings of its own: given and existing, else a usage error
    (the shipped sample is never built over a user's books)."""
    if input_path is None:
        raise click.UsageError(translate(
            "Missing option --input: with --config, give the daily closes to build (--input PATH); the shipped "
            "sample is built only when neither --input nor --config is given, or with --sample.", lang))
    if not input_path.exists():
        raise click.BadParameter(translate("{path}: no such file or directory", lang).format(path=input_path),
                                 param_hint="'--input'")
    return input_path


def _run_input(input_path: Path | None, config: Path | None, fiscal_period: str | None,
               lang: Lang, announce: str, sample: bool = False) -> tuple[Path, Settings]:
    """The input and settings of a run: the shipped sample (with its settings) when neither
    `--input` nor `--config` is given, and the `--fiscal-period` override applied. The settings
    are checked first, so a broken file is named before a missing `--input`."""
    if _is_sample_run(input_path, config, sample):
        echo(translate(announce, lang).format(path=SAMPLE_CLOSES))
        return SAMPLE_CLOSES, _run_settings(SAMPLE_SETTINGS, fiscal_period, lang)
    settings = _run_settings(config, fiscal_period, lang)
    try:
        check_targets(settings, settings.build.targets)
    except JournalgenError as error:
        _fail_usage(error, lang)
    return _require_input(input_path, lang), settings


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
    "--fiscal-period", help="Use this 当年会計期間 for this run only: START..END, e.g. 2024-04-01..2025-03-31."
)
input_option = click.option(
    "--input", "input_path", type=click.Path(path_type=Path),
    help="Daily closes to read: a .json file, a folder of them, or JSON Lines (.jsonl). Needed with --config.",
)
out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"),
                          help="Folder the files are written to, as OUT/<date>/<store>/ (default: out).")
sample_option = click.option("--sample", is_flag=True,
                             help="Use the shipped sample store and its settings (what a run without --input "
                                  "and --config does).")
def _complete_targets(ctx, param, incomplete: str) -> list[str]:
    """Shell completion of `--target`: the installed targets' names."""
    try:
        return [name for name in installed_targets().names() if name.startswith(incomplete)]
    except JournalgenError:
        return []


targets_option = click.option("--target", "targets", multiple=True, shell_complete=_complete_targets,
                              help="Target to render, repeatable; installed: {installed}. Default: the [build] "
                                   "targets of the settings.")
json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print one JSON document on stdout (schemas/run-summary.schema.json); the lines "
                                "for people go to stderr.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary.")
verbose_option = click.option("-v", "--verbose", is_flag=True,
                              help="Also print notes, each store-day's input file and the settings used.")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="journalgen", help="Show the version and exit.")
def cli() -> None:
    """journalgen: a register's daily close (閉局) → journals for freee, 弥生 and more."""
    tolerate_unencodable()


@cli.command()
@click.option("--date", "day", type=DATE, help="Build this business day (YYYY-MM-DD).")
@click.option("--from", "start", type=DATE, help="First business day of a range (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, help="Last business day of a range (YYYY-MM-DD).")
@click.option("--store", "store_code", help="Only this store code. Default: every store in the input.")
@input_option
@config_option
@sample_option
@targets_option
@out_option
@fiscal_period_option
@click.option("--strict", is_flag=True,
              help="Fail a store-day that has warnings (suspense account, cash difference, …); nothing is "
                   "written for it.")
@json_option
@quiet_option
@verbose_option
@lang_option
def build(day, start, end, store_code, input_path, config, sample, targets, out_dir, fiscal_period, strict,
          as_json, quiet, verbose, lang) -> None:
    """Build journals into OUT/<date>/<store>/ for each store-day of the input."""
    lang = lang or default_lang()
    if day and (start or end):
        raise click.UsageError(translate("--date cannot be combined with --from/--to", lang))
    if start and end and end < start:
        raise click.BadParameter(translate("{end} is before --from {start}", lang).format(end=end, start=start),
                                 param_hint="'--to'")
    console = Console(lang, quiet=quiet, verbose=verbose, to_stderr=as_json)
    sample_run = _is_sample_run(input_path, config, sample)
    settings = _run_settings(SAMPLE_SETTINGS if sample_run else config, fiscal_period, lang)
    targets = list(targets) or list(settings.build.targets)
    try:
        check_targets(settings, targets)
    except JournalgenError as error:
        _fail_usage(error, lang)
    if sample_run:
        input_path = SAMPLE_CLOSES
        console.line(translate("Building the shipped sample data ({path}).", lang).format(path=input_path))
    else:
        input_path = _require_input(input_path, lang)
    console.line(translate("Settings: {settings}; targets: {targets}", lang).format(
        settings=settings.file_name or translate("(defaults)", lang), targets=", ".join(targets)), verbose=True)
    first, last = (day, day) if day else (start, end)
    loaded = [item for item in read_closes(input_path) if item.close is None or (
        (first is None or first <= item.close.business_date) and (last is None or item.close.business_date <= last)
        and store_code in (None, item.close.store.code))]
    if not loaded:
        days = str(day) if day else f"{start or ''}..{end or ''}"
        store = f" {store_code}" if store_code else ""
        console.line(translate("No daily close in {path} for {days}{store}.", lang).format(
            path=input_path, days=days, store=store), err=True, always=True)
        if as_json:
            _print_json(_summary("build", [], loaded, first, last), lang)
        raise SystemExit(EXIT_FAILED)
    console.start_progress(len(loaded))
    outcomes = []
    try:
        for result in build_closes(loaded, settings, targets, out_dir,
                                   check=refuse_warnings(settings) if strict else None):
            outcomes.append(DayOutcome.of_build(result, settings))
            _report(console, outcomes[-1])
            console.advance()
    finally:  # an interrupted run leaves its lines, not a half-drawn progress line
        console.stop_progress()
    summary = _summary("build", outcomes, loaded, first, last)
    _report_coverage(console, summary)
    _report_totals(console, summary)
    if as_json:
        _print_json(summary, lang)
    elif is_terminal(console.out) and summary.totals()["ok"]:
        _next_step(console, next(o for o in outcomes if o.status == "built"), targets)
    raise SystemExit(EXIT_FAILED if summary.totals()["failed"] else EXIT_OK)


def _next_step(console: Console, built: DayOutcome, targets: list[str]) -> None:
    """One line, on a terminal, on what to do with what was built."""
    if "yayoi" in targets:
        message = translate("Next: check a day with `journalgen review --date {date}`; in 弥生会計 import "
                            "yayoi-import.csv with ファイル → インポート (see docs/yayoi.md).", console.lang)
    else:
        message = translate("Next: check a day with `journalgen review --date {date}` before its files reach "
                            "your books.", console.lang)
    console.line(message.format(date=built.close.business_date.isoformat()))


def _summary(command, outcomes: list[DayOutcome], loaded: list[LoadedClose], first: dt.date | None,
             last: dt.date | None, checked: dict | None = None) -> RunSummary:
    """The run's summary, with the days in `first..last` (else the input's own span) without a
    close and the stores missing on days other stores have."""
    store_days = {item.close.store_day for item in loaded if item.close}
    present = {day for day, _ in store_days}
    no_close = []
    if present or (first and last):
        no_close = days_without_close(present, first or min(present), last or max(present))
    return RunSummary(command, outcomes, no_close=no_close, missing=stores_missing(store_days), checked=checked or {})


def _report(console: Console, outcome: DayOutcome) -> None:
    """A store-day's line as it finishes, its warnings under it."""
    lang, close, error = console.lang, outcome.close, outcome.error
    where = f"{close.business_date.isoformat()} {close.store.code} {close.store.name}" if close else outcome.source
    if outcome.status == "failed":  # an input error names its file itself
        console.line(f"{where + ': ' if close else ''}[{error.code}] {error.message(lang)}", mark="failed", err=True,
                     always=True)
    elif outcome.status == "valid":
        console.line(translate("{where}: valid, net sales {sales}", lang).format(
            where=outcome.source, sales=format_yen(outcome.net_sales)), mark="ok")
    else:
        folder = outcome.files[0].parent if outcome.files else ""
        console.line(translate("{where}: net sales {sales}, entries: {entries} → {folder}/ ({files})", lang).format(
            where=where, sales=format_yen(outcome.net_sales), entries=outcome.entries, folder=folder,
            files=", ".join(path.name for path in outcome.files)), mark="ok")
    console.line(translate("input: {source}", lang).format(source=outcome.source), indent="  ", verbose=True)
    for name, skip in outcome.skipped.items():
        console.line(translate("{target}: skipped, {reason}", lang).format(target=name, reason=skip.message(lang)),
                     indent="  ")
    for warning in outcome.warnings:
        note = warning.level == "note"
        console.line(f"[{warning.code}] {warning.message(lang)}", mark="note" if note else "warning", indent="  ",
                     err=outcome.status == "failed", always=outcome.status == "failed" and not note, verbose=note)
    if outcome.removed:
        console.line(translate("removed files of an earlier build of this store-day: {files}", lang).format(
            files=", ".join(path.name for path in outcome.removed)), indent="  ", err=outcome.status == "failed",
            always=outcome.status == "failed")


def _report_coverage(console: Console, summary: RunSummary) -> None:
    """Once: the days without any close, and each store missing on days other stores have."""
    lang = console.lang
    if summary.no_close:
        count = sum((end - start).days + 1 for start, end in summary.no_close)
        console.line(translate("No daily close on {count} day(s): {days}", lang).format(
            count=count, days=format_ranges(summary.no_close)), mark="note")
    for store, ranges in summary.missing.items():
        console.line(translate("Store {store} has no close on {days}, when other stores have one.", lang).format(
            store=store, days=format_ranges(ranges)), mark="warning", always=True)


def _report_totals(console: Console, summary: RunSummary) -> None:
    totals = summary.totals()
    if summary.command == "build":
        message = translate("Store-days: {ok} built, {failed} failed, {warnings} warning(s).", console.lang)
    else:
        message = translate("Store-days: {ok} valid, {failed} failed, {warnings} warning(s).", console.lang)
    console.line(message.format(**totals), always=True)


def _print_json(summary: RunSummary, lang: Lang) -> None:
    """The run summary as one JSON document on stdout (ASCII escapes when the console needs them)."""
    stream = sys.stdout
    text = json.dumps(summary.to_dict(lang), ensure_ascii=False, indent=2)
    click.echo(text if can_encode(stream, text) else json.dumps(summary.to_dict(lang), indent=2), file=stream)


@cli.command()
@click.option("--date", "day", type=DATE, required=True, help="The business day to review.")
@click.option("--store", "store_code", help="Only this store code. Default: every store of the day.")
@input_option
@config_option
@out_option
@fiscal_period_option
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Page language: ja or en (default: from the locale).")
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
@targets_option
@fiscal_period_option
@json_option
@quiet_option
@verbose_option
@lang_option
def validate(path, config, targets, fiscal_period, as_json, quiet, verbose, lang) -> None:
    """Check daily closes as a build would (input contract, journal invariants, each target's checks and rendering); write nothing."""
    lang = lang or default_lang()
    console = Console(lang, quiet=quiet, verbose=verbose, to_stderr=as_json)
    settings = _run_settings(config, fiscal_period, lang)
    targets = list(targets) or list(settings.build.targets)
    try:
        check_targets(settings, targets)
    except JournalgenError as error:
        _fail_usage(error, lang)
    if not path.exists():
        raise click.BadParameter(translate("{path}: no such file or directory", lang).format(path=path),
                                 param_hint="'PATH'")
    loaded = read_closes(path)
    console.start_progress(len(loaded))
    outcomes = []
    try:
        for item in loaded:
            journal, error = _check(item, settings, targets)
            outcomes.append(DayOutcome.of(item.source, item.close, journal, error, settings, "valid"))
            _report(console, outcomes[-1])
            console.advance()
    finally:
        console.stop_progress()
    neutral_only = config is None and targets == ["journal"]
    summary = _summary("validate", outcomes, loaded, None, None, checked={
        "settings": settings.file_name if config else None, "targets": targets, "neutral_journal_only": neutral_only})
    _report_coverage(console, summary)
    _report_totals(console, summary)
    if neutral_only:
        console.line(translate("No settings given (--config): checked the input contract and the neutral journal "
                               "only, with no fiscal period and no target's checks. Give --config FILE to check "
                               "as your build will.", lang), mark="note", always=True)
    elif config is None:
        console.line(translate("No settings given (--config): checked with the default settings, which have no "
                               "fiscal period and no masters.", lang), mark="note", always=True)
    if as_json:
        _print_json(summary, lang)
    raise SystemExit(EXIT_FAILED if summary.totals()["failed"] else EXIT_OK)


def _check(item: LoadedClose, settings: Settings, targets: list[str]) -> tuple[Journal | None, JournalgenError | None]:
    """The journal of `item`, and what stops it from building for `targets` (or None)."""
    if item.error is not None:
        return None, item.error
    journal = None
    try:
        journal = journalize(item.close, settings, item.source)
        render(journal, settings, targets)
    except JournalgenError as error:
        return journal, error
    return journal, None


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the daily close (input contract version 2)."""
    click.echo(input_schema_text(), nl=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
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
        echo(f"{row['name']:<12} {row['distribution']} {row['version']}  {row['summary']}")


cli.add_command(mapping)
for _point in entry_points(group="journalgen.commands"):  # commands plugins add, e.g. flaro-send
    cli.add_command(_point.load())


def main() -> None:
    """Console-script entry point (also of `python -m journalgen`, under the same name)."""
    cli(prog_name="journalgen")
