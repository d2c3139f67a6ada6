"""Loading datasets (one file or several merged) and writing files safely.

Data flows one way: file -> `Dataset` -> selection (`routes.select`) -> output.
A dataset is validated as it is loaded, so every output works on data `validate` accepts.
"""

from __future__ import annotations

import gc
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, paths
from .errors import InvalidDataset, RoutesError, WriteConflict
from .gazetteer import Gazetteer, Place
from .jsonfile import decode, parse, parse_strict, read_bytes
from .validate import validate_document
from .weapons import Taxonomy


@dataclass
class Dataset:
    """Routes (GeoJSON features, as written) with the sources, weapon systems and places they refer to."""

    routes: list[dict]
    sources: dict[str, dict]
    weapons: Taxonomy
    places: Gazetteer
    files: list[Path] = field(default_factory=list)
    origin: dict[str, Path] = field(default_factory=dict)

    def route(self, route_id: str) -> dict | None:
        return next((r for r in self.routes if r.get("id") == route_id), None)

    def with_routes(self, routes: list[dict]) -> "Dataset":
        """The same dataset narrowed to some of its routes (a selection)."""
        return Dataset(routes, self.sources, self.weapons, self.places, self.files, self.origin)

    def place(self, place_id: str) -> Place | None:
        return self.places.get(place_id)


def load_dataset(data: list[Path] | None = None) -> Dataset:
    """Load and validate one or more dataset files (the bundled one when none is given) and merge them.

    Raises `InvalidDataset` with every problem of the first invalid file, and `RoutesError` when two
    files define the same route id or give one source id two different records.
    """
    files = [Path(p) for p in data] if data else [paths.bundled_dataset()]
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a large file is millions of small objects and no cycles: collections only cost time
    try:
        return _load(files)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load(files: list[Path]) -> Dataset:
    base_weapons, base_places = Taxonomy.load(), Gazetteer.load()
    weapons, places = base_weapons.copy(), base_places.copy()
    routes: list[dict] = []
    sources: dict[str, dict] = {}
    origin: dict[str, Path] = {}
    source_origin: dict[str, Path] = {}
    for path in files:
        doc = _read_valid(path, base_weapons, base_places)
        weapons.extend(doc.get("weapons") or [])
        places.extend(Place.from_feature(f) for f in doc.get("places") or [])
        for source_id, source in (doc.get("sources") or {}).items():
            if source_id in sources and sources[source_id] != source:
                raise RoutesError(
                    f"source {source_id!r} is also defined differently in {source_origin[source_id]}; "
                    "give one of them another id", path=path, field=f"sources.{source_id}")
            sources[source_id] = source
            source_origin.setdefault(source_id, path)
        for feature in doc["features"]:
            route_id = feature["id"]
            if route_id in origin:
                raise RoutesError(
                    f"route id is also used in {origin[route_id]}; route ids must be unique across --data files",
                    path=path, route_id=route_id, field="id")
            origin[route_id] = path
            routes.append(feature)
    return Dataset(routes, sources, weapons, places, files, origin)


def _read_valid(path: Path, weapons: Taxonomy, places: Gazetteer) -> dict:
    """The parsed document of a dataset file, which `validate` accepts; `InvalidDataset` when it does not.

    A file validated before, byte for byte and by the same validator, is only parsed (see `routes.cache`).
    """
    raw = read_bytes(path)
    key = cache.key(raw, weapons, places)
    text = decode(raw, path)
    if cache.is_valid(key):
        doc, _ = parse(text, path)
        return doc
    doc, repeated, quick_exact = parse_strict(text, path)
    report = validate_document(doc, path, text=text, weapons=weapons, places=places, warnings=False,
                               repeated_keys=repeated)
    if not report.ok:
        raise InvalidDataset(report.errors, path)
    if quick_exact:  # (a file with an integer beyond 64 bits is always read the slow, exact way)
        cache.remember_valid(key)
    return doc


def file_digest(path: Path) -> str | None:
    """A fingerprint of a file's bytes, to notice that someone changed it since it was read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def write_atomic(path: Path, content: str | bytes, *, expected_digest: str | None = None) -> None:
    """Write a file so that it is either wholly old or wholly new, never half-written.

    The content goes to a temporary file in the same folder, is flushed to disk and renamed into
    place. With `expected_digest`, a file that changed since it was read is not overwritten.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if expected_digest is not None and file_digest(path) != expected_digest:
        raise WriteConflict("the file changed on disk since it was read; nothing was written. Run the command again",
                            path=path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise RoutesError(f"cannot write here: {exc.strerror}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise RoutesError(f"cannot write: {exc.strerror or exc}", path=path) from None
        raise
