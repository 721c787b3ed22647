"""Naming templates for 品目, 部門 and descriptions: jinja2 in a sandbox.

Templates come from a settings file, which a shop owner may have copied from anywhere, so they
run sandboxed and an unknown variable is an error rather than an empty string.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

_ENVIRONMENT = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


@functools.cache
def compile_template(source: str) -> Template:
    """Compile a naming template; raises ValueError with jinja2's reason when it does not parse."""
    try:
        return _ENVIRONMENT.from_string(source)
    except TemplateError as exc:
        raise ValueError(f"template {source!r} does not compile: {exc}") from None


def render_name(source: str, **context: Any) -> str:
    """Render a naming template with `context`; surrounding whitespace is stripped."""
    try:
        return compile_template(source).render(**context).strip()
    except TemplateError as exc:
        raise ValueError(f"template {source!r} failed: {exc}") from None


_EXAMPLE_PAYMENT = {
    "payment": "credit", "payment_label": "クレジット", "payment_item_id": "0001", "payment_item_name": "Visa",
    "tax": "standard_10", "tax_label": "課税10%",
}
EXAMPLE_CONTEXTS: dict[str, dict[str, Any]] = {
    "item": _EXAMPLE_PAYMENT,
    "section": {},
    "sales_description": _EXAMPLE_PAYMENT,
    "void_description": {**_EXAMPLE_PAYMENT, "receipt_no": "0000123", "original_date": "2025-01-09",
                         "reason": "cancel"},
    "cash_movement_description": {"direction": "out", "reason": "消耗品購入"},
    "cash_difference_description": {"difference": -100},
}
"""The variables each naming template is rendered with (besides `store` and `business_date`),
with example values: what the README lists, and what `check_template` renders once at load."""


def check_template(name: str, source: str) -> None:
    """Render template `name` once with example values, so a variable it does not get (or a
    filter that fails) is refused when settings load, not on every store-day of a run."""
    render_name(source, store={"code": "0001", "name": "店"}, business_date="2025-01-10", **EXAMPLE_CONTEXTS[name])
