"""Introductions between investors and builders, both directions."""
