"""Threaded comments on projects and votes on comments (API §3.7)."""
