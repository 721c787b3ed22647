"""Text as 弥生 takes it: Shift_JIS (cp932) only, one line, no longer than the field allows.

Nothing is changed silently: a character cp932 cannot encode and a text over its limit are
errors unless `[targets.yayoi]` asks for the documented replacement or truncation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from journalgen_yayoi.errors import TextTooLongError, TextTooWideError, UnencodableTextError
from journalgen_yayoi.options import YayoiOptions

ENCODING = "cp932"

# Characters cp932 cannot encode but has a look-alike for; `replace` writes the look-alike.
LOOK_ALIKES = {
    "\u2014": "\u2015",  # — EM DASH → ―
    "\u00a5": "\uffe5",  # ¥ YEN SIGN → ￥
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Limit:
    """How long a field may be: in characters, or in half-width columns (cp932 bytes)."""

    size: int
    unit: Literal["characters", "columns"]


ACCOUNT = Limit(12, "characters")
SUB_ACCOUNT = Limit(15, "characters")
SECTION = Limit(24, "columns")
DESCRIPTION = Limit(64, "columns")


def encodable(text: str) -> bool:
    """Whether cp932 can encode `text`."""
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def as_cp932_reads(text: str) -> str:
    """Encodable `text` as it reads back from cp932: the JIS code points 〜 ‖ − ¢ £ ¬ come back as
    their cp932 twins ～ ∥ － ￠ ￡ ￢ (the same glyphs), so both outputs write the twins."""
    return text.encode(ENCODING).decode(ENCODING)


def width(text: str) -> int:
    """Half-width columns of cp932-encodable `text`: 1 per single-byte, 2 per double-byte."""
    return len(text.encode(ENCODING))


def measure(text: str, limit: Limit) -> int:
    """The length of `text` in the unit of `limit`."""
    return len(text) if limit.unit == "characters" else width(text)


class TextRules:
    """Applies the cp932 and length rules to the text of one voucher, naming it in errors."""

    def __init__(self, options: YayoiOptions, file: str, entry: str):
        self.options = options
        self.file = file
        self.entry = entry

    def fit(self, text: str, field: str, limit: Limit | None = None) -> str:
        """`text` made one line, cp932-encodable and within `limit`; raises UnencodableTextError
        or TextTooLongError/TextTooWideError when settings do not ask to replace or truncate."""
        text = _CONTROL.sub(" ", text)
        text = "".join(self._encodable(char, text, field) for char in text)
        if limit is None or measure(text, limit) <= limit.size:
            return text
        if self.options.overlong == "truncate":
            return _truncated(text, limit)
        error = TextTooLongError if limit.unit == "characters" else TextTooWideError
        raise error(file=self.file, field=field, value=text, entry=self.entry,
                    length=measure(text, limit), limit=limit.size)

    def _encodable(self, char: str, text: str, field: str) -> str:
        if encodable(char):
            return as_cp932_reads(char)
        if self.options.unencodable == "replace":
            for candidate in (LOOK_ALIKES.get(char, ""), unicodedata.normalize("NFKC", char)):
                if candidate and encodable(candidate):
                    return as_cp932_reads(candidate)
            return self.options.replacement
        raise UnencodableTextError(file=self.file, field=field, value=text, entry=self.entry,
                                   char=char, codepoint=f"U+{ord(char):04X}")


def _truncated(text: str, limit: Limit) -> str:
    kept = ""
    for char in text:
        if measure(kept + char, limit) > limit.size:
            break
        kept += char
    return kept
