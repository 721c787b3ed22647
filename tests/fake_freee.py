"""A stateful fake of freee on 127.0.0.1 for the delivery scenarios: the token endpoint (single-use
refresh tokens), POST and paged GET of deals, transfers and manual journals, and faults queued by
a test.

Not a schema check (Prism does that, tests/test_freee_prism.py): it keeps what was created so a
test can assert that nothing was posted twice.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Fault:
    """An answer to give instead of the normal one, to the next request on `path` (and method)."""

    path: str
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    create_first: bool = False  # create the resource, then answer with the fault (a lost answer)


class FakeFreee:
    """The server's state; `url` is its base URL (API and accounts on one port)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids = itertools.count(1001)
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.codes: set[str] = set()
        self.deals: list[dict[str, Any]] = []
        self.transfers: list[dict[str, Any]] = []
        self.manual_journals: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.reject: dict[str, list[str]] = {}  # ref_number (deal, manual journal) → freee's 400 messages
        self.requests: list[tuple[str, str, str]] = []  # (method, path, bearer)
        self.grants: list[str] = []  # grant types asked for, in order
        self.on_create: Callable[[], None] | None = None
        self._serial = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def issue_pair(self) -> tuple[str, str]:
        """A new access token and refresh token, both valid."""
        serial = next(self._serial)
        access, refresh = f"acc-{serial}-7f3c9e1d5b", f"ref-{serial}-a8d2e6f4c0"
        self.access.add(access)
        self.refresh.add(refresh)
        return access, refresh

    def created(self, kind: str = "deals") -> list[str]:
        """Keys of what was created: ref_numbers of deals and of manual journals, descriptions of transfers."""
        if kind == "deals":
            return [deal["ref_number"] for deal in self.deals]
        if kind == "manual_journals":
            return [journal["ref_number"] for journal in self.manual_journals]
        return [transfer["to_walletables"][0]["description"] for transfer in self.transfers]

    def __enter__(self) -> FakeFreee:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(fake: FakeFreee) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:  # the client was killed while waiting
                pass

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            raw = self._body()
            if url.path == "/public_api/token":
                return self._token(parse_qs(raw.decode()))
            with fake.lock:
                status, body, headers = self._api("POST", url.path, {}, json.loads(raw or b"{}"))
            self._answer(status, body, headers)

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            with fake.lock:
                status, body, headers = self._api("GET", url.path, parse_qs(url.query), None)
            self._answer(status, body, headers)

        def _token(self, form: dict[str, list[str]]) -> None:
            grant = form.get("grant_type", [""])[0]
            with fake.lock:
                fake.grants.append(grant)
                if grant == "refresh_token" and form.get("refresh_token", [""])[0] in fake.refresh:
                    fake.refresh.discard(form["refresh_token"][0])  # single-use, as freee's
                elif grant == "authorization_code" and form.get("code", [""])[0] in fake.codes:
                    fake.codes.discard(form["code"][0])
                else:
                    return self._answer(401, {"error": "invalid_grant",
                                              "error_description": "refresh_token is invalid or already used"})
                access, refresh = fake.issue_pair()
            self._answer(200, {"access_token": access, "token_type": "bearer", "expires_in": 21600,
                               "refresh_token": refresh, "scope": "read write", "company_id": 1234567})

        def _api(self, method: str, path: str, query: dict[str, list[str]],
                 body: dict[str, Any] | None) -> tuple[int, dict[str, Any], dict[str, str]]:
            bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
            fake.requests.append((method, path, bearer))
            if bearer not in fake.access:
                return 401, {"status_code": 401, "errors": [{"type": "status", "messages": ["アクセストークンが無効です"]}]}, {}
            fault = next((f for f in fake.faults if f.path == path and f.method == method), None)
            if fault is not None:
                fake.faults.remove(fault)
                if fault.create_first:
                    self._create(path, body)
                return fault.status, fault.body, fault.headers
            if method == "GET":
                return 200, self._list(path, query), {}
            if body.get("ref_number") in fake.reject:
                return 400, {"status_code": 400, "errors": [
                    {"type": "validation", "messages": fake.reject[body["ref_number"]]}]}, {}
            created = self._create(path, body)
            if fake.on_create is not None:
                fake.on_create()
            return 201, {_RESOURCES[path][1]: created}, {}

        @staticmethod
        def _create(path: str, body: dict[str, Any]) -> dict[str, Any]:
            created = {"id": next(fake.ids), **body}
            if path.endswith("transfers"):
                created["amount"] = sum(row["amount"] for row in body["to_walletables"])
            if path.endswith("manual_journals"):
                created.setdefault("adjustment", False)
            getattr(fake, _RESOURCES[path][0]).append(created)
            return created

        @staticmethod
        def _list(path: str, query: dict[str, list[str]]) -> dict[str, Any]:
            offset, limit = int(query["offset"][0]), int(query["limit"][0])
            if path.endswith("deals"):
                day = query["start_issue_date"][0]
                rows = [deal for deal in fake.deals if deal["issue_date"] == day]
                return {"deals": rows[offset:offset + limit], "meta": {"total_count": len(rows)}}
            if path.endswith("manual_journals"):  # freee gives no total_count here
                day = query["start_issue_date"][0]
                rows = [journal for journal in fake.manual_journals if journal["issue_date"] == day]
                return {"manual_journals": rows[offset:offset + limit]}
            day = query["start_date"][0]
            rows = [transfer for transfer in fake.transfers if transfer["date"] == day]
            return {"transfers": rows[offset:offset + limit]}

    return Handler


_RESOURCES = {"/api/1/deals": ("deals", "deal"), "/api/1/transfers": ("transfers", "transfer"),
              "/api/1/manual_journals": ("manual_journals", "manual_journal")}
"""Each API path: the fake's list of what it created there, and the key freee answers a POST with."""
