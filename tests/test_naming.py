"""Naming templates are rendered once per distinct template and context: a name never comes
from another context, even one equal in Python's eyes (1 == True)."""

from __future__ import annotations

from journalgen.close import Store
from journalgen.naming import render_name


def test_a_name_is_rendered_for_its_own_context():
    template = "{{ store.name }} {{ difference }}"
    assert render_name(template, store=Store(code="0001", name="本店"), difference=1) == "本店 1"
    assert render_name(template, store=Store(code="0001", name="本店"), difference=True) == "本店 True"
    assert render_name(template, store=Store(code="0001", name="駅前店"), difference=1) == "駅前店 1"
    assert render_name(template, difference=1, store=Store(code="0001", name="本店")) == "本店 1"
