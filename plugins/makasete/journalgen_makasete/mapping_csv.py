"""The まかせてネット mapping CSVs: ASPIT's 支払明細, 値引明細 and 客層 CSVs (same rows, same checks,
same mapping file, same 自動振り分け) under まかせてネット's column names."""

from __future__ import annotations

from dataclasses import replace

from journalgen_aspit.mapping_csv import MAPPINGS as ASPIT_MAPPINGS

from journalgen.mapping import CsvRow, MappingCsvError, MappingKind
from journalgen_makasete.errors import MappingFileNotSetError

COLUMNS = {
    "payment": ("支払科目ID", "店舗表示名", "まかせてネット支払区分"),
    "discount": ("値割引ID", "種別", "店舗表示名", "まかせてネット値引区分"),
    "segment": ("まかせてネット店舗コード", "客層別ID", "選択項目", "客層種別名", "選択項目名", "まかせてネット客層コード"),
}


def _renamed(kind: str) -> MappingKind:
    """ASPIT's mapping `kind`, reading and writing まかせてネット's column names."""
    aspit = ASPIT_MAPPINGS[kind]
    ours = COLUMNS[kind]
    to_aspit = dict(zip(ours, aspit.columns))
    from_aspit = dict(zip(aspit.columns, ours))

    def apply(rows, file, settings, options, closes):
        rows = [CsvRow(row.line, {to_aspit[column]: cell for column, cell in row.cells.items()}) for row in rows]
        try:
            return aspit.apply(rows, file, settings, options, closes)
        except MappingCsvError as error:
            problems = []
            for problem in error.problems:
                where = problem.field
                for theirs, own in from_aspit.items():
                    where = where.replace(theirs, own)
                problems.append(replace(problem, field=where))
            raise MappingCsvError(file=file, problems=tuple(problems), locale_dir=error.locale_dir) from None

    def write(table, settings, options):
        if options.mapping_file is None:
            raise MappingFileNotSetError(file=settings.file_name)
        return aspit.write(table, settings, options)

    return replace(aspit, columns=ours, apply=apply, write=write)


MAPPINGS = {kind: _renamed(kind) for kind in COLUMNS}
"""What `journalgen mapping … --target makasete --kind KIND` works with."""
