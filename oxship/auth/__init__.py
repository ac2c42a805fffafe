"""Authentication: passwords, tokens, sessions, and the caller dependencies."""
