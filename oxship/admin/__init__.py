"""The admin console: users, projects, chain moderation and platform stats."""
