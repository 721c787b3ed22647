"""The ASPIT target's refusals. Each has a stable code; the Japanese is in `locale/`."""

from __future__ import annotations

from pathlib import Path

from journalgen.errors import JournalgenError

LOCALE_DIR = Path(__file__).parent / "locale"


class AspitError(JournalgenError):
    """Base of the ASPIT target's errors: messages come from this plugin's catalog."""

    locale_dir = LOCALE_DIR


class OwnCodeMissingError(AspitError):
    """共通設定 asks for 自社商品コード / 自社カテゴリコード and a menu has none."""

    code = "ASPIT_OWN_CODE_MISSING"
    template = (
        "{file}: menu {menu} has no {field}, which [targets.aspit] {setting} = true sends; "
        "set it in the register's product master, or turn {setting} off"
    )


class MappingFileError(AspitError):
    """The mapping file the settings name cannot be read as a mapping."""

    code = "ASPIT_MAPPING_FILE"
    template = "{file}: not a mapping file as `journalgen mapping import` writes it"


class MappingFileNotSetError(AspitError):
    """`journalgen mapping import|auto` has nowhere to write: the settings name no mapping file."""

    code = "ASPIT_MAPPING_FILE_NOT_SET"
    template = (
        "{file}: [targets.aspit] names no mapping_file; set mapping_file = \"aspit-mapping.json\" "
        "(for example) so that `journalgen mapping` can write the mapping there"
    )
