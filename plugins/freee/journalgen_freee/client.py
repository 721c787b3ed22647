"""A freee 会計 API client for `journalgen send` and for connector services (httpx + tenacity).

It creates deals, transfers and manual journals (振替伝票) and lists a day's deals, transfers and
manual journals (every page), renews the
access token once on a 401, retries rate limits (429, and freee's 403 "上限") and server faults
a bounded number of times with jittered back-off, and turns every other answer into one of the
faults of `journalgen_freee.faults`. A POST that may have reached freee (a 5xx, a dropped
connection) is retried only after `settle` found it absent, so a retry never creates twice.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential
from tenacity.wait import wait_base

from journalgen_freee.faults import (
    FreeeAuthError,
    FreeeForbiddenError,
    FreeeRejectedError,
    FreeeUnavailableError,
)
from journalgen_freee.tokens import TokenSource

DEFAULT_API_BASE = "https://api.freee.co.jp"
API_BASE_ENV = "JOURNALGEN_FREEE_API_BASE"
PAGE_SIZE = 100  # the largest `limit` GET /api/1/deals and /api/1/transfers take (manual journals: 500)
MAX_RETRY_AFTER = 300.0
USER_AGENT = "journalgen-freee"

Json = dict[str, Any]


def api_base(configured: str | None = None) -> str:
    """The API base URL: JOURNALGEN_FREEE_API_BASE, else `[targets.freee] api_base`, else freee's."""
    return (os.environ.get(API_BASE_ENV) or configured or DEFAULT_API_BASE).rstrip("/")


class _Retryable(Exception):
    """An answer worth asking again: a rate limit, a server fault or a dropped connection."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


class wait_retry_after(wait_base):
    """Wait as freee's Retry-After says (at most MAX_RETRY_AFTER), and never less than `base`."""

    def __init__(self, base: wait_base):
        self.base = base

    def __call__(self, retry_state: RetryCallState) -> float:
        fault = retry_state.outcome.exception() if retry_state.outcome else None
        asked = getattr(fault, "retry_after", None) or 0.0
        return max(min(asked, MAX_RETRY_AFTER), self.base(retry_state))


DEFAULT_WAIT = wait_retry_after(wait_random_exponential(multiplier=1, max=60))


class FreeeClient:
    """The calls journalgen makes to freee 会計, with token renewal and bounded retries.

    `attempts` bounds every request (first try included); `wait` is a tenacity wait strategy
    (default DEFAULT_WAIT: Retry-After, else jittered exponential up to a minute; tests pass
    `wait_none()` or a `sleep` that records). `http` may be given to reuse a connection pool or a transport.
    """

    def __init__(self, tokens: TokenSource, base_url: str = DEFAULT_API_BASE, *, attempts: int = 5,
                 wait: wait_base | None = None, sleep: Callable[[float], None] = time.sleep,
                 http: httpx.Client | None = None):
        self.tokens = tokens
        self.base_url = base_url.rstrip("/")
        self.attempts, self.wait, self.sleep = attempts, wait or DEFAULT_WAIT, sleep
        self._http = http or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0),
                                          headers={"User-Agent": USER_AGENT})

    def __repr__(self) -> str:
        return f"FreeeClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> FreeeClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- the calls --------------------------------------------------------------------------

    def create_deal(self, body: Json, settle: Callable[[], Json | None] | None = None) -> Json:
        """POST /api/1/deals; the created deal (or what `settle` found already in freee)."""
        what = f"deal {body.get('ref_number', '')}".strip()
        answer = self._request("POST", "/api/1/deals", what, "deals", company=body.get("company_id"), body=body,
                               settle=settle)
        return answer.get("deal", answer)

    def create_transfer(self, body: Json, what: str = "transfer",
                        settle: Callable[[], Json | None] | None = None) -> Json:
        """POST /api/1/transfers; the created transfer (or what `settle` found already in freee)."""
        answer = self._request("POST", "/api/1/transfers", what, "transfers", company=body.get("company_id"),
                               body=body, settle=settle)
        return answer.get("transfer", answer)

    def create_manual_journal(self, body: Json, settle: Callable[[], Json | None] | None = None) -> Json:
        """POST /api/1/manual_journals; the created manual journal (or what `settle` found already in freee)."""
        what = f"manual journal {body.get('ref_number', '')}".strip()
        answer = self._request("POST", "/api/1/manual_journals", what, "manual_journals",
                               company=body.get("company_id"), body=body, settle=settle)
        return answer.get("manual_journal", answer)

    def deals_on(self, company_id: int, day: dt.date) -> list[Json]:
        """Every deal of `company_id` issued on `day`, over every page of GET /api/1/deals."""
        params = {"company_id": company_id, "start_issue_date": day.isoformat(), "end_issue_date": day.isoformat()}
        return self._pages("/api/1/deals", "deals", params, f"the deals of {day.isoformat()}")

    def transfers_on(self, company_id: int, day: dt.date) -> list[Json]:
        """Every transfer of `company_id` dated `day`, over every page of GET /api/1/transfers."""
        params = {"company_id": company_id, "start_date": day.isoformat(), "end_date": day.isoformat()}
        return self._pages("/api/1/transfers", "transfers", params, f"the transfers of {day.isoformat()}")

    def manual_journals_on(self, company_id: int, day: dt.date) -> list[Json]:
        """Every manual journal of `company_id` issued on `day`, over every page of GET /api/1/manual_journals
        (which gives no total: the pages end at the first one that is not full)."""
        params = {"company_id": company_id, "start_issue_date": day.isoformat(), "end_issue_date": day.isoformat()}
        return self._pages("/api/1/manual_journals", "manual_journals", params,
                           f"the manual journals of {day.isoformat()}")

    # --- the machinery ----------------------------------------------------------------------

    def _pages(self, path: str, key: str, params: Json, what: str) -> list[Json]:
        found: list[Json] = []
        while True:
            page = self._request("GET", path, what, key, company=params["company_id"],
                                 params={**params, "offset": len(found), "limit": PAGE_SIZE})
            rows = page.get(key) or []
            found.extend(rows)
            total = (page.get("meta") or {}).get("total_count")
            if len(rows) < PAGE_SIZE or (total is not None and len(found) >= total):
                return found

    def _request(self, method: str, path: str, what: str, resource: str, *, company: Any, params: Json | None = None,
                 body: Json | None = None, settle: Callable[[], Json | None] | None = None) -> Json:
        uncertain = False  # whether an earlier try of this POST may have reached freee

        def attempt() -> Json:
            nonlocal uncertain
            if uncertain and settle is not None:
                found = settle()
                if found is not None:
                    return found
            try:
                response = self._send(method, path, params, body)
            except httpx.TransportError as exc:
                uncertain = uncertain or method == "POST"
                raise _Retryable(type(exc).__name__) from None
            if response.status_code in (200, 201):
                try:
                    return response.json()
                except ValueError:  # a proxy's page, a cut answer: the POST may still have landed
                    uncertain = uncertain or method == "POST"
                    raise _Retryable(f"HTTP {response.status_code} without JSON") from None
            if response.status_code >= 500:
                uncertain = uncertain or method == "POST"
            raise self._fault(response, method, what, resource, company)

        retrying = Retrying(stop=stop_after_attempt(self.attempts), wait=self.wait, sleep=self.sleep,
                            retry=retry_if_exception_type(_Retryable), reraise=True)
        try:
            return retrying(attempt)
        except _Retryable as exc:
            raise FreeeUnavailableError(what=what, attempts=self.attempts, reason=exc.reason) from None

    def _send(self, method: str, path: str, params: Json | None, body: Json | None) -> httpx.Response:
        """One request, renewing the access token once when freee answers 401."""
        token = self.tokens.access_token()
        response = self._http.request(method, self.base_url + path, params=params, json=body,
                                      headers={"Authorization": f"Bearer {token.reveal()}"})
        if response.status_code == 401:
            token = self.tokens.refresh(stale=token)
            response = self._http.request(method, self.base_url + path, params=params, json=body,
                                          headers={"Authorization": f"Bearer {token.reveal()}"})
        return response

    @staticmethod
    def _fault(response: httpx.Response, method: str, what: str, resource: str, company: Any) -> Exception:
        status, said = response.status_code, freee_messages(response)
        reason = f"HTTP {status}" + (f": {'; '.join(said)}" if said else "")
        if status == 429 or (status == 403 and _rate_limited(response, said)) or status >= 500:
            return _Retryable(reason, _retry_after(response))
        if status == 401:
            return FreeeAuthError(reason=reason)
        if status == 403:
            return FreeeForbiddenError(what=what, permission=_permission(method, resource), company=company,
                                       detail="; ".join(said) or f"HTTP {status}")
        return FreeeRejectedError(what=what, messages="; ".join(said) or f"HTTP {status}", status=status,
                                  said=tuple(said))


def freee_messages(response: httpx.Response) -> list[str]:
    """freee's own words from an error answer: `errors[].messages` and `message`."""
    try:
        answer = response.json()
    except ValueError:
        return [response.text.strip()[:200]] if response.text.strip() else []
    if not isinstance(answer, dict):
        return []
    said: list[str] = []
    for error in answer.get("errors") or []:
        messages = error.get("messages") if isinstance(error, dict) else None
        said.extend([messages] if isinstance(messages, str) else [str(m) for m in messages or []])
    for key in ("message", "messages"):
        if isinstance(answer.get(key), str):
            said.append(answer[key])
    return said


def _rate_limited(response: httpx.Response, said: list[str]) -> bool:
    """freee answers a spent request quota with 403 (not 429): told apart by Retry-After or its words."""
    words = " ".join(said).lower()
    return "retry-after" in response.headers or any(mark in words for mark in ("上限", "rate limit", "too many"))


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["retry-after"])
    except (KeyError, ValueError):
        return None


def _permission(method: str, resource: str) -> str:
    """The freee right a request needs, in the words of freee's 権限 screen."""
    names = {"deals": "取引 (deals)", "transfers": "口座振替 (transfers)",
             "manual_journals": "振替伝票 (manual journals)"}
    action = "作成 (create)" if method == "POST" else "閲覧 (read)"
    return f"{names.get(resource, resource)} {action}"
