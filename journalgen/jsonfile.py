"""The pretty JSON every target writes (`journal.json`, freee bodies, 弥生 smart records, feed
files, mapping files, webhook bodies): one encoder, so every file is formatted alike.

pydantic_core's C encoder writes exactly what `json.dumps(document, ensure_ascii=False,
indent=2)` writes (tests/test_jsonfile.py compares the two on random documents), several times
faster. Documents hold dicts, lists, str, int, bool and None: money is integer yen, and a float
would not match (`1e-7` here, `1e-07` from `json.dumps`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json


def json_file(document: Any) -> bytes:
    """`document` as pretty UTF-8 JSON (indent 2), non-ASCII unescaped, newline-terminated."""
    return to_json(document, indent=2) + b"\n"


def model_file(model: BaseModel) -> bytes:
    """A pydantic model as `json_file` lays it out (its own serializer: field order, no aliases)."""
    return model.__pydantic_serializer__.to_json(model, indent=2) + b"\n"
