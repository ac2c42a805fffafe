"""0xCert certificates over EVM JSON-RPC (API §3.3): lookups, caching, chain health."""
