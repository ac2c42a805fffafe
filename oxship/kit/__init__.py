"""Shared, domain-free building blocks: envelope, pagination, cache, outbox, rate limits, metrics."""
