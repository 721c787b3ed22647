"""`yayoi-smart.json`: the day's 取引 as スマート取引取込 records (未確定の取引).

This is what a connector with 弥生 partner access hands over, one record per 取引. Each record's
`id` is the entry's stable key, so a connector can skip a record 弥生 already holds.
"""

from __future__ import annotations

from typing import Any

from journalgen.journal import Journal
from journalgen.jsonfile import json_file
from journalgen_yayoi.records import YayoiRecord

FILE_NAME = "yayoi-smart.json"
FORMAT = "journalgen/yayoi-smart/1"


def record_document(record: YayoiRecord) -> dict[str, Any]:
    """One record as plain data, keys in the order 弥生's 取引 screen reads them."""
    return {
        "id": record.key,
        "種類": record.kind.value,
        "取引日": record.date.isoformat(),
        "収支": record.direction,
        "取引手段": record.means.account,
        "取引手段補助科目": record.means.sub_account,
        "勘定科目": record.counter.account,
        "補助科目": record.counter.sub_account,
        "税区分": record.counter.tax_category,
        "金額": record.amount,
        "税額": record.counter.tax_amount,
        "摘要": record.description,
        "部門": record.counter.section,
        "仕訳メモ": record.memo,
        **({"期日": record.due_date.isoformat()} if record.due_date else {}),
    }


def render_smart(journal: Journal, records: list[YayoiRecord]) -> bytes:
    """The store-day's records as pretty UTF-8 JSON, Japanese unescaped, newline-terminated."""
    document = {
        "format": FORMAT,
        "business_date": journal.business_date.isoformat(),
        "store": {"code": journal.store.code, "name": journal.store.name},
        "records": [record_document(record) for record in records],
    }
    return json_file(document)
