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


def test_a_name_depends_only_on_the_variables_its_template_reads():
    from journalgen.naming import _rendered

    store = Store(code="0001", name="本店")
    _rendered.cache_clear()
    names = {render_name("【POS Regi】{{ payment_label }}", store=store, business_date=f"2025-01-{day:02d}",
                         payment_label="現金") for day in range(1, 29)}
    assert names == {"【POS Regi】現金"}
    assert _rendered.cache_info().misses == 1  # 28 store-days, one rendering
    dated = {render_name("{{ business_date }} {{ payment_label }}", store=store, business_date=f"2025-01-{day:02d}",
                         payment_label="現金") for day in (1, 2)}
    assert dated == {"2025-01-01 現金", "2025-01-02 現金"}  # a variable it reads still tells names apart
