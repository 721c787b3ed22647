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


class WebhookNotSetError(FlaroError):
    """`journalgen send --target flaro` has nowhere to send: no `[targets.flaro] webhook_url`."""

    code = "FLARO_WEBHOOK_NOT_SET"
    template = "{file}: [targets.flaro] has no webhook_url (Webhook連携先URL); set it to send"
