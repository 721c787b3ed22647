"""`[targets.makasete]`: per-store links with the seed's code limits, and the payment / discount /
客層 mappings. The mappings are ASPIT's models (its defaults, limits, and mapping file), since
まかせてネット's users have no mapping screen and change them by request form (seed 001 §1-5)."""

from __future__ import annotations

from pathlib import Path

from journalgen_aspit.options import DiscountMapping, PaymentMapping, SegmentMapping
from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from journalgen.links import StoreLink

COMPANY_CODE_RULE = "must be 1 to 5 digits in quotes (まかせてネット企業コード: 1 to 5 digits)"
STORE_CODE_RULE = "must be 1 to 6 digits in quotes (まかせてネット店舗コード: 1 to 6 digits)"


def _digits(value: str, most: int, rule: str) -> str:
    if not (value.isascii() and value.isdigit() and 1 <= len(value) <= most):
        raise ValueError(rule)
    return value


class MakaseteStore(StoreLink):
    """初回データ連携設定 (seed 001 §2-2): まかせてネット's codes for one register store, and its link window."""

    company_code: StrictStr = Field(description="まかせてネット企業コード, 1–5 digits")
    store_code: StrictStr = Field(description="まかせてネット店舗コード, 1–6 digits")

    @field_validator("company_code")
    @classmethod
    def _company_code(cls, value: str) -> str:
        return _digits(value, 5, COMPANY_CODE_RULE)

    @field_validator("store_code")
    @classmethod
    def _store_code(cls, value: str) -> str:
        return _digits(value, 6, STORE_CODE_RULE)


class MakaseteOptions(BaseModel):
    """The validated `[targets.makasete]` table (README, "まかせてネットEX")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stores: dict[str, MakaseteStore] = {}
    payment: PaymentMapping = PaymentMapping()
    discount: DiscountMapping = DiscountMapping()
    segment: SegmentMapping = SegmentMapping()
    mapping_file: Path | None = None
    """A JSON file `journalgen mapping import` writes (relative to the settings file); each kind
    it holds replaces that kind's table above."""
