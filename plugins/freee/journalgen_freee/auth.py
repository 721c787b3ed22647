"""Connecting journalgen to freee once: OAuth 2.0 authorization code flow for a desktop user.

The user's browser opens freee's authorization page (`prompt=select_company` lets them pick the
事業所); freee sends the code back to a redirect URI registered for the app. For
`http://127.0.0.1:PORT/…` (or localhost) journalgen catches it on that port; for
`urn:ietf:wg:oauth:2.0:oob` freee shows the code and the user pastes it. The code is exchanged for
a token pair that is saved owner-only before anything else happens.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from journalgen_freee.faults import FreeeAuthError
from journalgen_freee.tokens import OAuthApp, TokenPair, TokenStore, token_request

OUT_OF_BAND = "urn:ietf:wg:oauth:2.0:oob"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def authorization_url(app: OAuthApp, redirect_uri: str, state: str) -> str:
    """freee's authorization page for `app`, asking to pick the 事業所."""
    query = {"client_id": app.client_id, "redirect_uri": redirect_uri, "response_type": "code",
             "state": state, "prompt": "select_company"}
    return f"{app.authorize_url}?{urlencode(query)}"


def is_loopback(redirect_uri: str) -> bool:
    parts = urlsplit(redirect_uri)
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS and parts.port is not None


class RedirectCatcher:
    """A one-shot HTTP server on the redirect URI's loopback port that waits for freee's redirect."""

    def __init__(self, redirect_uri: str, state: str):
        parts = urlsplit(redirect_uri)
        self.path, self.state = parts.path or "/", state
        self.answer: dict[str, str] = {}
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                done = url.path == catcher.path and ("code" in query or "error" in query)
                if done:
                    catcher.answer = query
                self.send_response(200 if done else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                if done:
                    self.wfile.write("<p>journalgen: freee との連携を受け取りました。この画面は閉じてかまいません。"
                                     "<br>freee is connected; you may close this page.</p>".encode())

            def log_message(self, *_args: object) -> None:  # the query holds the code: never log it
                pass

        self.server = HTTPServer((parts.hostname, parts.port), Handler)

    def wait(self) -> str:
        """Serve until freee's redirect arrives; its code (FreeeAuthError when refused or forged)."""
        try:
            while not self.answer:
                self.server.handle_request()
        finally:
            self.server.server_close()
        return checked_code(self.answer, self.state)


def checked_code(answer: dict[str, str], state: str) -> str:
    """The code of a redirect whose `state` is ours; FreeeAuthError for an error or another state."""
    if "error" in answer:
        raise FreeeAuthError(reason=f"{answer['error']} {answer.get('error_description', '')}".strip())
    if answer.get("state") != state:
        raise FreeeAuthError(reason="the redirect's state does not match this request")
    return answer["code"]


def connect(app: OAuthApp, store: TokenStore, redirect_uri: str, *, show_url: Callable[[str], None],
            read_code: Callable[[], str], http: httpx.Client | None = None) -> TokenPair:
    """Run the authorization code flow and save the pair: `show_url` prints (and opens) the page,
    `read_code` asks for the pasted code when the redirect URI is not a loopback one."""
    state = secrets.token_urlsafe(16)
    try:
        catcher = RedirectCatcher(redirect_uri, state) if is_loopback(redirect_uri) else None
    except OSError as exc:
        raise FreeeAuthError(reason=f"cannot listen on {redirect_uri}: {exc.strerror or exc}") from None
    show_url(authorization_url(app, redirect_uri, state))
    code = catcher.wait() if catcher else read_code().strip()
    if not code:
        raise FreeeAuthError(reason="no authorization code was given")
    client = http or httpx.Client(timeout=30.0)
    try:
        pair = token_request(client, app, {"grant_type": "authorization_code", "code": code,
                                           "redirect_uri": redirect_uri})
    finally:
        if http is None:
            client.close()
    with store.locked():
        store.save(pair)
    return pair
