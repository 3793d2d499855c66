"""Reads of the scheduling app."""
