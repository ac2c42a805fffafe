"""slugify and first_free: the slug rules shared by chains and events."""

from __future__ import annotations

from oxship.kit.slugs import first_free, slugify


def test_slugify_keeps_ascii_words_and_falls_back() -> None:
    assert slugify("  Hello, World!  ", fallback="x") == "hello-world"
    assert slugify("Über — Café 2", fallback="x") == "ber-caf-2"
    assert slugify("日本語", fallback="event") == "event"
    assert slugify("a" * 150, fallback="x") == "a" * 100


def test_first_free_counts_from_two() -> None:
    assert first_free("demo", set()) == "demo"
    assert first_free("demo", {"demo"}) == "demo-2"
    assert first_free("demo", {"demo", "demo-2", "demo-3"}) == "demo-4"
