"""Events: hackathons and other gatherings, their entries and results."""
