"""The まかせてネットEX target's refusals. Each has a stable code; the Japanese is in `locale/`."""

from __future__ import annotations

from pathlib import Path

from journalgen.errors import JournalgenError

LOCALE_DIR = Path(__file__).parent / "locale"


class MakaseteError(JournalgenError):
    """Base of the まかせてネットEX target's errors: messages come from this plugin's catalog."""

    locale_dir = LOCALE_DIR


class MappingFileNotSetError(MakaseteError):
    """`journalgen mapping import|auto` has nowhere to write: the settings name no mapping file."""

    code = "MAKASETE_MAPPING_FILE_NOT_SET"
    template = (
        "{file}: [targets.makasete] names no mapping_file; set mapping_file = \"makasete-mapping.json\" "
        "(for example) so that `journalgen mapping` can write the mapping there"
    )
