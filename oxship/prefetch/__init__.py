"""Prefetch: the start-up and dashboard bundles of a client, computed concurrently (API §3.21)."""
