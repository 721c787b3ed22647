"""The built-in neutral target `journal`: the journal itself, as JSON and as a 仕訳帳 CSV.

Every other target is compared against this one. It registers through the `journalgen`
entry-point group like any plugin. The CSV is UTF-8 with a BOM and CRLF so Excel opens it, and
a text cell that Excel would run as a formula is neutralised (see `neutralised`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from journalgen.hookspecs import hookimpl
from journalgen.i18n import translate
from journalgen.target import Target

if TYPE_CHECKING:
    from journalgen.close import TaxCategory
    from journalgen.journal import Journal, Line
    from journalgen.settings import Settings

CSV_HEADER = (
    "日付", "伝票キー", "種類",
    "借方勘定科目", "借方品目", "借方部門", "借方税区分", "借方金額", "借方税額",
    "貸方勘定科目", "貸方品目", "貸方部門", "貸方税区分", "貸方金額", "貸方税額",
    "摘要", "出典",
)


def journal_document(journal: Journal) -> dict[str, Any]:
    """The journal as plain data, keys in reading order (what `journal.json` holds)."""
    return {
        "business_date": journal.business_date.isoformat(),
        "store": {"code": journal.store.code, "name": journal.store.name},
        "net_sales": journal.net_sales(),
        "entries": [entry.document() for entry in journal.entries],
    }


def render_json(journal: Journal) -> bytes:
    """`journal.json`: pretty, Japanese unescaped, newline-terminated."""
    from journalgen.jsonfile import json_file  # pydantic_core's encoder only when rendering

    return json_file(journal_document(journal))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""How a cell Excel would read as a formula starts (OWASP, CSV injection)."""


def neutralised(cells: Iterable[object]) -> list[object]:
    """`cells` with each text cell that starts like a formula prefixed with `'`, so Excel shows it
    as text (as OWASP recommends); numbers stay numbers."""
    return ["'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell for cell in cells]


def _side_cells(line: Line | None, tax_labels: Mapping[TaxCategory, str]) -> tuple[object, ...]:
    if line is None:
        return ("",) * 6
    return line.account, line.item or "", line.section or "", tax_labels[line.tax], line.amount, line.tax_amount


def render_csv(journal: Journal, settings: Settings) -> bytes:
    """`journal.csv`: one row per debit/credit pair of each entry, as a 仕訳帳 reads (種類 in
    Japanese, like the headers); text cells are `neutralised`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    date, tax_labels = journal.business_date.isoformat(), settings.tax_labels
    kinds = {kind: translate(kind.value, "ja") for kind in {entry.kind for entry in journal.entries}}
    for entry in journal.entries:
        head, sources = (date, entry.key, kinds[entry.kind]), " ".join(entry.sources)
        writer.writerows(neutralised((*head, *_side_cells(debit, tax_labels), *_side_cells(credit, tax_labels),
                                      (debit or credit).description, sources))
                         for debit, credit in entry.pairs())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render(journal: Journal, settings: Settings, options: None) -> dict[str, bytes]:
    """Render `journal.json` and `journal.csv`."""
    return {"journal.json": render_json(journal), "journal.csv": render_csv(journal, settings)}


@hookimpl
def journalgen_register_targets(register):
    register(Target(name="journal", summary="The neutral journal as JSON and a 仕訳帳 CSV", render=render))
