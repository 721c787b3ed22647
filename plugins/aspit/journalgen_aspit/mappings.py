"""Which ASPIT code each payment, discount and 客層 of a close goes to.

Unmapped payments and discounts are aggregated into その他 (code `null`), so no yen is lost;
an unmapped 客層 is not sent, only counted (seed 000 §2-4 to §2-9).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from journalgen.close import CustomerSegment, Discount, PaymentItem, PaymentKind
from journalgen.errors import Problem, pydantic_problems, shown
from journalgen.settings import PAYMENT_LABELS, Settings
from journalgen_aspit.errors import MappingFileError
from journalgen_aspit.options import DEFAULT_SEGMENT_CODES, AspitMapping, AspitOptions

OTHER_PAYMENTS = "その他支払種別"
OTHER_DISCOUNTS = "その他値引"


def mapping_path(options: AspitOptions, settings: Settings) -> Path | None:
    """The mapping file the settings name, relative to the settings file; None when none."""
    return settings.resolve_path(options.mapping_file) if options.mapping_file is not None else None


def read_mapping_file(path: Path) -> dict:
    """The kinds a mapping file holds, as raw tables ({} when the file does not exist yet)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MappingFileError(file=str(path), problems=(Problem("", "", "{error}", {"error": str(exc)}),)) from None
    if not isinstance(data, dict):
        raise MappingFileError(file=str(path), problems=(Problem("", shown(data), "must be an object"),))
    return data


def effective_mapping(options: AspitOptions, settings: Settings) -> AspitMapping:
    """The settings' mappings with every kind the mapping file holds laid over them."""
    given = {"payment": options.payment, "discount": options.discount, "segment": options.segment}
    path = mapping_path(options, settings)
    if path is not None:
        given |= read_mapping_file(path)
    try:
        return AspitMapping.model_validate({key: getattr(value, "model_dump", lambda: value)()
                                            for key, value in given.items()})
    except ValidationError as exc:
        raise MappingFileError(file=str(path), problems=pydantic_problems(exc)) from None


def payment_code(mapping: AspitMapping, payment: PaymentKind, item: PaymentItem | None) -> int | None:
    """The ASPIT 支払内訳 of a sale or void row; None for その他支払種別."""
    if mapping.payment.by == "payment":
        return mapping.payment.kinds.get(payment)
    return mapping.payment.items.get(item.id) if item is not None else None


def payment_name(payment: PaymentKind, item: PaymentItem | None) -> str:
    """What the register shows for a row: its 支払科目, else its 支払種別."""
    return item.name if item is not None else PAYMENT_LABELS[payment]


def discount_code(mapping: AspitMapping, discount: Discount) -> int | None:
    """The ASPIT 値引内訳 of a discount; None for その他値引."""
    if mapping.discount.by == "kind":
        return mapping.discount.kinds.get(discount.kind)
    return mapping.discount.items.get(discount.id)


def segment_code(mapping: AspitMapping, segment: CustomerSegment) -> int | None:
    """The ASPIT客層コード of a 客層; None when it is not mapped (and so not sent)."""
    if mapping.segment.codes:
        return mapping.segment.codes.get(segment.id)
    return DEFAULT_SEGMENT_CODES.get((segment.type_name, segment.name))
