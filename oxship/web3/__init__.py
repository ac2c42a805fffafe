"""Wallet sign-in with Ethereum (EIP-4361, API §3.3): nonces and wallet binding."""
