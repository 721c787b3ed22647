"""A complete third-party journalgen target: the day's debit and credit totals per account."""

from collections import Counter

from journalgen import Target, hookimpl


def render(journal, settings, options):
    """Render `totals.csv`: account, debit total, credit total (integer yen)."""
    debit, credit = Counter(), Counter()
    for _entry, line in journal.lines():
        (debit if line.side == "debit" else credit)[line.account] += line.amount
    rows = ["account,debit,credit"]
    rows += [f"{account},{debit[account]},{credit[account]}" for account in sorted(debit | credit)]
    return {"totals.csv": ("\n".join(rows) + "\n").encode("utf-8")}


@hookimpl
def journalgen_register_targets(register):
    register(Target(name="totals", summary="Debit and credit totals per account", render=render))
