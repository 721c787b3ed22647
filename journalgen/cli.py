"""The `journalgen` command: build, validate, review, schema, targets.

Exit codes: 0 when everything asked for was built, 1 when some store-days failed (each is named
with its reason), 2 for usage or settings errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from journalgen.cli_i18n import Group, context_lang
from journalgen.console import Console, can_encode, echo, is_terminal, tolerate_unencodable
from journalgen.i18n import Lang, default_lang, format_yen, translate

if TYPE_CHECKING:  # the rest is imported by the command that needs it: `--help` and `schema` stay light
    from journalgen.errors import JournalgenError
    from journalgen.inputs import LoadedClose
    from journalgen.journal import Journal
    from journalgen.ledger import Ledger
    from journalgen.settings import Settings
    from journalgen.summary import DayOutcome, RunSummary

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        from pydantic import ValidationError

        from journalgen.inputs import ISO_DATE

        if isinstance(value, dt.date):
            return value
        try:
            return ISO_DATE.validate_python(value)
        except ValidationError:
            self.fail(translate("{value} is not a date in the form YYYY-MM-DD", context_lang(ctx)).format(
                value=repr(value)), param, ctx)


DATE = _DateType()
lang_option = click.option("--lang", type=click.Choice(["ja", "en"]),
                           help="Message language: ja or en (default: from the locale).")
config_option = click.option("--config", type=click.Path(path_type=Path),
                             help="Settings file (TOML) with your company, accounts and targets.")


def _fail_usage(error: JournalgenError, lang: Lang) -> None:
    echo(f"[{error.code}] {error.message(lang)}", err=True)
    raise SystemExit(EXIT_USAGE)


def _settings(config: Path | None, lang: Lang) -> Settings:
    from journalgen.errors import SettingsError
    from journalgen.settings import load_settings

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
    from journalgen.build import check_targets
    from journalgen.errors import JournalgenError
    from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS

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
    from journalgen.settings import FiscalPeriod

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
    from journalgen.errors import JournalgenError
    from journalgen.plugins import installed_targets

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


class _Guarded(Group):
    """The command group, turning whatever a command did not catch into a message and an exit
    code: no Python traceback ever reaches the user."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:  # Ctrl-C (a parallel build takes SIGTERM as one): not click's bare "Aborted!"
            echo(translate("Interrupted: journalgen stopped before the end. What it finished stays; run the same "
                           "command again to finish.", context_lang(ctx)), err=True)
            raise SystemExit(EXIT_FAILED) from None
        except Exception as exc:
            from journalgen.errors import FileAccessError, JournalgenError, os_problem, shorter

            if isinstance(exc, JournalgenError):  # the output folder busy or unusable, …
                echo(f"[{exc.code}] {exc.message(context_lang(ctx))}", err=True)
                raise SystemExit(EXIT_FAILED) from None
            if isinstance(exc, OSError):
                error = FileAccessError(file=str(exc.filename or ""), problems=(os_problem(exc),))
                echo(f"[{error.code}] {error.message(context_lang(ctx))}", err=True)
                raise SystemExit(EXIT_FAILED) from None
            # a bug: say so plainly, without a traceback
            lang = context_lang(ctx)
            echo(translate("journalgen stopped on an unexpected error ({kind}: {detail}); please report it "
                           "with the command you ran.", lang).format(
                kind=type(exc).__name__, detail=shorter(str(exc), lang)), err=True)
            raise SystemExit(EXIT_FAILED) from None


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--full", is_flag=True, help="Re-send every store-day whole (recorded), e.g. after it was deleted in 弥生.")
@click.option("--dry-run", is_flag=True, help="Say what would be built and re-sent; write and record nothing.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Build this many store-days at once, in separate processes (default: the number of cores; "
                   "1: one at a time in this process). The files written are the same.")
@json_option
@quiet_option
@verbose_option
@lang_option
def build(day, start, end, store_code, input_path, config, sample, targets, out_dir, fiscal_period, strict,
          full, dry_run, jobs, as_json, quiet, verbose, lang) -> None:
    """Build journals into OUT/<date>/<store>/ for each store-day of the input."""
    from journalgen.batch import CHUNK, Job, WorkerLost, build_batch, default_jobs
    from journalgen.build import check_output_folder, check_targets, locked_output
    from journalgen.errors import JournalgenError
    from journalgen.inputs import SAMPLE_CLOSES, SAMPLE_SETTINGS, Batch
    from journalgen.summary import RunSummary

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
        check_output_folder(out_dir)
    except JournalgenError as error:
        _fail_usage(error, lang)
    if sample_run:
        input_path = SAMPLE_CLOSES
        console.line(translate("Building the shipped sample data ({path}).", lang).format(path=input_path))
    else:
        input_path = _require_input(input_path, lang)
    _report_skipped(input_path, lang)
    console.line(translate("Settings: {settings}; targets: {targets}", lang).format(
        settings=settings.file_name or translate("(defaults)", lang), targets=", ".join(targets)), verbose=True)
    first, last = (day, day) if day else (start, end)
    batch = Batch(input_path, first, last, store_code)
    if not batch.total:
        days = str(day) if day else f"{start or ''}..{end or ''}"
        store = f" {store_code}" if store_code else ""
        console.line(translate("No daily close in {path} for {days}{store}.", lang).format(
            path=input_path, days=days, store=store), err=True, always=True)
        if as_json:
            with RunSummary("build") as summary:
                summary.cover({}, first, last)
                _print_json(summary)
        raise SystemExit(EXIT_FAILED)
    jobs = max(1, min(jobs or default_jobs(), -(-batch.total // CHUNK)))  # no pool for fewer days than a chunk
    # the output folder's lock first, so a run that finds it busy touches nothing, not even the ledger;
    # a dry run writes nothing and takes none
    with contextlib.nullcontext() if dry_run else locked_output(out_dir), RunSummary("build") as summary:
        url = _ledger_url(settings, out_dir, dry_run)
        _open_ledger(url, lang).close()  # refuse an unusable ledger before anything is built
        job = Job(settings, targets, out_dir, url, lang, strict=strict, full=full, dry_run=dry_run)
        console.start_progress(batch.total)
        try:
            for outcome in build_batch(batch.raw(), job, jobs):
                summary.add(outcome)
                _report(console, outcome)
                console.advance()
        except WorkerLost as exc:
            console.stop_progress()
            console.line(translate("A build process stopped unexpectedly ({detail}). Each store-day it was "
                                   "building still holds its earlier files or its new ones, never a mix; run "
                                   "the same build again to finish it.", lang).format(detail=exc),
                         mark="failed", err=True, always=True)
            raise SystemExit(EXIT_FAILED) from None
        finally:  # an interrupted run leaves its lines, not a half-drawn progress line
            console.stop_progress()
        summary.cover(batch.store_days(), first, last)
        _report_coverage(console, summary)
        _report_totals(console, summary)
        if dry_run:
            console.line(translate("Dry run: nothing was written or recorded.", lang), always=True)
        if as_json:
            _print_json(summary)
        elif is_terminal(console.out) and summary.first_built is not None:
            _next_step(console, summary.first_built, targets)
    raise SystemExit(EXIT_FAILED if summary.totals()["failed"] else EXIT_OK)


def _next_step(console: Console, built: DayOutcome, targets: list[str]) -> None:
    """One line, on a terminal, on what to do with what was built."""
    if "yayoi" in targets:
        message = translate("Next: check a day with `journalgen review --date {date}`; in 弥生会計 import "
                            "yayoi-import.csv with ファイル → インポート (see docs/yayoi.md).", console.lang)
    else:
        message = translate("Next: check a day with `journalgen review --date {date}` before its files reach "
                            "your books.", console.lang)
    console.line(message.format(date=built.date))


def _ledger_url(settings: Settings, out_dir: Path, dry_run: bool) -> str:
    """The run's sent-ledger: `[ledger] url`, else OUT/.journalgen/ledger.sqlite3. A dry run
    over an OUT that has none plans against an empty one kept in memory and creates nothing."""
    from journalgen.ledger import LEDGER_FILE, default_url

    if dry_run and settings.ledger.url is None and not (out_dir / LEDGER_FILE).exists():
        return "sqlite://"
    return settings.ledger.url or default_url(out_dir)


def _open_ledger(url: str, lang: Lang) -> Ledger:
    """The ledger at `url`; a usage error when it cannot be opened."""
    from journalgen.errors import JournalgenError
    from journalgen.ledger import Ledger

    try:
        return Ledger(url)
    except JournalgenError as error:
        _fail_usage(error, lang)


def _signed_yen(amount: int) -> str:
    return ("+" if amount >= 0 else "−") + format_yen(abs(amount))


def _report_resend(console: Console, outcome: DayOutcome) -> None:
    """Under a store-day's line: `unchanged`, or what its re-send holds and where."""
    lang, sent = console.lang, outcome.sent
    if sent is None or outcome.status == "failed":
        return
    folder = outcome.files[0].parent / sent.folder if sent.number and outcome.files else ""
    if sent.status == "unchanged":
        console.line(translate("unchanged: nothing to re-send", lang), indent="  ")
    elif sent.number and sent.kind == "full":
        console.line(translate("re-send {number} (whole day): {entries} entries → {folder}/", lang).format(
            number=sent.number, entries=sent.added, folder=folder or sent.folder), indent="  ")
    elif sent.number:
        console.line(translate("re-send {number}: +{added} −{reversed} entries, sales {sales} → {folder}/",
                               lang).format(number=sent.number, added=sent.added, reversed=sent.reversed,
                                            sales=_signed_yen(sent.net_sales), folder=folder or sent.folder),
                     indent="  ")


def _report(console: Console, outcome: DayOutcome) -> None:
    """A store-day's line as it finishes, its warnings under it."""
    from journalgen.safe_text import escaped

    lang, error, named = console.lang, outcome.error, outcome.date is not None
    where = (f"{outcome.date} {outcome.store} {escaped(outcome.store_name)}" if named
             else escaped(outcome.source))
    if outcome.status == "failed":  # an input error names its file itself
        console.line(f"{where + ': ' if named else ''}[{error.code}] {error.message}", mark="failed", err=True,
                     always=True)
    elif outcome.status == "valid":
        console.line(translate("{where}: valid, net sales {sales}", lang).format(
            where=outcome.source, sales=format_yen(outcome.net_sales)), mark="ok")
    elif not outcome.files and outcome.sent is not None:  # a dry run
        console.line(translate("{where}: net sales {sales}, entries: {entries} (dry run: nothing written)",
                               lang).format(where=where, sales=format_yen(outcome.net_sales),
                                            entries=outcome.entries), mark="ok")
    else:
        folder = outcome.files[0].parent if outcome.files else ""
        console.line(translate("{where}: net sales {sales}, entries: {entries} → {folder}/ ({files})", lang).format(
            where=where, sales=format_yen(outcome.net_sales), entries=outcome.entries, folder=folder,
            files=", ".join(path.name for path in outcome.files)), mark="ok")
    _report_resend(console, outcome)
    console.line(translate("input: {source}", lang).format(source=outcome.source), indent="  ", verbose=True)
    for name, reason in outcome.skipped.items():
        console.line(translate("{target}: skipped, {reason}", lang).format(target=name, reason=reason), indent="  ")
    for warning in outcome.warnings:
        note = warning.level == "note"
        console.line(f"[{warning.code}] {warning.message}", mark="note" if note else "warning", indent="  ",
                     err=outcome.status == "failed", always=outcome.status == "failed" and not note, verbose=note)
    if outcome.removed:
        console.line(translate("removed files of an earlier build of this store-day: {files}", lang).format(
            files=", ".join(path.name for path in outcome.removed)), indent="  ", err=outcome.status == "failed",
            always=outcome.status == "failed")


def _report_coverage(console: Console, summary: RunSummary) -> None:
    """Once: the days without any close, and each store missing on days other stores have."""
    from journalgen.summary import format_ranges

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
    if any(summary.sent.values()):
        console.line(translate("Sent-ledger: {first} sent for the first time, {unchanged} unchanged, {resent} "
                               "re-sent.", console.lang).format(first=summary.sent["built"], **summary.sent),
                     always=True)


def _print_json(summary: RunSummary) -> None:
    """The run summary as one JSON document on stdout (ASCII escapes in a part the console cannot encode)."""
    stream = sys.stdout
    summary.write_json(stream, lambda text: not can_encode(stream, text))
    stream.flush()


def _report_skipped(input_path: Path, lang: Lang) -> None:
    """Name the entries of an input folder that are not read (sub-folders, other files, dangling links)."""
    from journalgen.inputs import skipped_inputs
    from journalgen.safe_text import escaped

    for skipped in skipped_inputs(input_path):
        echo(translate("· {path}: not read: {reason}", lang).format(
            path=escaped(str(skipped.path)), reason=translate(skipped.reason, lang)), err=True)


@cli.command()
@click.option("--date", "day", type=DATE, help="The business day to review.")
@click.option("--from", "start", type=DATE, help="First business day of a range (writes OUT/index.html too).")
@click.option("--to", "end", type=DATE, help="Last business day of a range.")
@click.option("--store", "store_code", help="Only this store code. Default: every store of the day.")
@input_option
@config_option
@out_option
@fiscal_period_option
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Page language: ja or en (default: from the locale).")
@click.option("--open", "open_page", is_flag=True, help="Open each page (or the index of a range) in the web browser.")
def review(day, start, end, store_code, input_path, config, out_dir, fiscal_period, lang, open_page) -> None:
    """Write OUT/<date>/<store>/review.html for an accountant to check, and OUT/index.html for a
    range. Exit code 1 when a day cannot be read or a target refuses it (its page is still written)."""
    from journalgen.build import check_targets
    from journalgen.errors import JournalgenError
    from journalgen.inputs import read_closes
    from journalgen.review import open_in_browser, review_closes, write_index
    from journalgen.safe_text import escaped
    from journalgen.summary import DayOutcome

    lang = lang or default_lang()
    if bool(day) == bool(start or end):
        raise click.UsageError(translate("give either --date, or --from and --to", lang))
    if not day and not (start and end):
        raise click.UsageError(translate("--from and --to go together", lang))
    if start and end < start:
        raise click.BadParameter(f"{end} is before --from {start}", param_hint="--to")
    first, last = (day, day) if day else (start, end)
    input_path, settings = _run_input(input_path, config, fiscal_period, lang,
                                      "Reviewing the shipped sample data ({path}).")
    try:
        check_targets(settings, settings.build.targets)
    except JournalgenError as error:
        _fail_usage(error, lang)
    loaded = [
        item for item in read_closes(input_path)
        if item.close is None or (first <= item.close.business_date <= last and store_code in (None, item.close.store.code))
    ]
    if not loaded:
        days = day.isoformat() if day else f"{start}..{end}"
        store = f" {store_code}" if store_code else ""
        echo(translate("No daily close in {path} for {date}{store}.", lang).format(
            path=input_path, date=days, store=store), err=True)
        raise SystemExit(EXIT_FAILED)
    console = Console(lang)
    reviewed = review_closes(loaded, settings, out_dir, lang)
    for result in reviewed:
        failure = result.error or result.refusal
        if failure is not None:  # said exactly as build says it
            _report(console, DayOutcome.of(result.source, result.close, None, failure, settings, "failed", lang))
        if result.page is not None:
            close = result.close
            console.line(f"{close.business_date.isoformat()} {close.store.code} {escaped(close.store.name)}: "
                         f"{escaped(str(result.page))}",
                         mark="ok" if failure is None else "note")
    pages = [result.page for result in reviewed if result.page is not None]
    if start:
        index = write_index(out_dir, reviewed, lang, start, end)
        console.line(translate("Index of the range: {path}", lang).format(path=index))
        pages = [index]
    if open_page:
        for page in pages:
            if not open_in_browser(page):
                console.line(translate("No web browser found; open {path} yourself.", lang).format(path=page), err=True)
    raise SystemExit(EXIT_FAILED if any(result.error or result.refusal for result in reviewed) else EXIT_OK)


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
    from journalgen.build import check_targets
    from journalgen.errors import JournalgenError
    from journalgen.inputs import Batch
    from journalgen.summary import DayOutcome, RunSummary

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
    _report_skipped(path, lang)
    batch = Batch(path)
    neutral_only = config is None and targets == ["journal"]
    checked = {"settings": settings.file_name if config else None, "targets": targets,
               "neutral_journal_only": neutral_only}
    with RunSummary("validate", checked) as summary:
        console.start_progress(batch.total)
        try:
            for item in batch.closes():
                journal, error = _check(item, settings, targets)
                outcome = DayOutcome.of(item.source, item.close, journal, error, settings, "valid", lang)
                summary.add(outcome)
                _report(console, outcome)
                console.advance()
        finally:
            console.stop_progress()
        summary.cover(batch.store_days(), None, None)
        _report_validated(console, summary, config, neutral_only, as_json)
    raise SystemExit(EXIT_FAILED if summary.totals()["failed"] else EXIT_OK)


def _report_validated(console: Console, summary: RunSummary, config: Path | None, neutral_only: bool,
                      as_json: bool) -> None:
    """The end of `validate`: coverage, totals, what was checked, the JSON document."""
    lang = console.lang
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
        _print_json(summary)


def _check(item: LoadedClose, settings: Settings, targets: list[str]) -> tuple[Journal | None, JournalgenError | None]:
    """The journal of `item`, and what stops it from building for `targets` (or None)."""
    from journalgen.build import render
    from journalgen.errors import JournalgenError
    from journalgen.journalize import journalize

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
    from journalgen.schema import shipped_schema_text

    click.echo(shipped_schema_text(), nl=False)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def targets(as_json) -> None:
    """List installed targets with their distribution and version."""
    import json

    from journalgen.errors import JournalgenError
    from journalgen.plugins import installed_targets

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


from journalgen.mapping_cli import mapping  # noqa: E402

cli.add_command(mapping)


from journalgen.send_cli import auth, send  # noqa: E402  (delivery commands live in their own module)

cli.add_command(send)
cli.add_command(auth)


def main() -> None:
    """Console-script entry point (also of `python -m journalgen`, under the same name)."""
    cli(prog_name="journalgen")
