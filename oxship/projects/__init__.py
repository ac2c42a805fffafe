"""Projects: creation and edits, the feed and rankings, scores, views and shares."""
