"""Naming templates for 品目, 部門 and descriptions: jinja2 in a sandbox.

Templates come from a settings file, which a shop owner may have copied from anywhere, so they
run sandboxed and an unknown variable is an error rather than an empty string.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from journalgen.close import Store

MAX_NAME = 1000
"""The most characters a rendered name may have (弥生 and freee keep far fewer)."""
MAX_SIZE = 10_000
"""The largest size one operation of a template may ask for: a repetition (`'x' * n`), a width
(`center(n)`, `'%*s'`, `'{:>n}'`), a power's result in digits."""
_WIDTH = re.compile(r"[0-9]+")
_NO_LOOPS = (nodes.For, nodes.Macro, nodes.CallBlock, nodes.FilterBlock)


def _refuse_size(size: float) -> None:
    if size > MAX_SIZE:
        raise SecurityError(f"the template asks for a size of {size:.0f}; at most {MAX_SIZE} is allowed")


def _check_format(text: object) -> None:
    """A format string (`'%10000s'`, `'{:>10000}'`) may not ask for a width past MAX_SIZE."""
    if isinstance(text, str):
        for width in _WIDTH.findall(text):
            _refuse_size(int(width[:20]))  # past 20 digits the exact value does not matter


def _check_arguments(*args: Any, **kwargs: Any) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool):
            _refuse_size(abs(value))


class _Sandbox(ImmutableSandboxedEnvironment):
    """jinja2's immutable sandbox, also refusing work that cannot finish: huge powers,
    repetitions, widths and paddings; `lipsum` is not offered."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
            if abs(left) > 1 and right > 0:
                _refuse_size(right * math.log10(abs(left)))
        elif operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, str | list | tuple) and isinstance(count, int):
                    _refuse_size(len(sized) * count)
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
            _check_arguments(*(right if isinstance(right, tuple) else (right,)))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja2's own signature)
        _check_arguments(*args, **kwargs)
        _check_format(getattr(getattr(__obj, "__wrapped__", None), "__self__", None))
        return super().call(__context, __obj, *args, **kwargs)


def _checked_filter(function):
    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(*args[1:], **kwargs)
        if function.__name__ == "do_format" and args:
            _check_format(args[0])
        return function(*args, **kwargs)

    return checked


_ENVIRONMENT = _Sandbox(undefined=StrictUndefined, autoescape=False)
_ENVIRONMENT.filters = {name: _checked_filter(function) for name, function in _ENVIRONMENT.filters.items()}
_ENVIRONMENT.globals.pop("lipsum", None)
_ENVIRONMENT.filters.pop("random")  # a name is a function of its context: the same day names alike
RENDERED_NAMES = 4096
"""How many (template, context) pairs `render_name` remembers: a run has a few hundred."""


@functools.cache
def compile_template(source: str) -> Template:
    """Compile a naming template; raises ValueError with jinja2's reason when it does not parse,
    or when it loops or defines macros (a name is an expression, and a loop could run forever)."""
    try:
        tree = _ENVIRONMENT.parse(source)
    except TemplateError as exc:
        raise ValueError(f"template {source!r} does not compile: {exc}") from None
    if any(True for _ in tree.find_all(_NO_LOOPS)):
        raise ValueError(f"template {source!r} has a loop, macro or filter block; a naming template "
                         "is an expression (with if/else)")
    return _ENVIRONMENT.from_string(tree)


@functools.cache
def _variables(source: str) -> tuple[str, ...] | None:
    """The names a template reads from its context, sorted; None when it does not parse
    (rendering it then says why)."""
    try:
        return tuple(sorted(meta.find_undeclared_variables(_ENVIRONMENT.parse(source))))
    except TemplateError:
        return None


def render_name(source: str, **context: Any) -> str:
    """Render a naming template with `context`; surrounding whitespace is stripped. Raises
    ValueError for any failure: a jinja2 error, a refusal of the sandbox, an exception of the
    template's own arithmetic (division by zero, a type error), a name past MAX_NAME. A name is
    rendered once per distinct template and values of the variables it reads (values of immutable
    types: str, int, Store), so `{{ payment_label }}` renders once per label, not per store-day."""
    used = _variables(source)
    keys = sorted(context) if used is None else [key for key in used if key in context]
    return _rendered(source, tuple((key, type(context[key]), context[key]) for key in keys))


@functools.lru_cache(maxsize=RENDERED_NAMES)
def _rendered(source: str, context: tuple[tuple[str, type, Any], ...]) -> str:
    try:
        name = compile_template(source).render({key: value for key, _, value in context}).strip()
    except ValueError:
        raise
    except Exception as exc:  # anything a template can raise is the template's failure, never a crash
        raise ValueError(f"template {source!r} failed: {type(exc).__name__}: {exc}") from None
    if len(name) > MAX_NAME:
        raise ValueError(f"template {source!r} renders {len(name)} characters; a name has at most {MAX_NAME}")
    return name


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
    """Render template `name` once with example values of the kinds a build passes (the store
    is a `Store`, the date a string), so a variable it does not get, a filter that fails or work
    the sandbox refuses is found when settings load, not on every store-day of a run."""
    render_name(source, store=Store(code="0001", name="店"), business_date="2025-01-10", **EXAMPLE_CONTEXTS[name])
