"""A record of the dataset files that passed validation, so a file is validated once, not on every command.

Loading a 10,000-route file spends a third of its time validating. The record holds no data: for
each file that passed, an empty entry named by a fingerprint of the file's bytes together with
everything validation depends on (the schema, the weapon systems and places as they were read,
the validator's code as it was imported, the libraries it uses, the version). Any change to either (one byte of the file, a new check in the code,
another gazetteer) gives another fingerprint, so the file is validated again; a file with errors
is never recorded, so its errors are reported every time.

The record lives in $ARMS_ROUTES_CACHE_DIR, else $XDG_CACHE_HOME/arms-routes, else
~/.cache/arms-routes. ARMS_ROUTES_CACHE_DIR set to an empty value turns it off. Anyone who can
write to the folder can make a file pass unchecked, so it must be one only its user can write. It is
only a shortcut: when the folder cannot be read or written, every load validates, as it would without it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

from . import __version__

# The modules whose code decides whether a file is valid: fingerprinted as this process imported
# them (routes.validate imports this module), not as they may be on disk later.
_VALIDATOR_MODULES = ("validate.py", "model.py", "jsonfile.py", "weapons.py", "gazetteer.py", "names.py",
                      "schema/__init__.py", "cache.py", "text.py")
# The libraries whose code does so too.
_VALIDATOR_LIBRARIES = ("jsonschema", "fastjsonschema", "orjson")


def _code_digest() -> str:
    digest = hashlib.sha256(f"arms-routes {__version__}\npython {sys.version}\n".encode())
    for name in _VALIDATOR_MODULES:
        try:
            digest.update((Path(__file__).parent / name).read_bytes())
        except OSError:
            digest.update(b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()


_CODE = _code_digest()


def folder() -> Path | None:
    """Where the record is kept; None when it is turned off (or there is no home folder to keep it in)."""
    configured = os.environ.get("ARMS_ROUTES_CACHE_DIR")
    if configured is not None:
        return Path(configured).expanduser().absolute() if configured.strip() else None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # (a relative XDG_CACHE_HOME is to be ignored)
        return Path(xdg) / "arms-routes"
    home = os.path.expanduser("~")
    return Path(home) / ".cache" / "arms-routes" if os.path.isabs(home) else None


def key(content: bytes, weapons, places) -> str | None:
    """The name of a file's entry: a fingerprint of its bytes and of everything its validation
    depended on: this code, the schema, the libraries, and the weapon systems and places it was
    checked against, as they were read (`Taxonomy.digest`, `Gazetteer.digest`). None when the record
    is off or the taxonomy or gazetteer did not come straight from a file."""
    from . import schema

    if folder() is None or not getattr(weapons, "digest", None) or not getattr(places, "digest", None):
        return None
    digest = hashlib.sha256(f"{_CODE}\n{schema.digest()}\n{_libraries()}\n{weapons.digest}\n{places.digest}\n"
                            .encode())
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


@functools.lru_cache(maxsize=1)
def _libraries() -> str:
    from importlib import metadata

    versions = []
    for name in _VALIDATOR_LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} ?")
    return ", ".join(versions)


def _entry(key: str | None) -> Path | None:
    base = folder()
    if key is None or base is None:
        return None
    return base / "valid" / key[:2] / key
