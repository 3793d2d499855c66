"""Writes of the scheduling app."""
