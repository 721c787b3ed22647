"""Text as 弥生 takes it: Shift_JIS (cp932) only, one line, no longer than the field allows.

Nothing is changed silently: a character cp932 cannot encode and a text over its limit are
errors unless `[targets.yayoi]` asks for the documented replacement or truncation.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from journalgen_yayoi.errors import TextTooLongError, TextTooWideError, UnencodableTextError
from journalgen_yayoi.options import YayoiOptions

ENCODING = "cp932"

# Characters cp932 cannot encode but has a look-alike for; `replace` writes the look-alike.
LOOK_ALIKES = {
    "\u2014": "\u2015",  # — EM DASH → ―
    "\u00a5": "\uffe5",  # ¥ YEN SIGN → ￥
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CACHED_TEXTS = 4096
"""How many distinct texts the pure functions below remember: a run has a few hundred."""


@dataclass(frozen=True)
class Limit:
    """How long a field may be, in characters and/or half-width columns (cp932 bytes: a
    full-width character takes 2). 弥生会計 オンライン counts characters, the desktop columns."""

    characters: int | None = None
    columns: int | None = None

    def fits(self, text: str) -> bool:
        """Whether cp932-encodable `text` is within both limits."""
        return (self.characters is None or len(text) <= self.characters) and (
            self.columns is None or width(text) <= self.columns)


ACCOUNT = Limit(characters=12, columns=24)
SUB_ACCOUNT = Limit(characters=15, columns=24)
SECTION = Limit(columns=24)
DESCRIPTION = Limit(columns=64)


def encodable(text: str) -> bool:
    """Whether cp932 can encode `text`."""
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def composed(text: str) -> str:
    """`text` with every base character and the combining marks after it composed (NFC), as
    macOS writes decomposed text: か + U+3099 becomes が. A character without marks is kept:
    whole-text NFC would also turn U+212B ANGSTROM SIGN (in cp932) into U+00C5 (not in cp932),
    and cp932's compatibility ideographs (U+FA10, U+FA19 …) into other code points."""
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return "".join(unicodedata.normalize("NFC", cluster) if len(cluster) > 1 else cluster for cluster in clusters)


def as_cp932_reads(text: str) -> str:
    """Encodable `text` as it reads back from cp932: the JIS code points 〜 ‖ − ¢ £ ¬ come back as
    their cp932 twins ～ ∥ － ￠ ￡ ￢ (the same glyphs), so both outputs write the twins."""
    return text.encode(ENCODING).decode(ENCODING)


@functools.lru_cache(maxsize=CACHED_TEXTS)
def width(text: str) -> int:
    """Half-width columns of cp932-encodable `text`: 1 per single-byte, 2 per double-byte."""
    return len(text.encode(ENCODING))


@functools.lru_cache(maxsize=CACHED_TEXTS)
def _one_line(text: str) -> str:
    """`text` composed, each control character a space."""
    return _CONTROL.sub(" ", composed(text))


@functools.lru_cache(maxsize=CACHED_TEXTS)
def _cp932_read(text: str) -> str | None:
    """`text` as it reads back from cp932 when cp932 encodes all of it, else None."""
    try:
        return as_cp932_reads(text)
    except UnicodeEncodeError:
        return None


class TextRules:
    """Applies the cp932 and length rules to the text of one voucher, naming it in errors."""

    def __init__(self, options: YayoiOptions, file: str, entry: str):
        self.options = options
        self.file = file
        self.entry = entry

    def fit(self, text: str, field: str, limit: Limit | None = None) -> str:
        """`text` composed, made one line, cp932-encodable and within `limit`; raises
        UnencodableTextError or TextTooLongError/TextTooWideError when settings do not ask to
        replace or truncate."""
        text = _one_line(text)
        read = _cp932_read(text)  # the whole text at once; character by character only when it fails
        text = read if read is not None else "".join(self._encodable(char, text, field) for char in text)
        if limit is None or limit.fits(text):
            return text
        if self.options.overlong == "truncate":
            return _truncated(text, limit)
        if limit.characters is not None and len(text) > limit.characters:
            raise TextTooLongError(file=self.file, field=field, value=text, entry=self.entry,
                                   length=len(text), limit=limit.characters)
        raise TextTooWideError(file=self.file, field=field, value=text, entry=self.entry,
                               length=width(text), limit=limit.columns)

    def _encodable(self, char: str, text: str, field: str) -> str:
        if encodable(char):
            return as_cp932_reads(char)
        if self.options.unencodable == "replace":
            for candidate in (LOOK_ALIKES.get(char, ""), unicodedata.normalize("NFKC", char)):
                if candidate and encodable(candidate):
                    return as_cp932_reads(candidate)
            return as_cp932_reads(self.options.replacement)
        raise UnencodableTextError(file=self.file, field=field, value=text, entry=self.entry,
                                   char=char, codepoint=f"U+{ord(char):04X}")


def _truncated(text: str, limit: Limit) -> str:
    kept = ""
    for char in text:
        if not limit.fits(kept + char):
            break
        kept += char
    return kept
