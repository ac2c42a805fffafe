"""A strict parser and formatter of EIP-4361 (Sign-In with Ethereum) messages.

The grammar (https://eips.ethereum.org/EIPS/eip-4361), lines separated by a single LF, no trailing
newline:

    [scheme "://"] domain " wants you to sign in with your Ethereum account:"
    address                      (EIP-55 checksummed)
    (empty line)
    [statement]                  (one line; when absent the line is omitted)
    (empty line)
    "URI: " uri
    "Version: 1"
    "Chain ID: " digits
    "Nonce: " ≥ 8 alphanumerics
    "Issued At: " RFC 3339 date-time
    ["Expiration Time: " RFC 3339]
    ["Not Before: " RFC 3339]
    ["Request ID: " text]
    ["Resources:" then one "- " uri line per resource]

Anything else (another order, a missing field, CR characters, extra lines) is refused.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from oxship.kit.clock import as_utc

PREAMBLE = " wants you to sign in with your Ethereum account:"
VERSION = "1"
NONCE_BYTES = 16

_HEADER = re.compile(
    r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://)?(?P<domain>[^\s/?#]+)" + re.escape(PREAMBLE)
)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+")
_CHAIN_ID = re.compile(r"[0-9]{1,20}")
_NONCE = re.compile(r"[A-Za-z0-9]{8,128}")
_DATETIME = re.compile(
    r"(?P<base>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<offset>Z|[+\-][0-9]{2}:[0-9]{2})"
)
_PRINTABLE = re.compile(r"[^\x00-\x1f\x7f]*")


def is_checksum_address(value: str) -> bool:
    """Whether a 0x-hex address carries a valid EIP-55 checksum (eth-utils, imported on first use)."""
    from eth_utils.address import is_checksum_address as check

    return bool(check(value))


def to_checksum_address(value: str) -> str:
    """The EIP-55 form of a 0x-hex address (eth-utils, imported on first use)."""
    from eth_utils.address import to_checksum_address as convert

    return str(convert(value))


class SiweError(ValueError):
    """The text is not a well-formed EIP-4361 message."""


@dataclass(frozen=True, slots=True)
class SiweMessage:
    """The fields of one EIP-4361 message."""

    domain: str
    address: str
    uri: str
    chain_id: int
    nonce: str
    issued_at: datetime
    statement: str | None = None
    version: str = VERSION
    scheme: str | None = None
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = ()

    def to_text(self) -> str:
        """The message as the wallet signs it."""
        header = f"{self.scheme}://{self.domain}" if self.scheme else self.domain
        lines = [header + PREAMBLE, self.address, ""]
        if self.statement is not None:
            lines.append(self.statement)
        lines += [
            "",
            f"URI: {self.uri}",
            f"Version: {self.version}",
            f"Chain ID: {self.chain_id}",
            f"Nonce: {self.nonce}",
            f"Issued At: {format_time(self.issued_at)}",
        ]
        if self.expiration_time is not None:
            lines.append(f"Expiration Time: {format_time(self.expiration_time)}")
        if self.not_before is not None:
            lines.append(f"Not Before: {format_time(self.not_before)}")
        if self.request_id is not None:
            lines.append(f"Request ID: {self.request_id}")
        if self.resources:
            lines.append("Resources:")
            lines += [f"- {uri}" for uri in self.resources]
        return "\n".join(lines)


def new_nonce() -> str:
    """A random alphanumeric nonce (128 bits, hex)."""
    return secrets.token_hex(NONCE_BYTES)


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a `Z` suffix, milliseconds when not whole seconds."""
    value = as_utc(value)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str, field: str) -> datetime:
    """An RFC 3339 date-time (with an offset) as aware UTC."""
    match = _DATETIME.fullmatch(text)
    if not match:
        raise SiweError(f"{field} is not an RFC 3339 date-time")
    fraction = (match["fraction"] or "")[:6]
    iso = match["base"] + (f".{fraction.ljust(6, '0')}" if fraction else "") + match["offset"]
    try:
        return as_utc(datetime.fromisoformat(iso))
    except (ValueError, OverflowError) as exc:  # out of range, or past year 9999 once in UTC
        raise SiweError(f"{field} is not a valid date-time") from exc


def checksum_address(value: str) -> str:
    """The EIP-55 form of a hex address (any letter case); SiweError if it is not one."""
    if not _ADDRESS.fullmatch(value):
        raise SiweError("address must be 0x followed by 40 hex digits")
    lower, upper = value[2:] == value[2:].lower(), value[2:] == value[2:].upper()
    if not (lower or upper or is_checksum_address(value)):
        raise SiweError("address has a wrong EIP-55 checksum")
    return to_checksum_address(value)


class _Lines:
    """A cursor over the message's lines."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.at = 0

    def peek(self) -> str | None:
        return self.lines[self.at] if self.at < len(self.lines) else None

    def take(self, what: str) -> str:
        line = self.peek()
        if line is None:
            raise SiweError(f"the message ends before {what}")
        self.at += 1
        return line

    def field(self, label: str) -> str:
        line = self.take(f"'{label}'")
        prefix = f"{label}: "
        if not line.startswith(prefix):
            raise SiweError(f"expected '{label}: …' at line {self.at}")
        return line[len(prefix) :]

    def optional(self, label: str) -> str | None:
        line = self.peek()
        if line is None or not line.startswith(f"{label}: "):
            return None
        return self.field(label)


def parse(text: str) -> SiweMessage:
    """Parse an EIP-4361 message strictly; SiweError names the first problem."""
    if "\r" in text:
        raise SiweError("lines must be separated by LF only")
    cursor = _Lines(text)
    header = _HEADER.fullmatch(cursor.take("the header"))
    if not header:
        raise SiweError(f"the first line must be '<domain>{PREAMBLE}'")
    address = cursor.take("the address")
    if not _ADDRESS.fullmatch(address) or not is_checksum_address(address):
        raise SiweError("the second line must be an EIP-55 checksummed address")
    if cursor.take("the blank line") != "":
        raise SiweError("a blank line must follow the address")
    statement: str | None = cursor.take("the statement")
    if statement:
        if not _PRINTABLE.fullmatch(statement):
            raise SiweError("the statement must be one line of printable text")
        if cursor.take("the blank line") != "":
            raise SiweError("a blank line must follow the statement")
    else:
        statement = None
    uri = cursor.field("URI")
    if not _URI.fullmatch(uri):
        raise SiweError("URI is not an RFC 3986 URI")
    if cursor.field("Version") != VERSION:
        raise SiweError("Version must be 1")
    chain_id = cursor.field("Chain ID")
    if not _CHAIN_ID.fullmatch(chain_id):
        raise SiweError("Chain ID must be a decimal integer")
    nonce = cursor.field("Nonce")
    if not _NONCE.fullmatch(nonce):
        raise SiweError("Nonce must be 8 to 128 letters and digits")
    issued_at = parse_time(cursor.field("Issued At"), "Issued At")
    expiration = cursor.optional("Expiration Time")
    not_before = cursor.optional("Not Before")
    request_id = cursor.optional("Request ID")
    if request_id is not None and not _PRINTABLE.fullmatch(request_id):
        raise SiweError("Request ID must be printable text")
    resources = _resources(cursor)
    if cursor.peek() is not None:
        raise SiweError(f"unexpected text at line {cursor.at + 1}")
    return SiweMessage(
        scheme=header["scheme"],
        domain=header["domain"],
        address=address,
        statement=statement,
        uri=uri,
        chain_id=int(chain_id),
        nonce=nonce,
        issued_at=issued_at,
        expiration_time=parse_time(expiration, "Expiration Time") if expiration else None,
        not_before=parse_time(not_before, "Not Before") if not_before else None,
        request_id=request_id,
        resources=resources,
    )


def _resources(cursor: _Lines) -> tuple[str, ...]:
    if cursor.peek() != "Resources:":
        return ()
    cursor.take("Resources")
    found: list[str] = []
    while (line := cursor.peek()) is not None and line.startswith("- "):
        cursor.take("a resource")
        if not _URI.fullmatch(line[2:]):
            raise SiweError("each resource must be an RFC 3986 URI")
        found.append(line[2:])
    return tuple(found)
