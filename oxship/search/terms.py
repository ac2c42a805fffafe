"""Turning the user's `q` into safe engine queries (no user text ever reaches a query parser raw).

- words: the letters/digits runs of `q` (lower-cased), at most `MAX_WORDS`; each is matched as a
  prefix (`'word':*` on PostgreSQL, `"word"*` on SQLite FTS5), all of them required.
- trigrams (SQLite typo tolerance): the distinct 3-character substrings of the lower-cased,
  whitespace-collapsed `q`, at most `MAX_TRIGRAMS`; a name matches when it contains at least
  `TRIGRAM_SHARE` of them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_WORDS = 12
MAX_TRIGRAMS = 32
TRIGRAM_SHARE = 0.6
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Terms:
    """The prepared forms of one query."""

    text: str
    words: tuple[str, ...]
    trigrams: tuple[str, ...]

    @property
    def trigrams_needed(self) -> int:
        """How many of the query's trigrams a name must contain to be a fuzzy match."""
        return max(1, math.ceil(len(self.trigrams) * TRIGRAM_SHARE))

    def pg_tsquery(self) -> str:
        """A `to_tsquery('simple', …)` text: every word as a prefix, all required."""
        return " & ".join(f"{w}:*" for w in self.words)

    def fts5_words(self) -> str:
        """An FTS5 MATCH text: every word as a quoted prefix phrase, all required."""
        return " ".join(f'"{w}"*' for w in self.words)

    def fts5_trigrams(self) -> str:
        """An FTS5 MATCH text for a trigram table: any of the query's trigrams."""
        return " OR ".join('"' + t.replace('"', '""') + '"' for t in self.trigrams)


def prepare(q: str) -> Terms:
    """The words and trigrams of a query."""
    text = " ".join(q.lower().split())
    words = tuple(dict.fromkeys(_WORD.findall(text)))[:MAX_WORDS]
    grams = tuple(dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2)))[:MAX_TRIGRAMS]
    return Terms(text=text, words=words, trigrams=grams)
