"""journalgen target `flaro`: a store-day's sales as the eight data items FLARO takes in (seed 002
§1), and their delivery to FLARO's webhook (Webhook連携先URL).

The layout of each file is journalgen's own (FLARO's wire format is not public); each has a JSON
Schema in `schemas/flaro-*.schema.json`.

- `options`: `[targets.flaro]` — per-store links, 共通設定 and the webhook URL.
- `feeds`: the eight files' models and how a close fills them.
- `mapping_csv`: the 支払種別 CSV of `journalgen mapping export --target flaro --kind payment`.
- `webhook`: the JSON body of one version, and its POST with retries and back-off.
- `errors`: its refusals, Japanese in `locale/`.
- `cli`: the sender of `journalgen send --target flaro` (entry point `journalgen.senders`): each
  version the sent-ledger emitted and FLARO does not hold, of any linked store-day (what earlier
  runs left pending too), recorded in the ledger once delivered.
- `plugin`: the `Target` registered through the `journalgen` entry-point group.
"""
