"""`[targets.aspit]`: per-store links, 共通設定 and the three mappings, with the seed's limits.

A mapping may also come from the file `mapping_file` names, which `journalgen mapping import`
writes; each kind the file holds replaces that kind's table here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator, model_validator

from journalgen.close import DiscountKind, PaymentKind
from journalgen.links import StoreLink
from journalgen.settings import over_defaults

MAX_PAYMENT_CODES = 20
"""アスピット支払内訳コードは最大20個 (seed 000 §2-6)."""
MAX_DISCOUNT_CODES = 14
"""アスピット値引コードは最大14個 (seed 000 §2-5)."""
MAX_SEGMENT_CODE = 999_999_999
"""ASPIT客層コードは最大9桁 (seed 000 §2-4)."""

COMPANY_CODE_RULE = "must be 1 to 8 digits in quotes (ASPIT 自社コード: at most 8 digits)"
STORE_CODE_RULE = "must be 1 to 4 digits in quotes (ASPIT 店舗コード: 1 to 4 digits)"
PAYMENT_LIMIT_RULE = "maps to more than 20 ASPIT 支払内訳 codes (at most 20)"
DISCOUNT_LIMIT_RULE = "maps to more than 14 ASPIT 値引内訳 codes (at most 14)"
SEGMENT_CODE_RULE = "must be an ASPIT 客層コード of at most 9 digits (0 to 999999999)"

AspitCode = Annotated[StrictInt, Field(ge=0, le=MAX_SEGMENT_CODE)]
"""An ASPIT 内訳 code: a whole number."""

DEFAULT_PAYMENT_CODES: dict[PaymentKind, int] = {
    PaymentKind.cash: 0, PaymentKind.credit: 1, PaymentKind.qr: 2, PaymentKind.emoney: 3,
    PaymentKind.gift_change: 4, PaymentKind.gift_no_change: 5, PaymentKind.on_account: 6,
    PaymentKind.uncollected: 7, PaymentKind.points: 8,
}
"""支払明細マッピングデフォルト値 (seed 000 §2-7): one code per 支払種別."""

DEFAULT_DISCOUNT_CODES: dict[DiscountKind, int] = {DiscountKind.fixed: 1, DiscountKind.percent: 2}
"""値割引設定マッピングデフォルト値 (seed 000 §2-9): 値引 → 1, 割引 → 2."""

DEFAULT_SEGMENT_CODES: dict[tuple[str, str], int] = {
    ("集客", "広告、チラシ"): 1, ("集客", "WEB広告"): 2, ("集客", "SNS"): 3, ("集客", "割引、クーポン"): 4,
    ("集客", "紹介"): 5, ("集客", "口コミ"): 6, ("集客", "その他"): 7,
}
"""客層設定マッピングデフォルト値 (seed 000 §2-8), by (客層種別名, 選択項目名): used while no
客層 is mapped by 客層別ID."""


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AspitStore(StoreLink):
    """店舗連携設定 (seed 000 §2-2): ASPIT's codes for one register store, and its link window."""

    company_code: StrictStr = Field(description="ASPIT 自社コード (ASPIT店舗コード欄), ≤ 8 digits")
    store_code: StrictStr = Field(description="ASPIT 店舗コード, 1–4 digits")

    @field_validator("company_code")
    @classmethod
    def _company_code(cls, value: str) -> str:
        if not (value.isascii() and value.isdigit() and 1 <= len(value) <= 8):
            raise ValueError(COMPANY_CODE_RULE)
        return value

    @field_validator("store_code")
    @classmethod
    def _store_code(cls, value: str) -> str:
        if not (value.isascii() and value.isdigit() and 1 <= len(value) <= 4):
            raise ValueError(STORE_CODE_RULE)
        return value


class PaymentMapping(_Section):
    """支払明細: by 支払種別 (`kinds`, the default) or per 支払科目 (`items`, by 支払科目ID).
    What the table in use does not map is sent as その他支払種別."""

    by: Literal["payment", "payment_item"] = "payment"
    kinds: dict[PaymentKind, AspitCode] = DEFAULT_PAYMENT_CODES
    items: dict[Annotated[str, Field(pattern=r"^[0-9]+$")], AspitCode] = {}

    @field_validator("kinds", mode="before")
    @classmethod
    def _merge_kinds(cls, given: Any) -> Any:
        return over_defaults(DEFAULT_PAYMENT_CODES, given)

    @model_validator(mode="after")
    def _at_most_20(self) -> PaymentMapping:
        table = self.kinds if self.by == "payment" else self.items
        if len(set(table.values())) > MAX_PAYMENT_CODES:
            raise ValueError(PAYMENT_LIMIT_RULE)
        return self


class DiscountMapping(_Section):
    """値引明細: by 値引/割引 (`kinds`, the default) or per discount (`items`, by 値割引ID).
    What the table in use does not map is sent as その他値引."""

    by: Literal["kind", "discount"] = "kind"
    kinds: dict[DiscountKind, AspitCode] = DEFAULT_DISCOUNT_CODES
    items: dict[Annotated[str, Field(min_length=1)], AspitCode] = {}

    @field_validator("kinds", mode="before")
    @classmethod
    def _merge_kinds(cls, given: Any) -> Any:
        return over_defaults(DEFAULT_DISCOUNT_CODES, given)

    @model_validator(mode="after")
    def _at_most_14(self) -> DiscountMapping:
        table = self.kinds if self.by == "kind" else self.items
        if len(set(table.values())) > MAX_DISCOUNT_CODES:
            raise ValueError(DISCOUNT_LIMIT_RULE)
        return self


class SegmentMapping(_Section):
    """客層: ASPIT客層コード by 客層別ID. While it is empty the seed's defaults apply (集客 items
    1–7 by name); a 客層 that is not mapped is not sent, and counted."""

    codes: dict[Annotated[str, Field(min_length=1)], AspitCode] = {}


class AspitMapping(_Section):
    """The three mappings, as the settings or the mapping file hold them."""

    payment: PaymentMapping = PaymentMapping()
    discount: DiscountMapping = DiscountMapping()
    segment: SegmentMapping = SegmentMapping()


class AspitOptions(_Section):
    """The validated `[targets.aspit]` table (README, "ASPIT")."""

    stores: dict[str, AspitStore] = {}
    own_product_codes: bool = False
    """共通設定: send 自社商品コード instead of the register's 商品コード."""
    own_category_codes: bool = False
    """共通設定: send 自社親/子カテゴリコード instead of the register's category codes."""
    payment: PaymentMapping = PaymentMapping()
    discount: DiscountMapping = DiscountMapping()
    segment: SegmentMapping = SegmentMapping()
    mapping_file: Path | None = None
    """A JSON file `journalgen mapping import` writes (relative to the settings file); each kind
    it holds replaces that kind's table above."""
