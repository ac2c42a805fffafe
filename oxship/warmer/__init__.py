"""The cache warmer (ARCHITECTURE §4.1): keeps the anonymous hot pages in the response cache."""
