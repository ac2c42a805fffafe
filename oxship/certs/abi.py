"""Hand-rolled Ethereum ABI pieces: Keccak-256, EIP-55 addresses, call data and uint256 words.

No web3 dependency: a 0xCert lookup needs two function selectors, 32-byte words and the EIP-55
checksum, so the original Keccak-256 (pad byte 0x01, not SHA3-256's 0x06) is implemented here.
"""

from __future__ import annotations

import re

ADDRESS_RE = re.compile(r"^0x[0-9a-fA-F]{40}$")
"""A 20-byte address as 0x + 40 hex digits (any case)."""

WORD = 32
UINT256_MAX = 2**256 - 1

_MASK = (1 << 64) - 1
_ROUND_CONSTANTS = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip
_ROTATIONS = (  # [x][y]
    (0, 36, 3, 41, 18),
    (1, 44, 10, 45, 2),
    (62, 6, 43, 15, 61),
    (28, 55, 25, 21, 56),
    (27, 20, 39, 8, 14),
)
_RATE = 136  # bytes absorbed per permutation for a 256-bit output (capacity 512 bits)


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK if shift else value


def _permute(lanes: list[int]) -> None:
    """Keccak-f[1600] in place; lane (x, y) is lanes[x + 5 * y]."""
    for constant in _ROUND_CONSTANTS:
        c = [
            lanes[x] ^ lanes[x + 5] ^ lanes[x + 10] ^ lanes[x + 15] ^ lanes[x + 20]
            for x in range(5)
        ]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rotl(lanes[x + 5 * y] ^ d[x], _ROTATIONS[x][y])
        for x in range(5):
            for y in range(5):
                lanes[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y])
        lanes[0] ^= constant


def _sponge(data: bytes, pad: int) -> bytes:
    padded = bytearray(data)
    padded.append(pad)
    padded.extend(b"\x00" * (-len(padded) % _RATE))
    padded[-1] |= 0x80
    lanes = [0] * 25
    for start in range(0, len(padded), _RATE):
        block = padded[start : start + _RATE]
        for i in range(_RATE // 8):
            lanes[i] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _permute(lanes)
    return b"".join(lane.to_bytes(8, "little") for lane in lanes[:4])


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 digest of `data` (32 bytes)."""
    return _sponge(data, 0x01)


def sha3_256(data: bytes) -> bytes:
    """FIPS-202 SHA3-256 with the same sponge (only to check it against `hashlib`)."""
    return _sponge(data, 0x06)


def selector(signature: str) -> bytes:
    """The 4-byte function selector of a canonical signature such as `balanceOf(address)`."""
    return keccak256(signature.encode())[:4]


BALANCE_OF = selector("balanceOf(address)")  # 0x70a08231
TOKEN_OF_OWNER_BY_INDEX = selector("tokenOfOwnerByIndex(address,uint256)")  # 0x2f745c59


def is_address(value: str) -> bool:
    """Whether `value` is 0x + 40 hex digits."""
    return bool(ADDRESS_RE.fullmatch(value))


def to_checksum_address(address: str) -> str:
    """The EIP-55 mixed-case form of an address (any case in)."""
    if not is_address(address):
        raise ValueError(f"not an address: {address!r}")
    hex_digits = address[2:].lower()
    digest = keccak256(hex_digits.encode()).hex()
    return "0x" + "".join(
        ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch
        for i, ch in enumerate(hex_digits)
    )


def has_valid_checksum(address: str) -> bool:
    """False only for a mixed-case address whose case is not its EIP-55 checksum."""
    if not is_address(address):
        return False
    digits = address[2:]
    if digits == digits.lower() or digits == digits.upper():
        return True  # all one case: no checksum claimed
    return to_checksum_address(address) == address


def encode_address(address: str) -> bytes:
    """An address as one ABI word: 20 bytes left-padded with zeros to 32."""
    if not is_address(address):
        raise ValueError(f"not an address: {address!r}")
    return bytes.fromhex(address[2:]).rjust(WORD, b"\x00")


def encode_uint256(value: int) -> bytes:
    """A uint256 as one ABI word, big-endian."""
    if not 0 <= value <= UINT256_MAX:
        raise ValueError(f"out of uint256 range: {value}")
    return value.to_bytes(WORD, "big")


def call_data(function: bytes, *words: bytes) -> str:
    """`0x` + selector + words: the `data` of an eth_call."""
    return "0x" + (function + b"".join(words)).hex()


def balance_of_data(owner: str) -> str:
    """Call data of `balanceOf(owner)`."""
    return call_data(BALANCE_OF, encode_address(owner))


def token_of_owner_by_index_data(owner: str, index: int) -> str:
    """Call data of `tokenOfOwnerByIndex(owner, index)`."""
    return call_data(TOKEN_OF_OWNER_BY_INDEX, encode_address(owner), encode_uint256(index))


def decode_uint256(result: object) -> int:
    """The uint256 an eth_call returned (`0x` + exactly 64 hex digits); ValueError otherwise."""
    if not isinstance(result, str) or not result.startswith("0x"):
        raise ValueError("the result is not a 0x-prefixed hex string")
    digits = result[2:]
    if len(digits) != 2 * WORD:
        raise ValueError(f"expected one 32-byte word, got {len(digits) // 2} bytes")
    try:
        return int.from_bytes(bytes.fromhex(digits), "big")
    except ValueError as exc:
        raise ValueError("the result is not hex") from exc


def decode_quantity(result: object) -> int:
    """A JSON-RPC QUANTITY (`0x1b4`) as an int; ValueError otherwise."""
    if not isinstance(result, str) or not re.fullmatch(r"0x[0-9a-fA-F]{1,64}", result):
        raise ValueError("the result is not a hex quantity")
    return int(result, 16)
