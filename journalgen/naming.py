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
