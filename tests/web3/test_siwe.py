"""The EIP-4361 parser and formatter: the EIP's own example, round trips, and strict refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oxship.web3.siwe import SiweError, SiweMessage, checksum_address, parse

ADDRESS = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"

EIP_EXAMPLE = (
    "service.org wants you to sign in with your Ethereum account:\n"
    f"{ADDRESS}\n"
    "\n"
    "I accept the ServiceOrg Terms of Service: https://service.org/tos\n"
    "\n"
    "URI: https://service.org/login\n"
    "Version: 1\n"
    "Chain ID: 1\n"
    "Nonce: 32891756\n"
    "Issued At: 2021-09-30T16:25:24Z\n"
    "Resources:\n"
    "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/\n"
    "- https://example.com/my-web2-claim.json"
)


def test_the_eips_example_parses_and_formats_back_byte_for_byte() -> None:
    message = parse(EIP_EXAMPLE)

    assert message.domain == "service.org"
    assert message.scheme is None
    assert message.address == ADDRESS
    assert message.statement == "I accept the ServiceOrg Terms of Service: https://service.org/tos"
    assert message.uri == "https://service.org/login"
    assert (message.version, message.chain_id, message.nonce) == ("1", 1, "32891756")
    assert message.issued_at == datetime(2021, 9, 30, 16, 25, 24, tzinfo=UTC)
    assert message.expiration_time is None
    assert len(message.resources) == 2
    assert message.to_text() == EIP_EXAMPLE


def test_every_optional_field_round_trips() -> None:
    full = SiweMessage(
        scheme="https",
        domain="app.example.com:8443",
        address=ADDRESS,
        statement=None,
        uri="https://app.example.com:8443",
        chain_id=11155111,
        nonce="abcDEF0123456789",
        issued_at=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        expiration_time=datetime(2026, 1, 2, 4, 4, 5, tzinfo=UTC),
        not_before=datetime(2026, 1, 2, 3, 0, 0, tzinfo=UTC),
        request_id="req-42",
        resources=("https://app.example.com/a",),
    )
    text = full.to_text()

    assert text.startswith("https://app.example.com:8443 wants you to sign in")
    # Without a statement the EIP's grammar keeps two blank lines after the address.
    assert f"{ADDRESS}\n\n\nURI: " in text
    assert "Issued At: 2026-01-02T03:04:05.678Z" in text
    assert parse(text) == full


def test_offsets_and_long_fractions_are_read_as_utc() -> None:
    text = EIP_EXAMPLE.replace(
        "Issued At: 2021-09-30T16:25:24Z", "Issued At: 2021-09-30T18:25:24.123456789+02:00"
    )

    assert parse(text).issued_at == datetime(2021, 9, 30, 16, 25, 24, 123456, tzinfo=UTC)


REFUSED = {
    "empty": "",
    "crlf": EIP_EXAMPLE.replace("\n", "\r\n"),
    "trailing newline": EIP_EXAMPLE + "\n",
    "no preamble": EIP_EXAMPLE.replace(" wants you to", " would like you to"),
    "path in domain": EIP_EXAMPLE.replace("service.org wants", "service.org/x wants"),
    "lower-case address": EIP_EXAMPLE.replace(ADDRESS, ADDRESS.lower()),
    "short address": EIP_EXAMPLE.replace(ADDRESS, ADDRESS[:-1]),
    "one blank line without statement": EIP_EXAMPLE.replace(
        "I accept the ServiceOrg Terms of Service: https://service.org/tos\n\n", ""
    ),
    "statement with control char": EIP_EXAMPLE.replace("I accept", "I\x07accept"),
    "version 2": EIP_EXAMPLE.replace("Version: 1", "Version: 2"),
    "chain id not a number": EIP_EXAMPLE.replace("Chain ID: 1", "Chain ID: one"),
    "short nonce": EIP_EXAMPLE.replace("Nonce: 32891756", "Nonce: 3289175"),
    "nonce with punctuation": EIP_EXAMPLE.replace("Nonce: 32891756", "Nonce: 3289-1756"),
    "no timezone": EIP_EXAMPLE.replace("16:25:24Z", "16:25:24"),
    "impossible date": EIP_EXAMPLE.replace("2021-09-30", "2021-02-30"),
    "offset past year 9999": EIP_EXAMPLE.replace(
        "2021-09-30T16:25:24Z", "9999-12-31T23:59:59-23:59"
    ),
    "offset before year 1": EIP_EXAMPLE.replace(
        "2021-09-30T16:25:24Z", "0001-01-01T00:00:00+23:59"
    ),
    "missing issued at": EIP_EXAMPLE.replace("Issued At: 2021-09-30T16:25:24Z\n", ""),
    "fields swapped": EIP_EXAMPLE.replace("Version: 1\nChain ID: 1", "Chain ID: 1\nVersion: 1"),
    "uri without scheme": EIP_EXAMPLE.replace("URI: https://service.org/login", "URI: login"),
    "resource not a uri": EIP_EXAMPLE.replace("- https://example.com", "- not a uri"),
    "unknown trailing field": EIP_EXAMPLE + "\nComment: hi",
}


@pytest.mark.parametrize("text", list(REFUSED.values()), ids=list(REFUSED))
def test_malformed_messages_are_refused(text: str) -> None:
    with pytest.raises(SiweError):
        parse(text)


def test_optional_fields_out_of_order_are_refused() -> None:
    message = replace(
        parse(EIP_EXAMPLE),
        resources=(),
        expiration_time=datetime(2030, 1, 1, tzinfo=UTC),
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
    )
    lines = message.to_text().split("\n")
    lines[-2], lines[-1] = lines[-1], lines[-2]  # Not Before before Expiration Time

    with pytest.raises(SiweError):
        parse("\n".join(lines))


def test_addresses_are_checksummed_from_any_case_but_a_wrong_checksum_is_refused() -> None:
    assert checksum_address(ADDRESS.lower()) == ADDRESS
    assert checksum_address("0x" + ADDRESS[2:].upper()) == ADDRESS
    assert checksum_address(ADDRESS) == ADDRESS
    with pytest.raises(SiweError):
        checksum_address("0x" + ADDRESS[2:].swapcase())
    with pytest.raises(SiweError):
        checksum_address("0x1234")


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(sorted({*EIP_EXAMPLE, "\r", "\x00", "é", "+"})),
        max_size=400,
    )
)
def test_any_text_parses_or_raises_siwe_error(text: str) -> None:
    try:
        message = parse(text)
    except SiweError:
        return
    assert parse(message.to_text()) == message


LINE_MUTATIONS = st.sampled_from(["", " ", "x", "Nonce: 12345678", "- https://a.b", "Resources:"])


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_lines_of_a_valid_message_parse_or_raise_siwe_error(data: st.DataObject) -> None:
    lines = EIP_EXAMPLE.split("\n")
    index = data.draw(st.integers(0, len(lines) - 1))
    action = data.draw(st.sampled_from(["drop", "replace", "insert", "edit"]))
    if action == "drop":
        del lines[index]
    elif action == "replace":
        lines[index] = data.draw(LINE_MUTATIONS)
    elif action == "insert":
        lines.insert(index, data.draw(LINE_MUTATIONS))
    else:
        cut = data.draw(st.integers(0, len(lines[index])))
        lines[index] = lines[index][:cut] + data.draw(st.text(max_size=5)) + lines[index][cut:]
    try:
        message = parse("\n".join(lines))
    except SiweError:
        return
    assert parse(message.to_text()) == message
