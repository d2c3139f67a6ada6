"""Small rules of English wording shared by every message and output: counts of things."""

from __future__ import annotations


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
