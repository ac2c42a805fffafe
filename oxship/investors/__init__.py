"""Investor applications, profiles, the directory and project matches."""
