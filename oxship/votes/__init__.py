"""Votes on projects (API §3.6): toggle semantics, one row per (user, project)."""
