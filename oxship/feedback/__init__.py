"""Feedback and reports, with admin review."""
