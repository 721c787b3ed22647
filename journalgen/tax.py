"""Consumption tax inside tax-inclusive yen: the register's own figure, or computed.

The register computes tax per receipt, which is what the インボイス rules want, so its
`tax_amount` is used when given; otherwise the tax is computed with the rounding in settings.
"""

from __future__ import annotations

from typing import Literal

from journalgen.close import Sale, TaxCategory, Void

TaxRounding = Literal["floor", "round", "ceil"]


def compute_tax(amount: int, tax: TaxCategory, rounding: TaxRounding) -> int:
    """The consumption tax inside a tax-inclusive `amount`, rounded as settings say."""
    rate = tax.rate
    numerator, denominator = amount * rate, 100 + rate
    if rounding == "ceil":
        return -(-numerator // denominator)
    if rounding == "round":
        return (2 * numerator + denominator) // (2 * denominator)
    return numerator // denominator


def row_tax(row: Sale | Void, rounding: TaxRounding) -> int:
    """The tax of a sale or void row: the register's `tax_amount`, else computed."""
    return row.tax_amount if row.tax_amount is not None else compute_tax(row.amount, row.tax, rounding)
