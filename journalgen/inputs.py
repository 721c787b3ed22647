"""Reading daily closes: one `.json` file, a directory of them, or JSON Lines for batches.

A file that cannot be read becomes an error for that file (or that line) only; the closes that
did read go on to be built. The same store-day twice in one input is refused for every copy,
since there is no telling which one the register meant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from journalgen.close import DailyClose
from journalgen.errors import (
    PYDANTIC_REASONS,
    DuplicateStoreDayError,
    InputEncodingError,
    InputNotFoundError,
    InputSyntaxError,
    InvalidInputError,
    JournalgenError,
    Problem,
    pydantic_problems,
    shown,
)

INPUT_SUFFIXES = (".json", ".jsonl")
SAMPLE_CLOSES = Path(__file__).parent / "sample" / "closes"
"""The shipped sample store's closes: what `build` and `review` read with no `--input`."""
SAMPLE_SETTINGS = Path(__file__).parent / "sample" / "settings.toml"
"""The settings the sample is built with."""


@dataclass(frozen=True, slots=True)
class LoadedClose:
    """One close read from `source` (`file` or `file:line`), or the error that stopped it."""

    source: str
    close: DailyClose | None = None
    error: JournalgenError | None = None


class _JsonObject(dict):
    """A JSON object as read, remembering keys that appeared more than once (and their values)."""

    duplicates: list[tuple[str, Any]]


def _object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    found, seen = _JsonObject(pairs), set()
    found.duplicates = []
    for key, value in pairs:
        if key in seen:
            found.duplicates.append((key, value))
        seen.add(key)
    return found


def _duplicate_keys(node: Any, path: str = "") -> list[Problem]:
    """Every key written twice in one object of `node`, with its path and the later value."""
    if isinstance(node, list):
        return [problem for index, item in enumerate(node) for problem in _duplicate_keys(item, f"{path}[{index}]")]
    if not isinstance(node, _JsonObject):
        return []
    problems = [Problem(f"{path}.{key}" if path else key, shown(value), PYDANTIC_REASONS["duplicate_key"])
                for key, value in node.duplicates]
    return problems + [problem for key, value in node.items()
                       for problem in _duplicate_keys(value, f"{path}.{key}" if path else key)]


def parse_close(text: str, source: str = "") -> DailyClose:
    """Validate one close given as JSON text. Raises InputSyntaxError or InvalidInputError
    naming `source`, each field and its value; a key written twice in one object is refused,
    since there is no telling which value the register meant."""
    try:
        data = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        near = text[max(0, exc.pos - 20) : exc.pos + 20].replace("\n", " ")
        raise InputSyntaxError(
            file=source, line=exc.lineno, column=exc.colno, detail=exc.msg,
            field=f"line {exc.lineno}, column {exc.colno}", value=near,
        ) from None
    if duplicates := _duplicate_keys(data):
        raise InvalidInputError(file=source, problems=tuple(duplicates))
    try:
        return DailyClose.model_validate(data)
    except ValidationError as exc:
        raise InvalidInputError(file=source, problems=pydantic_problems(exc, DailyClose)) from None


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputEncodingError(
            file=source, position=exc.start, byte=f"0x{data[exc.start]:02X}"
        ) from None


def _read_file(path: Path) -> list[LoadedClose]:
    source = str(path)
    try:
        text = _decode(path.read_bytes(), source)
    except JournalgenError as error:
        return [LoadedClose(source, error=error)]
    if path.suffix != ".jsonl":
        chunks = [(source, text)]
    else:
        chunks = [(f"{source}:{n}", line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    loaded = []
    for chunk_source, chunk in chunks:
        try:
            loaded.append(LoadedClose(chunk_source, close=parse_close(chunk, chunk_source)))
        except JournalgenError as error:
            loaded.append(LoadedClose(chunk_source, error=error))
    return loaded


def input_files(path: Path) -> list[Path]:
    """The input files under `path`: itself, or the `.json`/`.jsonl` files of a directory, by name."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix in INPUT_SUFFIXES)
    return [path]


def read_closes(path: Path) -> list[LoadedClose]:
    """Every close under `path`, in file order; duplicates of one store-day become errors."""
    if not path.exists():
        return [LoadedClose(str(path), error=InputNotFoundError(file=str(path)))]
    loaded = [item for file in input_files(path) for item in _read_file(file)]
    places: dict[tuple[object, str], list[str]] = {}
    for item in loaded:
        if item.close is not None:
            places.setdefault(item.close.store_day, []).append(item.source)
    result = []
    for item in loaded:
        sources = places.get(item.close.store_day, []) if item.close else []
        if len(sources) > 1:
            day, store = item.close.store_day
            error = DuplicateStoreDayError(
                file=item.source, store=store, date=day.isoformat(), places=", ".join(sources),
                field="business_date, store.code", value=f"{day.isoformat()}, {store}",
            )
            item = replace(item, error=error)
        result.append(item)
    return result
