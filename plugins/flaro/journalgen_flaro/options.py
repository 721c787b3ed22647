"""`[targets.flaro]`: per-store links with the seed's code limit, 共通設定, and the webhook URL."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from journalgen.links import StoreLink

STORE_CODE_RULE = "must be 1 to 10 digits in quotes (FLARO 自社コード: at most 10 digits)"
WEBHOOK_RULE = "must be an https:// URL (http:// only to a loopback address such as 127.0.0.1, for tests)"


class FlaroStore(StoreLink):
    """初期データ連携設定 (seed 002 §2-2): FLARO's 自社コード for one register store, and its link window."""

    store_code: StrictStr = Field(description="FLARO 自社コード (FLARO店舗コード), 1–10 digits")

    @field_validator("store_code")
    @classmethod
    def _store_code(cls, value: str) -> str:
        if not (value.isascii() and value.isdigit() and 1 <= len(value) <= 10):
            raise ValueError(STORE_CODE_RULE)
        return value


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


class FlaroOptions(BaseModel):
    """The validated `[targets.flaro]` table (README, "FLARO")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stores: dict[str, FlaroStore] = {}
    own_product_codes: bool = False
    """共通設定: send 自社商品コード instead of the register's 商品コード."""
    own_category_codes: bool = False
    """共通設定: send 自社親/子カテゴリコード instead of the register's category codes."""
    webhook_url: StrictStr | None = None
    """Webhook連携先URL: where `journalgen send --target flaro` POSTs each store-day's feed."""

    @field_validator("webhook_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if not (parts.scheme == "https" and parts.hostname) and not (
                parts.scheme == "http" and _loopback(parts.hostname)):
            raise ValueError(WEBHOOK_RULE)
        return value
