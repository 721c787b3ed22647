"""Reading daily closes: one `.json` file, a directory of them, or JSON Lines for batches.

A file that cannot be read becomes an error for that file (or that line) only; the closes that
did read go on to be built. The same store-day twice in one input is refused for every copy,
since there is no telling which one the register meant.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from journalgen.close import DailyClose, IsoDate, Store
from journalgen.errors import (
    PYDANTIC_REASONS,
    DuplicateStoreDayError,
    InputEncodingError,
    InputNotFoundError,
    InputReadError,
    InputSyntaxError,
    InputUtf16Error,
    InvalidInputError,
    JournalgenError,
    Problem,
    StoreCodeCaseError,
    os_problem,
    pydantic_problems,
    shown,
)

INPUT_SUFFIXES = (".json", ".jsonl")
SAMPLE_CLOSES = Path(__file__).parent / "sample" / "closes"
"""The shipped sample store's closes: what `build` and `review` read with no `--input`."""
SAMPLE_SETTINGS = Path(__file__).parent / "sample" / "settings.toml"
"""The settings the sample is built with."""


MAX_DEPTH = 32
"""How deeply objects and lists of a close may nest; a close needs 4, anything deeper is hostile."""
MAX_DIGITS = 20
"""The most digits a JSON number of a close may have (no amount has more than 13)."""
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class LoadedClose:
    """One close read from `source` (`file` or `file:line`), or the error that stopped it; for a
    close refused by the input contract whose date and store code are still readable, `store_day`
    names that store-day (so a build can take back an earlier build's files)."""

    source: str
    close: DailyClose | None = None
    error: JournalgenError | None = None
    store_day: tuple[dt.date, str] | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of an input directory that is not read, and why (a message id)."""

    path: Path
    reason: str


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


class _NumberTooLong(ValueError):
    def __init__(self, digits: str):
        super().__init__(digits)
        self.digits = digits


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _NumberTooLong(digits)
    return int(digits)


def _scan(data: Any) -> list[Problem]:
    """What the contract refuses before it looks at fields: nesting deeper than MAX_DEPTH (then
    nothing else), keys written twice in one object, and text holding a lone surrogate (no
    character; it could not be written to any file). Iterative, so no depth can overflow it."""
    problems: list[Problem] = []
    stack: list[tuple[str, Any, int]] = [("", data, 1)]
    while stack:
        path, node, depth = stack.pop()
        if isinstance(node, (dict, list)) and depth > MAX_DEPTH:
            return [Problem(path, "", "nested more than {limit} levels deep: not a daily close",
                            {"limit": MAX_DEPTH})]
        if isinstance(node, str) and _SURROGATE.search(node):
            problems.append(Problem(path, shown(node), "holds a lone surrogate (\\ud800-\\udfff): no character"))
        elif isinstance(node, list):
            stack.extend((f"{path}[{index}]", item, depth + 1) for index, item in reversed(list(enumerate(node))))
        elif isinstance(node, dict):
            if isinstance(node, _JsonObject):
                problems += [Problem(f"{path}.{key}" if path else key, shown(value), PYDANTIC_REASONS["duplicate_key"])
                             for key, value in node.duplicates]
            for key, value in reversed(list(node.items())):
                name = f"{path}.{key}" if path else key
                if _SURROGATE.search(key):
                    problems.append(Problem(name, "", "holds a lone surrogate (\\ud800-\\udfff): no character"))
                stack.append((name, value, depth + 1))
    return problems


def _json(text: str, source: str) -> Any:
    """`text` as JSON data, or InputSyntaxError / InvalidInputError for what no close can be."""
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_int=_int)
    except json.JSONDecodeError as exc:
        near = text[max(0, exc.pos - 20) : exc.pos + 20].replace("\n", " ")
        raise InputSyntaxError(
            file=source, line=exc.lineno, column=exc.colno, detail=exc.msg,
            field=f"line {exc.lineno}, column {exc.colno}", value=near,
        ) from None
    except _NumberTooLong as exc:
        problem = Problem("", "", "a number has {digits} digits; no amount has more than {limit}",
                          {"digits": len(exc.digits.lstrip("-")), "limit": MAX_DIGITS})
        raise InvalidInputError(file=source, problems=(problem,)) from None
    except RecursionError:
        problem = Problem("", "", "nested more than {limit} levels deep: not a daily close", {"limit": MAX_DEPTH})
        raise InvalidInputError(file=source, problems=(problem,)) from None
    if problems := _scan(data):
        raise InvalidInputError(file=source, problems=tuple(problems))
    return data


def _readable_store_day(data: Any) -> tuple[dt.date, str] | None:
    """The (date, store code) of a refused close when both are still valid, else None."""
    try:
        return (_STORE_DAY.validate_python(data["business_date"]), Store.model_validate(data["store"]).code)
    except (TypeError, KeyError, ValidationError):
        return None


_STORE_DAY = TypeAdapter(IsoDate)


def parse_close(text: str | bytes, source: str = "") -> DailyClose:
    """Validate one close given as JSON text (or as bytes, read as a file is: UTF-8, with or
    without a BOM). Raises InputEncodingError, InputSyntaxError or InvalidInputError naming
    `source`, each field and its value; a key written twice in one object is refused, since
    there is no telling which value the register meant. Every refusal is a JournalgenError."""
    loaded = _load(text, source)
    if loaded.error is not None:
        raise loaded.error
    return loaded.close


def _load(text: str | bytes, source: str) -> LoadedClose:
    """One close, or the error that refuses it (with its store-day when that is readable)."""
    try:
        if isinstance(text, bytes):
            text = _decode(text, source)
        data = _json(text.removeprefix("\ufeff"), source)
    except JournalgenError as error:
        return LoadedClose(source, error=error)
    try:
        return LoadedClose(source, close=DailyClose.model_validate(data))
    except ValidationError as exc:
        error = InvalidInputError(file=source, problems=pydantic_problems(exc, DailyClose))
        return LoadedClose(source, error=error, store_day=_readable_store_day(data))


def _decode(data: bytes, source: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputUtf16Error(file=source)
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
    except OSError as exc:
        return [LoadedClose(source, error=InputReadError(file=source, problems=(os_problem(exc),)))]
    if path.suffix.lower() != ".jsonl":
        return [_load(text, source)]
    # Only \n ends a line: str.splitlines() would also split at U+2028, U+2029 and U+0085,
    # which are ordinary characters inside a JSON string.
    lines = text.removeprefix("\ufeff").split("\n")
    return [_load(line.removesuffix("\r"), f"{source}:{n}") for n, line in enumerate(lines, 1) if line.strip()]


def scan_input(path: Path) -> tuple[list[Path], list[Skipped]]:
    """The input files under `path` (itself, or the `.json`/`.jsonl` files of a directory in
    any letter case, by name) and the directory entries that are not read, with the reason."""
    if not path.is_dir():
        return [path], []
    files, skipped = [], []
    for entry in sorted(path.iterdir()):
        if entry.is_dir():
            skipped.append(Skipped(entry, "a folder: folders inside the input folder are not read"))
        elif not entry.exists():
            skipped.append(Skipped(entry, "a link to nothing"))
        elif entry.suffix.lower() not in INPUT_SUFFIXES:
            skipped.append(Skipped(entry, "not a .json or .jsonl file"))
        else:
            files.append(entry)
    return files, skipped


def skipped_inputs(path: Path) -> list[Skipped]:
    """The entries of input folder `path` that `read_closes` does not read (none for a file)."""
    try:
        return scan_input(path)[1]
    except OSError:  # read_closes reports the folder itself as unreadable
        return []


def read_closes(path: Path) -> list[LoadedClose]:
    """Every close under `path`, in file order. Duplicates of one store-day become errors, and
    so do store codes that differ only in letter case (`abc`, `ABC`): on a case-insensitive file
    system (Windows, macOS) they would share one folder."""
    try:
        if not path.exists():
            return [LoadedClose(str(path), error=InputNotFoundError(file=str(path)))]
        files = scan_input(path)[0]
    except OSError as exc:
        return [LoadedClose(str(path), error=InputReadError(file=str(path), problems=(os_problem(exc),)))]
    loaded = [item for file in files for item in _read_file(file)]
    places: dict[tuple[object, str], list[str]] = {}
    spellings: dict[str, set[str]] = {}
    for item in loaded:
        if item.store_day is not None:  # refused, yet naming a store-day: no other copy may build it
            places.setdefault(item.store_day, []).append(item.source)
        if item.close is not None:
            places.setdefault(item.close.store_day, []).append(item.source)
            spellings.setdefault(item.close.store.code.casefold(), set()).add(item.close.store.code)
    result = []
    for item in loaded:
        sources = places.get(item.close.store_day, []) if item.close else []
        codes = sorted(spellings[item.close.store.code.casefold()]) if item.close else []
        if len(sources) > 1:
            day, store = item.close.store_day
            error = DuplicateStoreDayError(
                file=item.source, store=store, date=day.isoformat(), places=", ".join(sources),
                field="business_date, store.code", value=f"{day.isoformat()}, {store}",
            )
            item = replace(item, error=error)
        elif len(codes) > 1:
            error = StoreCodeCaseError(file=item.source, codes=", ".join(codes),
                                       field="store.code", value=item.close.store.code)
            item = replace(item, error=error)
        result.append(item)
    return result
