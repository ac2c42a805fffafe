"""Real-time events: typed event records published after commit."""
