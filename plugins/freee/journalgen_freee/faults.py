"""What can go wrong talking to freee, one exception per fault, each with a ja/en message that
says what to do. No message ever holds a token or a client secret."""

from __future__ import annotations

from journalgen.errors import JournalgenError
from journalgen_freee.errors import LOCALE_DIR


class FreeeApiError(JournalgenError):
    """Base of the faults of the freee API; `what` names the request (e.g. deal POS-…-cash)."""

    code = "FREEE_API"
    locale_dir = LOCALE_DIR


class FreeeNotConnectedError(FreeeApiError):
    code = "FREEE_NOT_CONNECTED"
    template = (
        "journalgen is not connected to freee: run `journalgen auth freee` once "
        "(or set FREEE_ACCESS_TOKEN for a connector)"
    )


class FreeeAuthError(FreeeApiError):
    """The access token was refused and could not be renewed (seed 003: アクセストークンの取得に失敗しました / 期限切れ)."""

    code = "FREEE_AUTH"
    template = (
        "freee refused the access token and it could not be renewed ({reason}): "
        "run `journalgen auth freee` again to reconnect"
    )


class FreeeForbiddenError(FreeeApiError):
    """The connected account lacks the rights a request needs (seed 003 FAQ: アクセス権限がない)."""

    code = "FREEE_FORBIDDEN"
    template = (
        "freee refused {what}: the freee account connected to journalgen has no right to {permission} "
        "in company {company}. In freee, open 設定 > メンバー招待, find that account and make it 管理者 "
        "(administrator), then send again. freee said: {detail}"
    )


class FreeeUnavailableError(FreeeApiError):
    """Rate limits or server faults outlasted the bounded retries; this store-day stops here."""

    code = "FREEE_UNAVAILABLE"
    template = (
        "freee did not accept {what} after {attempts} attempts ({reason}); the rest of this store-day "
        "was not sent: run `journalgen send` again later, nothing already in freee is sent twice"
    )


class FreeeRejectedError(FreeeApiError):
    """freee refused one request as invalid (400); its own messages are kept in `messages`."""

    code = "FREEE_REJECTED"
    template = "freee refused {what}: {messages}"


class FreeeChangedAfterPostError(FreeeApiError):
    """A request already in freee now has other contents with no correction in the sent-ledger to
    explain it (the settings changed): a corrected close is sent as its re-send instead."""

    code = "FREEE_CHANGED_AFTER_POST"
    template = (
        "{what} is already in freee (id {freee_id}) but the day now renders it differently, and the sent-ledger "
        "records no correction of it (did the settings change?); journalgen does not post it again. Put the "
        "settings back, or fix it in freee"
    )


class FreeeUnsendableError(FreeeApiError):
    """The day's freee file holds requests of a kind `send` does not know how to post: refused
    whole rather than sent without them (freee's books would be silently incomplete)."""

    code = "FREEE_UNSENDABLE"
    template = (
        "{file} holds {kinds}, which this version of journalgen cannot send to freee; nothing of this "
        "store-day was sent, so that freee does not get the day incomplete. Update journalgen-freee"
    )
