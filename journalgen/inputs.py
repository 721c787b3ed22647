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
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import pairwise
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
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


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


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) < len(pairs):
        raise ValueError("a key written twice")
    return found


def _plain_close(text: str) -> DailyClose | None:
    """The close `text` holds when nothing about it is out of the ordinary, else None (then
    `_json` and validation say exactly what is wrong). The cheap way for the common case: a
    lone surrogate is looked for in the raw text only, a key twice as each object is made;
    nesting and long numbers need no look, since a close that validates nests only as deep as
    its schema and holds no number over MAX_YEN."""
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):  # a pair (an emoji) is looked at closely too
        return None
    try:
        text.encode()  # refuses a surrogate character
        return DailyClose.model_validate(json.loads(text, object_pairs_hook=_unique))
    except (ValueError, RecursionError):  # encoding, JSON and validation errors are ValueErrors
        return None


def _readable_store_day(data: Any) -> tuple[dt.date, str] | None:
    """The (date, store code) of a refused close when both are still valid, else None."""
    try:
        return (ISO_DATE.validate_python(data["business_date"]), Store.model_validate(data["store"]).code)
    except (TypeError, KeyError, ValidationError):
        return None


ISO_DATE = TypeAdapter(IsoDate)
"""A `YYYY-MM-DD` date read as the contract reads one: a close's, and the command line's `--date`."""


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
        text = text.removeprefix("\ufeff")
        if (close := _plain_close(text)) is not None:
            return LoadedClose(source, close=close)
        data = _json(text, source)
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
    """Every close under `path`, in file order, read whole (see `Batch` for a stream)."""
    return list(Batch(path).closes())


_NO_KEY = -1
_DAYS = dt.date.max.toordinal() + 1  # a key is store index × _DAYS + the date's ordinal


@dataclass(frozen=True, slots=True)
class RawClose:
    """One close of a batch as text, before validation (a worker process validates it), with
    what the whole input says about its store-day: `places` of every copy when it appears more
    than once, `codes` when its store code has other letter-case spellings."""

    source: str
    text: str
    places: str = ""
    codes: str = ""


def load(raw: RawClose) -> LoadedClose:
    """Validate `raw`; a valid close whose store-day the input holds twice, or whose store code
    it also spells in another letter case, becomes that error."""
    item = _load(raw.text, raw.source)
    if item.close is None:
        return item
    day, store = item.close.store_day
    if raw.places:
        return replace(item, error=DuplicateStoreDayError(
            file=raw.source, store=store, date=day.isoformat(), places=raw.places,
            field="business_date, store.code", value=f"{day.isoformat()}, {store}"))
    if raw.codes:
        return replace(item, error=StoreCodeCaseError(file=raw.source, codes=raw.codes, field="store.code",
                                                      value=store))
    return item


@dataclass
class _File:
    path: Path
    start: int  # index of its first item in the batch
    error: JournalgenError | None = None  # the whole file cannot be read (then one item)


class Batch:
    """The closes under `path`, read in two passes so that memory does not grow with the input.

    The first, cheap pass parses each close without validating it and keeps only its store-day
    as one integer (date and store code readable as valid, else none): enough to refuse every
    copy of a duplicated store-day and store codes that differ only in letter case (on a
    case-insensitive file system they would share one folder), to apply the `--date/--from/--to/
    --store` filter before anything is validated, and to know the total and which days and stores
    have a close. `raw()` then reads the selected closes again one at a time; `closes()`
    validates them too. The input must not change between the passes."""

    def __init__(self, path: Path, first: dt.date | None = None, last: dt.date | None = None,
                 store: str | None = None):
        self.path, self.first, self.last, self.store = path, first, last, store
        self._files: list[_File] = []
        self._keys = array("q")  # per item: its store-day key, or _NO_KEY
        self._lines = array("q")  # per item: its line (0: a whole .json file)
        self._codes: dict[str, int] = {}
        self.error: JournalgenError | None = None  # the input itself cannot be read
        self._selected, self._places, self._spellings, self.total = bytearray(), {}, {}, 1
        try:
            if not path.exists():
                self.error = InputNotFoundError(file=str(path))
                return
            files = scan_input(path)[0]
        except OSError as exc:
            self.error = InputReadError(file=str(path), problems=(os_problem(exc),))
            return
        for file in files:
            self._survey(file)
        self._places = self._duplicates()
        self._spellings = self._case_clashes()
        low = first.toordinal() if first else 0
        high = last.toordinal() if last else _DAYS
        wanted = self._codes.get(store, -2) if store is not None else None
        self._selected = bytearray(
            key == _NO_KEY or (low <= key % _DAYS <= high and wanted in (None, key // _DAYS)) for key in self._keys)
        self.total = sum(self._selected)

    def _survey(self, path: Path) -> None:
        file = _File(path, len(self._keys))
        self._files.append(file)
        try:
            for line, text in _texts(path):
                self._keys.append(self._key(text))
                self._lines.append(line)
        except JournalgenError as error:
            file.error = error
        except OSError as exc:
            file.error = InputReadError(file=str(path), problems=(os_problem(exc),))
        if file.error is not None:  # one item for the file
            del self._keys[file.start:], self._lines[file.start:]
            self._keys.append(_NO_KEY)
            self._lines.append(0)

    def _key(self, text: str) -> int:
        try:
            store_day = _readable_store_day(json.loads(text.removeprefix("\ufeff")))
        except (ValueError, RecursionError):
            return _NO_KEY
        if store_day is None:
            return _NO_KEY
        day, code = store_day
        return self._codes.setdefault(code, len(self._codes)) * _DAYS + day.toordinal()

    def _duplicates(self) -> dict[int, str]:
        """The keys held by more than one item, with the sources of every copy."""
        repeated = set()
        for store, days in _by_store(self._keys).items():
            ordered = sorted(days)  # a store at a time: sorting every key at once made a 40-byte int per store-day
            repeated.update(store * _DAYS + day for day, following in pairwise(ordered) if day == following)
        places: dict[int, list[str]] = {}
        for index, key in enumerate(self._keys):
            if key in repeated:
                places.setdefault(key, []).append(self._source(index))
        return {key: ", ".join(sources) for key, sources in places.items()}

    def _case_clashes(self) -> dict[int, str]:
        """Store index → every spelling of its code, for codes with more than one letter case."""
        spellings: dict[str, list[str]] = {}
        for code in self._codes:
            spellings.setdefault(code.casefold(), []).append(code)
        return {self._codes[code]: ", ".join(sorted(codes)) for codes in spellings.values() if len(codes) > 1
                for code in codes}

    def _source(self, index: int) -> str:
        file = self._files[bisect_right([f.start for f in self._files], index) - 1]
        line = self._lines[index]
        return f"{file.path}:{line}" if line else str(file.path)

    def raw(self) -> Iterator[RawClose | LoadedClose]:
        """Each selected close in input order: as text, or already the error that refuses it
        when its file (or the input) cannot be read."""
        if self.error is not None:
            yield LoadedClose(str(self.path), error=self.error)
            return
        for file in self._files:
            if file.error is not None:
                yield LoadedClose(str(file.path), error=file.error)
                continue
            index = file.start
            for line, text in _texts(file.path):
                if self._selected[index]:
                    key = self._keys[index]
                    source = f"{file.path}:{line}" if line else str(file.path)
                    yield RawClose(source, text, self._places.get(key, ""),
                                   self._spellings.get(key // _DAYS, "") if key != _NO_KEY else "")
                index += 1

    def closes(self) -> Iterator[LoadedClose]:
        """Each selected close in input order, validated (or the error that refuses it)."""
        for item in self.raw():
            yield load(item) if isinstance(item, RawClose) else item

    def store_days(self) -> dict[str, array]:
        """Each store with the days the selected closes give it (those naming a store-day), as
        `date.toordinal()` in input order, 4 bytes a day."""
        codes = list(self._codes)
        found = _by_store(key for key, selected in zip(self._keys, self._selected) if selected)
        return {codes[store]: days for store, days in found.items()}


def _by_store(keys: Iterable[int]) -> dict[int, array]:
    """Store index → the days (`date.toordinal()`, 4 bytes each) of the `keys` that name a store-day."""
    found: dict[int, array] = {}
    for key in keys:
        if key != _NO_KEY:
            found.setdefault(key // _DAYS, array("i")).append(key % _DAYS)
    return found


def _texts(path: Path) -> Iterator[tuple[int, str]]:
    """The closes of one file as text, with their line (0 for a `.json` file read whole). A
    `.jsonl` file is read line by line; only \n ends a line (U+2028, U+2029 and U+0085 are
    ordinary characters inside a JSON string). Raises the file's InputUtf16Error or
    InputEncodingError (with the byte's place in the file), or OSError."""
    source = str(path)
    if path.suffix.lower() != ".jsonl":
        yield 0, _decode(path.read_bytes(), source)
        return
    offset = 0
    with path.open("rb") as stream:
        for number, data in enumerate(stream, 1):
            if number == 1 and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise InputUtf16Error(file=source)
            try:
                text = data.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputEncodingError(file=source, position=offset + exc.start,
                                         byte=f"0x{data[exc.start]:02X}") from None
            offset += len(data)
            if text.strip():
                yield number, text.removesuffix("\n").removesuffix("\r")
