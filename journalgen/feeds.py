"""What every sales-analytics feed target shares: a strict base for its file models, the
consumption tax of net sales as the journal booked it, and its files' JSON Schemas."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from journalgen.journal import EntryKind, Journal
from journalgen.jsonfile import json_file
from journalgen.settings import Settings


class FeedModel(BaseModel):
    """Base of a feed file's models: frozen, and no field it does not declare."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def sales_tax(journal: Journal, settings: Settings) -> int:
    """The consumption tax in net sales, as the journal booked it (sales less voids)."""
    total = 0
    for entry, line in journal.lines():
        if line.account == settings.accounts.sales:
            if entry.kind is EntryKind.sale and line.side == "credit":
                total += line.tax_amount
            elif entry.kind is EntryKind.void and line.side == "debit":
                total -= line.tax_amount
    return total


def schema_text(model: type[BaseModel], schema_id: str) -> str:
    """The JSON Schema (draft 2020-12) of a feed file's model, as `schemas/` holds it."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id,
              **model.model_json_schema()}
    return json_file(schema).decode("utf-8")
