"""Registers the `yayoi` target with journalgen (entry point `journalgen` → `yayoi`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journalgen.hookspecs import hookimpl
from journalgen.target import Target
from journalgen_yayoi.errors import LOCALE_DIR

if TYPE_CHECKING:
    from journalgen.journal import Journal
    from journalgen.settings import Settings
    from journalgen_yayoi.options import YayoiOptions

NAME = "yayoi"


def check(journal: Journal, settings: Settings, options: YayoiOptions | None) -> None:
    """Refuse a business date outside the store's 当年会計期間 (OUT_OF_FISCAL_PERIOD)."""
    from journalgen.fiscal import check_fiscal_period

    check_fiscal_period(journal, settings.fiscal_period_for(journal.store.code), NAME)


def render(journal: Journal, settings: Settings, options: YayoiOptions | None) -> dict[str, bytes]:
    """`yayoi-smart.json` and the 弥生インポート形式 file(s) of one store-day."""
    # rendering code only when rendering: `journalgen targets` lists the target without it
    from journalgen_yayoi import import_file, smart
    from journalgen_yayoi.options import YayoiOptions
    from journalgen_yayoi.records import build_records

    options = options or YayoiOptions()
    records = build_records(journal, settings, options)
    return {
        smart.FILE_NAME: smart.render_smart(journal, records),
        **import_file.render_import(records, options, file=journal.source),
    }


@hookimpl
def journalgen_register_targets(register):
    register(Target(
        name=NAME,
        summary="弥生: スマート取引取込 records and the 弥生インポート形式 file (cp932)",
        render=render,
        check=check,
        options="journalgen_yayoi.options:YayoiOptions",
        locale_dir=LOCALE_DIR,
    ))
