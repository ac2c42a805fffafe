"""Chain posts: forum threads and replies inside a chain."""
