"""How names typed by people are compared: case, spaces and punctuation do not count (F-7 = f7)."""

from __future__ import annotations

import difflib
import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise(name: str) -> str:
    """`"F-7"`, `"f 7"` and `"F7"` all become `"f7"`; accents are dropped (`"Sanaʽa"` -> `"sanaa"`)."""
    decomposed = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", decomposed.casefold())


def closest(query: str, names: dict[str, str], n: int = 5) -> list[str]:
    """Up to `n` display names whose normalised keys are closest to `query` (keys -> display names)."""
    key = normalise(query)
    found = difflib.get_close_matches(key, list(names), n=n * 3, cutoff=0.5)
    prefix = [k for k in names if key and (k.startswith(key) or key in k)]
    result: list[str] = []
    for k in prefix + found:
        if names[k] not in result:
            result.append(names[k])
    return result[:n]
