"""freee's parts of the command line: `journalgen auth freee`, and the sender `journalgen send
--target freee` hands each built store-day to. Both are found through entry points
(`journalgen.auth`, `journalgen.senders`), so the core stays free of freee."""

from __future__ import annotations

import json
import os
import webbrowser
from collections.abc import Callable
from pathlib import Path

import click

from journalgen.build import StoreDayResult, target_options
from journalgen.errors import JournalgenError
from journalgen.i18n import Lang, default_lang, translate
from journalgen.ledger import Ledger
from journalgen.resend import emitted
from journalgen.settings import Settings, load_settings
from journalgen_freee.auth import connect, is_loopback
from journalgen_freee.bodies import FILE_NAME
from journalgen_freee.client import FreeeClient, api_base
from journalgen_freee.errors import LOCALE_DIR
from journalgen_freee.faults import FreeeApiError
from journalgen_freee.options import FreeeOptions
from journalgen_freee.plugin import TARGET
from journalgen_freee.posting import PATHS, DayReport, LedgerPostedRecord, StoreDay, pending, post_store_day, requests_of
from journalgen_freee.tokens import OAuthApp, Secret, TokenStore, accounts_base, token_source

Echo = Callable[[str, bool], None]


def _(text: str, lang: Lang) -> str:
    return translate(text, lang, LOCALE_DIR)


def oauth_app(options: FreeeOptions) -> OAuthApp | None:
    """The freee app from FREEE_CLIENT_ID / FREEE_CLIENT_SECRET, else `[targets.freee]`."""
    client_id = os.environ.get("FREEE_CLIENT_ID") or options.client_id
    secret = os.environ.get("FREEE_CLIENT_SECRET") or (
        options.client_secret.get_secret_value() if options.client_secret else None)
    if not client_id or not secret:
        return None
    return OAuthApp(client_id, Secret(secret), accounts_base())


@click.command("freee")
@click.option("--config", type=click.Path(path_type=Path), help="Settings file (TOML) with [targets.freee].")
@click.option("--no-browser", is_flag=True, help="Print the authorization URL without opening a browser.")
@click.option("--lang", type=click.Choice(["ja", "en"]), help="Message language (default: from the locale).")
def auth(config: Path | None, no_browser: bool, lang: Lang | None) -> None:
    """Connect journalgen to freee 会計 once (OAuth); the tokens are kept in your config folder."""
    lang = lang or default_lang()
    try:
        settings = load_settings(config)
        options = target_options(TARGET, settings)
    except JournalgenError as error:
        click.echo(f"✗ [{error.code}] {error.message(lang)}", err=True)
        raise SystemExit(2) from None
    app = oauth_app(options)
    if app is None:
        click.echo(_("Set your freee app's Client ID and Client Secret: FREEE_CLIENT_ID and FREEE_CLIENT_SECRET, "
                     "or client_id and client_secret under [targets.freee]. Create the app at "
                     "https://app.secure.freee.co.jp/developers with the callback URL {redirect_uri}.", lang)
                   .format(redirect_uri=options.redirect_uri), err=True)
        raise SystemExit(2)
    store = TokenStore()

    def show_url(url: str) -> None:
        click.echo(_("Open this page, log in to freee and allow access (choose the 事業所):", lang))
        click.echo(url)
        if is_loopback(options.redirect_uri):
            click.echo(_("Waiting for freee to send the browser back to {redirect_uri} …", lang)
                       .format(redirect_uri=options.redirect_uri))
        if not no_browser:
            webbrowser.open(url)

    def read_code() -> str:
        return click.prompt(_("Paste the authorization code freee shows", lang), hide_input=True)

    try:
        connect(app, store, options.redirect_uri, show_url=show_url, read_code=read_code)
    except FreeeApiError as error:
        click.echo(f"✗ [{error.code}] {error.message(lang)}", err=True)
        raise SystemExit(1) from None
    click.echo(_("✓ Connected to freee; the tokens are saved in {path} (readable by you only).", lang)
               .format(path=store.path))


def send_days(days: list[StoreDayResult], settings: Settings, out_dir: Path, *, ledger: Ledger, dry_run: bool,
              lang: Lang, echo: Echo) -> int:
    """Post what the sent-ledger says freee does not hold yet of each built store-day: the first
    emission's bodies, then each `resend-N` delta's (deals, transfers, manual journals), in order;
    the number of store-days that failed."""
    options = target_options(TARGET, settings)
    record = LedgerPostedRecord(ledger, settings.company.name, TARGET.name)
    work = []
    failed = 0
    for result in days:
        directory = out_dir / result.close.business_date.isoformat() / result.close.store.code
        try:
            documents = [(part.number, part.folder, part.outputs) for part in
                         emitted(ledger, result.journal, settings, TARGET.name, directory)]
            if dry_run and result.plan is not None:  # what this run would have recorded
                documents += [(part.number, part.folder, part.outputs) for part in result.plan.changed
                              if part.target == TARGET.name]
            requests, company_id = [], None
            for number, folder, outputs in documents:
                if FILE_NAME not in outputs:
                    continue
                document = json.loads(outputs[FILE_NAME])
                company_id = document["company_id"]
                requests += requests_of(document, str(directory / folder / FILE_NAME), number)
            if company_id is None:
                continue
            work.append((StoreDay(company_id, result.close.store.code, result.close.business_date), requests))
        except JournalgenError as error:  # never send a day without some of its requests
            echo(f"✗ {result.close.business_date.isoformat()} {result.close.store.code}: "
                 f"[{error.code}] {error.message(lang)}", True)
            failed += 1
    if dry_run:
        for day, requests in work:
            todo = pending(record, day, requests)
            echo(_("· {date} {store}: would post {count} of {total} requests", lang).format(
                date=day.business_date.isoformat(), store=day.store, count=len(todo), total=len(requests)), False)
            for request in todo:
                echo(f"    POST {PATHS[request.kind]}  {request.key}", False)
        return failed
    if not work:
        return failed
    tokens = token_source(oauth_app(options))
    try:
        tokens.access_token()
    except FreeeApiError as error:
        echo(f"✗ [{error.code}] {error.message(lang)}", True)
        return failed + len(work)
    with FreeeClient(tokens, api_base(options.api_base)) as client:
        for day, requests in work:
            report = post_store_day(client, record, day, requests)
            failed += report.error is not None
            _report(report, lang, echo)
    return failed


def _report(report: DayReport, lang: Lang, echo: Echo) -> None:
    where = f"{report.day.business_date.isoformat()} {report.day.store}"
    counts = _("{created} posted, {found} found already in freee, {recorded} sent before", lang).format(
        created=len(report.created), found=len(report.found), recorded=len(report.recorded))
    if report.error is None:
        ids = ", ".join(f"{posted.key}={posted.freee_id}" for posted in report.created)
        echo(f"✓ {where}: {counts}" + (f" ({ids})" if ids else ""), False)
    else:
        echo(f"✗ {where}: [{report.error.code}] {report.error.message(lang)}", True)
        echo(f"  {counts}", True)
