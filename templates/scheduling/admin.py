"""Admin of the scheduling app."""
