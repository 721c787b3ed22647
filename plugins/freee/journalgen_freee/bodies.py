"""Request bodies for `POST /api/1/deals` and `POST /api/1/transfers`, and the file holding them.

Keys follow the order of freee's OpenAPI schema (`dealCreateParams`, `transferParams`); the
deprecated single-destination transfer fields are not used. Amounts are tax-inclusive yen;
`vat` is the journal's tax (the register's, else computed with the settings' rounding) and is
left out for tax codes that take no tax (非課売上, 対象外 …).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from journalgen.journal import Journal
from journalgen.settings import Settings
from journalgen_freee.company import company_of
from journalgen_freee.grouping import (
    DealDraft,
    Detail,
    TransferDraft,
    other_drafts,
    ref_base,
    sales_drafts,
)
from journalgen_freee.masters import Masters
from journalgen_freee.options import FreeeOptions, Walletable

FILE_NAME = "freee-deals.json"


@dataclass(frozen=True)
class FreeeRequests:
    """One store-day's freee requests: post each of `deals` to /api/1/deals and each of
    `transfers` to /api/1/transfers. A deal's `ref_number` (a transfer's description) is
    stable, so a connector can tell whether it already posted it."""

    company_id: int
    deals: list[dict[str, Any]]
    transfers: list[dict[str, Any]]


def build_requests(journal: Journal, settings: Settings, options: FreeeOptions) -> FreeeRequests:
    """Every deal and transfer body of `journal`. Raises FreeeMissingMasterError listing every
    freee id the day needs and neither the settings nor the company file give."""
    masters = Masters(options, company_of(settings, options), settings.file_name)
    base = ref_base(journal, options.ref_prefix)
    drafts = [
        *sales_drafts(journal, settings, options.sales_deals == "per_day", masters.is_walletable, base),
        *other_drafts(journal, settings, masters.is_walletable, base),
    ]
    if journal.resend:  # a re-send's deals name the originals they adjust: `{original}-resend-N`
        drafts = [replace(draft, ref=f"{draft.ref}-resend-{journal.resend}") for draft in drafts]
    company_id = masters.company_id()
    day = journal.business_date.isoformat()
    deals: list[dict[str, Any]] = []
    transfers: list[dict[str, Any]] = []
    for draft in drafts:  # in draft order, so missing names are listed in the order the day needs them
        if isinstance(draft, TransferDraft):
            transfers.append(_transfer_body(draft, masters, company_id, day))
        else:
            deals.append(_deal_body(draft, masters, company_id, day))
    masters.raise_missing(journal.source)
    return FreeeRequests(company_id=company_id, deals=deals, transfers=transfers)


def _deal_body(draft: DealDraft, masters: Masters, company_id: int, day: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "issue_date": day,
        "type": draft.type,
        "company_id": company_id,
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
        "tax_code": masters.tax_code(line.tax, purchase),
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
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
