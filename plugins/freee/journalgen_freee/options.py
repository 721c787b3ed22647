"""The `[targets.freee]` settings section: freee ids by name, tax codes, and how deals group.

freee ids are per company, so every id the bodies need is looked up by the name the neutral
journal uses (勘定科目 `売上高`, 品目 `【POS Regi】現金`, 部門 `0001:店舗名`, 口座 `現金` …),
first here, then in the saved company file when `company_file` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, SecretStr, ValidationInfo, field_validator

from journalgen.close import TaxCategory
from journalgen.settings import over_defaults

WalletableType = Literal["bank_account", "credit_card", "wallet"]

TaxCode = Annotated[int, Field(ge=0, le=2_147_483_647)]
"""A freee 税区分コード: the range dealCreateParams.details[].tax_code takes."""

DEFAULT_TAX_CODES: dict[TaxCategory, int] = {
    TaxCategory.standard_10: 129,  # 課税売上10%
    TaxCategory.reduced_8: 156,  # 課税売上8%（軽）
    TaxCategory.old_8: 101,  # 課税売上8%
    TaxCategory.non_taxable: 23,  # 非課売上
    TaxCategory.out_of_scope: 2,  # 対象外
}
"""Sales-side freee 税区分コード; 輸出売上 has no default and must be set when used."""

DEFAULT_SALES_RETURN_TAX_CODES: dict[TaxCategory, int] = {TaxCategory.standard_10: 143}  # 課税売返10%
"""売上返還 codes, for voids of earlier days with `[journal] earlier_day_voids = "sales_return"`: 143
is freee's published 課税売返10% (developer.freee.co.jp/news/1434); look up the 8% ones."""

DEFAULT_PURCHASE_TAX_CODES: dict[TaxCategory, int] = {TaxCategory.out_of_scope: 2}
"""Purchase-side codes (課対仕入…) differ per company setup, so only 対象外 has a default."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Walletable(_Frozen):
    """A freee 口座 (walletable): the register's 現金 is a `wallet`, a bank is a `bank_account`."""

    id: PositiveInt
    type: WalletableType


class FreeeOptions(_Frozen):
    """What `[targets.freee]` takes; see docs/freee.md for an example."""

    company_id: PositiveInt | None = Field(default=None, description="事業所ID; else the company file's id")
    company_file: Path | None = Field(
        default=None,
        description="a saved `GET /api/1/companies/{id}?details=true` response: ids by name and fiscal years",
    )
    sales_deals: Literal["per_payment_kind", "per_day"] = Field(
        default="per_payment_kind",
        description="one deal per payment kind (cash settled, others 未決済), or the whole day in one deal "
        "with the cash part as a partial payment",
    )
    ref_prefix: str = Field(
        default="POS", pattern=r"^[0-9A-Za-z_-]+$", max_length=11,
        description="first part of ref_number; at most 11 characters, so a manual journal's 20 keep 8 digits of its key",
    )
    detail_tags: tuple[str, ...] = Field(default=(), description="メモタグ names put on every detail line")
    account_items: dict[str, PositiveInt] = Field(default={}, description="勘定科目 name → account_item_id")
    items: dict[str, PositiveInt] = Field(default={}, description="品目 name → item_id")
    sections: dict[str, PositiveInt] = Field(default={}, description="部門 name → section_id")
    tags: dict[str, PositiveInt] = Field(default={}, description="メモタグ name → tag id")
    partners: dict[str, PositiveInt] = Field(default={}, description="取引先 name → partner_id")
    walletables: dict[str, Walletable | str] = Field(
        default={},
        description="account name (現金, 普通預金 …) → its 口座 {id, type}, or the 口座's name in the company file",
    )
    tax_codes: dict[TaxCategory, TaxCode] = Field(default=DEFAULT_TAX_CODES, description="sales-side 税区分コード")
    purchase_tax_codes: dict[TaxCategory, TaxCode] = Field(
        default=DEFAULT_PURCHASE_TAX_CODES, description="purchase-side 税区分コード, for paid-out cash"
    )
    sales_return_tax_codes: dict[TaxCategory, TaxCode] = Field(
        default=DEFAULT_SALES_RETURN_TAX_CODES, description="売上返還 税区分コード (課税売返…), for voids of earlier days"
    )
    api_base: str | None = Field(
        default=None, description="freee API base URL (a sandbox, a mock); JOURNALGEN_FREEE_API_BASE wins"
    )
    client_id: str | None = Field(default=None, description="your freee app's Client ID; FREEE_CLIENT_ID wins")
    client_secret: SecretStr | None = Field(
        default=None, description="your freee app's Client Secret; FREEE_CLIENT_SECRET wins (better kept there)"
    )
    redirect_uri: str = Field(
        default="urn:ietf:wg:oauth:2.0:oob",
        description="the app's コールバックURL: urn:ietf:wg:oauth:2.0:oob (paste the code) or http://127.0.0.1:PORT/…",
    )

    @field_validator("company_file")
    @classmethod
    def _company_file_exists(cls, path: Path | None, info: ValidationInfo) -> Path | None:
        """A company file that is not there is a slip in the settings, found when they load
        (`info.context["settings"]` resolves the path against the settings file's folder)."""
        settings = (info.context or {}).get("settings")
        if path is not None and settings is not None and not settings.resolve_path(path).is_file():
            raise ValueError("no such file (a relative path is read from the settings file's folder)")
        return path

    @field_validator("tax_codes", "purchase_tax_codes", "sales_return_tax_codes", mode="before")
    @classmethod
    def _over_defaults(cls, given: Any, info: ValidationInfo) -> Any:
        """The codes given laid over the field's defaults."""
        defaults = {"tax_codes": DEFAULT_TAX_CODES, "purchase_tax_codes": DEFAULT_PURCHASE_TAX_CODES,
                    "sales_return_tax_codes": DEFAULT_SALES_RETURN_TAX_CODES}[info.field_name]
        return over_defaults(defaults, given)
