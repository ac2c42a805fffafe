"""SIWE_* settings: defaults follow PUBLIC_URL, and malformed values refuse to start."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from oxship.config import Settings
from oxship.web3.service import siwe_domain, siwe_uri


def test_domain_and_uri_default_to_the_public_url() -> None:
    settings = Settings(public_url="https://app.example.com:8443/base")

    assert siwe_domain(settings) == "app.example.com:8443"
    assert siwe_uri(settings) == "https://app.example.com:8443/base"
    assert (settings.siwe_chain_id, settings.siwe_nonce_ttl) == (1, 600)


def test_explicit_values_win_and_blank_means_default() -> None:
    settings = Settings(siwe_domain=" login.example.com ", siwe_uri="https://login.example.com")
    blank = Settings(siwe_domain="  ", siwe_uri="")

    assert siwe_domain(settings) == "login.example.com"
    assert siwe_uri(settings) == "https://login.example.com"
    assert (blank.siwe_domain, blank.siwe_uri) == (None, None)


@pytest.mark.parametrize(
    "values",
    [
        {"siwe_domain": "https://app.example.com"},
        {"siwe_domain": "app.example.com/login"},
        {"siwe_domain": "app example.com"},
        {"siwe_uri": "app.example.com"},
        {"siwe_uri": "https://app.example.com/a b"},
        {"siwe_chain_id": 0},
        {"siwe_nonce_ttl": 5},
        {"siwe_nonce_ttl": 86_401},
    ],
)
def test_malformed_values_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(**values)  # type: ignore[arg-type]
