"""The 支払種別 CSV of seed 002 §3 (支払種目, 支払科目名称, 取込コード), which a person uploads to FLARO.

Its 取込コード is the register's 支払科目ID, so FLARO's payments need no mapping in journalgen:
`journalgen mapping export --target flaro --kind payment --input CLOSES FILE` writes it from the
支払科目 the closes' masters and rows know; importing it is refused (FLARO_EXPORT_ONLY).
"""

from __future__ import annotations

from journalgen.close import DailyClose
from journalgen.mapping import MappingKind
from journalgen.settings import Settings
from journalgen_flaro.errors import ExportOnlyError
from journalgen_flaro.feeds import PAYMENT_TYPES
from journalgen_flaro.options import FlaroOptions

PAYMENT_COLUMNS = ("支払種目", "支払科目名称", "取込コード")


def export_payments(settings: Settings, options: FlaroOptions, closes: list[DailyClose]) -> list[list[str]]:
    """One row per 支払科目 the closes know (masters first), by 支払種目 then 取込コード; codes as text."""
    found: dict[str, list[str]] = {}
    for close in closes:
        for item in close.masters.payment_items if close.masters else ():
            found.setdefault(item.id, [str(PAYMENT_TYPES[item.payment]), item.name, item.id])
        for row in (*close.sales, *close.voids):
            if row.payment_item is not None:
                found.setdefault(row.payment_item.id,
                                 [str(PAYMENT_TYPES[row.payment]), row.payment_item.name, row.payment_item.id])
    return sorted(found.values(), key=lambda row: (int(row[0]), row[2]))


def export_only(*_: object) -> None:
    """Refuse to import or write the 支払種別 CSV: it goes to FLARO, not into journalgen."""
    raise ExportOnlyError(file="支払種別 CSV")


MAPPINGS = {"payment": MappingKind(PAYMENT_COLUMNS, export_payments, export_only, export_only)}
"""What `journalgen mapping export --target flaro --kind payment` works with."""
