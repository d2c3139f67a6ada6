"""Small rules of wording shared by every message and output: counts of things, ids made of names."""

from __future__ import annotations

import re
import unicodedata

# An id (of a route, source, place or weapon system): lower-case letters and digits in words joined by
# single hyphens, at most MAX_ID_LENGTH characters. The same rule as the schema's `slug`
# (routes/schema/transfers.schema.json), which a test holds it to.
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_ID_LENGTH = 200


def noun(count: int, word: str, plural_form: str | None = None) -> str:
    """`word` as it goes with `count`: `noun(1, "route")` is "route", `noun(3, "route")` is "routes";
    an irregular plural is given (`noun(2, "is", "are")`)."""
    if count == 1:
        return word
    return plural_form if plural_form is not None else word + "s"


def plural(count: int, word: str, plural_form: str | None = None) -> str:
    """A count and its noun: `plural(3, "route")` is "3 routes", `plural(1, "route")` "1 route",
    `plural(0, "route")` "0 routes", `plural(2, "ally", "allies")` "2 allies"."""
    return f"{count} {noun(count, word, plural_form)}"


def is_slug(value: object) -> bool:
    """Whether `value` may be an id: `"prk-irn-syr"` may, `"PRK"`, `"a--b"`, `"-a"` and `"a b"` may not."""
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and SLUG.match(value) is not None


def slug(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """The id a name makes: accents dropped, lower case, every run of other characters one hyphen, at most
    `max_length` characters (`slug("Qassam-1 (Ezz al-Din)")` is "qassam-1-ezz-al-din"). "" when nothing
    is left (a name in another script): the caller then needs another id."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].strip("-")
