"""A batch prepares its targets once (`prepare_targets`) and renders every store-day with them:
the same bytes as rendering by name, and options refused before any store-day."""

from __future__ import annotations

from pathlib import Path

import pytest

from journalgen.build import prepare_targets, render
from journalgen.errors import SettingsError
from journalgen.inputs import SAMPLE_CLOSES, parse_close
from journalgen.journalize import journalize
from journalgen.settings import Settings, load_settings

SETTINGS = load_settings(Path(__file__).parents[1] / "journalgen" / "sample" / "settings.toml")
TARGETS = ["journal", "freee", "yayoi"]


def test_prepared_targets_render_what_their_names_render():
    prepared = prepare_targets(SETTINGS, TARGETS)
    for path in sorted(SAMPLE_CLOSES.glob("*.json")):
        journal = journalize(parse_close(path.read_bytes(), path.name), SETTINGS, path.name)
        assert render(journal, SETTINGS, prepared) == render(journal, SETTINGS, TARGETS)


def test_a_refused_section_is_refused_when_the_targets_are_prepared():
    settings = Settings.model_validate({"targets": {"yayoi": {"overlong": "cut"}}})
    with pytest.raises(SettingsError) as refused:
        prepare_targets(settings, ["yayoi"])
    assert refused.value.problems[0].field == "targets.yayoi.overlong"


def test_targets_prepared_with_other_settings_are_refused():
    journal = journalize(parse_close((SAMPLE_CLOSES / "2025-01-10_0001.json").read_bytes()), SETTINGS)
    with pytest.raises(ValueError, match="other settings"):
        render(journal, SETTINGS, prepare_targets(Settings(), ["journal"]))
