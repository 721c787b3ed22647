"""FLARO's webhook delivery against an HTTP server the tests start on 127.0.0.1: delivered once,
a 500 then success, a server down for one run and up for the next, a corrected day delivered as
a new version, nothing for a store-day outside its link window, and the URL rule."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from journalgen_flaro.delivery_record import FileDeliveryRecord
from journalgen_flaro.webhook import ATTEMPTS, send

from journalgen.cli import cli
from journalgen.inputs import parse_close
from journalgen.journalize import journalize
from journalgen.settings import Settings

CLOSE = Path(__file__).parent / "cases" / "flaro-default-mappings" / "close.json"


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


def settings(url: str, **link) -> Settings:
    return Settings.model_validate({"targets": {"flaro": {"webhook_url": url,
                                                          "stores": {"0002": {"store_code": "42", **link}}}}})


def journal(store_settings: Settings, name: str = "サンプル食堂 駅前店"):
    close = parse_close(CLOSE.read_text(encoding="utf-8"), str(CLOSE))
    close = close.model_copy(update={"store": close.store.model_copy(update={"name": name})})
    return journalize(close, store_settings, str(CLOSE))


def no_wait(seconds: float) -> None:
    assert seconds > 0


def test_a_store_day_is_delivered_once_with_its_key_and_eight_files(webhook, tmp_path):
    config = settings(webhook.url)
    first = send(webhook.url, [journal(config)], config, FileDeliveryRecord(tmp_path), no_wait)
    again = send(webhook.url, [journal(config)], config, FileDeliveryRecord(tmp_path), no_wait)
    assert first.delivered == ["2025-01-11_0002_v1"] and not first.pending
    assert again.delivered == [] and not again.pending
    [(key, body)] = webhook.received
    assert key == body["idempotency_key"] == "2025-01-11_0002_v1" and body["version"] == 1
    assert len(body["files"]) == 8
    payments = sum(row["amount"] for row in body["files"]["flaro-payments.json"]["payments"])
    assert payments == body["files"]["flaro-settlement.json"]["net_sales_amount"]
    assert not any((tmp_path / ".journalgen" / "flaro" / "outbox").iterdir())


def test_a_500_is_retried_with_the_same_key_and_then_delivered(tmp_path):
    server = Webhook(statuses=(500,))
    try:
        config = settings(server.url)
        waits = []
        report = send(server.url, [journal(config)], config, FileDeliveryRecord(tmp_path), waits.append)
    finally:
        server.close()
    assert report.delivered == ["2025-01-11_0002_v1"]
    assert [key for key, _ in server.received] == ["2025-01-11_0002_v1"] * 2 and waits == [1.0]


def test_a_server_down_leaves_the_day_pending_and_the_next_run_delivers_it(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    config = settings(url)
    waits = []
    down = send(url, [journal(config)], config, FileDeliveryRecord(tmp_path), waits.append)
    assert down.delivered == [] and list(down.pending) == ["2025-01-11_0002_v1"]
    assert len(waits) == ATTEMPTS - 1 and waits == sorted(waits), "bounded retries, growing back-off"
    server = Webhook(port=port)
    try:
        up = send(url, [], config, FileDeliveryRecord(tmp_path), no_wait)  # the day is not in this run's input
    finally:
        server.close()
    assert up.delivered == ["2025-01-11_0002_v1"] and not up.pending
    assert [key for key, _ in server.received] == ["2025-01-11_0002_v1"]


def test_a_corrected_day_is_delivered_again_as_a_new_version(webhook, tmp_path):
    config = settings(webhook.url)
    send(webhook.url, [journal(config)], config, FileDeliveryRecord(tmp_path), no_wait)
    corrected = send(webhook.url, [journal(config, "駅前店（訂正）")], config, FileDeliveryRecord(tmp_path), no_wait)
    assert corrected.delivered == ["2025-01-11_0002_v2"]
    assert [(key, body["version"]) for key, body in webhook.received] == [
        ("2025-01-11_0002_v1", 1), ("2025-01-11_0002_v2", 2)]
    assert webhook.received[1][1]["files"]["flaro-settlement.json"]["pos_store_name"] == "駅前店（訂正）"


def test_nothing_is_delivered_for_a_store_day_outside_its_link_window(webhook, tmp_path):
    config = settings(webhook.url, link_start="2025-01-12")
    report = send(webhook.url, [journal(config)], config, FileDeliveryRecord(tmp_path), no_wait)
    assert report.delivered == [] and not report.pending and webhook.received == []


def test_the_command_delivers_and_a_second_run_has_nothing_to_deliver(webhook, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text(f'[targets.flaro]\nwebhook_url = "{webhook.url}"\n'
                      '[targets.flaro.stores."0002"]\nstore_code = "42"\n', encoding="utf-8")
    args = ["flaro-send", "--input", str(CLOSE), "--config", str(config), "--out", str(tmp_path / "out"), "--lang", "en"]
    first, second = CliRunner().invoke(cli, args), CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and first.output == "delivered 2025-01-11_0002_v1\n", first.output
    assert second.exit_code == 0 and second.output == "nothing to deliver\n"
    record = json.loads((tmp_path / "out" / ".journalgen" / "flaro" / "deliveries.json").read_text(encoding="utf-8"))
    assert [(row["key"], row["state"]) for row in record] == [("2025-01-11_0002_v1", "delivered")]


@pytest.mark.parametrize("url", ["http://example.com/hook", "ftp://127.0.0.1/x", "https://"])
def test_a_webhook_url_that_is_not_https_is_refused_unless_loopback(tmp_path, url):
    config = tmp_path / "settings.toml"
    config.write_text(f'[targets.flaro]\nwebhook_url = "{url}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["flaro-send", "--input", str(CLOSE), "--config", str(config), "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "targets.flaro.webhook_url" in result.stderr and "https://" in result.stderr, result.stderr


def test_a_damaged_delivery_record_is_refused_without_a_traceback_and_nothing_is_sent(webhook, tmp_path):
    record = tmp_path / "out" / ".journalgen" / "flaro" / "deliveries.json"
    record.parent.mkdir(parents=True)
    record.write_text("{not json", encoding="utf-8")
    config = tmp_path / "settings.toml"
    config.write_text(f'[targets.flaro]\nwebhook_url = "{webhook.url}"\n'
                      '[targets.flaro.stores."0002"]\nstore_code = "42"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["flaro-send", "--input", str(CLOSE), "--config", str(config),
                                      "--out", str(tmp_path / "out"), "--lang", "ja"])
    assert result.exit_code == 1 and "Traceback" not in result.output and webhook.received == []
    assert "[FLARO_DELIVERY_RECORD]" in result.stderr and "送信記録を読み込めません" in result.stderr


def test_a_close_that_cannot_be_read_is_named_and_the_others_are_still_delivered(webhook, tmp_path):
    closes = tmp_path / "closes"
    closes.mkdir()
    (closes / "2025-01-11_0002.json").write_bytes(CLOSE.read_bytes())
    (closes / "2025-01-12_0002.json").write_text("{", encoding="utf-8")
    config = tmp_path / "settings.toml"
    config.write_text(f'[targets.flaro]\nwebhook_url = "{webhook.url}"\n'
                      '[targets.flaro.stores."0002"]\nstore_code = "42"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["flaro-send", "--input", str(closes), "--config", str(config),
                                      "--out", str(tmp_path / "out"), "--lang", "en"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stdout == "delivered 2025-01-11_0002_v1\n" and "2025-01-12_0002.json" in result.stderr
