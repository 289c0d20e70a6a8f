"""Documents and pictures rendered from plain context objects (no database, no orchestration)."""
