"""Reconcile: every denormalized counter and score checked against its source rows (and fixed)."""
