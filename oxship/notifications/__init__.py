"""Notifications: rows written in the cause's transaction, coalesced where API §3.17 says so."""
