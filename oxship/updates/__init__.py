"""Project updates: news items a project's owner posts (API §3.9)."""
