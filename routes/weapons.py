"""The weapon-system taxonomy (data/weapons.json), extended by a dataset's own `weapons` member."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from . import paths
from .errors import DataFileError, UnknownWeapon, UsageError
from .names import closest, normalise


class Taxonomy:
    """Weapon systems by id, and every id, name and alias by its normalised form."""

    def __init__(self, systems: Iterable[dict] = ()) -> None:
        self._systems: dict[str, dict] = {}
        self._keys: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self._families: dict[str, list[str]] = {}
        self.extend(systems)
        self.digest: str | None = None  # of the file it was loaded from, as it was read (see routes.cache)

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        path = Path(path) if path else paths.bundled_weapons()
        try:
            raw = path.read_bytes()
            systems = json.loads(raw.decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise DataFileError(f"cannot read the weapon taxonomy: {exc}", path=path) from None
        if not isinstance(systems, list):
            raise DataFileError("the weapon taxonomy must be a JSON list of weapon systems", path=path)
        taxonomy = cls(s for s in systems if isinstance(s, dict) and isinstance(s.get("id"), str))
        taxonomy.digest = hashlib.sha256(raw).hexdigest()
        return taxonomy

    def extend(self, systems: Iterable[dict]) -> Taxonomy:
        self.digest = None  # no longer the file's content
        for system in systems:
            self._systems[system["id"]] = system
            for name in (system.get("name", ""), system["id"], *system.get("aliases", [])):
                key = normalise(name)
                if key:
                    self._keys.setdefault(key, system["id"])
                    self._display.setdefault(key, str(name))
            family = normalise(system.get("family", ""))
            if family and system["id"] not in self._families.setdefault(family, []):
                self._families[family].append(system["id"])
        return self

    def copy(self) -> Taxonomy:
        return Taxonomy(self._systems.values())

    def __contains__(self, weapon_id: object) -> bool:
        return weapon_id in self._systems

    def __iter__(self) -> Iterator[dict]:
        return iter(self._systems.values())

    def __len__(self) -> int:
        return len(self._systems)

    def get(self, weapon_id: str) -> dict | None:
        return self._systems.get(weapon_id)

    def category(self, weapon_id: str) -> str:
        system = self._systems.get(weapon_id)
        return system.get("category", "other") if system else "other"

    def categories(self) -> list[str]:
        return sorted({s.get("category", "other") for s in self._systems.values()})

    def resolve(self, name: str, *, suggest: bool = True) -> list[str]:
        """The ids of the systems a name means: an id as written, else by id, name or alias in any case
        or punctuation, else every system of that family. `UnknownWeapon` otherwise, with the closest
        names unless `suggest` is false (finding them takes time in proportion to the taxonomy)."""
        if name in self._systems:  # (a dataset's own "f7" is found by its id, though "F7" also names "f-7")
            return [name]
        key = normalise(name)
        if key in self._keys:
            return [self._keys[key]]
        if key and key in self._families:
            return list(self._families[key])
        raise UnknownWeapon(f"unknown weapon system {name!r}", suggestions=self._closest(name) if suggest else None)

    def _closest(self, name: str, n: int = 5) -> list[str]:
        """The closest names (`names.closest`), one per weapon system: the spelling nearest to `name`."""
        found, systems = [], set()
        for display in closest(name, self._display, n=len(self._display)):
            system = self._keys.get(normalise(display))
            if system not in systems:
                systems.add(system)
                found.append(display)
        return found[:n]

    def lookup(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """What `resolve` looks a name up in, after an id as written: every normalised id, name and alias
        -> the id it names, and every normalised family -> the ids in it (copies). The map's weapon box
        resolves names with these, as `resolve` does."""
        return dict(self._keys), {family: list(ids) for family, ids in self._families.items()}

    def spellings(self) -> list[str]:
        """Every id, name and alias `resolve` knows, as first written, in the order `lookup` gives their
        normalised keys: what "did you mean" chooses from (the map's weapon box suggests from these)."""
        return list(self._display.values())

    def id_named(self, name: str) -> str | None:
        """The id of the system a name, alias or id means once case and punctuation are set aside."""
        return self._keys.get(normalise(name))

    @staticmethod
    def definition(system: dict) -> str:
        """A weapon system in a few words, to tell two definitions apart: "Kornet, category anti-tank"."""
        return f"{system.get('name')}, category {system.get('category')}"

    def check_category(self, category: str) -> str:
        known = {normalise(c): c for c in self.categories()}
        if normalise(category) in known:
            return known[normalise(category)]
        raise UsageError(f"unknown weapon category {category!r}", suggestions=closest(category, known))
