"""Writes of the application, one module per sub-domain: keyword-only, typed, one verb each,
each in one transaction (a failure leaves nothing half-written)."""
