"""freee's own request schemas, vendored under tests/reference/, and the checks built on them.

`assert_valid(requests)` validates every body with a real JSON-Schema validator and also checks
what the schema leaves to prose: only documented keys, in the documented order, and at most
100 details per deal. The other freee tests import it from here.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from journalgen_freee import FreeeRequests, deal_bodies
from jsonschema import Draft7Validator

from journalgen.cli import cli
from journalgen.inputs import parse_close
from journalgen.journalize import journalize
from journalgen.settings import Settings, load_settings

REPO = Path(__file__).parents[1]
VENDORED = REPO / "tests" / "reference" / "freee-deal-transfer-params.json"
SHARED = REPO.parent / "shared" / "reference" / "freee-accounting-api-schema.json"
SAMPLE_SETTINGS = load_settings(REPO / "journalgen" / "sample" / "settings.toml")
SAMPLE_CLOSES = sorted((REPO / "journalgen" / "sample" / "closes").glob("*.json"))

SCHEMAS: dict[str, Any] = json.loads(VENDORED.read_text(encoding="utf-8"))["components"]["schemas"]
DEAL_SCHEMA, TRANSFER_SCHEMA = SCHEMAS["dealCreateParams"], SCHEMAS["transferParams"]
MANUAL_JOURNAL_SCHEMA = SCHEMAS["manualJournalCreateParams"]
DEAL = Draft7Validator(DEAL_SCHEMA)
TRANSFER = Draft7Validator(TRANSFER_SCHEMA)
MANUAL_JOURNAL = Draft7Validator(MANUAL_JOURNAL_SCHEMA)


def _keys_documented_in_order(body: dict[str, Any], schema: dict[str, Any], where: str) -> None:
    documented = list(schema["properties"])
    used = list(body)
    assert set(used) <= set(documented), f"{where}: undocumented keys {set(used) - set(documented)}"
    assert used == sorted(used, key=documented.index), f"{where}: keys {used} not in freee's order"
    assert not any(schema["properties"][key].get("deprecated") for key in used), f"{where}: deprecated key"
    for key, value in body.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for index, row in enumerate(value):
                _keys_documented_in_order(row, schema["properties"][key]["items"], f"{where}.{key}[{index}]")


def assert_valid(requests: FreeeRequests) -> None:
    """Every deal validates against dealCreateParams, every transfer against transferParams and
    every manual journal against manualJournalCreateParams (at most 100 lines, and it balances)."""
    for index, body in enumerate(requests.deals):
        errors = [error.message for error in DEAL.iter_errors(body)]
        assert not errors, f"deals[{index}] {body.get('ref_number')}: {errors}"
        _keys_documented_in_order(body, DEAL_SCHEMA, f"deals[{index}]")
        assert 1 <= len(body["details"]) <= 100
    for index, body in enumerate(requests.transfers):
        errors = [error.message for error in TRANSFER.iter_errors(body)]
        assert not errors, f"transfers[{index}]: {errors}"
        _keys_documented_in_order(body, TRANSFER_SCHEMA, f"transfers[{index}]")
    for index, body in enumerate(requests.manual_journals):
        errors = [error.message for error in MANUAL_JOURNAL.iter_errors(body)]
        assert not errors, f"manual_journals[{index}] {body.get('ref_number')}: {errors}"
        _keys_documented_in_order(body, MANUAL_JOURNAL_SCHEMA, f"manual_journals[{index}]")
        sides = {side: sum(d["amount"] for d in body["details"] if d["entry_side"] == side) for side in ("debit", "credit")}
        assert 2 <= len(body["details"]) <= 100 and sides["debit"] == sides["credit"], body["ref_number"]


def sample_requests(path: Path, settings: Settings = SAMPLE_SETTINGS) -> FreeeRequests:
    return deal_bodies(journalize(parse_close(path.read_text(encoding="utf-8"), str(path)), settings, str(path)),
                       settings)


def test_vendored_parts_equal_the_shared_schema():
    """The vendored copy is the shared file's, byte for byte in meaning; without ../shared the
    vendored copy (with its README noting the source and hash) is all there is to check."""
    if not SHARED.is_file():
        warnings.warn(f"{SHARED} is absent: the vendored freee schema parts were not compared", stacklevel=1)
        return
    shared = json.loads(SHARED.read_text(encoding="utf-8"))["components"]["schemas"]
    assert SCHEMAS == {name: shared[name] for name in SCHEMAS}


def test_without_the_shared_schema_the_comparison_says_it_did_not_run(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "SHARED", tmp_path / "absent.json")
    with pytest.warns(UserWarning, match="not compared"):
        test_vendored_parts_equal_the_shared_schema()


def test_the_validator_refuses_a_broken_body():
    """The schema check is real: a body freee would refuse does not pass."""
    assert not DEAL.is_valid({"issue_date": "2025-01-10", "type": "sale", "company_id": 1, "details": []})
    assert not DEAL.is_valid({"issue_date": "2025-01-10", "type": "income", "company_id": 1,
                              "details": [{"tax_code": 129, "amount": 1.5}]})
    assert not TRANSFER.is_valid({"company_id": 1, "date": "2025-01-10", "from_walletable_id": 1})


def test_every_sample_day_validates():
    assert len(SAMPLE_CLOSES) == 7
    for path in SAMPLE_CLOSES:
        requests = sample_requests(path)
        assert requests.deals or requests.manual_journals, path
        assert_valid(requests)


def test_every_sample_day_validates_with_one_deal_per_day():
    settings = SAMPLE_SETTINGS.model_copy(update={"targets": {
        **SAMPLE_SETTINGS.targets, "freee": {**SAMPLE_SETTINGS.target_section("freee"), "sales_deals": "per_day"}}})
    for path in SAMPLE_CLOSES:
        assert_valid(sample_requests(path, settings))


def test_the_cli_build_of_a_sample_day_writes_valid_bodies_for_both_stores(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--date", "2025-01-10", "--target", "freee",
                                      "--out", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "2025-01-10").iterdir() if not path.name.startswith(".")) == ["0001", "0002"]
    for store in ("0001", "0002"):
        folder = tmp_path / "2025-01-10" / store
        assert [path.name for path in folder.iterdir() if not path.name.startswith(".")] == ["freee-deals.json"]
        document = json.loads((folder / "freee-deals.json").read_text(encoding="utf-8"))
        assert document["store"]["code"] == store and document["deals"]
        assert_valid(FreeeRequests(company_id=document["company_id"], deals=document["deals"],
                                   transfers=document["transfers"], manual_journals=document["manual_journals"]))
