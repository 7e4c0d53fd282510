"""The tamper-evident record: every append-only table is a hash chain (`links`), which `verify` recomputes."""
