"""Benchmarks: dataset generator and load scenarios (not collected by pytest)."""
