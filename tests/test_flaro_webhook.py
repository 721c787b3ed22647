"""FLARO's webhook delivery through `journalgen send --target flaro` and the sent-ledger, against
an HTTP server the tests start on 127.0.0.1: delivered once, a 500 then success, a server down
for one run and up for the next (the pending version delivered, by a run of the same day or of
another), a version whose ledger commit was lost (settled from its files, or discarded), a
corrected day delivered as a new version, nothing for a store-day outside its link window — each
on the SQLite ledger and on a throwaway PostgreSQL one — a version whose body is lost, and the URL
rules."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from journalgen_flaro import webhook as flaro_webhook
from postgresql_server import postgresql_url  # noqa: F401  (the fixture)
from test_resend_postgresql import fresh_database

from journalgen.cli import cli
from journalgen.ledger import Ledger, LedgerError, Recorded, StoreDayKey, default_url

CLOSE = Path(__file__).parent / "cases" / "flaro-default-mappings" / "close.json"
KEY_1, KEY_2 = "2025-01-11_0002_v1", "2025-01-11_0002_v2"
DATABASES = itertools.count()


class Webhook:
    """A local webhook that answers the scripted statuses in turn (then 200) and keeps each POST."""

    def __init__(self, port: int = 0, statuses: tuple[int, ...] = ()):
        self.statuses, self.received = list(statuses), []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                data = self.rfile.read(int(self.headers["Content-Length"]))
                webhook.received.append((self.headers["Idempotency-Key"], json.loads(data)))
                self.send_response(webhook.statuses.pop(0) if webhook.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    server = Webhook()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def waits(monkeypatch) -> list[float]:
    """The back-off waits `post` asked for, none of them slept."""
    asked: list[float] = []
    monkeypatch.setattr(flaro_webhook, "wait", asked.append)
    return asked


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request, tmp_path) -> str:
    """The sent-ledger of a scenario: the default SQLite file beside the outputs, or a fresh
    database on the throwaway PostgreSQL server (`[ledger] url`)."""
    if request.param == "sqlite":
        return default_url(tmp_path / "out")
    return fresh_database(request.getfixturevalue("postgresql_url"), f"flaro_{next(DATABASES)}")


def settings_file(tmp_path: Path, url: str, link: str = "", ledger: str | None = None) -> Path:
    path = tmp_path / "settings.toml"
    table = f'[ledger]\nurl = "{ledger}"\n' if ledger and not ledger.startswith("sqlite") else ""
    path.write_text(f'[targets.flaro]\nwebhook_url = "{url}"\n'
                    f'[targets.flaro.stores."0002"]\nstore_code = "42"\n{link}{table}', encoding="utf-8")
    return path


def close_on(tmp_path: Path, day: str) -> Path:
    """The close as the store's close of business day `day`."""
    close = json.loads(CLOSE.read_text(encoding="utf-8")) | {"business_date": day}
    path = tmp_path / f"close-{day}.json"
    path.write_text(json.dumps(close, ensure_ascii=False), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send(tmp_path: Path, config: Path, close: Path = CLOSE, *options: str):
    return CliRunner().invoke(cli, ["send", "--target", "flaro", "--input", str(close), "--config", str(config),
                                    "--out", str(tmp_path / "out"), "--lang", "en", *options])


def delivered(url: str, day: dt.date = dt.date(2025, 1, 11)) -> list[tuple[str, str, int]]:
    """The versions of store 0002's `day` the sent-ledger at `url` records as delivered to FLARO:
    key, kind, emission."""
    ledger = Ledger(url)
    try:
        rows = ledger.posted("flaro", "", "0002", day)
    finally:
        ledger.close()
    return [(row.key, row.kind, row.emission) for row in rows.values()]


def test_a_store_day_is_delivered_once_with_its_key_and_eight_files(webhook, tmp_path, ledger_url):
    config = settings_file(tmp_path, webhook.url, ledger=ledger_url)
    first, again = send(tmp_path, config), send(tmp_path, config)
    assert first.exit_code == 0 and f"✓ 2025-01-11 0002: delivered {KEY_1}" in first.stdout, first.output
    assert again.exit_code == 0 and "delivered" not in again.stdout, again.output
    [(key, body)] = webhook.received
    assert key == body["idempotency_key"] == KEY_1 and body["version"] == 1
    assert len(body["files"]) == 8
    payments = sum(row["amount"] for row in body["files"]["flaro-payments.json"]["payments"])
    assert payments == body["files"]["flaro-settlement.json"]["net_sales_amount"]
    assert delivered(ledger_url) == [(KEY_1, "webhook", 0)]
    assert not (tmp_path / "out" / ".journalgen" / "flaro").exists()


def test_a_500_is_retried_with_the_same_key_and_then_delivered(tmp_path, waits, ledger_url):
    server = Webhook(statuses=(500,))
    try:
        result = send(tmp_path, settings_file(tmp_path, server.url, ledger=ledger_url))
    finally:
        server.close()
    assert result.exit_code == 0 and f"delivered {KEY_1}" in result.stdout, result.output
    assert [key for key, _ in server.received] == [KEY_1] * 2 and waits == [1.0]
    assert delivered(ledger_url) == [(KEY_1, "webhook", 0)]


def test_a_server_down_leaves_the_day_pending_and_the_next_run_delivers_it(tmp_path, waits, ledger_url):
    port = free_port()
    config = settings_file(tmp_path, f"http://127.0.0.1:{port}/hook", ledger=ledger_url)
    down = send(tmp_path, config)
    assert down.exit_code == 1 and f"✗ 2025-01-11 0002: {KEY_1} not delivered" in down.stderr, down.output
    assert "Store-days: 0 sent, 1 failed." in down.stdout
    assert len(waits) == flaro_webhook.ATTEMPTS - 1 and waits == sorted(waits), "bounded retries, growing back-off"
    assert delivered(ledger_url) == []
    server = Webhook(port=port)
    try:
        up = send(tmp_path, config)  # the day is unchanged: nothing new is emitted, the pending v1 is delivered
    finally:
        server.close()
    assert up.exit_code == 0 and f"delivered {KEY_1}" in up.stdout, up.output
    assert [key for key, _ in server.received] == [KEY_1] and delivered(ledger_url) == [(KEY_1, "webhook", 0)]


def lose_the_commit(url: str) -> None:
    """Put the sent-ledger at `url` back to what a power cut right after a send's build leaves: the
    build's commit, which does not wait for the disk, lost (the emission pending again, its files on
    disk), and nothing posted or kept yet."""
    ledger = Ledger(url)
    try:
        with ledger._transaction() as cursor:
            cursor.execute("UPDATE emissions SET state = 'pending', committed_at = NULL")
            cursor.execute("DELETE FROM unposted_bodies")
    finally:
        ledger.close()


def emissions(url: str, day: dt.date = dt.date(2025, 1, 11)) -> list[Recorded]:
    """The emissions of store 0002's `day` the sent-ledger at `url` holds."""
    ledger = Ledger(url)
    try:
        return ledger.emissions(StoreDayKey("", "0002", day))
    finally:
        ledger.close()


@pytest.mark.parametrize("commit_lost", [False, True], ids=["committed", "commit-lost"])
def test_a_run_for_another_day_first_delivers_what_an_earlier_run_left_pending(tmp_path, ledger_url, commit_lost):
    """The shop was offline yesterday: today's send of today delivers yesterday's day too, first;
    also when a power cut took yesterday's ledger commit (its emission settled from its files)."""
    port = free_port()
    config = settings_file(tmp_path, f"http://127.0.0.1:{port}/hook", ledger=ledger_url)
    assert send(tmp_path, config).exit_code == 1  # 2025-01-11, the webhook down
    if commit_lost:
        lose_the_commit(ledger_url)
        assert [emission.state for emission in emissions(ledger_url)] == ["pending"]
    server = Webhook(port=port)
    try:
        today = send(tmp_path, config, close_on(tmp_path, "2025-01-12"))
    finally:
        server.close()
    assert today.exit_code == 0, today.output
    assert [key for key, _ in server.received] == [KEY_1, "2025-01-12_0002_v1"]
    assert f"✓ 2025-01-11 0002: delivered {KEY_1}, left pending by an earlier run" in today.stdout
    assert "✓ 2025-01-12 0002: delivered 2025-01-12_0002_v1\n" in today.stdout
    assert "Store-days: 2 sent, 0 failed." in today.stdout
    assert server.received[0][1]["business_date"] == "2025-01-11" and len(server.received[0][1]["files"]) == 8
    assert [emission.state for emission in emissions(ledger_url)] == ["committed"]
    assert delivered(ledger_url) == [(KEY_1, "webhook", 0)]
    assert delivered(ledger_url, dt.date(2025, 1, 12)) == [("2025-01-12_0002_v1", "webhook", 0)]


@pytest.mark.parametrize("change", ["rewritten", "removed"])
def test_a_version_whose_commit_was_lost_and_whose_files_changed_is_discarded_not_delivered(
        tmp_path, ledger_url, change):
    port = free_port()
    config = settings_file(tmp_path, f"http://127.0.0.1:{port}/hook", ledger=ledger_url)
    assert send(tmp_path, config).exit_code == 1
    lose_the_commit(ledger_url)
    media = tmp_path / "out" / "2025-01-11" / "0002" / "flaro-media.json"
    if change == "rewritten":
        media.write_bytes(media.read_bytes() + b"\n")
    else:
        media.unlink()
    server = Webhook(port=port)
    try:
        today = send(tmp_path, config, close_on(tmp_path, "2025-01-12"))
        assert today.exit_code == 0 and "Store-days: 1 sent, 0 failed." in today.stdout, today.output
        assert [key for key, _ in server.received] == ["2025-01-12_0002_v1"]
        assert emissions(ledger_url) == [] and delivered(ledger_url) == []
        again = send(tmp_path, config)  # built again, 2025-01-11 goes as v1
    finally:
        server.close()
    assert again.exit_code == 0 and f"✓ 2025-01-11 0002: delivered {KEY_1}\n" in again.stdout, again.output
    assert [key for key, _ in server.received] == ["2025-01-12_0002_v1", KEY_1]
    assert delivered(ledger_url) == [(KEY_1, "webhook", 0)]


def test_a_dry_run_lists_a_version_whose_commit_was_lost_and_leaves_it_pending(tmp_path, ledger_url):
    config = settings_file(tmp_path, f"http://127.0.0.1:{free_port()}/hook", ledger=ledger_url)
    assert send(tmp_path, config).exit_code == 1
    lose_the_commit(ledger_url)
    before = emissions(ledger_url)
    result = send(tmp_path, config, close_on(tmp_path, "2025-01-12"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if "would deliver" in line] == [
        f"· 2025-01-11 0002: would deliver {KEY_1}", "· 2025-01-12 0002: would deliver 2025-01-12_0002_v1"]
    assert emissions(ledger_url) == before and [emission.state for emission in before] == ["pending"]
    assert emissions(ledger_url, dt.date(2025, 1, 12)) == [] and delivered(ledger_url) == []


def test_a_ledger_failing_while_sending_is_named_with_its_reason_not_taken_for_a_bug(tmp_path, monkeypatch):
    def down(*args, **kwargs):
        raise LedgerError("database is locked")

    config = settings_file(tmp_path, f"http://127.0.0.1:{free_port()}/hook")
    monkeypatch.setattr(Ledger, "unposted", down)
    result = send(tmp_path, config)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "[LEDGER_UNAVAILABLE]" in result.stderr and "database is locked" in result.stderr
    assert "unexpected error" not in result.stderr


def corrected_close(tmp_path: Path) -> Path:
    """The close with a late cancelled receipt of ￥2,200: a corrected day."""
    close = json.loads(CLOSE.read_text(encoding="utf-8"))
    close["voids"].append({"receipt_no": "0000777", "original_date": "2025-01-11", "reason": "cancel",
                           "payment": "cash", "tax": "standard_10", "amount": 2200, "tax_amount": 200})
    close["cancelled_receipts"].append({"receipt_no": "0000777", "original_date": "2025-01-11", "reason": "cancel",
                                        "amount": 2200, "lines": [{"code": "1001", "name": "唐揚げ定食",
                                                                   "quantity": 2, "amount": 2200}]})
    corrected = tmp_path / "corrected.json"
    corrected.write_text(json.dumps(close, ensure_ascii=False), encoding="utf-8")
    return corrected


def test_a_corrected_day_is_delivered_again_as_a_new_version(webhook, tmp_path, ledger_url):
    config = settings_file(tmp_path, webhook.url, ledger=ledger_url)
    assert send(tmp_path, config).exit_code == 0
    result = send(tmp_path, config, corrected_close(tmp_path))
    assert result.exit_code == 0 and f"delivered {KEY_2}" in result.stdout and KEY_1 not in result.stdout, result.output
    assert [(key, body["version"]) for key, body in webhook.received] == [(KEY_1, 1), (KEY_2, 2)]
    first, second = (body["files"]["flaro-settlement.json"] for _, body in webhook.received)
    assert second["net_sales_amount"] == first["net_sales_amount"] - 2200, "the whole corrected day, not a delta"
    resend = tmp_path / "out" / "2025-01-11" / "0002" / "resend-1"
    assert sorted(path.name for path in resend.glob("flaro-*.json")) == sorted(webhook.received[1][1]["files"])
    assert len(webhook.received[1][1]["files"]) == 8
    assert delivered(ledger_url) == [(KEY_1, "webhook", 0), (KEY_2, "webhook", 1)]


def test_a_version_left_pending_is_delivered_as_it_was_before_the_corrected_one(tmp_path, ledger_url):
    """v1 failed; the day was then corrected by a build, which rewrote its folder: a later send, of
    another day, delivers v1 with the body the ledger kept, then the corrected day as v2."""
    port = free_port()
    config = settings_file(tmp_path, f"http://127.0.0.1:{port}/hook", ledger=ledger_url)
    assert send(tmp_path, config).exit_code == 1
    rebuilt = CliRunner().invoke(cli, ["build", "--target", "flaro", "--input", str(corrected_close(tmp_path)),
                                       "--config", str(config), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert rebuilt.exit_code == 0, rebuilt.output
    server = Webhook(port=port)
    try:
        result = send(tmp_path, config, close_on(tmp_path, "2025-01-12"))
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    assert [(key, body["version"]) for key, body in server.received] == [(KEY_1, 1), (KEY_2, 2),
                                                                          ("2025-01-12_0002_v1", 1)]
    first, second = (body["files"]["flaro-settlement.json"] for _, body in server.received[:2])
    assert second["net_sales_amount"] == first["net_sales_amount"] - 2200, "v1 as it was emitted, v2 corrected"
    assert delivered(ledger_url) == [(KEY_1, "webhook", 0), (KEY_2, "webhook", 1)]


def test_a_dry_run_lists_the_version_and_delivers_nothing(webhook, tmp_path):
    result = send(tmp_path, settings_file(tmp_path, webhook.url), CLOSE, "--dry-run")
    assert result.exit_code == 0 and f"· 2025-01-11 0002: would deliver {KEY_1}" in result.stdout, result.output
    assert webhook.received == []


def test_a_dry_run_lists_what_an_earlier_run_left_pending(tmp_path):
    config = settings_file(tmp_path, f"http://127.0.0.1:{free_port()}/hook")
    assert send(tmp_path, config).exit_code == 1
    result = send(tmp_path, config, close_on(tmp_path, "2025-01-12"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if "would deliver" in line] == [
        f"· 2025-01-11 0002: would deliver {KEY_1}", "· 2025-01-12 0002: would deliver 2025-01-12_0002_v1"]
    assert delivered(default_url(tmp_path / "out")) == []


def test_nothing_is_delivered_for_a_store_day_outside_its_link_window(webhook, tmp_path, ledger_url):
    config = settings_file(tmp_path, webhook.url, 'link_start = "2025-01-12"\n', ledger=ledger_url)
    result = send(tmp_path, config)
    assert result.exit_code == 0 and "delivered" not in result.stdout, result.output
    later = send(tmp_path, config, close_on(tmp_path, "2025-01-12"))
    assert later.exit_code == 0 and [key for key, _ in webhook.received] == ["2025-01-12_0002_v1"], later.output
    assert delivered(ledger_url) == []


def test_a_version_whose_files_are_gone_is_reported_and_the_next_version_goes_in_its_place(webhook, tmp_path):
    """Built but never sent, its files then removed: the ledger has no copy, so the store-day
    fails, named, while the other day goes; once the day has a later version, that goes instead."""
    config = settings_file(tmp_path, webhook.url)

    def build(close: Path) -> None:
        result = CliRunner().invoke(cli, ["build", "--target", "flaro", "--input", str(close), "--config",
                                          str(config), "--out", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output

    build(CLOSE)
    (tmp_path / "out" / "2025-01-11" / "0002" / "flaro-media.json").unlink()
    today = close_on(tmp_path, "2025-01-12")
    result = send(tmp_path, config, today)
    assert result.exit_code == 1, result.output
    assert f"✗ 2025-01-11 0002: [FLARO_VERSION_LOST] {KEY_1} cannot be delivered" in result.stderr
    assert "Store-days: 1 sent, 1 failed." in result.stdout
    assert [key for key, _ in webhook.received] == ["2025-01-12_0002_v1"] and delivered(default_url(tmp_path / "out")) == []
    ja = CliRunner().invoke(cli, ["send", "--target", "flaro", "--input", str(today), "--config", str(config),
                                  "--out", str(tmp_path / "out"), "--lang", "ja"])
    assert ja.exit_code == 1 and f"[FLARO_VERSION_LOST] {KEY_1} は送信できません" in ja.stderr, ja.output
    build(corrected_close(tmp_path))  # v2, the whole corrected day; v1's files are gone for good
    replaced = send(tmp_path, config, today)
    assert replaced.exit_code == 1 and f"[FLARO_VERSION_LOST] {KEY_1}" in replaced.stderr, replaced.output
    assert f"✓ 2025-01-11 0002: delivered {KEY_2}, left pending by an earlier run" in replaced.stdout
    assert [key for key, _ in webhook.received] == ["2025-01-12_0002_v1", KEY_2]
    assert delivered(default_url(tmp_path / "out")) == [(KEY_2, "webhook", 1)]
    settled = send(tmp_path, config, today)  # v1 is older than what FLARO holds: never sent
    assert settled.exit_code == 0 and "FLARO_VERSION_LOST" not in settled.output, settled.output
    assert len(webhook.received) == 2


@pytest.mark.parametrize("lang, words", [("en", "needs it"), ("ja", "に必要です")])
def test_a_missing_webhook_url_is_a_settings_error_before_anything_is_built(tmp_path, lang, words):
    config = tmp_path / "settings.toml"
    config.write_text('[targets.flaro.stores."0002"]\nstore_code = "42"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["send", "--target", "flaro", "--input", str(CLOSE), "--config", str(config),
                                      "--out", str(tmp_path / "out"), "--lang", lang])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "[INVALID_SETTINGS]" in result.stderr and "targets.flaro.webhook_url" in result.stderr, result.stderr
    assert words in result.stderr and result.stdout == ""
    assert not (tmp_path / "out").exists(), "nothing built, sent or recorded"


@pytest.mark.parametrize("url", ["http://example.com/hook", "ftp://127.0.0.1/x", "https://"])
def test_a_webhook_url_that_is_not_https_is_refused_unless_loopback(tmp_path, url):
    result = send(tmp_path, settings_file(tmp_path, url))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "targets.flaro.webhook_url" in result.stderr and "https://" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists(), "nothing built, sent or recorded"
