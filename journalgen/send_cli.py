"""`journalgen send` and `journalgen auth`: deliver built store-days to a target's service.

A target that can deliver registers a sender under the `journalgen.senders` entry-point group
(`send_days(days, settings, out_dir, *, ledger, dry_run, lang, echo)`, returning the number of
`days` that failed, or the store-days `(sent, failed)` when it also delivers days beyond `days`, as
FLARO delivers what earlier runs left pending) and, when it needs a login, a click command under
`journalgen.auth`. A sender may carry `check_settings(settings)`, called before anything is built,
raising a SettingsError for settings only sending needs. The core knows no service by name.

Exit codes as for build: 0 all sent, 1 some store-days failed, 2 usage or settings errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import click

from journalgen.cli_i18n import Command, Group
from journalgen.i18n import default_lang, translate

SENDERS, AUTHORIZERS = "journalgen.senders", "journalgen.auth"
DAY = click.DateTime(formats=["%Y-%m-%d"])
BUSY_WAIT = 120.0
"""Seconds `send` waits for another run's build into the same output folder to finish."""


def _usage(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(2)


@click.command(cls=Command)
@click.option("--target", required=True, help="Where to send: a target with a sender (freee, flaro).")
@click.option("--date", "day", type=DAY, help="Send this business day.")
@click.option("--from", "start", type=DAY, help="First business day of a range.")
@click.option("--to", "end", type=DAY, help="Last business day of a range.")
@click.option("--input", "input_path", type=click.Path(path_type=Path), required=True,
              help="A close (.json), a directory of them, or JSON Lines (.jsonl).")
@click.option("--config", type=click.Path(path_type=Path), help="Settings file (TOML).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"),
              help="Folder the files are written to, as OUT/<date>/<store>/ (default: out).")
@click.option("--fiscal-period", help="Use this 当年会計期間 for this run: START..END (see README).")
@click.option("--dry-run", is_flag=True, help="Build and list the requests that would be sent; send nothing.")
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Message language: ja or en (default: from the locale).")
def send(target, day, start, end, input_path, config, out_dir, fiscal_period, dry_run, lang) -> None:
    """Build store-days as `build` does, then send to the target what it does not hold yet."""
    from importlib.metadata import entry_points

    from journalgen.build import build_closes, check_targets, locked_output
    from journalgen.errors import JournalgenError, LedgerUnavailableError
    from journalgen.inputs import read_closes
    from journalgen.ledger import LEDGER_FILE, Ledger, LedgerError, default_url
    from journalgen.resend import Emitter
    from journalgen.settings import FiscalPeriod, load_settings
    from journalgen.storeday import switch

    lang = lang or default_lang()
    if day and (start or end):
        raise click.UsageError("--date cannot be combined with --from/--to")
    senders = {point.name: point for point in entry_points(group=SENDERS)}
    if target not in senders:
        _usage(translate("No sender for target {target}; targets that can send: {senders}", lang).format(
            target=target, senders=", ".join(sorted(senders)) or "-"))
    sender = senders[target].load()
    try:
        settings = load_settings(config)
        if fiscal_period:
            settings = settings.model_copy(update={"fiscal_period_override": FiscalPeriod.parse(fiscal_period)})
        check_targets(settings, [target])
        getattr(sender, "check_settings", lambda settings: None)(settings)
    except JournalgenError as error:
        _usage(f"[{error.code}] {error.message(lang)}")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fiscal-period") from None
    first = (day or start or dt.datetime.min).date()
    last = (day or end or dt.datetime.max).date()
    loaded = [item for item in read_closes(input_path)
              if item.close is None or first <= item.close.business_date <= last]
    if not loaded:
        click.echo(translate("No daily close in {path} for {days}{store}.", lang).format(
            path=input_path, days=f"{first}..{last}", store=""), err=True)
        raise SystemExit(1)
    # as build: the output folder's lock, then the sent-ledger, every store-day through the emitter
    # (first emissions and re-sends recorded); then, the folder's lock released (posting waits on
    # the network), the sender posts what the ledger says is not yet sent, under each day's ledger lock
    with contextlib.ExitStack() as held:
        # another send (or build) into the same folder is waited for: sends are run unattended
        with contextlib.nullcontext() if dry_run else locked_output(out_dir, wait=BUSY_WAIT):
            url = settings.ledger.url or default_url(out_dir)
            if dry_run and settings.ledger.url is None and not (out_dir / LEDGER_FILE).exists():
                url = "sqlite://"
            try:
                ledger = Ledger(url)
            except JournalgenError as error:
                _usage(f"[{error.code}] {error.message(lang)}")
            held.callback(ledger.close)
            emitter = Emitter(ledger, settings, [target], switch, dry_run=dry_run)
            results = list(build_closes(loaded, settings, [target], out_dir, lock=False, emitter=emitter))
        failed = [result for result in results if result.error]
        for result in failed:
            where = f"{result.close.business_date.isoformat()} {result.close.store.code} " if result.close else ""
            click.echo(f"✗ {where}[{result.error.code}] {result.error.message(lang)}", err=True)
        built = [result for result in results if not result.error]
        try:
            outcome = sender(built, settings, out_dir, ledger=ledger, dry_run=dry_run, lang=lang,
                             echo=lambda text, err: click.echo(text, err=err))
        except LedgerError as exc:  # the ledger went away while sending; each post it recorded stands
            error = LedgerUnavailableError(url=ledger.safe_url, reason=str(exc).splitlines()[0])
            click.echo(f"[{error.code}] {error.message(lang)}", err=True)
            raise SystemExit(1) from None
    sent, send_failed = outcome if isinstance(outcome, tuple) else (len(built) - outcome, outcome)
    summary = "Store-days: {sent} listed, {failed} failed." if dry_run else "Store-days: {sent} sent, {failed} failed."
    click.echo(translate(summary, lang).format(sent=sent, failed=len(failed) + send_failed))
    raise SystemExit(1 if failed or send_failed else 0)


class _AuthGroup(Group):
    """`journalgen auth TARGET`: the login command each target registers under `journalgen.auth`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from importlib.metadata import entry_points

        return sorted(point.name for point in entry_points(group=AUTHORIZERS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        from importlib.metadata import entry_points

        point = next((point for point in entry_points(group=AUTHORIZERS) if point.name == name), None)
        return point.load() if point else None


@click.group(cls=_AuthGroup)
def auth() -> None:
    """Connect journalgen to a target's service (e.g. `journalgen auth freee`)."""
