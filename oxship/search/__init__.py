"""Full-text search over projects, users, chains and events (API §3.19)."""
