"""The 弥生 target's refusals. Each has a stable code; the Japanese is in `locale/`."""

from __future__ import annotations

from pathlib import Path

from journalgen.errors import JournalgenError

LOCALE_DIR = Path(__file__).parent / "locale"


class YayoiError(JournalgenError):
    """Base of the 弥生 target's errors: messages come from this plugin's catalog."""

    locale_dir = LOCALE_DIR


class UnencodableTextError(YayoiError):
    code = "YAYOI_UNENCODABLE"
    template = (
        "{file}: {field} of voucher {entry} holds {char} ({codepoint}), which Shift_JIS (cp932) "
        "cannot encode; change the text, or set unencodable = \"replace\" under [targets.yayoi]"
    )


class TextTooLongError(YayoiError):
    code = "YAYOI_TOO_LONG"
    template = (
        "{file}: {field} of voucher {entry} is {length} characters long, more than the {limit} "
        "弥生 keeps ({value}); shorten it, or set overlong = \"truncate\" under [targets.yayoi]"
    )


class TextTooWideError(YayoiError):
    code = "YAYOI_TOO_LONG"
    template = (
        "{file}: {field} of voucher {entry} is {length} half-width columns wide, more than the "
        "{limit} 弥生 keeps ({value}); shorten it, or set overlong = \"truncate\" under [targets.yayoi]"
    )


class UnmappedTaxError(YayoiError):
    code = "YAYOI_UNMAPPED_TAX"
    template = "{file}: [targets.yayoi.{table}] names no 弥生 税区分 for {tax} (voucher {entry}); add one"


class VoucherTooLongError(YayoiError):
    code = "YAYOI_VOUCHER_TOO_LONG"
    template = (
        "{file}: voucher {entry} needs {lines} lines of the 弥生 import file, more than the {limit} "
        "one file may hold"
    )
