"""Reads of the application, one module per sub-domain: keyword-only, typed, no writes
(filling a cache counts as a read)."""
