"""The admin audit log: every admin action, with actor, action, target, reason and time."""
