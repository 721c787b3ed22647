"""The 弥生 target's refusals. Each has a stable code; the Japanese is in `locale/`."""

from __future__ import annotations

from pathlib import Path

from journalgen.errors import JournalgenError

LOCALE_DIR = Path(__file__).parent / "locale"


class YayoiError(JournalgenError):
    """Base of the 弥生 target's errors: messages come from this plugin's catalog."""

    locale_dir = LOCALE_DIR


class UnencodableTextError(YayoiError):
    """A text holds a character Shift_JIS (cp932) cannot encode, and replacing is not asked for."""

    code = "YAYOI_UNENCODABLE"
    template = (
        "{file}: {field} of voucher {entry} holds {char} ({codepoint}), which Shift_JIS (cp932) "
        "cannot encode; change the text, or set unencodable = \"replace\" under [targets.yayoi]"
    )


# TextTooLongError and TextTooWideError share one code on purpose: both say "longer than 弥生
# keeps" and are fixed the same way (shorten, or overlong = "truncate"), so a connector needs one
# code; the two classes exist only to name the unit — characters (オンライン's limit) or
# half-width columns (the desktop's) — in the message.


class TextTooLongError(YayoiError):
    """A 勘定科目 or 補助科目 has more characters than 弥生会計 オンライン keeps."""

    code = "YAYOI_TOO_LONG"
    template = (
        "{file}: {field} of voucher {entry} is {length} characters long, more than the {limit} "
        "弥生 keeps ({value}); shorten it, or set overlong = \"truncate\" under [targets.yayoi]"
    )


class TextTooWideError(YayoiError):
    """A text takes more half-width columns (cp932 bytes) than 弥生会計 (desktop) keeps."""

    code = "YAYOI_TOO_LONG"
    template = (
        "{file}: {field} of voucher {entry} is {length} half-width columns wide, more than the "
        "{limit} 弥生 keeps ({value}); shorten it, or set overlong = \"truncate\" under [targets.yayoi]"
    )


class UnmappedTaxError(YayoiError):
    """A line's tax category has no 弥生 税区分 name in the settings."""

    code = "YAYOI_UNMAPPED_TAX"
    template = "{file}: [targets.yayoi.{table}] names no 弥生 税区分 for {tax} (voucher {entry}); add one"


class VoucherTooLongError(YayoiError):
    """One entry would need more lines than one import file may hold (over ~1兆円)."""

    code = "YAYOI_VOUCHER_TOO_LONG"
    template = (
        "{file}: {field} of voucher {entry} is {value} yen; 弥生 takes at most {max_amount} yen (9 digits) "
        "per line, so it would need {lines} lines of the import file, more than the {limit} one file may hold"
    )
