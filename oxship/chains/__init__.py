"""Chains: communities that collect projects (API §3.11)."""
