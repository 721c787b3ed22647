"""Hypothesis strategies for daily closes that exercise every event kind."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from journalgen.close import (
    MAX_YEN,
    CashCount,
    CashMovement,
    DailyClose,
    PaymentItem,
    PaymentKind,
    Sale,
    Store,
    TaxCategory,
    Void,
)

REASONS = ("消耗品購入", "釣銭補充", "売上金入金", "雑費立替", "未登録の理由")

yen = st.one_of(st.integers(0, 200_000), st.integers(0, MAX_YEN // 1000))
payment_items = st.none() | st.sampled_from(  # one name per id, as the input contract requires
    [PaymentItem(id="0001", name="Visa"), PaymentItem(id="00000000000001000001", name="PayPay"),
     PaymentItem(id="42", name="Visa")]
)


@st.composite
def sales(draw: st.DrawFn) -> Sale:
    amount, tax = draw(yen), draw(st.sampled_from(TaxCategory))
    tax_amount = draw(st.none() | st.integers(0, amount // 10 if tax.rate else 0))
    return Sale(payment=draw(st.sampled_from(PaymentKind)), payment_item=draw(payment_items),
                tax=tax, amount=amount, tax_amount=tax_amount)


@st.composite
def voids(draw: st.DrawFn, latest: dt.date = dt.date(2025, 1, 1)) -> Void:
    """A void of a receipt of `latest` or a day before it."""
    sale = draw(sales())
    return Void(receipt_no=draw(st.from_regex(r"\A[0-9]{7}\Z")),
                original_date=draw(st.dates(dt.date(2024, 1, 1), latest)),
                reason=draw(st.none() | st.sampled_from(["cancel", "correction"])),
                **sale.model_dump(exclude_none=False))


cash_movements = st.builds(CashMovement, direction=st.sampled_from(["in", "out"]),
                           reason=st.sampled_from(REASONS), amount=yen)
cash_counts = st.builds(CashCount, expected=yen, counted=yen)


@st.composite
def closes(draw: st.DrawFn, min_rows: int = 0, max_rows: int = 12) -> DailyClose:
    """A close with any mix of sales, voids, cash movements and a cash count; `min_rows` and
    `max_rows` bound its sales rows (and a third as many voids)."""
    business_date = draw(st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    return DailyClose(
        business_date=business_date,
        store=Store(code=draw(st.from_regex(r"\A[0-9]{4}\Z")), name="テスト店"),
        sales=tuple(draw(st.lists(sales(), min_size=min_rows, max_size=max(min_rows, max_rows)))),
        voids=tuple(draw(st.lists(voids(latest=business_date), max_size=max(4, max_rows // 3)))),
        cash_movements=tuple(draw(st.lists(cash_movements, max_size=4))),
        cash_count=draw(st.none() | cash_counts),
    )
