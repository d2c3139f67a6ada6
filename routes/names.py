"""How names typed by people are compared: case, spaces and punctuation do not count (F-7 = f7)."""

from __future__ import annotations

import difflib
import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"[0-9]+")
# The spelling a suggestion may differ by, by the length of what was typed: one letter in four is a
# different name ("iraq" is not "iran"), one in eight a slip ("hizbollah" is "hezbollah").
_CUTOFFS = ((4, 0.8), (6, 0.75))
_LONG_CUTOFF = 0.7
_PART_LENGTH = 3  # a query this long or longer may be part of a name ("sudan" in "port sudan")
_BEGINNING_LENGTH = 5  # ... and this long, a misspelt beginning of one ("artilery" for "artillery rockets")


def normalise(name: str) -> str:
    """`"F-7"`, `"f 7"` and `"F7"` all become `"f7"`; accents are dropped (`"Sanaʽa"` -> `"sanaa"`)."""
    decomposed = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", decomposed.casefold())


def closest(query: str, names: dict[str, str], n: int = 5) -> list[str]:
    """Up to `n` display names whose normalised keys are close to `query` (keys -> display names), for a
    "did you mean": only names a reader would take for what they meant.

    - a name that holds the query (3 characters or more), those that begin with it first;
    - a name spelt nearly the same: the shorter the query, the closer (a 4-letter query may differ by
      an added or dropped letter, not a changed one: "Iraq" never suggests "Iran");
    - the misspelt beginning of a longer name (5 characters or more);
    - and when the query has numbers, only names with the same numbers: "AK-47" suggests neither
      "tank" nor "AK-74", "Bang 12" not "Bang-122" (a different number names a different system).

    >>> closest("hizbollah", {"hezbollah": "Hezbollah", "hamas": "Hamas"})
    ['Hezbollah']
    >>> closest("AK-47", {"tank": "tank", "f7": "F-7"})
    []
    """
    key = normalise(query)
    if not key:
        return []
    numbers = _NUMBER.findall(key)
    cutoff = next((c for length, c in _CUTOFFS if len(key) <= length), _LONG_CUTOFF)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    beginning = difflib.SequenceMatcher()
    beginning.set_seq2(key)
    holds: list[tuple[bool, str]] = []
    near: list[tuple[float, str]] = []
    for k in names:
        if numbers and _NUMBER.findall(k) != numbers:
            continue
        if len(key) >= _PART_LENGTH and key in k:
            holds.append((not k.startswith(key), k))
            continue
        matcher.set_seq1(k)
        score = matcher.ratio() if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff else 0.0
        if score < cutoff and len(key) >= _BEGINNING_LENGTH and len(k) > len(key) + 1:
            for length in (len(key), len(key) + 1):
                beginning.set_seq1(k[:length])
                if beginning.quick_ratio() >= cutoff:
                    score = max(score, beginning.ratio())
        if score >= cutoff:
            near.append((score, k))
    holds.sort(key=lambda item: item[0])  # (stable: the names' own order among equals)
    near.sort(key=lambda item: -item[0])
    result: list[str] = []
    for k in [k for _, k in holds] + [k for _, k in near]:
        if names[k] not in result:
            result.append(names[k])
    return result[:n]
