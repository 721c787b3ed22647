"""`journalgen flaro-send`: deliver each linked store-day's FLARO feed to the webhook, once per
version, and retry what an earlier run left pending. Exit codes: 0 nothing left pending, 1 some
delivery or input failed (what failed stays pending), 2 usage or settings error."""

from __future__ import annotations

from pathlib import Path

import click

from journalgen.build import target_options
from journalgen.cli_i18n import Command
from journalgen.errors import JournalgenError
from journalgen.i18n import default_lang, translate
from journalgen.inputs import read_closes
from journalgen.journalize import journalize
from journalgen.plugins import installed_targets
from journalgen.settings import load_settings
from journalgen_flaro.delivery_record import FileDeliveryRecord
from journalgen_flaro.errors import LOCALE_DIR, DeliveryRecordError, WebhookNotSetError
from journalgen_flaro.webhook import deliver, enqueue

EXIT_FAILED, EXIT_USAGE = 1, 2


@click.command("flaro-send", cls=Command)
@click.option("--input", "input_path", type=click.Path(path_type=Path, exists=True), required=True,
              help="Daily closes to read: a .json file, a folder of them, or JSON Lines (.jsonl).")
@click.option("--config", type=click.Path(path_type=Path),
              help="Settings file (TOML) with your company, accounts and targets.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"),
              help="Output folder; the delivery record is kept in OUT/.journalgen/flaro/ (default: out).")
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Message language: ja or en (default: from the locale).")
def flaro_send(input_path: Path, config: Path | None, out_dir: Path, lang: str | None) -> None:
    """Send each linked store-day's FLARO feed to its webhook, once per version; what fails is sent on
    the next run."""
    lang = lang or default_lang()

    def say(message: str, **params: str) -> str:
        return translate(message, lang, LOCALE_DIR).format(**params)

    try:
        settings = load_settings(config)
        options = target_options(installed_targets().get("flaro"), settings)
        if options is None or options.webhook_url is None:
            raise WebhookNotSetError(file=settings.file_name)
    except JournalgenError as error:
        click.echo(f"[{error.code}] {error.message(lang)}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    record, failed = FileDeliveryRecord(out_dir), False
    try:
        for item in read_closes(input_path):
            try:  # a close that cannot be read, booked or rendered is named; the others still go
                if item.error is not None:
                    raise item.error
                enqueue([journalize(item.close, settings, item.source)], settings, record)
            except DeliveryRecordError:
                raise
            except JournalgenError as error:
                click.echo(f"[{error.code}] {error.message(lang)}", err=True)
                failed = True
        report = deliver(options.webhook_url, record)
    except JournalgenError as error:
        click.echo(f"[{error.code}] {error.message(lang)}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    except OSError as error:  # the output folder cannot be written
        click.echo(f"{error.filename or out_dir}: {error.strerror or error}", err=True)
        raise SystemExit(EXIT_FAILED) from None
    for key in report.delivered:
        click.echo(say("delivered {key}", key=key))
    for key, reason in report.pending.items():
        click.echo(say("pending {key}: {reason}", key=key, reason=reason), err=True)
    if not report.delivered and not report.pending:
        click.echo(say("nothing to deliver"))
    if failed or report.pending:
        raise SystemExit(EXIT_FAILED)
