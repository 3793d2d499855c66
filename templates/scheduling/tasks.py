"""Background work of the scheduling app."""
