"""A live table: declarative columns, per-frame coalescing, and a paint path whose cost grows with
the cells that changed, not with the rows shown."""
