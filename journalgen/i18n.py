"""Japanese and English messages from gettext message catalogs (`.po`).

Message ids are the English text with `{name}` placeholders; `locale/ja/LC_MESSAGES/journalgen.po`
holds the Japanese. A plugin with messages of its own ships a `locale/` folder the same way.
The catalogs are read here, not by babel: babel's reader took ~80 ms of a one-day build's start
for the core catalog alone (a test pins this reader to babel's on every shipped catalog).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
CORE_LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "journalgen"


@functools.cache
def catalog(locale_dir: Path, lang: str) -> dict[str, str]:
    """The translated strings of one catalog, by message id (empty when there is none)."""
    po_file = locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.is_file():
        return {}
    return read_po(po_file.read_text(encoding="utf-8"), str(po_file))


_PO_LINE = re.compile(r'(?:(msgid|msgstr) )?("[^"\\]*(?:\\.[^"\\]*)*")$')  # runs of plain characters, not one by one
_PO_ESCAPE = re.compile(r'\\([\\trn"])')
_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def read_po(text: str, file: str) -> dict[str, str]:
    """The translated messages of a `.po` file's text, by id (untranslated ones and the header
    left out). Only what journalgen's catalogs use is read: comments, and `msgid`/`msgstr` with
    continued strings; anything else (plurals, contexts) is a ValueError naming the line."""
    entries: list[dict[str, str]] = []
    keyword = ""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _PO_LINE.match(line)
        if match is None or not (entries or match[1] == "msgid"):
            raise ValueError(f"{file}:{number}: not a msgid/msgstr line journalgen reads: {line}")
        if match[1] == "msgid":
            entries.append({})
        if match[1]:
            keyword = match[1]
            entries[-1][keyword] = ""
        entries[-1][keyword] += _PO_ESCAPE.sub(lambda escape: _PO_ESCAPES.get(escape[1], escape[1]), match[2][1:-1])
    return {entry["msgid"]: entry["msgstr"] for entry in entries if entry["msgid"] and entry.get("msgstr")}


def translate(msgid: str, lang: Lang, locale_dir: Path = CORE_LOCALE_DIR) -> str:
    """`msgid` in `lang`, from the catalog in `locale_dir` (a plugin's), else the core's;
    English is the id itself, and so is a message no catalog translates."""
    if lang == "en":
        return msgid
    return catalog(locale_dir, lang).get(msgid) or catalog(CORE_LOCALE_DIR, lang).get(msgid, msgid)


def default_lang() -> Lang:
    """`ja` when the user's locale is Japanese, else `en`: from LC_ALL, LC_MESSAGES or LANG,
    else from the system's locale (Windows sets no variable; its locale reads `Japanese_Japan`)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    import locale  # only when no variable says

    language = (locale.getlocale()[0] or "").lower()
    return "ja" if language.startswith(("ja", "japanese")) else "en"


def format_yen(amount: int) -> str:
    """An amount of yen as a Japanese reader expects it: `￥102,220`, `-￥100` (what babel's
    ja_JP currency format gives, pinned by a test, without loading babel's locale data)."""
    return f"{'-' if amount < 0 else ''}￥{abs(amount):,}"
