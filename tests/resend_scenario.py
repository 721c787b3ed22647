"""The re-send scenario the issue asks for, run through the real CLI against any ledger URL.

A day → re-run unchanged → a late void (`resend-1`) → a corrected amount (`resend-2`) → `--full`
(`resend-3`). Every freee file validates against freee's schema, every 弥生 file passes the
independent reader, and for every target Σ(first) + Σ(resend-1) + Σ(resend-2) equals the
corrected day, per account × tax × 品目 (and per 口座 for freee's payments).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine
from journalgen_freee import FreeeRequests
from test_freee_schema import assert_valid
from test_trial_balance import freee_books
from test_yayoi_reader import read_import_file

from journalgen.cli import cli
from journalgen.ledger import Ledger, StoreDayKey, default_url
from journalgen.settings import FiscalPeriod, load_settings

REPO = Path(__file__).parents[1]
SAMPLE_SETTINGS_FILE = REPO / "journalgen" / "sample" / "settings.toml"
SAMPLE_SETTINGS = SAMPLE_SETTINGS_FILE.read_text(encoding="utf-8")
SAMPLE_DAY = REPO / "journalgen" / "sample" / "closes" / "2025-01-10_0001.json"
TARGETS = ("journal", "freee", "yayoi")
PERIOD = FiscalPeriod(start="2025-01-01", end="2025-12-31")
DAY = StoreDayKey(company="サンプル食堂株式会社", store="0001", business_date=PERIOD.start.replace(day=10))


STORES = {"0001": "サンプル食堂 本店", "0002": "サンプル食堂 駅前店", "0003": "サンプル食堂 三号店"}


def settings_text(ledger_url: str | None) -> str:
    """The sample settings with a third store's freee 部門, and `[ledger] url` when given."""
    text = SAMPLE_SETTINGS.replace('"0002:サンプル食堂 駅前店" = 701002\n',
                                   '"0002:サンプル食堂 駅前店" = 701002\n"0003:サンプル食堂 三号店" = 701003\n')
    return text + (f'\n[ledger]\nurl = "{ledger_url}"\n' if ledger_url else "")


def many_days(path: Path, days: int, stores: int = 3) -> Path:
    """A JSON Lines file of the sample day's close for `days` days from 2025-01-01 × `stores` stores."""
    base = json.loads(SAMPLE_DAY.read_text(encoding="utf-8"))
    with path.open("w", encoding="utf-8") as stream:
        for offset in range(days):
            day = (PERIOD.start + dt.timedelta(days=offset)).isoformat()
            for code, name in list(STORES.items())[:stores]:
                close = base | {"business_date": day, "store": {"code": code, "name": name}}
                stream.write(json.dumps(close, ensure_ascii=False) + "\n")
    return path


def journal_sums(data: bytes) -> Counter:
    """journal.json: signed yen per account × tax × 品目 (debit +, credit −)."""
    sums: Counter = Counter()
    for entry in json.loads(data)["entries"]:
        for line in entry["lines"]:
            sign = 1 if line["side"] == "debit" else -1
            sums[line["account"], line["tax"], line["item"]] += sign * line["amount"]
            sums["tax", line["account"], line["tax"]] += sign * line["tax_amount"]
    return sums


def freee_sums(data: bytes) -> Counter:
    """freee-deals.json read as freee books it (`test_trial_balance.freee_books`: deals, transfers
    and manual journals): signed yen per account, and taxed yen and tax per account × tax code."""
    document = json.loads(data)
    requests = FreeeRequests(company_id=document["company_id"], deals=document["deals"],
                             transfers=document["transfers"], manual_journals=document["manual_journals"])
    balances, taxed = freee_books(requests, load_settings(SAMPLE_SETTINGS_FILE))
    sums: Counter = Counter()
    sums.update({("balance", account): amount for account, amount in balances.items()})
    sums.update({("taxed", *key): amount for key, amount in taxed.items()})
    return sums


def yayoi_sums(data: bytes) -> Counter:
    """yayoi-import.csv, read by the independent reader: signed yen per 勘定科目 × 補助科目 × 税区分."""
    sums: Counter = Counter()
    for voucher in read_import_file(data, PERIOD):
        for line in voucher.lines:
            for side, sign in ((line.debit, 1), (line.credit, -1)):
                if side.account:
                    sums[side.account, side.sub_account, side.tax_category] += sign * side.amount
                    sums["tax", side.account, side.tax_category] += sign * side.tax_amount
    return sums


SUMS = {"journal.json": journal_sums, "freee-deals.json": freee_sums, "yayoi-import.csv": yayoi_sums}


def total(*counters: Counter) -> Counter:
    """The sum of `counters`, negatives kept and zeros dropped."""
    result: Counter = Counter()
    for counter in counters:
        result.update(counter)
    return Counter({key: value for key, value in result.items() if value})


def check_files(folder: Path) -> dict[str, bytes]:
    """The target files of `folder`, after checking freee's against the schema and 弥生's with the reader."""
    files = {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}
    freee = json.loads(files["freee-deals.json"])
    assert_valid(FreeeRequests(company_id=freee["company_id"], deals=freee["deals"], transfers=freee["transfers"],
                               manual_journals=freee["manual_journals"]))
    read_import_file(files["yayoi-import.csv"], PERIOD)
    return files


class Scenario:
    """One close file, one settings file, one OUT: build it again and again through the CLI."""

    def __init__(self, tmp_path: Path, ledger_url: str | None = None):
        self.out = tmp_path / "out"
        self.day_dir = self.out / "2025-01-10" / "0001"
        self.input = tmp_path / "close.json"
        self.settings = tmp_path / "settings.toml"
        self.settings.write_text(settings_text(ledger_url), encoding="utf-8")
        self.url = ledger_url or default_url(self.out)
        self.close = json.loads(SAMPLE_DAY.read_text(encoding="utf-8"))

    def build(self, *options: str) -> str:
        self.input.write_text(json.dumps(self.close, ensure_ascii=False), encoding="utf-8")
        result = CliRunner().invoke(cli, ["build", "--input", str(self.input), "--config", str(self.settings),
                                          "--out", str(self.out), "--lang", "en", *options])
        assert result.exit_code == 0, result.output
        return result.output

    def emissions(self) -> list[tuple[str, int, str, str]]:
        ledger = Ledger(self.url)
        try:
            return [(e.target, e.number, e.kind, e.state) for e in ledger.emissions(DAY)]
        finally:
            ledger.close()

    def resends(self) -> list[str]:
        return sorted(path.name for path in self.day_dir.iterdir() if path.is_dir())


def run(tmp_path: Path, ledger_url: str | None = None) -> None:
    """The whole scenario; see the module."""
    day = Scenario(tmp_path, ledger_url)

    first = day.build()
    assert "Store-days: 1 built, 0 failed," in first
    assert "Sent-ledger: 1 sent for the first time, 0 unchanged, 0 re-sent." in first
    first = check_files(day.day_dir)
    assert day.emissions() == [(target, 0, "first", "committed") for target in sorted(TARGETS)]

    output = day.build()
    assert "unchanged: nothing to re-send" in output and "1 unchanged" in output
    assert day.resends() == [] and len(day.emissions()) == 3

    day.close["voids"].append({"receipt_no": "0000777", "original_date": "2025-01-09", "payment": "cash",
                               "tax": "standard_10", "amount": 2200, "tax_amount": 200})
    output = day.build()
    assert f"re-send 1: +1 −0 entries, sales −￥2,200 → {day.day_dir / 'resend-1'}/" in output
    resend_1 = check_files(day.day_dir / "resend-1")
    (void,) = json.loads(resend_1["journal.json"])["entries"]
    assert void["kind"] == "void" and void["receipt_no"] == "0000777"
    freee_1 = json.loads(resend_1["freee-deals.json"])  # a refund a deal cannot hold: a manual journal
    (manual,) = freee_1["manual_journals"]
    assert freee_1["deals"] == [] and [detail["amount"] for detail in manual["details"]] == [2200, 2200]
    assert manual["ref_number"] == f"POS-{void['key']}"[:17] + "-r1"
    (voucher,) = read_import_file(resend_1["yayoi-import.csv"], PERIOD)
    assert voucher.memo == f"journalgen:{void['key']}" and voucher.debit_total == 2200
    assert json.loads(resend_1["yayoi-smart.json"])["records"][0]["id"] == void["key"]

    held = {entry["key"]: entry for entry in json.loads(first["journal.json"])["entries"]}
    day.close["sales"][0] |= {"amount": 49500, "tax_amount": 4500}
    output = day.build()
    assert f"re-send 2: +1 −1 entries, sales +￥1,100 → {day.day_dir / 'resend-2'}/" in output
    resend_2 = check_files(day.day_dir / "resend-2")
    reversal, rebooked = json.loads(resend_2["journal.json"])["entries"]
    original = held[reversal["key"].removesuffix("-rev2")]
    assert original["kind"] == "sale" and reversal["kind"] == "void"
    assert [(line["side"], line["amount"]) for line in reversal["lines"]] == [("debit", 48400), ("credit", 48400)]
    assert rebooked["kind"] == "sale" and rebooked["lines"][0]["amount"] == 49500
    vouchers = read_import_file(resend_2["yayoi-import.csv"], PERIOD)
    assert [v.memo for v in vouchers] == [f"journalgen:{original['key']}-rev2", f"journalgen:{rebooked['key']}"]
    (undone,), (booked,) = (v.lines for v in vouchers)
    assert (undone.debit.account, undone.credit.account, undone.debit.amount) == ("売上高", "現金", 48400)
    assert (booked.debit.account, booked.credit.account, booked.debit.amount) == ("現金", "売上高", 49500)
    freee_2 = json.loads(resend_2["freee-deals.json"])
    assert all(deal["ref_number"].endswith("-resend-2") for deal in freee_2["deals"])
    assert all(manual["ref_number"].endswith("-r2") for manual in freee_2["manual_journals"])

    corrected = check_files(day.day_dir)
    for name, sums in SUMS.items():
        assert total(sums(first[name]), sums(resend_1[name]), sums(resend_2[name])) == total(sums(corrected[name])), name
    assert day.build().count("unchanged: nothing to re-send") == 1

    output = day.build("--full")
    assert f"re-send 3 (whole day): 8 entries → {day.day_dir / 'resend-3'}/" in output
    whole = check_files(day.day_dir / "resend-3")
    assert whole["journal.json"] == corrected["journal.json"] and whole["yayoi-import.csv"] == corrected["yayoi-import.csv"]
    for name, sums in SUMS.items():
        assert total(sums(whole[name])) == total(sums(corrected[name])), name
    assert [(n, kind) for _, n, kind, _ in day.emissions()] == [
        *[(0, "first")] * 3, *[(1, "delta")] * 3, *[(2, "delta")] * 3, *[(3, "full")] * 3]
    assert {state for *_, state in day.emissions()} == {"committed"}
    assert "unchanged: nothing to re-send" in day.build() and day.resends() == [f"resend-{n}" for n in (1, 2, 3)]


def concurrent_builds(tmp_path: Path, ledger_url: str | None) -> None:
    """Two builds of the same 24 store-days at once on one ledger — two workers, each with its
    own output folder (one folder takes one run at a time: OUTPUT_BUSY) — record each store-day ×
    target once, and between them the two runs sent each store-day once."""
    day = Scenario(tmp_path, ledger_url or f"sqlite:///{tmp_path / 'shared-ledger.sqlite3'}")
    closes = many_days(tmp_path / "closes.jsonl", 8, 3)
    commands = [[sys.executable, "-m", "journalgen", "build", "--input", str(closes), "--config", str(day.settings),
                 "--out", str(tmp_path / f"worker-{n}"), "--lang", "en"] for n in (1, 2)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for command in commands]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    summaries = [next(line for line in out.splitlines() if line.startswith("Sent-ledger:")) for out, _ in outputs]
    first = [int(summary.split()[1]) for summary in summaries]
    assert sum(first) == 24 and all(f"{24 - f} unchanged" in s for f, s in zip(first, summaries, strict=True))
    engine = create_engine(day.url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT target, store, business_date, number, state FROM emissions JOIN store_days "
            "ON store_days.id = emissions.store_day_id").all()
    engine.dispose()
    assert len(rows) == 24 * len(TARGETS) and {(r[3], r[4]) for r in rows} == {(0, "committed")}
    assert len({r[:3] for r in rows}) == len(rows)
    assert not list(tmp_path.rglob("resend-*"))


