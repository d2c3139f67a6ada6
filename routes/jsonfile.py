"""Reading JSON files a person edits by hand: clear errors, and the line of every value.

`read_json` never lets a traceback through for anything a file can contain: it raises
`DataFileError` naming the file, the line and column, and what to do.
`Locator` maps a path inside the document (("features", 3, "properties", "status")) to its line,
so that validation messages can say `PATH:LINE:`. It is built only when there is something to report.
"""

from __future__ import annotations

import bisect
import json
import math
import os
import re
import stat
import sys
from json.decoder import scanstring
from pathlib import Path
from typing import NamedTuple

import orjson

from .errors import DataFileError

MAX_FILE_BYTES = 512 * 1024 * 1024

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def read_text(path: Path) -> str:
    """The file's text as UTF-8, or a `DataFileError` that says what the file is instead."""
    return decode(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a `DataFileError` for a missing, unreadable, folder or oversized file."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DataFileError("file not found", path=path) from None
    except OSError as exc:
        raise DataFileError(f"cannot read file: {exc.strerror}", path=path) from None
    size = info.st_size
    if stat.S_ISDIR(info.st_mode):
        raise DataFileError("is a folder, not a GeoJSON file", path=path)
    if not stat.S_ISREG(info.st_mode):
        # (opening a named pipe would wait for a writer forever)
        raise DataFileError("is not a regular file (a pipe, device or socket); give the path of a file", path=path)
    if size > MAX_FILE_BYTES:
        raise DataFileError(
            f"file is {size / 2**20:.0f} MiB, more than the {MAX_FILE_BYTES // 2**20} MiB a dataset may be; "
            "split it into several files and pass each with --data",
            path=path,
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # (a file swapped for a pipe since stat)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise DataFileError("is not a regular file (a pipe, device or socket); give the path of a file",
                                    path=path)
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DataFileError(f"cannot read file: {exc.strerror}", path=path) from None


def decode(raw: bytes, path: Path) -> str:
    if not raw.strip():
        raise DataFileError("file is empty; a dataset is a GeoJSON FeatureCollection", path=path)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(raw) > 1 and (raw[0] == 0 or raw[1] == 0)):
        raise DataFileError("file is UTF-16 or UTF-32 text; save it as UTF-8", path=path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise DataFileError(f"binary content (a NUL byte at line {line}); this is not a GeoJSON text file", path=path, line=line)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataFileError(
            f"byte 0x{raw[exc.start]:02x} at line {line} is not UTF-8; save the file as UTF-8", path=path, line=line
        ) from None


class _Scan:
    """What a strict parse noticed: an object that repeats a key, an integer beyond 64 bits."""

    repeated = False
    wide = False


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


class Parsed(NamedTuple):
    doc: object
    repeated: bool  # some object repeats a key
    quick_exact: bool  # a quick parse (`parse` without strict) gives the same document: no integer beyond 64 bits


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
        return _parse(text, path, parse_constant=_reject_constant, parse_float=_finite), False
    return parse_strict(text, path)[:2]


def parse_strict(text: str, path: Path) -> Parsed:
    """Parse JSON text with the json module, noting repeated keys and integers beyond 64 bits."""
    _Scan.repeated = _Scan.wide = False
    doc = _parse(text, path, object_pairs_hook=_pairs, parse_int=_integer, parse_constant=_reject_constant,
                 parse_float=_finite)
    return Parsed(doc, _Scan.repeated, not _Scan.wide)


def _parse(text: str, path: Path, **hooks) -> object:
    try:
        return json.loads(text, **hooks)
    except json.JSONDecodeError as exc:
        raise DataFileError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", path=path, line=exc.lineno
        ) from None
    except _TooLarge as exc:
        at = text.find(exc.text)
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        raise DataFileError(f"the number {exc.text[:40]} is beyond the range of a double (about ±1.8e308): it "
                            "would be written back as Infinity, which is not JSON; write a smaller number",
                            path=path, line=line) from None
    except ValueError as exc:
        raise DataFileError(f"not valid JSON: {exc}; GeoJSON numbers must be finite", path=path) from None
    except RecursionError:
        raise DataFileError("not a dataset: JSON nested too deeply", path=path) from None


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
        self._newlines = [m.start() for m in re.finditer("\n", text)]
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
