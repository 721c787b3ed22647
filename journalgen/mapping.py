"""Code mappings a person edits in Excel: the CSV a target's mapping is exported to and imported
from (`journalgen mapping export|import|auto`).

Files are read as UTF-8 (with or without BOM) or cp932, and written as cp932 with CRLF, as the
register's users open them in Excel. IDs are always text: an ID Excel stripped of its leading
zeros is reported with its line and the ID it most likely was, and the file is not applied.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journalgen.close import DailyClose
from journalgen.errors import JournalgenError, Problem
from journalgen.settings import Settings

BOM = b"\xef\xbb\xbf"


class MappingCsvError(JournalgenError):
    code = "MAPPING_CSV_INVALID"
    template = "{file}: the mapping CSV was not applied"


@dataclass(frozen=True)
class CsvRow:
    """One data row of a mapping CSV: its line number in the file and its cells by column."""

    line: int
    cells: Mapping[str, str]


@dataclass(frozen=True)
class MappingKind:
    """One mapping a target lets a person edit as a CSV.

    - `columns`: the CSV's header, in order.
    - `export(settings, options, closes) -> rows`: the current mapping, one list of cells per row.
    - `apply(rows, file, settings, options, closes) -> table`: the mapping the rows of `file`
      say, as the target's mapping file stores it; raises MappingCsvError naming each bad line
      (the file is then not applied). `closes` are those given with `--input`: their masters
      and rows, with the IDs already mapped, are the IDs the register knows.
    - `auto(settings, options, closes) -> table`: the mapping numbered automatically (自動振り分け);
      None when the kind has none.
    - `write(table, settings, options) -> Path`: store the table in the file the settings name.
    """

    columns: tuple[str, ...]
    export: Callable[[Settings, Any, list[DailyClose]], list[list[str]]]
    apply: Callable[[list[CsvRow], str, Settings, Any, list[DailyClose]], Any]
    write: Callable[[Any, Settings, Any], Path]
    auto: Callable[[Settings, Any, list[DailyClose]], Any] | None = None


def decode(data: bytes, file: str) -> str:
    """The text of a CSV saved as UTF-8 (with or without BOM) or as Shift_JIS (cp932)."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MappingCsvError(file=file, problems=(Problem("", "", "neither UTF-8 nor Shift_JIS (cp932) text"),))


def read_csv(path: Path, columns: tuple[str, ...]) -> list[CsvRow]:
    """The data rows of a mapping CSV whose header is `columns`; blank lines are skipped."""
    rows = list(csv.reader(io.StringIO(decode(path.read_bytes(), str(path)), newline="")))
    header = [cell.strip() for cell in rows[0]] if rows else []
    if header != list(columns):
        raise MappingCsvError(file=str(path), problems=(Problem(
            "line 1", ",".join(header), "the header must be {columns}", {"columns": ",".join(columns)}),))
    found = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            raise MappingCsvError(file=str(path), problems=(Problem(
                f"line {line}", ",".join(cells), "must have {count} columns", {"count": str(len(columns))}),))
        found.append(CsvRow(line, {column: cell.strip() for column, cell in zip(columns, cells)}))
    return found


def write_csv(columns: tuple[str, ...], rows: Iterable[list[str]], file: str) -> bytes:
    """The CSV as Excel users open it: cp932, CRLF, every ID as the text it is."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    try:
        return text.getvalue().encode("cp932")
    except UnicodeEncodeError as exc:
        raise MappingCsvError(file=file, problems=(Problem(
            "", exc.object[exc.start:exc.end], "Shift_JIS (cp932) cannot encode this character"),)) from None


def likely_id(value: str, known: Iterable[str]) -> str | None:
    """The known ID `value` most likely was before Excel dropped its leading zeros (`1000001` for
    `00000000000001000001`); None when no single known ID fits."""
    if not value.isdigit():
        return None
    fits = {candidate for candidate in known if len(candidate) > len(value)
            and candidate.lstrip("0") == value.lstrip("0") and candidate.endswith(value)}
    return fits.pop() if len(fits) == 1 else None


def id_problem(line: int, column: str, value: str, known: set[str]) -> Problem | None:
    """What is wrong with an ID cell, checked against the IDs the register knows (none when
    `known` is empty: nothing to check against)."""
    if not known or value in known:
        return None
    guess = likely_id(value, known)
    if guess is not None:
        return Problem(f"line {line}, {column}", value,
                       "not an ID of the register: most likely {likely}, its leading zeros lost to Excel "
                       "(open the CSV with the column as text)", {"likely": guess})
    return Problem(f"line {line}, {column}", value, "not an ID of the register (none of the masters or closes given has it)")
