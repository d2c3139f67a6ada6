"""Text from a dataset, encoded for where it goes: a terminal, a CSV cell, an XML text, a GeoPackage.

(HTML goes through `textContent` in the map script and `html.escape` in reports and KML balloons.
Each output's rule is here or there, once; docs/safety.md lists them.)
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (ESC starts the sequences that clear a screen,
# move the cursor or make hyperlinks; CSI is the one-byte C1 form), and the Unicode controls that
# reorder or hide text (bidi embeddings, overrides and isolates; zero-width and line/paragraph separators).
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: object) -> str:
    """`text` with every control character written as a visible escape (`\\x1b`, `\\u202e`), so that
    printing it cannot clear the screen, move the cursor, make a link or reorder what follows.
    Tabs and line breaks are kept."""
    text = str(text)
    return _TERMINAL_UNSAFE.sub(_visible, text) if _TERMINAL_UNSAFE.search(text) else text


def json_for_terminal(text: str) -> str:
    """JSON text with every character `for_terminal` would escape written as a JSON escape (`\\u001b`,
    `\\u202e`): the same JSON value, and nothing a terminal runs. (Outside its strings, JSON text holds
    no such character, so only strings change.)"""
    if not _TERMINAL_UNSAFE.search(text):
        return text
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# What XML 1.0 cannot hold at all (a NUL, most C0 controls, U+FFFE/FFFF): written as visible escapes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def for_xml(text: object) -> str:
    """Text for an XML element or attribute (KML): as it is, but for the characters XML 1.0 cannot carry,
    which are made visible (`\\x00`). The XML writer escapes `<`, `&` and `>` (so `]]>` too)."""
    text = "" if text is None else str(text)
    return _NOT_XML.sub(_visible, text) if _NOT_XML.search(text) else text


def for_gpkg(text: object) -> object:
    """A value for a GeoPackage (SQLite) text column: a NUL, which GDAL takes for the end of the text
    and would silently cut it there, made visible (`\\x00`); anything else as it is."""
    return text.replace("\x00", "\\x00") if isinstance(text, str) and "\x00" in text else text


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def for_csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula: one that starts with =, +, -, @,
    a tab or a line break (or with =, +, -, @ after spaces and line breaks) gets an apostrophe in
    front; a plain number such as -95.71 is left as it is. The writer must also quote every cell that
    holds a line break (`csv_writer`), or a CR would start a new row."""
    if _NUMBER.fullmatch(text):
        return text
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") or text.lstrip(" \t\r\n")[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def csv_writer(out, *, lineterminator: str = "\n"):
    """A csv writer whose rows survive any text: every cell quoted, so that a CR or LF inside a cell
    stays inside it; LF line ends unless told otherwise."""
    import csv

    return csv.writer(out, lineterminator=lineterminator, quoting=csv.QUOTE_ALL)


# What a link may not hold: whitespace, controls, the characters that reorder or hide text (as for a
# terminal), the quotes and brackets that end an attribute or an autolink, and a backslash (which a
# browser reads as "/", so that the host it goes to is not the one a reader sees).
_NOT_IN_LINK = re.compile('[\\s<>"\\\\\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]')


def link_url(value: object) -> str | None:
    """The one rule for which text becomes a link: the text without the spaces around it when it is an
    http:// or https:// address with a host (any case of the scheme) and nothing a link may not hold
    (spaces or controls inside, `<`, `>`, `"`, a backslash, an invalid port); else None, and the text
    is shown as text. `https://example.org/o'brien` is a link.

    The address is returned as written, not re-encoded: every output puts this same text in its link,
    escaped only for where it goes (`html.escape` in the report and KML balloons, the DOM's `href` in
    the map card, a Markdown link target in the Markdown report)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if _NOT_IN_LINK.search(url):
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises ValueError)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
