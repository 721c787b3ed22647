"""The JSON Schema of the input contract, generated from the models.

The repository ships it as `schemas/daily-close-v2.schema.json` for users who validate exports
with other tools, and the package as `journalgen/daily-close-v2.schema.json`, which `journalgen
schema` prints without building the models; a test keeps both equal to what the models generate. Version 2 only adds
optional sections, so every version 1 file is valid against it; `schemas/daily-close-v1.schema.json`
stays as version 1 was published, for tools that validate against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_ID = "https://github.com/journalgen/journalgen/schemas/daily-close-v2.schema.json"
SHIPPED = Path(__file__).with_name("daily-close-v2.schema.json")


def input_schema() -> dict[str, Any]:
    """The daily close's JSON Schema (draft 2020-12), as pydantic generates it."""
    from journalgen.close import DailyClose

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **DailyClose.model_json_schema(),
    }


def input_schema_text() -> str:
    """The schema as the shipped file holds it: pretty, Japanese unescaped, newline at the end."""
    return json.dumps(input_schema(), ensure_ascii=False, indent=2) + "\n"


def shipped_schema_text() -> str:
    """The schema file shipped in the package (what `journalgen schema` prints)."""
    return SHIPPED.read_text(encoding="utf-8")
