"""Reading JSON files a person edits by hand: clear errors, and the line of every value.

`read_json` never lets a traceback through for anything a file can contain: it raises
`DataFileError` naming the file, the line and column, and what to do.
`Locator` maps a path inside the document (("features", 3, "properties", "status")) to its line,
so that validation messages can say `PATH:LINE:`. It is built only when there is something to report.
Lines end in LF, CRLF or a lone CR (`line_at`).

Every reader here bounds what a file can make it do: only regular files are opened (a named pipe
would wait forever), a file is at most `MAX_FILE_BYTES`, a document at most `MAX_DEPTH` levels deep
(code that walks a document, the formatter's included, stays within Python's recursion limit), and
a number must fit a double (`1e400` would be written back as `Infinity`, which is not JSON); a
number with more digits than a double holds is noted (`Parsed.rounded`), since writing the file
again writes it rounded.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import re
import stat
import sys
from decimal import Decimal
from json.decoder import scanstring
from pathlib import Path
from typing import NamedTuple

import orjson

from .errors import DataFileError

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_DEPTH = 64  # levels of nested objects and lists; a dataset needs about 8

_WS = re.compile(r"[ \t\n\r]*")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_DECODER = json.JSONDecoder()
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def read_text(path: Path) -> str:
    """The file's text as UTF-8, or a `DataFileError` that says what the file is instead."""
    return decode(read_bytes(path), path)


def read_bytes(path: Path, *, limit: int | None = None, what: str = "a dataset", noun: str = "a GeoJSON file",
               hint: str = "split it into several files and pass each with --data") -> bytes:
    """The file's bytes, or a `DataFileError` for a missing, unreadable, folder, oversized file, or one
    that is not a regular file (a named pipe, a device, a socket), which is refused without waiting on it.

    `limit` is the largest size accepted (default `MAX_FILE_BYTES`); `what` and `hint` word the refusal
    of a larger file, `noun` what the file should be ("a GeoJSON file").
    """
    path, limit = Path(path), MAX_FILE_BYTES if limit is None else limit
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DataFileError("file not found", path=path) from None
    except OSError as exc:
        raise DataFileError(f"cannot read file: {exc.strerror}", path=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataFileError(f"is a folder, not {noun}", path=path)
    if not stat.S_ISREG(info.st_mode):
        raise DataFileError(NOT_REGULAR, path=path)  # (opening a named pipe would wait for a writer forever)
    if info.st_size > limit:
        raise DataFileError(_too_large(info.st_size, limit, what, hint), path=path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # (a file swapped for a pipe since stat)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise DataFileError(NOT_REGULAR, path=path)
            data = handle.read(limit + 1)
    except OSError as exc:
        raise DataFileError(f"cannot read file: {exc.strerror}", path=path) from None
    if len(data) > limit:  # (it grew since stat)
        raise DataFileError(_too_large(len(data), limit, what, hint), path=path)
    return data


NOT_REGULAR = "is not a regular file (a named pipe, device or socket); give the path of a file"


def _too_large(size: int, limit: int, what: str, hint: str) -> str:
    return f"file is {size / 2**20:.0f} MiB, more than the {limit // 2**20} MiB {what} may be; {hint}"


def line_at(text: str | bytes, offset: int) -> int:
    """The line (counted from 1) of `offset` in a text whose lines end in LF, CRLF or a lone CR."""
    nl, cr, crlf = (b"\n", b"\r", b"\r\n") if isinstance(text, bytes) else ("\n", "\r", "\r\n")
    return text.count(nl, 0, offset) + text.count(cr, 0, offset) - text.count(crlf, 0, offset) + 1


def decode(raw: bytes, path: Path) -> str:
    if not raw.strip():
        raise DataFileError("file is empty; a dataset is a GeoJSON FeatureCollection", path=path)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(raw) > 1 and (raw[0] == 0 or raw[1] == 0)):
        raise DataFileError("file is UTF-16 or UTF-32 text; save it as UTF-8", path=path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = line_at(raw, nul)
        raise DataFileError(f"binary content (a NUL byte at line {line}); this is not a GeoJSON text file", path=path, line=line)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = line_at(raw, exc.start)
        raise DataFileError(
            f"byte 0x{raw[exc.start]:02x} at line {line} is not UTF-8; save the file as UTF-8", path=path, line=line
        ) from None


class _Scan:
    """What a strict parse noticed: an object that repeats a key, an integer beyond 64 bits, numbers
    with more digits than a double holds."""

    repeated = False
    wide = False
    rounded: list[tuple[str, str]] = []


def _pairs(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            _Scan.repeated = True
        obj[key] = value
    return obj


def _integer(text: str) -> int:
    value = int(text)
    if not -2**63 <= value < 2**64:
        _Scan.wide = True
    return value


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


class _TooLarge(ValueError):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _finite(text: str) -> float:
    """A JSON number as a float; a number beyond a double's range (1e400) is refused, since writing
    it again would give `Infinity`, which is not JSON."""
    value = float(text)
    if not math.isfinite(value):
        raise _TooLarge(text)
    return value


def rounding_text(written: str, double: str) -> str:
    """How a double changes a number as written, in words: "has more digits than a double holds"."""
    if float(double) == 0:
        return f"{written[:40]} is too small for a double, which reads it as {double}"
    return f"{written[:40]} has more digits than a double holds, which reads it as {double}"


def _noting_rounded(text: str) -> float:
    """`_finite`, noting a number whose value a double does not hold exactly as written (more than 15
    significant digits, or an exponent such as 1e-400), which every rewrite of the file writes rounded."""
    value = float(text)
    if len(text) > 15 or "e" in text or "E" in text:  # (shorter numbers are held exactly, and are finite)
        if not math.isfinite(value):
            raise _TooLarge(text)
        if Decimal(text) != Decimal(repr(value)):
            _Scan.rounded.append((text, repr(value)))
    return value


class Parsed(NamedTuple):
    doc: object
    repeated: bool  # some object repeats a key
    quick_exact: bool  # a quick parse (`parse` without strict) gives the same document: no integer beyond 64 bits
    rounded: list[tuple[str, str]] = []  # (the number as written, as a double writes it) for each one a double rounds


def parse(text: str, path: Path, *, strict: bool = False) -> tuple[object, bool]:
    """Parse JSON text; returns (document, whether some object repeats a key). Strict mode also finds repeats.

    Without `strict`, orjson parses (four times as fast as the json module on a large file), for text
    known to be valid JSON without integers beyond 64 bits (which orjson would turn into floats; see
    `parse_strict`); whatever it refuses goes to the json module, which words the errors users see.
    """
    if not strict:
        try:
            return orjson.loads(text), False
        except orjson.JSONDecodeError:
            pass
        doc = _parse(text, path, parse_constant=_reject_constant, parse_float=_finite)
        _check_depth(_structure(text), text, path)
        return doc, False
    return parse_strict(text, path)[:2]


def parse_strict(text: str, path: Path, raw: bytes | None = None) -> Parsed:
    """Parse JSON text with the json module, noting repeated keys, integers beyond 64 bits and numbers a
    double rounds; a document nested more than `MAX_DEPTH` levels deep is refused.

    Numbers go through a Python hook (`_noting_rounded`) only when the text holds one that a double
    might not hold exactly (an exponent, or 16 digits in a row, outside the strings): millions of
    coordinates are read at C speed. `raw`, when given, is the text as read (UTF-8, no byte-order mark)."""
    _Scan.repeated = _Scan.wide = False
    _Scan.rounded = []
    structure = _structure(text, raw)
    digits = structure.translate(_DIGITS)
    careful = b"0e" in digits or b"0E" in digits or b"0000000000000000" in digits
    hooks = {"parse_float": _noting_rounded} if careful else {}
    doc = _parse(text, path, object_pairs_hook=_pairs, parse_int=_integer, parse_constant=_reject_constant, **hooks)
    _check_depth(structure, text, path)
    return Parsed(doc, _Scan.repeated, not _Scan.wide, _Scan.rounded)


_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"')
_DIGITS = bytes.maketrans(b"0123456789.", b"00000000000")


def _structure(text: str, raw: bytes | None = None) -> bytes:
    """The JSON text (as UTF-8) without its strings: its brackets, numbers and literals. Linear, at C speed."""
    return _STRING.sub(b"", raw if raw is not None else text.encode("utf-8", "surrogatepass"))


def _parse(text: str, path: Path, **hooks) -> object:
    try:
        return json.loads(text, **hooks)
    except json.JSONDecodeError as exc:
        line, column = line_at(text, exc.pos), exc.pos - max(text.rfind("\n", 0, exc.pos), text.rfind("\r", 0, exc.pos))
        raise DataFileError(
            f"not valid JSON: {exc.msg} (line {line}, column {column})", path=path, line=line
        ) from None
    except _TooLarge as exc:
        at = text.find(exc.text)
        line = line_at(text, at) if at >= 0 else None
        raise DataFileError(f"the number {exc.text[:40]} is beyond the range of a double (about ±1.8e308): it "
                            "would be written back as Infinity, which is not JSON; write a smaller number",
                            path=path, line=line) from None
    except ValueError as exc:
        raise DataFileError(f"not valid JSON: {exc}; GeoJSON numbers must be finite", path=path) from None
    except RecursionError:
        raise _too_deep(text, path) from None


_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_ONE_KIND = bytes.maketrans(b"{}", b"[]")


def _check_depth(structure: bytes, text: str, path: Path) -> None:
    """`DataFileError` for a document nested more than `MAX_DEPTH` levels deep (with the line where it
    gets too deep), from the `_structure` of a text that parsed: its brackets, of which each pass takes
    away the innermost pairs, one level, at C speed; what is left after `MAX_DEPTH` passes is too deep."""
    brackets = structure.translate(None, _NOT_BRACKETS).translate(_ONE_KIND)
    for _ in range(MAX_DEPTH):
        if not brackets:
            return
        brackets = brackets.replace(b"[]", b"")
    if brackets:
        raise _too_deep(text, path)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep(text: str, path: Path) -> DataFileError:
    """The error for a document nested too deeply, at the line where it passes `MAX_DEPTH` levels."""
    depth, line = 0, None
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = line_at(text, match.start())
                break
        elif token in "]}":
            depth -= 1
    return DataFileError(f"not a dataset: JSON nested too deeply (objects and lists more than {MAX_DEPTH} levels "
                         "deep; a dataset needs about 8). Flatten the nested value", path=path, line=line)


def read_json(path: Path, *, strict: bool = False) -> tuple[str, object, bool]:
    """Read and parse a JSON file: (text, document, has repeated keys)."""
    text = read_text(path)
    doc, duplicates = parse(text, path, strict=strict)
    return text, doc, duplicates


class Locator:
    """The line of each value in a JSON text, by its path, and the keys an object repeats.

    The items of top-level arrays (the features of a large file) are walked only when a line inside
    them is asked for, so locating a few problems in a 30,000-route file stays quick. With
    `full=True` everything is walked at once, at every depth, which `repeated_keys` needs.
    """

    def __init__(self, text: str, *, max_depth: int = 8, full: bool = False) -> None:
        self._text = text
        self._newlines = [m.end() - 1 for m in _LINE_BREAK.finditer(text)]
        self._lines: dict[tuple, int] = {}
        self._deferred: dict[tuple, int] = {}
        self.repeated_keys: list[tuple[tuple, str, int]] = []
        self._max_depth = sys.maxsize if full else max_depth  # (repeated keys are looked for at every depth)
        self._full = full
        self._walk(_WS.match(text, 0).end(), ())

    def _walk(self, i: int, path: tuple) -> None:
        try:
            self._value(i, path)
        except (ValueError, IndexError, RecursionError):
            pass  # the text parsed with json already; a locator is a best effort

    def line(self, path: tuple) -> int:
        """The line of the value at `path`, or of its nearest recorded parent (1 when none)."""
        path = tuple(path)
        if len(path) >= 2 and path[:2] in self._deferred:
            self._walk(self._deferred.pop(path[:2]), path[:2])
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return self._lines.get((), 1)

    def _line_at(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    def _value(self, i: int, path: tuple) -> int:
        record = len(path) <= self._max_depth
        if record:
            self._lines[path] = self._line_at(i)
        if not record or (path and path[-1] == "coordinates"):
            return self._skip(i)  # positions are reported by their line, not one by one
        ch = self._text[i]
        if ch == "{":
            return self._object(i + 1, path, record)
        if ch == "[":
            return self._array(i + 1, path, record)
        if ch == '"':
            return scanstring(self._text, i + 1)[1]
        match = _NUMBER.match(self._text, i)
        if match:
            return match.end()
        for word in ("true", "false", "null"):
            if self._text.startswith(word, i):
                return i + len(word)
        raise ValueError(i)

    def _object(self, i: int, path: tuple, record: bool) -> int:
        text = self._text
        seen = set()
        i = _WS.match(text, i).end()
        if text[i] == "}":
            return i + 1
        while True:
            key_start = i
            key, i = scanstring(text, i + 1)
            if key in seen and record:
                self.repeated_keys.append((path, key, self._line_at(key_start)))
            seen.add(key)
            i = _WS.match(text, i).end() + 1  # past ':'
            i = _WS.match(text, i).end()
            i = self._value(i, path + (key,)) if record else self._skip(i)
            i = _WS.match(text, i).end()
            if text[i] == "}":
                return i + 1
            i = _WS.match(text, i + 1).end()

    def _array(self, i: int, path: tuple, record: bool) -> int:
        text = self._text
        i = _WS.match(text, i).end()
        if text[i] == "]":
            return i + 1
        index = 0
        defer = len(path) == 1 and not self._full
        while True:
            if defer:
                self._lines[path + (index,)] = self._line_at(i)
                self._deferred[path + (index,)] = i
                i = self._skip(i)
            else:
                i = self._value(i, path + (index,)) if record else self._skip(i)
            index += 1
            i = _WS.match(text, i).end()
            if text[i] == "]":
                return i + 1
            i = _WS.match(text, i + 1).end()

    def _skip(self, i: int) -> int:
        return _DECODER.raw_decode(self._text, i)[1]
