"""The freee client and the posting seam against the stateful fake freee (tests/fake_freee.py):
token renewal and rotation, rate limits, faults and their messages, paging, settling."""

from __future__ import annotations

import ast
import datetime as dt
import stat
from pathlib import Path

import pytest
from fake_freee import FakeFreee, Fault
from journalgen_freee import cli as freee_cli
from journalgen_freee import faults
from journalgen_freee.client import FreeeClient
from journalgen_freee.faults import (
    FreeeAuthError,
    FreeeChangedAfterPostError,
    FreeeForbiddenError,
    FreeeRejectedError,
    FreeeUnavailableError,
    FreeeUnsendableError,
)
from journalgen_freee.options import FreeeOptions
from journalgen_freee.posting import LedgerPostedRecord, Request, StoreDay, post_store_day, requests_of
from journalgen_freee.tokens import GivenToken, OAuthApp, Secret, StoredTokens, TokenPair, TokenStore
from tenacity import wait_none
from test_i18n import placeholders

from journalgen.i18n import translate
from journalgen.ledger import Ledger


def posted_record(folder: Path) -> LedgerPostedRecord:
    """The sent-ledger's posted record, in a SQLite ledger in `folder`."""
    return LedgerPostedRecord(Ledger(f"sqlite:///{folder / 'ledger.sqlite3'}"), "サンプル食堂株式会社")


DAY = dt.date(2025, 1, 10)
STORE_DAY = StoreDay(1234567, "0001", DAY)


def deal(ref: str, amount: int = 1100) -> dict:
    return {"issue_date": DAY.isoformat(), "type": "income", "company_id": 1234567, "ref_number": ref,
            "details": [{"tax_code": 129, "account_item_id": 501001, "amount": amount, "vat": amount // 11}]}


def transfer(description: str, amount: int = 30000) -> dict:
    return {"from_walletable_id": 801002, "from_walletable_type": "bank_account", "date": DAY.isoformat(),
            "company_id": 1234567,
            "to_walletables": [{"type": "wallet", "id": 801001, "amount": amount, "description": description}]}


def manual_journal(ref: str, amount: int = 1100) -> dict:
    return {"company_id": 1234567, "issue_date": DAY.isoformat(), "ref_number": ref, "details": [
        {"entry_side": "debit", "tax_code": 129, "account_item_id": 501001, "amount": amount, "vat": amount // 11},
        {"entry_side": "credit", "tax_code": 2, "account_item_id": 101001, "amount": amount}]}


@pytest.fixture
def fake():
    with FakeFreee() as server:
        yield server


@pytest.fixture
def store(tmp_path, fake):
    store = TokenStore(tmp_path / "config" / "freee-tokens.json")
    access, refresh = fake.issue_pair()
    store.save(TokenPair(Secret(access), Secret(refresh)))
    return store


def app(fake) -> OAuthApp:
    return OAuthApp("client-1", Secret("client-secret-5e8a"), fake.url)


def client(fake, store, **kwargs) -> FreeeClient:
    return FreeeClient(StoredTokens(store, app(fake)), fake.url, wait=wait_none(), **kwargs)


def test_an_expired_access_token_is_renewed_once_and_the_new_pair_saved_before_it_is_used(fake, store):
    old = store.load()
    fake.access.discard(old.access.reveal())  # expired
    events = fake.requests
    original_save = store.save
    store.save = lambda pair: (events.append(("save", "", pair.access.reveal())), original_save(pair))[1]

    created = client(fake, store).create_deal(deal("POS-1"))

    new = store.load()
    assert created["ref_number"] == "POS-1" and fake.created() == ["POS-1"]
    assert fake.grants == ["refresh_token"]
    assert new.access != old.access and new.refresh != old.refresh
    assert old.refresh.reveal() not in fake.refresh  # spent: freee's refresh tokens are single-use
    saved_at = events.index(("save", "", new.access.reveal()))
    first_use = next(i for i, (_, _, bearer) in enumerate(events) if bearer == new.access.reveal() and i != saved_at)
    assert saved_at < first_use
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_a_refresh_token_used_twice_is_refused_and_the_message_says_to_connect_again(fake, store, tmp_path):
    copy = TokenStore(tmp_path / "elsewhere" / "freee-tokens.json")
    copy.save(store.load())  # the same pair in a second place: one refresh spends it for both
    stale = store.load().access
    StoredTokens(store, app(fake)).refresh(stale)

    with pytest.raises(FreeeAuthError) as refused:
        StoredTokens(copy, app(fake)).refresh(stale)

    assert fake.grants == ["refresh_token", "refresh_token"]
    assert "journalgen auth freee" in refused.value.message("en") and "invalid_grant" in refused.value.message("en")
    assert "アクセストークンの取得に失敗しました" in refused.value.message("ja")
    assert "journalgen auth freee" in refused.value.message("ja")


def test_a_renewal_another_run_already_made_is_used_instead_of_spending_the_refresh_token_again(fake, store):
    stale = store.load().access
    first = StoredTokens(store, app(fake)).refresh(stale)
    second = StoredTokens(store, app(fake)).refresh(stale)  # a second run that also got a 401 with `stale`
    assert first == second and fake.grants == ["refresh_token"]


def test_a_refused_given_token_says_so_and_is_not_renewed(fake):
    given = FreeeClient(GivenToken(Secret("given-token-91b2")), fake.url, wait=wait_none())
    with pytest.raises(FreeeAuthError) as refused:
        given.create_deal(deal("POS-1"))
    assert "FREEE_ACCESS_TOKEN" in refused.value.message("en") and fake.grants == []


def test_rate_limits_and_server_faults_are_retried_with_back_off_and_then_succeed(fake, store):
    fake.faults += [
        Fault("/api/1/deals", 429, {"message": "Too Many Requests"}, {"Retry-After": "7"}),
        Fault("/api/1/deals", 403, {"status_code": 403, "errors": [
            {"type": "status", "messages": ["ご利用のプランのAPIリクエスト数の上限に達しました"]}]}),
        Fault("/api/1/deals", 503, {"message": "Service Unavailable"}),
    ]
    slept: list[float] = []

    created = FreeeClient(StoredTokens(store, app(fake)), fake.url, sleep=slept.append).create_deal(deal("POS-1"))

    assert created["ref_number"] == "POS-1" and fake.created() == ["POS-1"]
    assert len(slept) == 3 and slept[0] >= 7  # Retry-After is honoured
    assert all(0 <= wait <= 60 for wait in slept[1:])  # jittered exponential back-off, capped


def test_retries_are_bounded_and_the_fault_names_the_request(fake, store):
    fake.faults += [Fault("/api/1/deals", 503, {"message": "maintenance"}) for _ in range(5)]
    with pytest.raises(FreeeUnavailableError) as unavailable:
        client(fake, store, attempts=3).create_deal(deal("POS-1"))
    message = unavailable.value.message("en")
    assert "deal POS-1" in message and "3 attempts" in message and "HTTP 503" in message
    assert len(fake.faults) == 2 and fake.created() == []
    assert "deal POS-1" in unavailable.value.message("ja") and "3 回" in unavailable.value.message("ja")


def test_403_without_rights_names_the_permission_and_how_to_grant_it(fake, store):
    fake.faults.append(Fault("/api/1/deals", 403, {"message": "権限がありません"}))
    with pytest.raises(FreeeForbiddenError) as forbidden:
        client(fake, store).create_deal(deal("POS-1"))
    ja, en = forbidden.value.message("ja"), forbidden.value.message("en")
    assert "管理者" in ja and "設定 > メンバー招待" in ja and "取引 (deals) 作成 (create)" in ja
    assert "1234567" in ja and "権限がありません" in ja
    assert "管理者 (administrator)" in en and "deal POS-1" in en
    assert len([r for r in fake.requests if r[0] == "POST"]) == 1  # not retried


def test_400_shows_freees_own_messages_with_the_ref_number(fake, store):
    fake.reject["POS-2"] = ["貸借が一致しません", "税区分が不正です"]
    with pytest.raises(FreeeRejectedError) as rejected:
        client(fake, store).create_deal(deal("POS-2"))
    assert rejected.value.message("en") == "freee refused deal POS-2: 貸借が一致しません; 税区分が不正です"
    assert rejected.value.message("ja") == "freee が deal POS-2 を受け付けませんでした: 貸借が一致しません; 税区分が不正です"


def test_403_on_a_manual_journal_names_the_振替伝票_right(fake, store):
    fake.faults.append(Fault("/api/1/manual_journals", 403, {"message": "権限がありません"}))
    with pytest.raises(FreeeForbiddenError) as forbidden:
        client(fake, store).create_manual_journal(manual_journal("POS-9f"))
    ja, en = forbidden.value.message("ja"), forbidden.value.message("en")
    assert "振替伝票 (manual journals) 作成 (create)" in ja and "管理者" in ja
    assert "freee refused manual journal POS-9f" in en and "振替伝票 (manual journals) 作成 (create)" in en


def test_400_on_a_manual_journal_shows_freees_words_with_its_ref_number(fake, store, tmp_path):
    fake.reject["POS-9f"] = ["貸借が一致しません"]
    requests = [Request("deal", "POS-1", deal("POS-1")), Request("manual_journal", "POS-9f", manual_journal("POS-9f"))]
    report = post_store_day(client(fake, store), posted_record(tmp_path), STORE_DAY, requests)
    assert isinstance(report.error, FreeeRejectedError) and [p.key for p in report.created] == ["POS-1"]
    assert report.error.message("en") == "freee refused manual journal POS-9f: 貸借が一致しません"
    assert report.error.message("ja") == "freee が manual journal POS-9f を受け付けませんでした: 貸借が一致しません"
    assert fake.created("manual_journals") == []


def test_a_freee_file_with_requests_send_does_not_know_is_refused_whole_not_sent_without_them():
    document = {"company_id": 1234567, "deals": [deal("POS-1")], "transfers": [], "manual_journals": [],
                "expense_applications": [{"issue_date": DAY.isoformat()}]}
    with pytest.raises(FreeeUnsendableError) as refused:
        requests_of(document, "out/2025-01-10/0001/freee-deals.json")
    english = refused.value.message("en")
    assert "expense_applications" in english and "nothing of this store-day" in english
    assert "この店舗・営業日は何も送信していません" in refused.value.message("ja")
    known = requests_of({**document, "expense_applications": [], "manual_journals": [manual_journal("POS-9f")]})
    assert [(r.kind, r.key) for r in known] == [("deal", "POS-1"), ("manual_journal", "POS-9f")]


def test_every_page_of_the_days_deals_is_read(fake, store):
    fake.deals += [{"id": n, **deal(f"POS-{n}")} for n in range(230)]
    fake.deals.append({"id": 999, **deal("OTHER-DAY"), "issue_date": "2025-01-11"})
    listed = client(fake, store).deals_on(1234567, DAY)
    assert [d["ref_number"] for d in listed] == [f"POS-{n}" for n in range(230)]
    assert len([r for r in fake.requests if r[0] == "GET"]) == 3


def test_every_page_of_the_days_manual_journals_is_read_though_freee_gives_no_total(fake, store):
    fake.manual_journals += [{"id": n, "adjustment": False, **manual_journal(f"POS-{n}")} for n in range(200)]
    fake.manual_journals.append({"id": 999, "adjustment": False, **manual_journal("OTHER-DAY"),
                                 "issue_date": "2025-01-11"})
    listed = client(fake, store).manual_journals_on(1234567, DAY)
    assert [j["ref_number"] for j in listed] == [f"POS-{n}" for n in range(200)]
    assert len([r for r in fake.requests if r[0] == "GET"]) == 3  # 100, 100, then an empty page ends it


def test_a_post_whose_answer_was_lost_is_found_in_freee_not_posted_again(fake, store, tmp_path):
    fake.faults.append(Fault("/api/1/deals", 502, {"message": "Bad Gateway"}, create_first=True))
    fake.faults.append(Fault("/api/1/transfers", 504, {}, create_first=True))
    fake.faults.append(Fault("/api/1/manual_journals", 503, {}, create_first=True))
    requests = [Request("deal", "POS-1", deal("POS-1")), Request("transfer", "POS-in-1", transfer("POS-in-1 入金")),
                Request("manual_journal", "POS-9f", manual_journal("POS-9f"))]

    report = post_store_day(client(fake, store), posted_record(tmp_path), STORE_DAY, requests)

    assert report.error is None and report.created == []
    assert [(p.key, p.how) for p in report.found] == [("POS-1", "found"), ("POS-in-1", "found"), ("POS-9f", "found")]
    assert fake.created() == ["POS-1"] and fake.created("transfers") == ["POS-in-1 入金"]
    assert fake.created("manual_journals") == ["POS-9f"]


def test_what_is_in_freee_but_not_recorded_is_settled_by_ref_number_and_by_transfer_contents(fake, store, tmp_path):
    fake.deals.append({"id": 5, **deal("POS-1")})
    fake.manual_journals.append({"id": 8, "adjustment": False, **manual_journal("POS-9f")})
    fake.transfers.append({"id": 6, "amount": 30000, **transfer("POS-in-1 入金")})
    fake.transfers.append({"id": 7, "amount": 5000, **transfer("POS-in-1 入金", 5000)})  # same words, other amount
    requests = [Request("deal", "POS-1", deal("POS-1")), Request("deal", "POS-2", deal("POS-2")),
                Request("transfer", "POS-in-1", transfer("POS-in-1 入金")),
                Request("manual_journal", "POS-9f", manual_journal("POS-9f")),
                Request("manual_journal", "POS-a0", manual_journal("POS-a0"))]

    report = post_store_day(client(fake, store), posted_record(tmp_path), STORE_DAY, requests)

    assert [(p.key, p.freee_id) for p in report.found] == [("POS-1", 5), ("POS-in-1", 6), ("POS-9f", 8)]
    assert [p.key for p in report.created] == ["POS-2", "POS-a0"]
    assert fake.created() == ["POS-1", "POS-2"] and fake.created("manual_journals") == ["POS-9f", "POS-a0"]


def test_a_body_changed_after_it_was_posted_is_refused_before_any_request(fake, store, tmp_path):
    record = posted_record(tmp_path)
    post_store_day(client(fake, store), record, STORE_DAY, [Request("deal", "POS-1", deal("POS-1"))])
    before = len(fake.requests)
    report = post_store_day(client(fake, store), record, STORE_DAY,
                            [Request("deal", "POS-1", deal("POS-1", 2200)), Request("deal", "POS-2", deal("POS-2"))])
    assert isinstance(report.error, FreeeChangedAfterPostError) and "deal POS-1" in report.error.message("en")
    assert len(fake.requests) == before and fake.created() == ["POS-1"]


def test_no_repr_shows_a_secret(fake, store):
    pair = store.load()
    options = FreeeOptions(client_id="client-1", client_secret="client-secret-5e8a")
    shown = " ".join(map(repr, [pair, pair.access, StoredTokens(store, app(fake)), app(fake), options,
                                GivenToken(Secret("given-token-91b2")), client(fake, store)]))
    shown += str(pair.access) + f"{pair.refresh}"
    for secret in (pair.access.reveal(), pair.refresh.reveal(), "client-secret-5e8a", "given-token-91b2"):
        assert secret not in shown


def test_every_delivery_message_has_japanese_with_the_same_placeholders():
    """The faults' templates and every `_("…")` text of the freee command line."""
    messages = {error.template for error in vars(faults).values()
                if isinstance(error, type) and issubclass(error, faults.FreeeApiError) and error is not faults.FreeeApiError}
    for node in ast.walk(ast.parse(Path(freee_cli.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_" and isinstance(node.args[0], ast.Constant):
            messages.add(node.args[0].value)
    assert len(messages) == 14
    for message in messages:
        japanese = translate(message, "ja", faults.LOCALE_DIR)
        assert japanese != message and placeholders(japanese) == placeholders(message), message
