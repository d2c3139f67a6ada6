"""Loading datasets (one file or several merged) and writing files safely.

Data flows one way: file -> `Dataset` -> selection (`routes.select`) -> output.
A dataset is validated as it is loaded, so every output works on data `validate` accepts.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import hashlib
import os
import stat
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, model, paths
from .errors import DataFileError, InvalidDataset, RoutesError, WriteConflict
from .gazetteer import Gazetteer, Place
from .jsonfile import decode, parse, parse_strict, read_bytes
from .text import plural
from .validate import as_whole_numbers, lineage_roots, validate_document
from .weapons import Taxonomy

if TYPE_CHECKING:
    from .select import Filters


@dataclass
class Dataset:
    """Routes (GeoJSON features, as written) with the sources, weapon systems and places they refer to."""

    routes: list[dict]
    sources: dict[str, dict]
    weapons: Taxonomy
    places: Gazetteer
    files: list[Path] = field(default_factory=list)
    origin: dict[str, Path] = field(default_factory=dict)
    _lineages: dict = field(default_factory=dict, repr=False, compare=False)  # (shared with every selection)
    # How this dataset was selected (`routes.select.select`): None for a dataset as loaded.
    filters: Filters | None = field(default=None, compare=False)
    description: str = field(default="all routes", compare=False)
    total: int | None = field(default=None, compare=False)  # routes of the dataset it was selected from
    # Deals of a dataset source that have no place (the files' `unplaced` lists, merged): tabled beside
    # maps and in reports, never drawn. A selection keeps those its filters keep (`select.unplaced_deals`).
    unplaced: list[dict] = field(default_factory=list, compare=False)

    def route(self, route_id: str) -> dict | None:
        return next((r for r in self.routes if r.get("id") == route_id), None)

    def with_routes(self, routes: list[dict]) -> Dataset:
        """The same dataset narrowed to some of its routes, keeping how it was selected."""
        return Dataset(routes, self.sources, self.weapons, self.places, self.files, self.origin, self._lineages,
                       self.filters, self.description, self.total, self.unplaced)

    def selected(self, routes: list[dict], filters, description: str) -> Dataset:
        """A selection of this dataset: `routes`, chosen by `filters`, described in words."""
        from .select import unplaced_deals

        total = self.total if self.total is not None else len(self.routes)
        return Dataset(routes, self.sources, self.weapons, self.places, self.files, self.origin, self._lineages,
                       filters, description, total, unplaced_deals(self, filters))

    def lineages(self) -> dict:
        """What each evidence item of the dataset rests on (`model.item_key`), by its lineage roots
        (`validate.lineage_roots`), for `model.independent_sources(..., lineages=)`: worked out once,
        in one walk of the sources, so that a long `derived_from` chain costs time in proportion to it."""
        if not self._lineages:
            roots, _ = lineage_roots(self.sources)
            found = self._lineages
            for route in self.routes:
                for item in model.evidence(route):
                    key = model.item_key(item)
                    if key is not None and key not in found:
                        parts = [roots.get(s) or frozenset([s]) for s in model.key_sources(key)]
                        found[key] = parts[0] if len(parts) == 1 else frozenset().union(*parts)
        return self._lineages

    def independent_sources(self, route: dict) -> int:
        """`model.independent_sources` of one of the dataset's routes."""
        return model.independent_sources(route, self.sources, self.lineages())

    def place(self, place_id: str) -> Place | None:
        return self.places.get(place_id)

    # -- the Python API (docs/python.md): each method is a function of its module, called on this dataset --
    def __len__(self) -> int:
        """The number of routes."""
        return len(self.routes)

    def __repr__(self) -> str:
        """E.g. ``<Dataset: 29 routes, 9 sources from transfers.geojson>``, or for a selection
        ``<Selection: 1 of 29 routes (weapon F-7), citing 5 of 9 sources, from transfers.geojson>``."""
        sources = plural(len(self.sources), "source")
        where = ", ".join(p.name for p in self.files) or "no file"
        if self.filters is None:
            return f"<Dataset: {plural(len(self.routes), 'route')}, {sources} from {where}>"
        total = self.total if self.total is not None else len(self.routes)
        return (f"<Selection: {len(self.routes)} of {plural(total, 'route')} ({self.description}), "
                f"citing {len(self.cited_sources())} of {sources}, from {where}>")

    def _repr_html_(self) -> str:
        """A small summary table for notebooks: what was selected, and the first routes."""
        from .render.notebook import summary_html

        return summary_html(self)

    def cited_sources(self) -> list[str]:
        """The ids of the sources the routes' evidence cites, in order of first citation."""
        return list(dict.fromkeys(item["source"] for route in self.routes for item in model.evidence(route)
                                  if isinstance(item.get("source"), str)))

    def select(self, filters=None, /, *, weapon=None, category=None, actor=None, place=None, since=None,
               until=None, min_status=None, route=None, kind=None, disputed=None, **unknown) -> Dataset:
        """The routes that pass the filters, as a selection that remembers them (`routes.select.select`).

        Parameters
        ----------
        filters : Filters, optional
            What to select; or give the filters by name (not both).
        weapon, category, actor, place, route, kind : str or list of str, optional
            As the CLI's ``--weapon`` ... ``--kind``: any alias or spelling of a weapon system, a
            category, part of an actor's name, a place or country a route passes, route ids, what moved.
        since, until : int, optional
            Years: routes whose period overlaps them (an unknown year is open).
        min_status : str, optional
            "alleged" < "reported" < "corroborated" < "confirmed".
        disputed : bool, optional
            True: only disputed routes; False: only undisputed ones.

        Returns
        -------
        Dataset
            The selection; its ``description`` titles every map, image and report of it.

        Examples
        --------
        >>> import routes
        >>> routes.load().select(weapon="f7", since=2014).description
        'weapon F-7, since 2014'
        """
        from .select import select

        options = {"weapon": weapon, "category": category, "actor": actor, "place": place, "since": since,
                   "until": until, "min_status": min_status, "route": route, "kind": kind, "disputed": disputed}
        # (any other name reaches select, which answers with the closest filter names)
        return select(self, filters, **{k: v for k, v in options.items() if v is not None}, **unknown)

    def explore(self, m=None, **options):
        """The routes on an interactive map: a `folium.Map`, shown inline by Jupyter.

        Takes the options of `routes.explore`: ``m=`` (a folium.Map to draw onto), ``title``,
        ``tiles``, ``offline``, ``flows``.

        Examples
        --------
        >>> import routes
        >>> type(routes.load().select(actor="Hamas").explore()).__name__
        'Map'
        """
        from .render.notebook import explore

        return explore(self, m, **options)

    def to_geodataframe(self, by: str = "route"):
        """The routes as a GeoDataFrame in EPSG:4326, a row per route (``by="route"``) or per leg
        (``by="leg"``), with the export's columns: see `routes.to_geodataframe`.

        Examples
        --------
        >>> import routes
        >>> routes.load().select(route="prk-irn-sdn-egy-gaza").to_geodataframe(by="leg")["to_name"].tolist()
        ['Iran', 'Sudan', 'Egypt', 'Gaza Strip']
        """
        from .frames import to_geodataframe

        return to_geodataframe(self, by)

    def evidence_table(self):
        """Every evidence item as a DataFrame row, with the fields of the source it cites: see
        `routes.evidence_table`.

        Examples
        --------
        >>> import routes
        >>> len(routes.load().select(route="prk-yem-scud-2002").evidence_table()) >= 1
        True
        """
        from .frames import evidence_table

        return evidence_table(self)

    def render(self, output: Path | str, **options) -> Path:
        """Write the map as `arms-routes render` does: .html, .png or .svg, by the suffix.

        Takes the options of `routes.render_map` (``title``, ``offline``, ``tiles``, ``embed``,
        ``height``, ``width``, ``dpi``, ``flows``); returns the file written.

        Examples
        --------
        >>> import routes, tempfile, pathlib
        >>> routes.load().select(weapon="F-7").render(pathlib.Path(tempfile.mkdtemp()) / "f7.png").suffix
        '.png'
        """
        from .render import render_map

        return render_map(self, output, **options)

    def report(self, output: Path | str, **options) -> list[Path]:
        """Write the evidence report as `arms-routes report` does: .html, or .md with its map beside it.

        Takes the options of `routes.write_report` (``title``, ``include_map``, ``flows``); returns the
        files written.

        Examples
        --------
        >>> import routes, tempfile, pathlib
        >>> [p.suffix for p in routes.load().select(weapon="F-7").report(pathlib.Path(tempfile.mkdtemp()) / "f7.html")]
        ['.html']
        """
        from .report import write_report

        return write_report(self, Path(output), **options)

    def export(self, output: Path | str, **options) -> int:
        """Write the routes as `arms-routes export` does: .geojson, .csv, .kml, .gpkg or .parquet.

        Takes the options of `routes.export_routes` (``evidence=True`` for one row per evidence item);
        returns the number of rows or features written.

        Examples
        --------
        >>> import routes, tempfile, pathlib
        >>> routes.load().select(weapon="F-7").export(pathlib.Path(tempfile.mkdtemp()) / "f7.parquet")
        1
        """
        from .export import export_routes

        return export_routes(self, Path(output), **options)


def load_dataset(data: list[Path] | None = None, *, remember: bool = True) -> Dataset:
    """Load and validate one or more dataset files (the bundled one when none is given) and merge them.

    A file that passes is recorded as valid in the user's cache (`routes.cache`) unless `remember` is
    false, so that the next load only parses it; a record made before is used either way.

    Raises `InvalidDataset` with every problem of the first invalid file, and `RoutesError` when two
    files define the same route id or give one source id two different records.
    """
    files = [Path(p) for p in data] if data else [paths.bundled_dataset()]
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a large file is millions of small objects and no cycles: collections only cost time
    try:
        return _load(files, remember)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load(files: list[Path], remember: bool = True) -> Dataset:
    base_weapons, base_places = Taxonomy.load(), Gazetteer.load()
    weapons, places = base_weapons.copy(), base_places.copy()
    routes: list[dict] = []
    unplaced: list[dict] = []
    unplaced_origin: dict[str, Path] = {}
    sources: dict[str, dict] = {}
    origin: dict[str, Path] = {}
    source_origin: dict[str, Path] = {}
    place_origin: dict[str, str] = {}
    weapon_origin: dict[str, str] = {}
    for path in files:
        doc = _read_valid(path, base_weapons, base_places, remember)
        file_places = [Place.from_feature(f) for f in doc.get("places") or []]
        if len(files) > 1:
            # One gazetteer and one taxonomy serve every file: a file may not move another file's (or
            # the bundled) place, or change its weapon system, under the other's routes.
            for place in file_places:
                _refuse_redefinition(path, "places", place.id, places.get(place.id), place,
                                     place_origin.get(place.id, "the bundled gazetteer"))
                place_origin.setdefault(place.id, str(path))
            for system in doc.get("weapons") or []:
                _refuse_redefinition(path, "weapons", system["id"], weapons.get(system["id"]), system,
                                     weapon_origin.get(system["id"], "the bundled weapon systems"))
                weapon_origin.setdefault(system["id"], str(path))
        weapons.extend(doc.get("weapons") or [])
        places.extend(file_places)
        for source_id, source in (doc.get("sources") or {}).items():
            if source_id in sources and sources[source_id] != source:
                raise RoutesError(
                    f"source {source_id!r} is also defined differently in {source_origin[source_id]}; "
                    "give one of them another id", path=path, field=f"sources.{source_id}")
            sources[source_id] = source
            source_origin.setdefault(source_id, path)
        for feature in doc["features"]:
            as_whole_numbers(feature["properties"])  # (a year written 2000.0 reads 2000 everywhere)
            route_id = feature["id"]
            if route_id in origin:
                raise RoutesError(
                    f"route id is also used in {origin[route_id]}; route ids must be unique across --data files",
                    path=path, route_id=route_id, field="id")
            origin[route_id] = path
            routes.append(feature)
        for deal in doc.get("unplaced") or []:
            as_whole_numbers(deal)
            if deal["id"] in unplaced_origin:
                raise RoutesError(f"unplaced deal id is also used in {unplaced_origin[deal['id']]}; the same deal "
                                  "cannot be loaded twice (is one export imported into two files?)", path=path,
                                  route_id=deal["id"], field="unplaced")
            unplaced_origin[deal["id"]] = path
            unplaced.append(deal)
    return Dataset(routes, sources, weapons, places, files, origin, unplaced=unplaced)


def _refuse_redefinition(path: Path, member: str, item_id: str, known, new, origin: str) -> None:
    if known is None or known == new:
        return
    def described(item) -> str:
        return item.definition() if isinstance(item, Place) else Taxonomy.definition(item)
    what = "place" if member == "places" else "weapon system"
    raise RoutesError(f"redefines the {what} {item_id!r} ({described(new)}), which {origin} defines as "
                      f"({described(known)}); every file loaded together shares one definition, so the routes of "
                      f"the other would change. Give this one another id", path=path, field=f"{member}.{item_id}")


def _read_valid(path: Path, weapons: Taxonomy, places: Gazetteer, remember: bool = True) -> dict:
    """The parsed document of a dataset file, which `validate` accepts; `InvalidDataset` when it does not.

    A file validated before, byte for byte and by the same validator, is only parsed (see `routes.cache`).
    """
    raw = read_bytes(path)
    key = cache.key(raw, weapons, places)
    text = decode(raw, path)
    if cache.is_valid(key):
        doc, _ = parse(text, path)
        return doc
    doc, repeated, quick_exact, _ = parse_strict(text, path, raw[3:] if raw[:3] == b"\xef\xbb\xbf" else raw)
    report = validate_document(doc, path, text=text, weapons=weapons, places=places, warnings=False,
                               repeated_keys=repeated)
    if not report.ok:
        raise InvalidDataset(report.errors, path)
    if quick_exact and remember:  # (a file with an integer beyond 64 bits is always read the slow, exact way)
        cache.remember_valid(key)
    return doc


def same_file(a: Path | str, b: Path | str) -> bool:
    """Whether two paths name one file: the same path, a symbolic link to it, or a hard link."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_input(output: Path | str, inputs, *, option: str = "--output") -> None:
    """`RoutesError` when `output` is one of the files a command reads (`inputs`): writing it would
    replace that file (a user's dataset, say) with the command's output."""
    for source in inputs or ():
        if source is not None and same_file(output, source):
            raise RoutesError(f"{option} is {'the same file as ' if str(output) != str(source) else ''}one of the "
                              f"files this command reads ({source}); writing it would replace that file. "
                              "Choose another file", path=output)


def file_digest(path: Path) -> str | None:
    """A fingerprint of a file's bytes, to notice that someone changed it since it was read."""
    if not os.path.lexists(path):
        return None
    try:
        return hashlib.sha256(read_bytes(Path(path))).hexdigest()
    except DataFileError as exc:
        if exc.message == "file not found":
            return None
        raise


LOCK_TIMEOUT_S = 60.0
_held = threading.local()  # the folders whose lock this thread holds, and how many times


def target_of(path: Path | str) -> Path:
    """The file a write to `path` must change: a symbolic link's target (followed to the end), else `path`."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


@contextlib.contextmanager
def edit_lock(path: Path | str, *, timeout: float = LOCK_TIMEOUT_S):
    """Hold the lock every arms-routes writer takes before it reads, checks and replaces a file.

    The lock is on the folder of the file (followed through symbolic links), so writers of files in
    one folder go one at a time: a second `add` on the same file waits until the first has renamed its
    result into place, then reads that. Re-entrant within a thread. Raises `WriteConflict` when another
    writer has held the lock for `timeout` seconds. Where the system has no such locks (not POSIX),
    writes are still atomic and still check that the file did not change since it was read.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    folder = os.path.abspath(os.path.dirname(target_of(path)) or ".")
    held = getattr(_held, "folders", None)
    if held is None:
        held = _held.folders = {}
    if folder in held:
        held[folder] += 1
        try:
            yield
        finally:
            held[folder] -= 1
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise RoutesError(f"cannot open the folder to write in: {exc.strerror}", path=path) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriteConflict(f"another arms-routes command has been writing in {folder} for "
                                        f"{timeout:.0f} s; nothing was written. Run the command again when it "
                                        "has finished", path=path) from None
                time.sleep(0.02)
        held[folder] = 1
        try:
            yield
        finally:
            del held[folder]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def write_atomic(path: Path, content: str | bytes, *, expected_digest: str | None = None) -> None:
    """Write a file so that it is either wholly old or wholly new, never half-written.

    Under `edit_lock`: check (with `expected_digest`, a file that changed since it was read is not
    overwritten), then write the content to a temporary file in the same folder, flush it to disk and
    rename it into place. A symbolic link is followed: its target is written and the link kept. The
    target's permissions (and owner, where allowed) are kept. A file with several hard links is
    rewritten in place once the new content is safely on disk beside it, so that every link sees the
    change (the one case that is not atomic; see docs/safety.md).
    """
    target = target_of(path)
    with edit_lock(target):
        if expected_digest is not None and file_digest(target) != expected_digest:
            raise WriteConflict("the file changed on disk since it was read; nothing was written. Run the command again",
                                path=path)
        pending = _prepare(path, content)
        try:
            _commit(pending)
        except BaseException:
            _discard(pending)
            raise


def write_all_atomic(files: list[tuple[Path, str | bytes]]) -> None:
    """Write several files that belong together (a report and its map image, a dataset and its
    rejected rows): all of them, or none. Each is written as `write_atomic` writes it.

    Under the `edit_lock` of every folder, each new content is first written whole to a temporary
    file beside its target and flushed to disk (where a full disk or a read-only folder fails, before
    any file is touched); then the temporary files are renamed into place one after another, and
    should one of those renames fail, the files already replaced are put back as they were.
    """
    targets = [target_of(path) for path, _ in files]
    for i, (path, _) in enumerate(files):
        for other, _ in files[:i]:
            if same_file(path, other) or targets[i] == target_of(other):
                raise RoutesError(f"is also {other}: one command cannot write two things to one file; choose "
                                  "two files", path=path)
    with contextlib.ExitStack() as locks:
        for target in sorted(targets, key=lambda t: os.path.abspath(os.path.dirname(t) or ".")):
            locks.enter_context(edit_lock(target))  # (folders in one order: two such writes never wait on each other)
        pending: list[_Pending] = []
        try:
            for path, content in files:
                pending.append(_prepare(path, content))
            backups = [_backup(p) for p in pending]
        except BaseException:
            for p in pending:
                _discard(p)
            raise
        done: list[int] = []
        try:
            for i, p in enumerate(pending):
                _commit(p)
                done.append(i)
        except BaseException:
            for i in reversed(done):
                _restore(pending[i], backups[i])
            for i, p in enumerate(pending):
                if i not in done:
                    _discard(p)
            for backup in backups:
                _drop_backup(backup)
            raise
        for backup in backups:
            _drop_backup(backup)


@dataclass
class _Pending:
    """A write prepared by `_prepare`: the new content complete on disk in `tmp`, beside `target`."""

    path: Path  # as the user named it (for messages)
    target: Path  # the file to change (a symbolic link followed)
    tmp: str
    data: bytes
    before: os.stat_result | None  # the target as it was, None when it is new


def _prepare(path: Path, content: str | bytes) -> _Pending:
    """Write `content` whole to a temporary file beside the file `path` names, with the file's
    permissions (and owner, where allowed), flushed to disk; nothing else is changed."""
    target = target_of(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    before = _replaced(path, target)
    fd, tmp = _temporary(path, target, ".tmp")
    pending = _Pending(Path(path), target, tmp, data, before)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _keep_mode(tmp, before)
    except BaseException as exc:
        _discard(pending)
        if isinstance(exc, OSError):
            raise RoutesError(f"cannot write: {exc.strerror or exc}", path=path) from None
        raise
    return pending


def _replaced(path: Path, target: Path) -> os.stat_result | None:
    """The file a write will replace (None when there is none yet); a folder, pipe or device is refused."""
    try:
        before = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RoutesError(f"cannot write: {exc.strerror or exc}", path=path) from None
    if stat.S_ISDIR(before.st_mode):
        raise RoutesError("is a folder; give the name of a file to write", path=path)
    if not stat.S_ISREG(before.st_mode):
        raise RoutesError("is not a regular file (a named pipe, device or socket); give the name of a file to write",
                          path=path)
    return before


def _temporary(path: Path, target: Path, suffix: str) -> tuple[int, str]:
    """A new temporary file beside the target, named after it: (open descriptor, name)."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        return tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=folder)
    except OSError as exc:
        raise RoutesError(f"cannot write here: {exc.strerror}", path=path) from None


def _keep_mode(tmp: str, before: os.stat_result | None) -> None:
    """The replaced file's permissions (and owner, where allowed) on the new one; 0644 for a new file."""
    os.chmod(tmp, before.st_mode & 0o7777 if before else 0o644)
    if before is not None and hasattr(os, "chown"):
        try:
            os.chown(tmp, before.st_uid, before.st_gid)
        except OSError:
            pass  # (only the owner's group or root may keep them; the permissions are kept)


def _commit(pending: _Pending) -> None:
    """Put a prepared write in place: rename it over the target, or, for a file with several hard
    links, rewrite the file in place (so that every link sees the change) and drop the temporary file."""
    if pending.before is not None and pending.before.st_nlink > 1:
        try:
            with open(pending.target, "r+b") as handle:
                handle.write(pending.data)
                handle.truncate()
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            pending.tmp, kept = "", pending.tmp  # (kept: it holds the complete new content)
            raise RoutesError(f"cannot rewrite this hard-linked file in place ({exc.strerror or exc}); its new "
                              f"content is complete in {kept}", path=pending.path) from None
        _discard(pending)
        return
    try:
        os.replace(pending.tmp, pending.target)
    except OSError as exc:
        raise RoutesError(f"cannot write: {exc.strerror or exc}", path=pending.path) from None
    pending.tmp = ""
    _sync_folder(pending.target.parent if str(pending.target.parent) else Path("."))


def _discard(pending: _Pending) -> None:
    if pending.tmp:
        try:
            os.unlink(pending.tmp)
        except OSError:
            pass
        pending.tmp = ""


def _backup(pending: _Pending):
    """What puts the target back if a later file of the same write fails: a hard link to the old file
    (or its bytes, for a file rewritten in place); None for a new file (it is removed instead)."""
    if pending.before is None:
        return None
    if pending.before.st_nlink > 1:
        return read_bytes(pending.target)
    name = f"{pending.tmp}.old"
    try:
        os.link(pending.target, name)
        return Path(name)
    except OSError:
        return read_bytes(pending.target)


def _restore(pending: _Pending, backup) -> None:
    try:
        if backup is None:
            os.unlink(pending.target)
        elif isinstance(backup, Path):
            os.replace(backup, pending.target)
        else:
            with open(pending.target, "r+b") as handle:
                handle.write(backup)
                handle.truncate()
    except OSError:
        pass  # (best effort: the error that made the write fail is what the user sees)


def _drop_backup(backup) -> None:
    if isinstance(backup, Path):
        try:
            os.unlink(backup)
        except OSError:
            pass


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, so that a rename survives a power cut (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: Path | str, *, suffix: str = ".tmp"):
    """`write_atomic` for a writer that must create the file itself, by name (GDAL writing a GeoPackage).

    Yields a temporary path beside `path` (not yet existing, ending in `suffix`); when the block ends
    without an error, the file written there is put in place as `write_atomic` puts its content (under
    `edit_lock`, flushed to disk, the old file's permissions kept, renamed over it; a symbolic link
    followed, a hard-linked file rewritten in place). On an error, or when the block wrote nothing,
    nothing changes, and no file named after the temporary one (SQLite's -wal, -shm, -journal) is left.

        with atomic_path(output, suffix=".gpkg") as tmp:
            pyogrio.write_dataframe(frame, tmp, driver="GPKG")
    """
    target = target_of(path)
    with edit_lock(target):
        before = _replaced(Path(path), target)
        fd, tmp = _temporary(Path(path), target, suffix)
        os.close(fd)
        os.unlink(tmp)  # (the writer creates it)
        pending = _Pending(Path(path), target, tmp, b"", before)
        try:
            yield Path(tmp)
            if not os.path.isfile(tmp):
                raise RoutesError("cannot write: nothing was written", path=path)
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            _keep_mode(tmp, before)
            if before is not None and before.st_nlink > 1:
                pending.data = read_bytes(Path(tmp))  # (rewritten in place, as write_atomic does)
            _commit(pending)
        except BaseException as exc:
            _discard(pending)
            if isinstance(exc, OSError):
                raise RoutesError(f"cannot write: {exc.strerror or exc}", path=path) from None
            raise
        finally:
            folder = Path(tmp).parent
            for leftover in folder.glob(f"{glob.escape(Path(tmp).name)}*"):
                try:
                    leftover.unlink()
                except OSError:
                    pass
