"""Text from an input or a settings file, made safe to show in a message.

A register export or a copied settings file can hold anything: terminal escape sequences that
would recolour or rewrite the user's terminal, bidirectional marks that make a message read
differently from what it says, control characters, or a value of a million characters. Messages
show such text escaped (`\\x1b`, `\\u202e`) and cut to a readable length that says how long the
value really is.
"""

from __future__ import annotations

import re

MAX_SHOWN = 100
"""The most characters of one value a message shows; a longer one is cut, with its length."""

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 and C1 controls, ESC among them
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"  # bidirectional marks and invisible characters
    "\u2028\u2029\ud800-\udfff]"  # line breaks that are not \n, lone surrogates
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """`text` with every control, bidirectional or invisible character written as an escape."""
    return _UNSAFE.sub(_escape, text)


def cut(text: str, limit: int = MAX_SHOWN) -> tuple[str, int | None]:
    """`text` escaped and cut to `limit` characters, with its full length when it was cut."""
    if len(text) <= limit:
        return escaped(text), None
    return escaped(text[:limit]), len(text)
