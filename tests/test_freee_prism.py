"""Every request journalgen sends to freee passes freee's own OpenAPI schema, checked by Stoplight
Prism mocking it with request validation on (`prism mock --errors`): a request that breaks the
schema gets a 400 with an `sl-violations` header, which these tests refuse.

Prism comes from `tools/prism` (`npm ci --prefix tools/prism`, as `.ci/run` does). Without it
the tests skip and say so; in CI (`CI=true`, or JOURNALGEN_REQUIRE_PRISM=1 as `.ci/run` sets) a
missing Prism fails them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from journalgen_freee import deal_bodies
from journalgen_freee.client import FreeeClient
from journalgen_freee.faults import FreeeRejectedError
from journalgen_freee.posting import LedgerPostedRecord, StoreDay, post_store_day, requests_of
from journalgen_freee.tokens import GivenToken, Secret
from strategies import closes
from test_cases import CASES_DIR, case_journal
from test_freee_properties import MANY_ROWS, STORE
from tenacity import wait_none

import journalgen
from journalgen import load_settings, parse_close
from journalgen.cli import cli
from journalgen.errors import JournalgenError
from journalgen.journalize import journalize
from journalgen.ledger import Ledger


def posted_record(folder: Path) -> LedgerPostedRecord:
    """The sent-ledger's posted record, in a SQLite ledger in `folder`."""
    return LedgerPostedRecord(Ledger(f"sqlite:///{folder / 'ledger.sqlite3'}"), "サンプル食堂株式会社")


REPO = Path(__file__).parents[1]
PRISM = REPO / "tools" / "prism" / "node_modules" / ".bin" / "prism"
SPEC = REPO / "tests" / "reference" / "freee-send-openapi.json"


class Prism:
    """A running `prism mock --errors` and every answer it gave to the test's client."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log: list[str] = []
        self.answers: list[httpx.Response] = []
        self.process = subprocess.Popen([str(PRISM), "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.process.stdout:  # until Prism says it listens (or exits)
            self.log.append(line)
            if "Prism is listening" in line:
                break
        else:
            pytest.fail("Prism did not start:\n" + "".join(self.log))
        threading.Thread(target=lambda: self.log.extend(self.process.stdout), daemon=True).start()

    def client(self) -> FreeeClient:
        http = httpx.Client(event_hooks={"response": [self.answers.append]})
        return FreeeClient(GivenToken(Secret("prism-token")), self.url, attempts=1, wait=wait_none(), http=http)

    def violations(self) -> list[str]:
        """Each answer that was not a success, or that reported a schema violation."""
        return [f"{answer.request.method} {answer.request.url.path}: {answer.status_code} "
                f"{answer.headers.get('sl-violations', '')}"
                for answer in self.answers
                if answer.status_code not in (200, 201) or "sl-violations" in answer.headers]


@pytest.fixture(scope="session")
def prism():
    if not PRISM.exists():
        if os.environ.get("CI") == "true" or os.environ.get("JOURNALGEN_REQUIRE_PRISM") == "1":
            pytest.fail(f"Prism is missing at {PRISM}: CI must install it (npm ci --prefix tools/prism, in .ci/run)")
        pytest.skip(f"Prism is not installed at {PRISM}: run `npm ci --prefix tools/prism` (CI installs it)")
    server = Prism()
    yield server
    server.process.terminate()
    server.process.wait()


def send_all(prism: Prism, requests_by_day: list[tuple[StoreDay, list]]) -> int:
    """Post every store-day through the posting module; the number of requests freee answered."""
    prism.answers.clear()
    with tempfile.TemporaryDirectory() as out, prism.client() as client:
        for day, requests in requests_by_day:
            report = post_store_day(client, posted_record(Path(out)), day, requests)
            assert report.error is None, report.error.message("en")
            assert len(report.created) == len(requests)
    assert prism.violations() == []
    return len(prism.answers)


def _day(journal, bodies) -> tuple[StoreDay, list]:
    requests = requests_of({"deals": bodies.deals, "transfers": bodies.transfers,
                            "manual_journals": bodies.manual_journals})
    return StoreDay(bodies.company_id, journal.store.code, journal.business_date), requests


def _sendable_cases() -> list[str]:
    names = []
    for folder in sorted(CASES_DIR.iterdir()):
        try:
            journal, case_settings = case_journal(folder.name)
            bodies = deal_bodies(journal, case_settings)
            if bodies.deals or bodies.transfers or bodies.manual_journals:
                names.append(folder.name)
        except JournalgenError:  # refused before any request (e.g. 当年会計期間外)
            pass
    return names


@pytest.mark.parametrize("case", _sendable_cases())
def test_every_request_of_each_case_passes_freees_schema(prism, case):
    journal, case_settings = case_journal(case)
    day = _day(journal, deal_bodies(journal, case_settings))
    answered = send_all(prism, [day])
    kinds = {request.kind for request in day[1]}
    assert answered == len(day[1]) + len(kinds)  # + one settling GET per kind posted


def test_the_sample_sent_with_the_cli_passes_freees_schema(prism, tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNALGEN_FREEE_API_BASE", prism.url)
    monkeypatch.setenv("FREEE_ACCESS_TOKEN", "prism-token")
    monkeypatch.chdir(tmp_path)
    watched = httpx.Client(event_hooks={"response": [prism.answers.append]})
    monkeypatch.setattr("journalgen_freee.cli.FreeeClient",
                        lambda tokens, base_url: FreeeClient(tokens, base_url, http=watched))
    prism.answers.clear()
    sample = REPO / "journalgen" / "sample"
    result = CliRunner().invoke(cli, ["send", "--target", "freee", "--input", str(sample / "closes"),
                                      "--config", str(sample / "settings.toml"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Store-days: 7 sent, 0 failed." in result.output
    posted = [a.request.url.path for a in prism.answers if a.request.method == "POST"]
    rendered = [json.loads(journalgen.build(parse_close(path.read_text(encoding="utf-8")), load_settings(
        sample / "settings.toml"), "freee")["freee-deals.json"]) for path in sorted((sample / "closes").glob("*.json"))]
    for kind in ("deals", "transfers", "manual_journals"):
        assert posted.count(f"/api/1/{kind}") == sum(len(document[kind]) for document in rendered), kind
    assert posted.count("/api/1/manual_journals") > 0 and prism.violations() == []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(close=closes(min_rows=101, max_rows=160))
def test_days_over_100_details_pass_freees_schema(prism, close):
    """One detail per row, the whole day in one group: up to 160 details, split into parts of 100."""
    day_settings = MANY_ROWS["per_day"]
    journal = journalize(close.model_copy(update={"store": STORE}), day_settings, "close.json")
    try:
        bodies = deal_bodies(journal, day_settings)
    except JournalgenError:
        return
    if bodies.deals or bodies.transfers:
        send_all(prism, [_day(journal, bodies)])


def test_prism_refuses_a_request_that_breaks_the_schema(prism):
    """The check above means something: a deal without details is refused with Prism's words."""
    with prism.client() as client, pytest.raises(FreeeRejectedError) as refused:
        client.create_deal({"issue_date": dt.date(2025, 1, 10).isoformat(), "type": "income", "company_id": 1})
    assert refused.value.params["status"] == 400


def test_prism_refuses_a_manual_journal_that_breaks_the_schema(prism):
    """Manual journals are checked too: a ref_number over freee's 20 characters is refused."""
    body = {"company_id": 1, "issue_date": "2025-01-10", "ref_number": "POS-" + "0" * 17, "details": [
        {"entry_side": "debit", "tax_code": 129, "account_item_id": 1, "amount": 1100},
        {"entry_side": "credit", "tax_code": 2, "account_item_id": 2, "amount": 1100}]}
    with prism.client() as client, pytest.raises(FreeeRejectedError) as refused:
        client.create_manual_journal(body)
    assert refused.value.params["status"] == 400


def test_the_vendored_operations_are_freees_own(tmp_path):
    """The file Prism mocks is exactly what vendor_schema.py cuts from the official schema."""
    shared = REPO.parent / "shared" / "reference" / "freee-accounting-api-schema.json"
    if not shared.is_file():
        pytest.skip(f"{shared} is absent: the vendored operations were not compared")
    cut = tmp_path / "cut.json"
    subprocess.run([sys.executable, str(REPO / "tools" / "prism" / "vendor_schema.py"), str(shared), str(cut)],
                   check=True)
    assert cut.read_bytes() == SPEC.read_bytes()
