"""The hand-rolled ABI: Keccak-256, selectors, EIP-55, word encoding and decoding, on known vectors."""

from __future__ import annotations

import hashlib

import pytest

from oxship.certs import abi

# EIP-55's own test vectors (https://eips.ethereum.org/EIPS/eip-55).
EIP55 = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


@pytest.mark.parametrize(
    ("data", "digest"),
    [
        (b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        (
            b"The quick brown fox jumps over the lazy dog",
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15",
        ),
    ],
)
def test_keccak256_known_digests(data: bytes, digest: str) -> None:
    assert abi.keccak256(data).hex() == digest


@pytest.mark.parametrize("length", [0, 1, 135, 136, 137, 271, 272, 1000])
def test_the_sponge_with_the_fips_pad_is_hashlibs_sha3_256(length: int) -> None:
    # Same permutation and rate as Keccak-256, only the pad byte differs: this checks the
    # permutation and the multi-block absorption against an independent implementation.
    data = bytes(i % 251 for i in range(length))

    assert abi.sha3_256(data) == hashlib.sha3_256(data).digest()
    assert abi.keccak256(data) != abi.sha3_256(data)


def test_selectors_are_the_keccak_of_the_erc721_signatures() -> None:
    assert abi.BALANCE_OF.hex() == "70a08231"
    assert abi.TOKEN_OF_OWNER_BY_INDEX.hex() == "2f745c59"
    assert abi.selector("ownerOf(uint256)").hex() == "6352211e"  # a third, independent vector


@pytest.mark.parametrize("address", EIP55)
def test_eip55_checksum_vectors(address: str) -> None:
    assert abi.to_checksum_address(address.lower()) == address
    assert abi.to_checksum_address(address.upper().replace("0X", "0x")) == address
    assert abi.has_valid_checksum(address)


def test_a_mixed_case_address_with_a_wrong_case_fails_the_checksum() -> None:
    good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    bad = good[:-1] + "D"

    assert not abi.has_valid_checksum(bad)
    assert abi.has_valid_checksum(good.lower())  # one case: no checksum claimed
    assert not abi.has_valid_checksum("0x123")


@pytest.mark.parametrize(
    "raw", ["", "0x", "0x" + "a" * 39, "0x" + "a" * 41, "ab" * 21, "0x" + "g" * 40, "0X" + "a" * 40]
)
def test_malformed_addresses_are_refused(raw: str) -> None:
    assert not abi.is_address(raw)
    with pytest.raises(ValueError, match="not an address"):
        abi.encode_address(raw)
    with pytest.raises(ValueError, match="not an address"):
        abi.to_checksum_address(raw)


def test_balance_of_call_data_pads_the_address_to_one_word() -> None:
    data = abi.balance_of_data("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")

    assert data == "0x70a08231" + "00" * 12 + "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
    assert len(data) == 2 + 2 * (4 + 32)


def test_token_of_owner_by_index_call_data_encodes_both_words() -> None:
    owner = "0x" + "11" * 20

    assert abi.token_of_owner_by_index_data(owner, 0) == (
        "0x2f745c59" + "00" * 12 + "11" * 20 + "00" * 32
    )
    assert abi.token_of_owner_by_index_data(owner, 2**255 + 1).endswith("80" + "00" * 30 + "01")


@pytest.mark.parametrize("value", [-1, 2**256])
def test_uint256_encoding_refuses_out_of_range_values(value: int) -> None:
    with pytest.raises(ValueError, match="out of uint256 range"):
        abi.encode_uint256(value)


@pytest.mark.parametrize(
    ("result", "value"),
    [
        ("0x" + "00" * 32, 0),
        ("0x" + "00" * 31 + "01", 1),
        ("0x" + "00" * 30 + "01" + "00", 256),
        ("0x" + "ff" * 32, 2**256 - 1),
        ("0x" + "FF" * 32, 2**256 - 1),
    ],
)
def test_uint256_decoding(result: str, value: int) -> None:
    assert abi.decode_uint256(result) == value


@pytest.mark.parametrize(
    "result", [None, 7, "", "0x", "0x12", "00" * 32, "0x" + "00" * 33, "0x" + "zz" * 32]
)
def test_malformed_uint256_results_are_refused(result: object) -> None:
    with pytest.raises(ValueError, match=r"0x-prefixed hex|one 32-byte word|not hex"):
        abi.decode_uint256(result)


def test_quantities() -> None:
    assert abi.decode_quantity("0x1b4") == 436
    assert abi.decode_quantity("0x0") == 0
    for bad in ("0x", "1b4", "0xg", 436, None, "0x" + "1" * 65):
        with pytest.raises(ValueError, match="not a hex quantity"):
            abi.decode_quantity(bad)
