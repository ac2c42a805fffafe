"""Badges, badge types, validators and their review assignments."""
