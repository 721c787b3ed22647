"""Request bodies for `POST /api/1/deals`, `/api/1/transfers` and `/api/1/manual_journals`, and
the file holding them.

Keys follow the order of freee's OpenAPI schema (`dealCreateParams`, `transferParams`,
`manualJournalCreateParams`); the
deprecated single-destination transfer fields are not used. Amounts are tax-inclusive yen;
`vat` is the journal's tax (the register's, else computed with the settings' rounding) and is
left out for tax codes that take no tax (非課売上, 対象外 …).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from journalgen.journal import Journal
from journalgen.jsonfile import json_file
from journalgen.settings import Settings
from journalgen_freee.company import company_of
from journalgen_freee.errors import Need
from journalgen_freee.grouping import (
    MAX_REF,
    Draft,
    DealDraft,
    Detail,
    JournalDraft,
    TransferDraft,
    other_drafts,
    sales_drafts,
)
from journalgen_freee.masters import Masters
from journalgen_freee.options import FreeeOptions, Walletable

FILE_NAME = "freee-deals.json"


@dataclass(frozen=True)
class FreeeRequests:
    """One store-day's freee requests: post each of `deals` to /api/1/deals, each of
    `transfers` to /api/1/transfers and each of `manual_journals` to /api/1/manual_journals.
    A deal's or manual journal's `ref_number` (a transfer's description) is stable, so a
    connector can tell whether it already posted it."""

    company_id: int
    deals: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    manual_journals: list[dict[str, Any]]


def build_requests(journal: Journal, settings: Settings, options: FreeeOptions) -> FreeeRequests:
    """Every deal and transfer body of `journal`. Raises FreeeMissingMasterError listing every
    freee id the day needs and neither the settings nor the company file give."""
    masters = Masters(options, company_of(settings, options), settings.file_name)
    prefix = options.ref_prefix
    drafts = [
        *sales_drafts(journal, settings, options.sales_deals == "per_day", masters.is_walletable, prefix),
        *other_drafts(journal, settings, masters.is_walletable, prefix),
    ]
    if journal.resend:  # a re-send's bodies name the originals they adjust
        drafts = [replace(draft, ref=resend_ref(draft, journal.resend)) for draft in drafts]
    company_id = masters.company_id()
    day = journal.business_date.isoformat()
    deals: list[dict[str, Any]] = []
    transfers: list[dict[str, Any]] = []
    manual_journals: list[dict[str, Any]] = []
    for draft in drafts:  # in draft order, so missing names are listed in the order the day needs them
        if isinstance(draft, TransferDraft):
            transfers.append(_transfer_body(draft, masters, company_id, day))
        elif isinstance(draft, JournalDraft):
            manual_journals.append(_manual_journal_body(draft, masters, company_id, day))
        else:
            deals.append(_deal_body(draft, masters, company_id, day))
    masters.raise_missing(journal.source)
    return FreeeRequests(company_id=company_id, deals=deals, transfers=transfers, manual_journals=manual_journals)


def resend_ref(draft: Draft, number: int) -> str:
    """The ref_number of a re-send's body: `{original}-resend-N`; for a manual journal, whose
    ref_number freee caps at 20 characters, `{original, cut}-rN`."""
    if isinstance(draft, JournalDraft):
        suffix = f"-r{number}"
        return draft.ref[:MAX_REF - len(suffix)] + suffix
    return f"{draft.ref}-resend-{number}"


def _deal_body(draft: DealDraft, masters: Masters, company_id: int, day: str) -> dict[str, Any]:
    body: dict[str, Any] = {"issue_date": day, "type": draft.type, "company_id": company_id}
    partner, due_date = draft.open_terms
    if due_date is not None:
        body["due_date"] = due_date.isoformat()
    if partner is not None:
        body["partner_id"] = masters.id("partners", partner)
    body |= {
        "ref_number": draft.ref,
        "details": [_detail_body(detail, masters, draft.purchase) for detail in draft.details],
    }
    if draft.payments:
        body["payments"] = [_payment_body(masters.walletable(account), amount, day)
                            for account, amount in draft.payments]
    return body


def _payment_body(wallet: Walletable, amount: int, day: str) -> dict[str, Any]:
    return {"amount": amount, "from_walletable_id": wallet.id, "from_walletable_type": wallet.type, "date": day}


def _detail_body(detail: Detail, masters: Masters, purchase: bool) -> dict[str, Any]:
    line = detail.line
    body: dict[str, Any] = {
        "tax_code": masters.tax_code(line.tax, purchase, line.sales_return),
        "account_item_id": masters.id("account_items", line.account),
        "amount": detail.amount,
    }
    if line.item:
        body["item_id"] = masters.id("items", line.item)
    if line.section:
        body["section_id"] = masters.id("sections", line.section)
    if masters.options.detail_tags:
        body["tag_ids"] = [masters.id("tags", tag) for tag in masters.options.detail_tags]
    body["description"] = line.description
    if line.tax.rate:
        body["vat"] = detail.sign * line.tax_amount
    return body


def _manual_journal_body(draft: JournalDraft, masters: Masters, company_id: int, day: str) -> dict[str, Any]:
    """The entry's lines as they are: amounts positive, `entry_side` the line's side, sales-side
    tax codes (a debit on 売上高 with 課税売上 is a deduction of taxable sales in freee). A line in
    a store's own drawer names that 口座's 勘定科目 (freee keeps one per 口座)."""
    details = []
    for line in draft.entry.lines:
        detail: dict[str, Any] = {
            "entry_side": line.side,
            "tax_code": masters.tax_code(line.tax, sales_return=line.sales_return),
            "account_item_id": masters.id("account_items", line.sub_account or line.account, Need.manual_journal),
            "amount": line.amount,
        }
        if line.tax.rate:
            detail["vat"] = line.tax_amount
        if line.partner:
            detail["partner_id"] = masters.id("partners", line.partner)
        if line.item:
            detail["item_id"] = masters.id("items", line.item)
        if line.section:
            detail["section_id"] = masters.id("sections", line.section)
        if masters.options.detail_tags:
            detail["tag_ids"] = [masters.id("tags", tag) for tag in masters.options.detail_tags]
        detail["description"] = line.description
        details.append(detail)
    return {"company_id": company_id, "issue_date": day, "ref_number": draft.ref, "details": details}


def _transfer_body(draft: TransferDraft, masters: Masters, company_id: int, day: str) -> dict[str, Any]:
    source, destination = masters.walletable(draft.from_account), masters.walletable(draft.to_account)
    return {
        "from_walletable_id": source.id,
        "from_walletable_type": source.type,
        "date": day,
        "company_id": company_id,
        "to_walletables": [
            {"type": destination.type, "id": destination.id, "amount": draft.amount,
             "description": f"{draft.ref} {draft.description}"}
        ],
    }


def render_file(journal: Journal, requests: FreeeRequests) -> bytes:
    """`freee-deals.json`: the store-day, then the bodies; pretty, Japanese unescaped, one
    trailing newline, nothing that changes from run to run."""
    document = {
        "business_date": journal.business_date.isoformat(),
        "store": {"code": journal.store.code, "name": journal.store.name},
        "company_id": requests.company_id,
        "deals": requests.deals,
        "transfers": requests.transfers,
        "manual_journals": requests.manual_journals,
    }
    return json_file(document)
