"""journalgen target `aspit`: a store-day's sales as the nine data items ASPIT takes in.

The layout of each file is journalgen's own (ASPIT's wire format is not public); each has a
JSON Schema in `schemas/aspit-*.schema.json`.

- `options`: `[targets.aspit]` — per-store links, 共通設定, the three mappings and their limits.
- `mappings`: 支払明細, 値引明細 and 客層 codes (defaults, その他 aggregation, the mapping file).
- `feeds`: the nine files' models and how a close fills them.
- `mapping_csv`: the mapping CSV of `journalgen mapping export|import|auto --target aspit`.
- `plugin`: the `Target` registered through the `journalgen` entry-point group.
"""
