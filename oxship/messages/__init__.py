"""Direct messages between users."""
