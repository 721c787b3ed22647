"""Japanese and English messages from babel message catalogs.

Message ids are the English text with `{name}` placeholders; `locale/ja/LC_MESSAGES/journalgen.po`
holds the Japanese. A plugin with messages of its own ships a `locale/` folder the same way.
"""

from __future__ import annotations

import functools
import locale
import os
from pathlib import Path
from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
CORE_LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "journalgen"


@functools.cache
def catalog(locale_dir: Path, lang: str) -> dict[str, str]:
    """The translated strings of one catalog, by message id (empty when there is none)."""
    from babel.messages.pofile import read_po  # babel only when a catalog is read: English help needs none

    po_file = locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.is_file():
        return {}
    with po_file.open("rb") as handle:
        messages = read_po(handle, locale=lang)
    return {message.id: message.string for message in messages if message.id and message.string}


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
    language = (locale.getlocale()[0] or "").lower()
    return "ja" if language.startswith(("ja", "japanese")) else "en"


def format_yen(amount: int) -> str:
    """An amount of yen as a Japanese reader expects it: `￥102,220` (babel, ja_JP)."""
    from babel.numbers import format_currency

    return format_currency(amount, "JPY", locale="ja_JP")
