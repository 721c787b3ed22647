"""journalgen target `flaro`: a store-day's sales as the eight data items FLARO takes in (seed 002
§1), and their delivery to FLARO's webhook (Webhook連携先URL).

The layout of each file is journalgen's own (FLARO's wire format is not public); each has a JSON
Schema in `schemas/flaro-*.schema.json`.

- `options`: `[targets.flaro]` — per-store links, 共通設定 and the webhook URL.
- `feeds`: the eight files' models and how a close fills them.
- `mapping_csv`: the 支払種別 CSV of `journalgen mapping export --target flaro --kind payment`.
- `webhook`: POSTing each store-day's feed, once per version, with retries and back-off.
- `delivery_record`: what was delivered and what waits (files in `OUT/.journalgen/flaro/`).
- `errors`: its refusals, Japanese in `locale/`.
- `cli`: `journalgen flaro-send`.
- `plugin`: the `Target` registered through the `journalgen` entry-point group.
"""
