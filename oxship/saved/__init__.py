"""Saved projects: a user's bookmarks (API §3.8)."""
