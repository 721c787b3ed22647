"""journalgen target `makasete`: a store-day's sales as the eight data items まかせてネットEX takes in
(seed 001 §1-1). まかせてネット (without EX) takes the same data: the same files serve both.

The layout of each file is journalgen's own (the wire format is not public); each has a JSON
Schema in `schemas/makasete-*.schema.json`.

- `options`: `[targets.makasete]` — per-store links (企業コード, 店舗コード) and the mappings.
- `feeds`: the eight files' models and how a close fills them.
- `mapping_csv`: the mapping CSVs of `journalgen mapping export|import|auto --target makasete`.
- `errors`: its refusals, Japanese in `locale/`.
- `plugin`: the `Target` registered through the `journalgen` entry-point group.
"""
