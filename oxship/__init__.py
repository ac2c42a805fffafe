"""oxship: the backend of a proof-weighted discovery platform for hackathon projects."""

__version__ = "0.1.0"
