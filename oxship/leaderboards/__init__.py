"""Leaderboards: projects by period, users by karma, chains by trending, and all three at once."""
