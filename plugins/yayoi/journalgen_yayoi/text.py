"""Text as 弥生 takes it: Shift_JIS (cp932) only, one line, no longer than the field allows.

Nothing is changed silently: a character cp932 cannot encode and a text over its limit are
errors unless `[targets.yayoi]` asks for the documented replacement or truncation.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple, NoReturn

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
"""How many distinct texts (with their limits) the pure functions below remember: a run has a
few hundred."""


class Limit(NamedTuple):
    """How long a field may be, in characters and/or half-width columns (cp932 bytes: a
    full-width character takes 2). 弥生会計 オンライン counts characters, the desktop columns.
    A tuple, so that the text cache below hashes it in C."""

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


def _one_line(text: str) -> str:
    """`text` composed, each control character a space."""
    return _CONTROL.sub(" ", composed(text))


class TextRules:
    """Applies the cp932 and length rules to the texts of one store-day, naming the voucher and
    field in errors."""

    def __init__(self, options: YayoiOptions, file: str):
        self.file = file
        self._repairs = (options.unencodable == "replace", options.replacement, options.overlong == "truncate")

    def fit(self, text: str, field: str, limit: Limit | None, entry: Callable[[], str]) -> str:
        """`text` composed, made one line, cp932-encodable and within `limit`; raises
        UnencodableTextError or TextTooLongError/TextTooWideError, naming `entry()`, when settings
        do not ask to replace or truncate."""
        fitted = _fitted(text, limit, self._repairs)
        if fitted is None:
            self._refuse(text, field, limit, entry())
        return fitted

    def _refuse(self, text: str, field: str, limit: Limit | None, entry: str) -> NoReturn:
        encoded = _fitted(text, None, self._repairs)
        if encoded is None:
            text = _one_line(text)
            char = next(char for char in text if not encodable(char))
            raise UnencodableTextError(file=self.file, field=field, value=text, entry=entry,
                                       char=char, codepoint=f"U+{ord(char):04X}")
        if limit.characters is not None and len(encoded) > limit.characters:
            raise TextTooLongError(file=self.file, field=field, value=encoded, entry=entry,
                                   length=len(encoded), limit=limit.characters)
        raise TextTooWideError(file=self.file, field=field, value=encoded, entry=entry,
                               length=width(encoded), limit=limit.columns)


@functools.lru_cache(maxsize=CACHED_TEXTS)
def _fitted(text: str, limit: Limit | None, repairs: tuple[bool, str, bool]) -> str | None:
    """`text` as `TextRules.fit` writes it, or None when it breaks a rule that is not to be repaired;
    `repairs`: whether to replace what cp932 cannot encode, by what, whether to truncate."""
    replace, replacement, truncate = repairs
    text = _one_line(text)
    try:  # the whole text at once; character by character only when it fails
        read = as_cp932_reads(text)
    except UnicodeEncodeError:
        if not replace:
            return None
        read = "".join(_replaced(char, replacement) for char in text)
    if limit is None or limit.fits(read):
        return read
    return _truncated(read, limit) if truncate else None


def _replaced(char: str, replacement: str) -> str:
    """`char` as cp932 reads it back, else its look-alike, its NFKC form or `replacement`."""
    for candidate in (char, LOOK_ALIKES.get(char, ""), unicodedata.normalize("NFKC", char)):
        if candidate and encodable(candidate):
            return as_cp932_reads(candidate)
    return as_cp932_reads(replacement)


def _truncated(text: str, limit: Limit) -> str:
    kept = ""
    for char in text:
        if not limit.fits(kept + char):
            break
        kept += char
    return kept
