"""A headless Chromium driven over the DevTools protocol on a pipe: no extra package, no network
port. The tests load a review page at a given width and media (screen or print), measure its
layout with an expression, read the DOM the browser built, and take screenshots."""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
from pathlib import Path
from typing import Any

A4_LANDSCAPE_PRINT_WIDTH = round((297 - 2 * 10) / 25.4 * 96)
"""CSS pixels across A4 landscape inside the page's 10 mm margins (`@page` in the stylesheet)."""

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--remote-debugging-pipe")
PATIENCE = 120
"""Seconds to wait for one answer of the browser before giving up (a hang, not a measurement)."""


def chromium_binary() -> str | None:
    """A Chromium (or Chrome) binary on this machine, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


class Chromium:
    """One headless browser with one tab. The protocol runs on the browser's file descriptors
    3 (it reads) and 4 (it writes), which a shell sets up from the pipes given as its stdin and
    stdout: messages are JSON, each ended by a NUL byte."""

    def __init__(self, binary: str, profile: Path):
        self.process = subprocess.Popen(
            ["sh", "-c", 'exec "$0" "$@" 3<&0 4>&1 </dev/null >/dev/null', binary, *FLAGS,
             f"--user-data-dir={profile}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )
        self.buffer = b""
        self.next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()

    def _send(self, method: str, params: dict[str, Any], session: bool) -> int:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.process.stdin.write(json.dumps(message).encode() + b"\0")
        self.process.stdin.flush()
        return self.next_id

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.process.stdout], [], [], PATIENCE)
            chunk = os.read(self.process.stdout.fileno(), 1 << 20) if ready else b""
            if not chunk:
                raise RuntimeError("Chromium stopped answering")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and return its result (events arriving meanwhile are dropped)."""
        sent = self._send(method, params, session)
        while True:
            message = self._receive()
            if message.get("id") == sent:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def load(self, page: Path, width: int, media: str = "screen", height: int = 900) -> None:
        """Open `page` in a viewport `width` CSS pixels wide (a phone's below 500), in `media`."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 500)
        self.call("Emulation.setEmulatedMedia", session=True, media=media)
        sent = self._send("Page.navigate", {"url": page.resolve().as_uri()}, session=True)
        loaded = navigated = False
        while not (loaded and navigated):
            message = self._receive()
            navigated = navigated or message.get("id") == sent
            loaded = loaded or message.get("method") == "Page.loadEventFired"

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (the page itself runs no script)."""
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"]["value"]

    def dom(self) -> str:
        """The page as the browser built it."""
        return self.evaluate("document.documentElement.outerHTML")

    def screenshot(self, path: Path) -> None:
        """A PNG of the whole page, not only the viewport."""
        data = self.call("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def pdf(self) -> bytes:
        """The page printed as the browser prints it, on the paper its `@page` rule asks for."""
        return base64.b64decode(self.call("Page.printToPDF", session=True, preferCSSPageSize=True)["data"])


LAYOUT = """(() => {
  const width = document.documentElement.clientWidth;
  const outside = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const scroller = element.parentElement.closest('.scroll');
    if (scroller) continue;
    if (box.right > width + 0.5 || box.left < -0.5)
      outside.push(`${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''} right=${Math.round(box.right)}`);
  }
  const top = (selector) => { const e = document.querySelector(selector); return e ? e.getBoundingClientRect().top : null; };
  return {
    width,
    scrollWidth: document.documentElement.scrollWidth,
    outside: outside.slice(0, 10),
    scrollingBoxes: [...document.querySelectorAll('.scroll')]
      .filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => (box.closest('section') || box).id || box.tagName),
    theadDisplay: [...document.querySelectorAll('thead')].map((head) => getComputedStyle(head).display),
    tfootDisplay: [...document.querySelectorAll('tfoot')].map((foot) => getComputedStyle(foot).display),
    bannerTop: top('#refusals'),
    summaryTop: top('#summary'),
    journalTop: top('#journal'),
  };
})()"""
"""What the tests measure: the page's width and scroll width, elements reaching past the right
edge (outside a box that scrolls on its own), boxes that do scroll, how table headers and
footers display, and where the banner, the summary and the journal begin."""
