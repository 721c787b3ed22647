"""The hooks a journalgen plugin may implement. This module is the whole plugin contract.

A plugin is a module (or object) registered under the `journalgen` entry-point group. It marks
its functions with `journalgen.hookimpl`; the names below are the only ones it may use
(a misspelled one fails when plugins load).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from journalgen.target import Target

hookspec = pluggy.HookspecMarker("journalgen")
hookimpl = pluggy.HookimplMarker("journalgen")


@hookspec
def journalgen_register_targets(register: Callable[[Target], None]) -> None:
    """Called once, right after plugins load. Call `register(Target(...))` for each target the
    plugin provides; a target name already registered by another plugin is an error.
    Returns nothing."""
