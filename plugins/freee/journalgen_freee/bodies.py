"""Request bodies for `POST /api/1/deals` and `POST /api/1/transfers`, and the file holding them.

Keys follow the order of freee's OpenAPI schema (`dealCreateParams`, `transferParams`); the
deprecated single-destination transfer fields are not used. Amounts are tax-inclusive yen;
`vat` is the journal's tax (the register's, else computed with the settings' rounding) and is
left out for tax codes that take no tax (非課売上, 対象外 …).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from journalgen.journal import Journal
from journalgen.settings import Settings
from journalgen_freee.grouping import (
    DealDraft,
    Detail,
    TransferDraft,
    other_drafts,
    ref_base,
    sales_drafts,
)
from journalgen_freee.company import company_of
from journalgen_freee.masters import Masters
from journalgen_freee.options import FreeeOptions

FILE_NAME = "freee-deals.json"


@dataclass(frozen=True)
class FreeeRequests:
    """One store-day's freee requests: post each of `deals` to /api/1/deals and each of
    `transfers` to /api/1/transfers. A deal's `ref_number` (a transfer's description) is
    stable, so a connector can tell whether it already posted it."""

    company_id: int
    deals: list[dict[str, Any]] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)


def build_requests(journal: Journal, settings: Settings, options: FreeeOptions) -> FreeeRequests:
    """Every deal and transfer body of `journal`. Raises FreeeMissingMasterError listing every
    freee id the day needs and neither the settings nor the company file give."""
    masters = Masters(options, company_of(settings, options))
    base = ref_base(journal, options.ref_prefix)
    drafts = [
        *sales_drafts(journal, settings, options.sales_deals == "per_day", base),
        *other_drafts(journal, settings, masters.is_walletable, base),
    ]
    company_id = masters.company_id()
    day = journal.business_date.isoformat()
    cash = settings.accounts.cash
    requests = FreeeRequests(company_id=company_id)
    for draft in drafts:
        if isinstance(draft, TransferDraft):
            requests.transfers.append(_transfer_body(draft, masters, company_id, day))
        else:
            requests.deals.append(_deal_body(draft, masters, company_id, day, cash))
    masters.raise_missing(journal.source)
    return requests


def _deal_body(draft: DealDraft, masters: Masters, company_id: int, day: str, cash: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "issue_date": day,
        "type": draft.type,
        "company_id": company_id,
        "ref_number": draft.ref,
        "details": [_detail_body(detail, masters, draft.purchase) for detail in draft.details],
    }
    if draft.paid:
        wallet = masters.walletable(cash)
        body["payments"] = [
            {"amount": draft.paid, "from_walletable_id": wallet.id, "from_walletable_type": wallet.type, "date": day}
        ]
    return body


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
