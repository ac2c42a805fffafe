"""GitHub account linking (API §3.2): OAuth authorization-code flow with a user-bound state."""
