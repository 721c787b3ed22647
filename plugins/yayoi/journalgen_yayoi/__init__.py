"""journalgen target `yayoi`: a store-day's journal as 弥生 takes it.

- `records`: the one record model (one 取引 per journal entry), texts fitted by `text`.
- `smart`: `yayoi-smart.json`, スマート取引取込 records.
- `import_file`: `yayoi-import.csv`, the 弥生インポート形式 file (cp932, CRLF, ≤ 1,000 lines).
- `plugin`: the `Target` registered through the `journalgen` entry-point group.
"""
