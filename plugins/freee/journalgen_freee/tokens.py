"""freee OAuth tokens: kept secret in memory, stored owner-only on disk, renewed exactly once.

freee's refresh tokens are single-use: each refresh returns a new pair and the old refresh token
is dead. So the new pair is written to the store (atomically, under a lock shared by every
journalgen process) before the new access token is used, and a process that finds the pair
already renewed by another uses that one instead of spending a dead refresh token.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import platformdirs

from journalgen_freee.faults import FreeeAuthError, FreeeNotConnectedError

ACCESS_TOKEN_ENV = "FREEE_ACCESS_TOKEN"
ACCOUNTS_BASE_ENV = "JOURNALGEN_FREEE_ACCOUNTS_BASE"
DEFAULT_ACCOUNTS_BASE = "https://accounts.secure.freee.co.jp"
TOKENS_FILE = "freee-tokens.json"


class Secret:
    """A token or client secret: its repr and str never show it; `reveal()` does."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class TokenPair:
    """An access token, the refresh token that renews it, and when the access token expires."""

    access: Secret
    refresh: Secret | None = None
    expires_at: float | None = None
    company_id: int | None = None

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> TokenPair:
        """The pair of a token endpoint answer (`access_token`, `refresh_token`, `expires_in`)."""
        expires_in = answer.get("expires_in")
        return cls(access=Secret(answer["access_token"]),
                   refresh=Secret(answer["refresh_token"]) if answer.get("refresh_token") else None,
                   expires_at=time.time() + float(expires_in) if expires_in else None,
                   company_id=answer.get("company_id"))

    def document(self) -> dict[str, Any]:
        return {"access_token": self.access.reveal(),
                "refresh_token": self.refresh.reveal() if self.refresh else None,
                "expires_at": self.expires_at, "company_id": self.company_id}

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> TokenPair:
        return cls(access=Secret(document["access_token"]),
                   refresh=Secret(document["refresh_token"]) if document.get("refresh_token") else None,
                   expires_at=document.get("expires_at"), company_id=document.get("company_id"))


@dataclass(frozen=True)
class OAuthApp:
    """A freee app (アプリ) registered by the user: its client id and secret, and freee's endpoints."""

    client_id: str
    client_secret: Secret
    accounts_base: str = DEFAULT_ACCOUNTS_BASE

    @property
    def token_url(self) -> str:
        return f"{self.accounts_base.rstrip('/')}/public_api/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.accounts_base.rstrip('/')}/public_api/authorize"


def accounts_base() -> str:
    """freee's accounts server: JOURNALGEN_FREEE_ACCOUNTS_BASE, else accounts.secure.freee.co.jp."""
    return os.environ.get(ACCOUNTS_BASE_ENV) or DEFAULT_ACCOUNTS_BASE


def token_request(http: httpx.Client, app: OAuthApp, grant: dict[str, str]) -> TokenPair:
    """POST a grant to freee's token endpoint; the new pair, or FreeeAuthError naming freee's reason."""
    data = {**grant, "client_id": app.client_id, "client_secret": app.client_secret.reveal()}
    try:
        response = http.post(app.token_url, data=data)
    except httpx.TransportError as exc:
        raise FreeeAuthError(reason=f"{app.token_url}: {type(exc).__name__}") from None
    if response.status_code != 200:
        try:
            answer = response.json()
            detail = ": ".join(str(answer[key]) for key in ("error", "error_description") if answer.get(key)) \
                if isinstance(answer, dict) else None
        except ValueError:
            detail = None
        raise FreeeAuthError(reason=f"HTTP {response.status_code}" + (f" {detail}" if detail else ""))
    try:
        return TokenPair.from_answer(response.json())
    except (ValueError, KeyError, TypeError):
        raise FreeeAuthError(reason="the token endpoint answered without an access_token") from None


class TokenStore:
    """The pair in a JSON file, owner-only (0600) in the user's config folder, replaced atomically;
    `locked()` serialises renewals across processes."""

    def __init__(self, path: Path | None = None):
        self.path = path or Path(platformdirs.user_config_dir("journalgen")) / TOKENS_FILE

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    def load(self) -> TokenPair | None:
        try:
            return TokenPair.from_document(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise FreeeAuthError(reason=f"{self.path}: {exc.strerror or exc}") from None
        except (ValueError, KeyError, TypeError):
            raise FreeeAuthError(reason=f"{self.path} is not a saved freee token file") from None

    def save(self, pair: TokenPair) -> None:
        """Write `pair` to a new owner-only file, flush it to disk, then rename it over the old one."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(pair.document(), stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    @contextmanager
    def locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.path.with_name(self.path.name + ".lock"), "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class TokenSource(Protocol):
    """Where the client gets its bearer token, and how it renews one freee refused."""

    def access_token(self) -> Secret: ...

    def refresh(self, stale: Secret) -> Secret: ...


class GivenToken:
    """FREEE_ACCESS_TOKEN, used as given (connectors, CI): it cannot be renewed."""

    def __init__(self, token: Secret):
        self._token = token

    def __repr__(self) -> str:
        return "GivenToken(Secret('********'))"

    def access_token(self) -> Secret:
        return self._token

    def refresh(self, stale: Secret) -> Secret:
        raise FreeeAuthError(reason=f"{ACCESS_TOKEN_ENV} was refused; give a fresh one")


class StoredTokens:
    """The pair `journalgen auth freee` saved, renewed through freee's token endpoint when refused."""

    def __init__(self, store: TokenStore, app: OAuthApp | None, http: httpx.Client | None = None):
        self.store, self.app = store, app
        self._http = http or httpx.Client(timeout=30.0)

    def __repr__(self) -> str:
        return f"StoredTokens({self.store!r})"

    def access_token(self) -> Secret:
        pair = self.store.load()
        if pair is None:
            raise FreeeNotConnectedError()
        return pair.access

    def refresh(self, stale: Secret) -> Secret:
        """A fresh access token: the one another process already renewed, else a new pair from
        freee, saved before it is returned."""
        with self.store.locked():
            pair = self.store.load()
            if pair is None:
                raise FreeeNotConnectedError()
            if pair.access != stale:
                return pair.access
            if pair.refresh is None or self.app is None:
                raise FreeeAuthError(reason="no refresh token or client id/secret to renew it with")
            renewed = token_request(self._http, self.app, {"grant_type": "refresh_token",
                                                           "refresh_token": pair.refresh.reveal()})
            if renewed.refresh is None:  # freee always rotates; keep the old one if a server does not
                renewed = TokenPair(renewed.access, pair.refresh, renewed.expires_at, pair.company_id)
            self.store.save(renewed)
            return renewed.access


def token_source(app: OAuthApp | None, store: TokenStore | None = None) -> TokenSource:
    """FREEE_ACCESS_TOKEN when set, else the stored pair (renewable when `app` is known)."""
    given = os.environ.get(ACCESS_TOKEN_ENV)
    if given:
        return GivenToken(Secret(given))
    return StoredTokens(store or TokenStore(), app)
