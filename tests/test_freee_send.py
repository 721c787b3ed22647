"""`journalgen send --target freee` and `journalgen auth freee` end to end, against the stateful
fake freee: what a shop owner sees, what freee ends up holding, and that no secret leaks."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from click.testing import CliRunner
from fake_freee import FakeFreee, Fault
from journalgen_freee.tokens import Secret, TokenPair, TokenStore
from resend_scenario import freee_sums
from tenacity import wait_none

from journalgen import build, load_settings, parse_close
from journalgen.cli import cli
from journalgen.ledger import Ledger, default_url

REPO = Path(__file__).parents[1]
SAMPLE = REPO / "journalgen" / "sample"
CLIENT_SECRET = "client-secret-5e8a77"


def rendered(first: str, last: str | None = None) -> list[dict]:
    """The `freee-deals.json` documents of the sample's store-days from `first` to `last`, in the
    order send goes through them (date, then store): what freee must end up holding."""
    settings = load_settings(SAMPLE / "settings.toml")
    paths = [path for path in sorted((SAMPLE / "closes").glob("*.json")) if first <= path.stem[:10] <= (last or first)]
    return [json.loads(build(parse_close(path.read_text(encoding="utf-8"), str(path)), settings, "freee")
                       ["freee-deals.json"]) for path in paths]


def keys(documents: list[dict], kind: str = "deals") -> list[str]:
    """What `FakeFreee.created(kind)` lists once `documents` are sent: ref_numbers of deals and
    manual journals, descriptions of transfers."""
    if kind == "transfers":
        return [body["to_walletables"][0]["description"] for document in documents for body in document[kind]]
    return [body["ref_number"] for document in documents for body in document[kind]]


DAY_10 = keys(rendered("2025-01-10"))
"""The ref_numbers of the sample's 2025-01-10 deals (a cash movement's names its entry's key)."""


@pytest.fixture
def fake():
    with FakeFreee() as server:
        yield server


@pytest.fixture
def env(fake, tmp_path, monkeypatch):
    """A shop owner's machine: config folder in tmp, freee app credentials, freee at the fake."""
    variables = {"JOURNALGEN_FREEE_API_BASE": fake.url, "JOURNALGEN_FREEE_ACCOUNTS_BASE": fake.url,
                 "XDG_CONFIG_HOME": str(tmp_path / "config"), "FREEE_CLIENT_ID": "client-1",
                 "FREEE_CLIENT_SECRET": CLIENT_SECRET}
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("FREEE_ACCESS_TOKEN", raising=False)
    monkeypatch.setattr("journalgen_freee.client.DEFAULT_WAIT", wait_none())
    monkeypatch.chdir(tmp_path)
    return variables


@pytest.fixture
def connected(fake, env) -> TokenStore:
    store = TokenStore()
    access, refresh = fake.issue_pair()
    store.save(TokenPair(Secret(access), Secret(refresh)))
    return store


def send(*args: str):
    result = CliRunner().invoke(cli, ["send", "--target", "freee", "--input", str(SAMPLE / "closes"),
                                      "--config", str(SAMPLE / "settings.toml"), "--lang", "en", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_send_a_day_posts_each_body_once_and_a_second_run_posts_nothing(fake, connected):
    first = send("--date", "2025-01-10")
    assert first.exit_code == 0, first.output
    assert fake.created() == DAY_10
    assert fake.created("transfers") == ["POS-20250110-0001-in-4c8189a8 入金 釣銭補充"]
    assert "✓ 2025-01-10 0001: 6 posted, 0 found already in freee, 0 sent before" in first.output
    assert "Store-days: 2 sent, 0 failed." in first.output

    again = send("--date", "2025-01-10")
    assert again.exit_code == 0 and "0 posted, 0 found already in freee, 6 sent before" in again.output
    assert fake.created() == DAY_10 and len(fake.transfers) == 1


def test_a_day_with_manual_journals_posts_them_once_and_a_rerun_posts_nothing(fake, connected):
    day = rendered("2025-01-11")
    journals = keys(day, "manual_journals")
    assert journals, "the sample's 2025-01-11 books a refund as a manual journal"
    first = send("--date", "2025-01-11")
    assert first.exit_code == 0, first.output
    assert fake.created() == keys(day) and fake.created("manual_journals") == journals
    assert all(f"{ref}=" in first.output for ref in journals)  # its freee id is reported like a deal's
    total = len(day[0]["deals"]) + len(day[0]["transfers"]) + len(day[0]["manual_journals"])
    assert f"✓ 2025-01-11 0001: {total} posted, 0 found already in freee, 0 sent before" in first.output
    posts = [request for request in fake.requests if request[0] == "POST"]

    again = send("--date", "2025-01-11")
    assert again.exit_code == 0, again.output
    assert f"✓ 2025-01-11 0001: 0 posted, 0 found already in freee, {total} sent before" in again.output
    assert [request for request in fake.requests if request[0] == "POST"] == posts
    assert fake.created() == keys(day) and fake.created("manual_journals") == journals


def test_a_refused_manual_journal_fails_its_store_day_in_japanese_and_english(fake, connected):
    journal = keys(rendered("2025-01-14"), "manual_journals")[0]
    fake.reject[journal] = ["貸借が一致しません"]
    english = send("--date", "2025-01-14")
    assert english.exit_code == 1
    assert f"✗ 2025-01-14 0001: [FREEE_REJECTED] freee refused manual journal {journal}: 貸借が一致しません" \
        in english.output
    assert "Store-days: 0 sent, 1 failed." in english.output
    japanese = send("--date", "2025-01-14", "--lang", "ja")
    assert f"freee が manual journal {journal} を受け付けませんでした: 貸借が一致しません" in japanese.output
    assert fake.created("manual_journals") == []


def test_a_sender_that_cannot_post_part_of_a_day_refuses_the_day_instead_of_dropping_it(fake, connected, monkeypatch):
    """As an older sender meeting a newer freee file: a kind of request it does not post."""
    monkeypatch.setattr("journalgen_freee.posting.SENT", ("deals", "transfers"))
    result = send("--from", "2025-01-13", "--to", "2025-01-14", "--lang", "ja")
    assert result.exit_code == 1
    assert "✗ 2025-01-14 0001: [FREEE_UNSENDABLE]" in result.output and "manual_journals" in result.output
    assert "✓ 2025-01-13 0001" in result.output  # a day without them still goes
    assert fake.created() == keys(rendered("2025-01-13")) and fake.created("manual_journals") == []


def test_dry_run_lists_the_requests_and_sends_nothing(fake, env):
    result = send("--date", "2025-01-10", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "· 2025-01-10 0001: would post 6 of 6 requests" in result.output
    assert "POST /api/1/deals  POS-20250110-0001-cash" in result.output
    assert "POST /api/1/transfers  POS-20250110-0001-in-4c8189a8" in result.output
    assert fake.requests == [] and "Store-days: 2 listed, 0 failed." in result.output


def test_dry_run_lists_a_days_manual_journals(fake, env):
    day = rendered("2025-01-11", "2025-01-11")[0]
    result = send("--date", "2025-01-11", "--dry-run")
    assert result.exit_code == 0, result.output
    total = len(day["deals"]) + len(day["manual_journals"])
    assert f"· 2025-01-11 0001: would post {total} of {total} requests" in result.output
    for ref in keys([day], "manual_journals"):
        assert f"POST /api/1/manual_journals  {ref}" in result.output
    assert fake.requests == []


def test_not_connected_says_to_run_auth(fake, env):
    result = send("--date", "2025-01-10", "--lang", "ja")
    assert result.exit_code == 1 and "journalgen auth freee" in result.output
    assert "連携していません" in result.output and fake.requests == []


def test_an_expired_token_is_renewed_during_send_and_the_rotated_pair_kept(fake, connected):
    old = connected.load()
    fake.access.discard(old.access.reveal())
    result = send("--date", "2025-01-10")
    assert result.exit_code == 0, result.output
    assert fake.grants == ["refresh_token"] and fake.created() == DAY_10
    assert connected.load().refresh.reveal() in fake.refresh  # the saved pair is the live one


def test_rate_limits_are_waited_out_and_the_day_still_goes_through(fake, connected):
    fake.faults += [Fault("/api/1/deals", 429, {"message": "Too Many Requests"}, {"Retry-After": "1"}),
                    Fault("/api/1/deals", 429, {}),
                    Fault("/api/1/deals", 403, {"message": "APIリクエスト数の上限を超えました"})]
    result = send("--date", "2025-01-10")
    assert result.exit_code == 0, result.output
    assert fake.created() == DAY_10 and fake.faults == []


def test_a_400_on_one_deal_fails_its_store_day_with_freees_words_and_the_others_go_on(fake, connected):
    fake.reject["POS-20250110-0001-credit"] = ["取引先が見つかりません"]
    result = send("--from", "2025-01-10", "--to", "2025-01-11")
    assert result.exit_code == 1
    assert "✗ 2025-01-10 0001: [FREEE_REJECTED] freee refused deal POS-20250110-0001-credit: 取引先が見つかりません" \
        in result.output
    assert "  1 posted, 0 found already in freee, 0 sent before" in result.output
    assert "✓ 2025-01-10 0002" in result.output and "✓ 2025-01-11 0001" in result.output
    assert "✓ 2025-01-11 0002" in result.output  # the sample's seventh store-day (input v2)
    assert "Store-days: 3 sent, 1 failed." in result.output
    assert fake.created("manual_journals") == keys(rendered("2025-01-11"), "manual_journals")
    assert "POS-20250110-0001-qr" not in fake.created()  # the day stopped at its fault

    del fake.reject["POS-20250110-0001-credit"]
    retry = send("--date", "2025-01-10")
    assert retry.exit_code == 0, retry.output
    assert sorted(fake.created()) == sorted(set(fake.created())) and set(DAY_10) <= set(fake.created())


def _send_process(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "journalgen", "send", "--target", "freee", "--input", str(SAMPLE / "closes"),
         "--config", str(SAMPLE / "settings.toml"), "--lang", "en", *args],
        cwd=cwd, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_run_killed_after_a_post_before_recording_it_posts_nothing_twice_next_time(fake, connected, env, tmp_path):
    started, killed = threading.Event(), []

    def kill_on_first_create() -> None:
        started.wait()
        if not killed:
            os.kill(process.pid, signal.SIGKILL)  # freee created the deal; the run dies before its record
            killed.append(process.pid)

    fake.on_create = kill_on_first_create
    process = _send_process(env, tmp_path, "--date", "2025-01-10")
    started.set()
    process.communicate()
    assert process.returncode == -signal.SIGKILL and fake.created() == ["POS-20250110-0001-cash"]
    fake.on_create = None

    result = send("--date", "2025-01-10")
    assert result.exit_code == 0, result.output
    assert "✓ 2025-01-10 0001: 5 posted, 1 found already in freee, 0 sent before" in result.output
    assert fake.created() == DAY_10


def test_a_run_killed_after_a_manual_journal_post_settles_it_next_time(fake, connected, env, tmp_path):
    started, killed = threading.Event(), []
    journals = keys(rendered("2025-01-14"), "manual_journals")

    def kill_once_a_manual_journal_is_created() -> None:
        started.wait()
        if fake.manual_journals and not killed:
            os.kill(process.pid, signal.SIGKILL)  # freee created it; the run dies before its record
            killed.append(process.pid)

    fake.on_create = kill_once_a_manual_journal_is_created
    process = _send_process(env, tmp_path, "--date", "2025-01-14")
    started.set()
    process.communicate()
    assert process.returncode == -signal.SIGKILL and fake.created("manual_journals") == journals[:1]
    fake.on_create = None

    result = send("--date", "2025-01-14")
    assert result.exit_code == 0, result.output
    assert f"✓ 2025-01-14 0001: {len(journals) - 1} posted, 1 found already in freee, 0 sent before" in result.output
    assert fake.created("manual_journals") == journals
    assert ("GET", "/api/1/manual_journals") in [(method, path) for method, path, _ in fake.requests]

    again = send("--date", "2025-01-14")  # now recorded: freee is not asked again
    assert f"0 posted, 0 found already in freee, {len(journals)} sent before" in again.output
    assert fake.created("manual_journals") == journals


def test_two_sends_at_once_post_each_body_once_and_renew_the_token_once(fake, connected, env, tmp_path):
    fake.access.discard(connected.load().access.reveal())  # both runs start with an expired token
    runs = [_send_process(env, tmp_path, "--from", "2025-01-10", "--to", "2025-01-14") for _ in range(2)]
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    week = rendered("2025-01-10", "2025-01-14")
    assert sorted(fake.created()) == sorted(set(fake.created())) == sorted(keys(week))
    assert sorted(fake.created("transfers")) == sorted(set(fake.created("transfers"))) == sorted(keys(week, "transfers"))
    assert sorted(fake.created("manual_journals")) == sorted(set(fake.created("manual_journals"))) \
        == sorted(keys(week, "manual_journals"))
    assert fake.grants == ["refresh_token"]
    posted = sum(int(line.split(": ", 1)[1].split(" posted")[0]) for out, _ in outputs for line in out.splitlines()
                 if line.startswith("✓"))
    assert posted == len(keys(week)) + len(keys(week, "transfers")) + len(keys(week, "manual_journals"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_auth_with_a_pasted_code_saves_the_pair_owner_only(fake, env):
    fake.codes.add("code-4f1d")
    result = CliRunner().invoke(cli, ["auth", "freee", "--no-browser", "--lang", "en"], input="code-4f1d\n")
    assert result.exit_code == 0, result.output
    url = next(line for line in result.output.splitlines() if line.startswith(fake.url))
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == "/public_api/authorize"
    assert query["client_id"] == ["client-1"] and query["prompt"] == ["select_company"]
    assert query["redirect_uri"] == ["urn:ietf:wg:oauth:2.0:oob"] and query["response_type"] == ["code"]
    store = TokenStore()
    assert store.load().access.reveal() in fake.access
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert "readable by you only" in result.output


def test_auth_catches_the_code_on_a_localhost_redirect(fake, env, tmp_path, monkeypatch):
    redirect = f"http://127.0.0.1:{_free_port()}/callback"
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[targets.freee]\nredirect_uri = "{redirect}"\n', encoding="utf-8")
    fake.codes.add("code-77aa")
    answers = []

    def browser(url: str) -> bool:  # the user allows access; freee sends the browser back
        state = parse_qs(urlsplit(url).query)["state"][0]
        thread = threading.Thread(target=lambda: answers.append(
            httpx.get(redirect, params={"code": "code-77aa", "state": state})))
        thread.start()
        return True

    monkeypatch.setattr("journalgen_freee.cli.webbrowser.open", browser)
    result = CliRunner().invoke(cli, ["auth", "freee", "--config", str(settings), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"Waiting for freee to send the browser back to {redirect}" in result.output
    assert TokenStore().load().access.reveal() in fake.access and answers[0].status_code == 200


def test_auth_without_a_client_id_says_where_to_set_it(env, monkeypatch):
    monkeypatch.delenv("FREEE_CLIENT_ID")
    result = CliRunner().invoke(cli, ["auth", "freee", "--no-browser", "--lang", "ja"])
    assert result.exit_code == 2 and "FREEE_CLIENT_ID" in result.output and "Client ID" in result.output


def test_no_output_log_or_record_holds_a_token_or_the_client_secret(fake, env, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    fake.codes.add("code-9c0e")
    outputs = [CliRunner().invoke(cli, ["auth", "freee", "--no-browser"], input="code-9c0e\n").output]
    fake.access.clear()  # expired: send renews it
    fake.faults.append(Fault("/api/1/deals", 503, {}))
    fake.reject["POS-20250111-0001-cash"] = ["不正な値です"]
    outputs.append(send("--from", "2025-01-10", "--to", "2025-01-12").output)
    outputs.append(send("--date", "2025-01-11", "--lang", "ja").output)
    fake.refresh.clear()
    fake.access.clear()  # the refresh token is dead too: the user must connect again
    outputs.append(send("--date", "2025-01-13").output)
    assert "journalgen auth freee" in outputs[-1]

    secrets = [bearer for _, _, bearer in fake.requests if bearer] + [CLIENT_SECRET, "code-9c0e"]
    assert len(set(secrets)) >= 4
    token_file = TokenStore().path
    files = [path for path in tmp_path.rglob("*") if path.is_file() and path != token_file]
    texts = outputs + [caplog.text] + [path.read_text(encoding="utf-8", errors="replace") for path in files]
    assert any(path.name == "ledger.sqlite3" for path in files)
    for secret in set(secrets):
        assert not any(secret in text for text in texts), secret


def test_the_api_base_can_come_from_the_settings(fake, connected, env, tmp_path, monkeypatch):
    monkeypatch.delenv("JOURNALGEN_FREEE_API_BASE")
    text = (SAMPLE / "settings.toml").read_text(encoding="utf-8")
    settings = tmp_path / "settings.toml"
    settings.write_text(text.replace("[targets.freee]\n", f'[targets.freee]\napi_base = "{fake.url}"\n', 1),
                        encoding="utf-8")
    result = CliRunner().invoke(cli, ["send", "--target", "freee", "--input", str(SAMPLE / "closes"),
                                      "--config", str(settings), "--date", "2025-01-14", "--lang", "en"])
    assert result.exit_code == 0, result.output
    day = rendered("2025-01-14")  # a day with only a refund: one manual journal, no deal
    assert fake.created() == keys(day) == [] and fake.created("manual_journals") == keys(day, "manual_journals") != []


def test_send_to_a_target_without_a_sender_is_a_usage_error(env):
    result = CliRunner().invoke(cli, ["send", "--target", "yayoi", "--input", str(SAMPLE / "closes"), "--lang", "en"])
    assert result.exit_code == 2 and "No sender for target yayoi; targets that can send: flaro, freee" in result.output


def test_a_day_outside_the_fiscal_period_is_refused_before_any_request(fake, connected):
    case = REPO / "tests" / "cases" / "outside-fiscal-period" / "close.json"
    result = CliRunner().invoke(cli, ["send", "--target", "freee", "--input", str(case),
                                      "--config", str(SAMPLE / "settings.toml"), "--lang", "ja"])
    assert result.exit_code == 1 and "当年会計期間外" in result.output
    assert fake.requests == []


def test_a_busy_redirect_port_is_a_message_not_a_traceback(fake, env, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        settings = tmp_path / "settings.toml"
        settings.write_text(f'[targets.freee]\nredirect_uri = "http://127.0.0.1:{busy.getsockname()[1]}/cb"\n',
                            encoding="utf-8")
        result = CliRunner().invoke(cli, ["auth", "freee", "--config", str(settings), "--no-browser", "--lang", "en"])
    assert result.exit_code == 1 and "[FREEE_AUTH]" in result.output and "cannot listen on" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


VOID = {"receipt_no": "0000777", "original_date": "2025-01-09", "payment": "cash", "tax": "standard_10",
        "amount": 2200, "tax_amount": 200}
"""A late void of 2025-01-09's cash sale, closed with 2025-01-10: the correction of an already-sent day."""


def sample_close() -> dict:
    return json.loads((SAMPLE / "closes" / "2025-01-10_0001.json").read_text(encoding="utf-8"))


def send_close(tmp_path: Path, close: dict, *args: str, config: Path = SAMPLE / "settings.toml"):
    path = tmp_path / "close.json"
    path.write_text(json.dumps(close, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["send", "--target", "freee", "--input", str(path), "--config", str(config),
                                      "--lang", "en", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def in_freee(fake: FakeFreee) -> dict:
    """Everything the fake holds, as freee books it (per account; taxed yen and tax per account × code)."""
    company_id = json.loads(build(parse_close(json.dumps(sample_close())), load_settings(SAMPLE / "settings.toml"),
                                  "freee")["freee-deals.json"])["company_id"]
    document = {"company_id": company_id, "deals": fake.deals, "transfers": fake.transfers,
                "manual_journals": fake.manual_journals}
    return freee_sums(json.dumps(document, ensure_ascii=False).encode())


def full_rendering(close: dict) -> dict:
    text = build(parse_close(json.dumps(close, ensure_ascii=False)), load_settings(SAMPLE / "settings.toml"),
                 "freee")["freee-deals.json"]
    return freee_sums(text)


def posted_rows(tmp_path: Path) -> list[tuple[int, str, str]]:
    ledger = Ledger(default_url(tmp_path / "out"))
    try:
        company = str(json.loads((tmp_path / "out" / "2025-01-10" / "0001" / "freee-deals.json").read_bytes())
                      ["company_id"])
        rows = ledger.posted("freee", company, "0001", dt.date(2025, 1, 10))
        return sorted((row.emission, row.kind, row.key) for row in rows.values())
    finally:
        ledger.close()


def posts(fake: FakeFreee) -> list[str]:
    return [path for method, path, _ in fake.requests if method == "POST" and path.startswith("/api/")]


def test_a_corrected_day_already_in_freee_is_sent_as_its_delta_and_freee_then_holds_the_corrected_day(
        fake, connected, tmp_path):
    close = sample_close()
    first = send_close(tmp_path, close)
    assert first.exit_code == 0, first.output
    assert "✓ 2025-01-10 0001: 6 posted, 0 found already in freee, 0 sent before" in first.output
    assert in_freee(fake) == full_rendering(close)
    before = len(posts(fake))

    close["voids"].append(VOID)
    corrected = send_close(tmp_path, close)
    assert corrected.exit_code == 0, corrected.output
    assert "FREEE_CHANGED_AFTER_POST" not in corrected.output
    assert "✓ 2025-01-10 0001: 1 posted, 0 found already in freee, 6 sent before" in corrected.output
    assert posts(fake)[before:] == ["/api/1/manual_journals"]  # only resend-1's body
    (manual,) = json.loads((tmp_path / "out" / "2025-01-10" / "0001" / "resend-1" / "freee-deals.json")
                           .read_bytes())["manual_journals"]
    assert fake.created("manual_journals") == [manual["ref_number"]] and manual["ref_number"].endswith("-r1")
    assert fake.created() == keys(rendered("2025-01-10")[:1])  # the first emission's deals, each once
    assert in_freee(fake) == full_rendering(close) != full_rendering(sample_close())
    assert [number for number, _, _ in posted_rows(tmp_path)] == [0] * 6 + [1]

    again = send_close(tmp_path, close)
    assert again.exit_code == 0 and "0 posted, 0 found already in freee, 7 sent before" in again.output
    assert len(posts(fake)) == before + 1


def test_a_day_built_and_corrected_before_its_first_send_posts_the_first_emission_then_the_delta(
        fake, connected, tmp_path):
    close = sample_close()
    path = tmp_path / "close.json"
    path.write_text(json.dumps(close, ensure_ascii=False), encoding="utf-8")
    built = CliRunner().invoke(cli, ["build", "--input", str(path), "--config", str(SAMPLE / "settings.toml"),
                                     "--target", "freee"])
    assert built.exit_code == 0, built.output
    close["voids"].append(VOID)
    result = send_close(tmp_path, close)  # records resend-1, then sends the first emission and resend-1
    assert result.exit_code == 0, result.output
    assert "✓ 2025-01-10 0001: 7 posted, 0 found already in freee, 0 sent before" in result.output
    assert fake.created() == keys(rendered("2025-01-10")[:1]) and len(fake.manual_journals) == 1
    assert in_freee(fake) == full_rendering(close)


def test_a_run_killed_after_posting_the_delta_before_recording_it_posts_nothing_twice(
        fake, connected, env, tmp_path):
    close = sample_close()
    assert send_close(tmp_path, close).exit_code == 0
    close["voids"].append(VOID)
    path = tmp_path / "corrected.json"
    path.write_text(json.dumps(close, ensure_ascii=False), encoding="utf-8")
    started, killed = threading.Event(), []

    def kill_once_the_delta_is_created() -> None:
        started.wait()
        if fake.manual_journals and not killed:
            os.kill(process.pid, signal.SIGKILL)  # freee holds resend-1's body; the ledger does not know
            killed.append(process.pid)

    fake.on_create = kill_once_the_delta_is_created
    process = _send_process(env, tmp_path, "--input", str(path))
    started.set()
    process.communicate()
    assert process.returncode == -signal.SIGKILL and len(fake.manual_journals) == 1
    fake.on_create = None
    before = len(posts(fake))

    result = send_close(tmp_path, close)
    assert result.exit_code == 0, result.output
    assert "✓ 2025-01-10 0001: 0 posted, 1 found already in freee, 6 sent before" in result.output
    assert len(posts(fake)) == before and len(fake.manual_journals) == 1
    assert in_freee(fake) == full_rendering(close)
    assert [(number, how) for number, how in posted_hows(tmp_path)] == [(0, "created")] * 6 + [(1, "found")]


def posted_hows(tmp_path: Path) -> list[tuple[int, str]]:
    ledger = Ledger(default_url(tmp_path / "out"))
    try:
        company = str(json.loads((tmp_path / "out" / "2025-01-10" / "0001" / "freee-deals.json").read_bytes())
                      ["company_id"])
        return sorted((row.emission, row.how) for row in ledger.posted(
            "freee", company, "0001", dt.date(2025, 1, 10)).values())
    finally:
        ledger.close()


def test_a_body_changed_under_the_same_ref_without_a_ledger_reason_is_still_refused(fake, connected, tmp_path):
    close = sample_close()
    assert send_close(tmp_path, close).exit_code == 0
    settings = tmp_path / "settings.toml"  # the same entries, booked to another 勘定科目: no correction
    text = (SAMPLE / "settings.toml").read_text(encoding="utf-8")
    item = next(line for line in text.splitlines() if line.startswith('"売上高"'))
    settings.write_text(text.replace(item, item.split("=")[0] + "= 999999"), encoding="utf-8")
    before = len(posts(fake))
    result = send_close(tmp_path, close, config=settings)
    assert result.exit_code == 1 and "[FREEE_CHANGED_AFTER_POST]" in result.output
    assert len(posts(fake)) == before


def test_dry_run_of_a_corrected_day_lists_only_the_delta_and_records_nothing(fake, connected, tmp_path):
    close = sample_close()
    assert send_close(tmp_path, close).exit_code == 0
    before = len(fake.requests)
    close["voids"].append(VOID)
    result = send_close(tmp_path, close, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "· 2025-01-10 0001: would post 1 of 7 requests" in result.output
    assert "POST /api/1/manual_journals  " in result.output and "-r1" in result.output
    assert len(fake.requests) == before and not (tmp_path / "out" / "2025-01-10" / "0001" / "resend-1").exists()
    sent = send_close(tmp_path, close)  # the dry run recorded nothing: the real run sends resend-1
    assert "✓ 2025-01-10 0001: 1 posted, 0 found already in freee, 6 sent before" in sent.output, sent.output
