"""The pure domain core: no Flask, no database session. Plain functions over plain data."""
