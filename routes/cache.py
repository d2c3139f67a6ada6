"""A record of the dataset files that passed validation, so a file is validated once, not on every command.

Loading a 10,000-route file spends a third of its time validating. The record holds no data: for
each file that passed, an empty entry named by a fingerprint of the file's bytes together with
everything validation depends on (the schema, the bundled weapon systems and places, the code of
the validator, the version). Any change to either (one byte of the file, a new check in the code,
another gazetteer) gives another fingerprint, so the file is validated again; a file with errors
is never recorded, so its errors are reported every time.

The record lives in $ARMS_ROUTES_CACHE_DIR, else $XDG_CACHE_HOME/arms-routes, else
~/.cache/arms-routes. ARMS_ROUTES_CACHE_DIR set to an empty value turns it off. It is only a
shortcut: when the folder cannot be read or written, every load validates, as it would without it.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from . import __version__, paths

# The modules whose code decides whether a file is valid.
_VALIDATOR_MODULES = ("validate.py", "model.py", "jsonfile.py", "weapons.py", "gazetteer.py", "names.py",
                      "schema/__init__.py")


def folder() -> Path | None:
    """Where the record is kept; None when it is turned off."""
    configured = os.environ.get("ARMS_ROUTES_CACHE_DIR")
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "arms-routes"


def fingerprint(content: bytes) -> str:
    """The name of a file's entry: its bytes and the validator's (see `validator_fingerprint`)."""
    digest = hashlib.sha256(validator_fingerprint().encode("ascii"))
    digest.update(content)
    return digest.hexdigest()


def is_valid(key: str | None) -> bool:
    """Whether a file with this fingerprint passed validation before."""
    place = _entry(key)
    try:
        return place is not None and place.is_file()
    except OSError:
        return False


def remember_valid(key: str | None) -> None:
    """Record that the file with this fingerprint passed validation (quietly nothing when it cannot)."""
    place = _entry(key)
    if place is None or is_valid(key):
        return
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        temporary = place.with_name(f".{place.name}.{os.getpid()}.tmp")
        temporary.write_bytes(b"")
        os.replace(temporary, place)
    except OSError:
        pass


def validator_fingerprint() -> str:
    """What validation depends on, other than the file: the version, the schema, the bundled
    taxonomy and gazetteer (wherever ARMS_ROUTES_DATA_DIR puts them) and the validator's code."""
    inputs = [paths.schema_file(), paths.bundled_weapons(), paths.bundled_places()]
    inputs += [Path(__file__).parent / name for name in _VALIDATOR_MODULES]
    return _fingerprint_of(tuple(str(p) for p in inputs), tuple(_stamp(p) for p in inputs))


@functools.lru_cache(maxsize=8)
def _fingerprint_of(names: tuple[str, ...], stamps: tuple) -> str:
    digest = hashlib.sha256(f"arms-routes {__version__}\n".encode("utf-8"))
    for name in names:
        try:
            digest.update(Path(name).read_bytes())
        except OSError:
            digest.update(b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()


def _stamp(path: Path) -> tuple:
    """A file's size and modification time: when either changes, its bytes are read again."""
    try:
        stat = path.stat()
    except OSError:
        return ()
    return stat.st_size, stat.st_mtime_ns


def _entry(key: str | None) -> Path | None:
    base = folder()
    if key is None or base is None:
        return None
    return base / "valid" / key[:2] / key
