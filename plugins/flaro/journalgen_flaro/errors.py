"""The FLARO target's refusals. Each has a stable code; the Japanese is in `locale/`."""

from __future__ import annotations

from pathlib import Path

from journalgen.errors import JournalgenError

LOCALE_DIR = Path(__file__).parent / "locale"


class FlaroError(JournalgenError):
    """Base of the FLARO target's errors: messages come from this plugin's catalog."""

    locale_dir = LOCALE_DIR


class OwnCodeMissingError(FlaroError):
    """共通設定 asks for 自社商品コード / 自社カテゴリコード and a product has none."""

    code = "FLARO_OWN_CODE_MISSING"
    template = (
        "{file}: product {product} has no {field}, which [targets.flaro] {setting} = true sends; "
        "set it in the register's product master, or turn {setting} off"
    )


class ExportOnlyError(FlaroError):
    """The 支払種別 CSV is for FLARO's own upload: journalgen has nothing to import from it."""

    code = "FLARO_EXPORT_ONLY"
    template = (
        "{file}: the FLARO 支払種別 CSV is uploaded to FLARO (see FLARO's manual); journalgen only "
        "exports it, since its 取込コード is the register's 支払科目ID"
    )


class VersionLostError(FlaroError):
    """A version to deliver whose body is neither kept in the sent-ledger nor in its files any more."""

    code = "FLARO_VERSION_LOST"
    template = (
        "{key} cannot be delivered: its files in {folder} are gone or changed since it was emitted and the "
        "sent-ledger keeps no copy of it; a later version of the day is delivered in its place (to make one, "
        "rebuild the day with journalgen build --target flaro --full)"
    )
