"""Outgoing mail: SMTP when configured, otherwise the mail outbox table."""
