"""`[targets.yayoi]`: the settings the 弥生 target takes, all with working defaults."""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from journalgen.close import TaxCategory
from journalgen.settings import over_defaults

DEFAULT_SALES_TAX: dict[TaxCategory, str] = {
    TaxCategory.standard_10: "課税売上込10%",
    TaxCategory.reduced_8: "課税売上込軽減8%",
    TaxCategory.old_8: "課税売上込8%",
    TaxCategory.non_taxable: "非課売上",
    TaxCategory.export: "輸出売上",
    TaxCategory.out_of_scope: "対象外",
}
"""税区分 of sales-side lines (sales, voids, cash in), as 弥生 writes them for 税込経理."""

DEFAULT_PURCHASE_TAX: dict[TaxCategory, str] = {
    TaxCategory.standard_10: "課対仕入込10%",
    TaxCategory.reduced_8: "課対仕入込軽減8%",
    TaxCategory.old_8: "課対仕入込8%",
    TaxCategory.non_taxable: "非課仕入",
    TaxCategory.out_of_scope: "対象外",
}
"""税区分 of purchase-side lines (cash out). `export` has no purchase-side name: a cash-out
reason booked as export is refused until the settings name one."""


DEFAULT_SALES_RETURN_TAX: dict[TaxCategory, str] = {
    TaxCategory.standard_10: "課税売返込10%",
    TaxCategory.reduced_8: "課税売返込軽減8%",
    TaxCategory.old_8: "課税売返込8%",
}
"""税区分 of voids of earlier days with `[journal] earlier_day_voids = "sales_return"` (売上返還)."""


REPLACEMENT_RULE = (
    "must be a single character Shift_JIS (cp932) can encode, not a control character such as a line break"
)
"""Why a `replacement` is refused (a message id of this plugin's catalog)."""



class YayoiOptions(BaseModel):
    """The validated `[targets.yayoi]` table (see docs/yayoi.md for each key)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sections: bool = False
    """Write 部門 (the store's section). Off by default: 弥生会計 オンライン and the スタンダード
    grade do not import 部門."""

    sub_account: Literal["payment_label", "payment_item", "none"] = "payment_label"
    """補助科目 of 売掛金 and other non-cash payment accounts: the payment kind (クレジット), the
    payment item (Visa, falling back to the kind), or none."""

    single_line_flag: Literal["2000", "2111"] = "2000"
    """識別フラグ of a one-line voucher: 2000 (仕訳) or 2111 (1行の伝票)."""

    key_in_description: bool = False
    """Also end every 摘要 with ` #<entry key>`, for a 弥生 that does not keep the 仕訳メモ."""

    unencodable: Literal["error", "replace"] = "error"
    """Text Shift_JIS (cp932) cannot encode: refuse, or replace by the documented rule."""

    replacement: str = "〓"
    """What `unencodable = "replace"` writes for a character with no cp932 equivalent: one
    cp932 character, not a control character (a line break would split the import line)."""

    overlong: Literal["error", "truncate"] = "error"
    """Text longer than 弥生 keeps: refuse, or cut it to the limit."""

    sales_tax_categories: dict[TaxCategory, str] = DEFAULT_SALES_TAX
    purchase_tax_categories: dict[TaxCategory, str] = DEFAULT_PURCHASE_TAX
    sales_return_tax_categories: dict[TaxCategory, str] = DEFAULT_SALES_RETURN_TAX

    @field_validator("sales_tax_categories", mode="before")
    @classmethod
    def _merge_sales(cls, given: Any) -> Any:
        return over_defaults(DEFAULT_SALES_TAX, given)

    @field_validator("purchase_tax_categories", mode="before")
    @classmethod
    def _merge_purchase(cls, given: Any) -> Any:
        return over_defaults(DEFAULT_PURCHASE_TAX, given)

    @field_validator("sales_return_tax_categories", mode="before")
    @classmethod
    def _merge_sales_return(cls, given: Any) -> Any:
        return over_defaults(DEFAULT_SALES_RETURN_TAX, given)

    @field_validator("replacement")
    @classmethod
    def _one_cp932_character(cls, value: str) -> str:
        # errors="ignore" drops a character cp932 cannot encode, leaving no bytes.
        if len(value) != 1 or unicodedata.category(value) == "Cc" or not value.encode("cp932", errors="ignore"):
            raise ValueError(REPLACEMENT_RULE)
        return value
