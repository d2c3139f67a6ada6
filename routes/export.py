"""Exports of a selection for other tools: GeoJSON, CSV, KML (Google Earth) and GeoPackage (QGIS).

The file suffix picks the format. GeoJSON keeps every route exactly as written (only a null geometry is
built from the waypoints) with the sources, weapon systems and places it needs, so the file validates
and renders on its own. CSV, KML and GeoPackage flatten a route to one row; lists become "; "-joined text.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path

from . import model, style
from .dataset import Dataset, write_atomic
from .errors import RoutesError, UsageError
from .gazetteer import Gazetteer
from .geometry import route_lines
from .summary import as_csv, route_row
from .weapons import Taxonomy

FORMATS = {
    ".geojson": "GeoJSON (RFC 7946)",
    ".csv": "CSV, one row per route (one per evidence item with --evidence)",
    ".kml": "KML (Google Earth)",
    ".gpkg": "GeoPackage (QGIS)",
}

ROUTE_FIELDS = (
    "id", "name", "kind", "status", "disputed", "weapons", "categories", "supplier", "intermediaries", "recipient",
    "waypoints", "countries", "period_start", "period_end", "independent_sources", "evidence_count", "file",
)
EVIDENCE_FIELDS = (
    "route_id", "item", "stance", "claim", "quote", "said_by", "source", "source_title", "publisher", "published",
    "url", "grade",
)


def export_format(output: Path) -> str:
    """The format a file name asks for (its suffix), or a `UsageError` listing the suffixes we write."""
    suffix = Path(output).suffix.lower()
    if suffix not in FORMATS:
        supported = ", ".join(FORMATS)
        raise UsageError(f"cannot export to {Path(output).name!r}: the file name must end in one of {supported}")
    return suffix


def export_routes(dataset: Dataset, output: Path, *, evidence: bool = False) -> int:
    """Write the routes of a selection to `output` in the format its suffix names; returns the rows/features written.

    With `evidence`, a CSV has one row per evidence item instead of one per route. A GeoPackage always
    holds a second, table-only layer `evidence` with those rows. Nothing is left behind on failure.
    """
    output = Path(output)
    suffix = export_format(output)
    if evidence and suffix != ".csv":
        raise UsageError("--evidence works with a .csv output only (a .gpkg always has an evidence layer)")
    if suffix == ".geojson":
        collection = geojson_collection(dataset)
        write_atomic(output, geojson_text(collection))
        return len(collection["features"])
    if suffix == ".csv":
        rows, fields = (evidence_rows(dataset), EVIDENCE_FIELDS) if evidence else (route_rows(dataset), ROUTE_FIELDS)
        write_atomic(output, as_csv(rows, fields) + "\n")
        return len(rows)
    _write_gdal(dataset, output, suffix)
    return len(dataset.routes)


# -- GeoJSON ----------------------------------------------------------------------------------------
def geojson_collection(dataset: Dataset) -> dict:
    """The selection as an RFC 7946 FeatureCollection that `arms-routes validate` accepts on its own.

    Routes are copied as written; a null geometry is built from the waypoints (great-circle legs, cut
    at the antimeridian). `sources` holds the cited sources and those they derive from; `weapons` and
    `places` hold what the routes use that the bundled taxonomy and gazetteer do not (or define differently).
    """
    features = []
    for route in dataset.routes:
        feature = dict(route)  # a shallow copy: only top-level members are replaced, the route stays as it was
        if not isinstance(feature.get("geometry"), dict):
            feature["geometry"] = built_geometry(route, dataset.places)
        feature.pop("crs", None)
        features.append(feature)
    collection: dict = {"type": "FeatureCollection", "sources": cited_sources(dataset)}
    weapons = _extra_weapons(dataset)
    if weapons:
        collection["weapons"] = weapons
    places = _extra_places(dataset)
    if places:
        collection["places"] = places
    collection["features"] = features
    return collection


def geojson_text(collection: dict) -> str:
    """The collection as JSON text: its members indented, each feature on one line (one route per line)."""
    head = {k: v for k, v in collection.items() if k != "features"}
    lines = ["{"]
    for key, value in head.items():
        member = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        lines.append(f"  {json.dumps(key)}: {member},")
    features = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    lines.append('  "features": [' + ("" if features else "]"))
    lines.extend(f"    {text}," for text in features[:-1])
    if features:
        lines.extend([f"    {features[-1]}", "  ]"])
    lines.append("}")
    return "\n".join(lines) + "\n"


def built_geometry(route: dict, places: Gazetteer) -> dict | None:
    """A route's geometry as GeoJSON: its own, or great-circle legs between its waypoints (cut at ±180°)."""
    if isinstance(route.get("geometry"), dict):
        return route["geometry"]
    parts = [line for line in route_lines(route, places) if len(line) >= 2]
    if not parts:
        return None
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def cited_sources(dataset: Dataset) -> dict[str, dict]:
    """The sources the routes cite, and every source those derive from, in the dataset's order."""
    wanted: set[str] = set()
    for route in dataset.routes:
        for item in model.evidence(route):
            if isinstance(item.get("source"), str):
                wanted |= model.lineage(item["source"], dataset.sources)
    return {sid: copy.deepcopy(s) for sid, s in dataset.sources.items() if sid in wanted}


def _extra_weapons(dataset: Dataset) -> list[dict]:
    try:
        bundled = Taxonomy.load()
    except RoutesError:
        bundled = Taxonomy()
    used = dict.fromkeys(w for r in dataset.routes for w in model.props(r).get("weapons") or [])
    extra = []
    for weapon_id in used:
        system = dataset.weapons.get(weapon_id)
        if system is not None and bundled.get(weapon_id) != system:
            extra.append(copy.deepcopy(system))
    return extra


def _extra_places(dataset: Dataset) -> list[dict]:
    try:
        bundled = Gazetteer.load()
    except RoutesError:
        bundled = Gazetteer()
    used: dict[str, None] = {}
    for route in dataset.routes:
        p = model.props(route)
        interdicted = p.get("interdicted") if isinstance(p.get("interdicted"), dict) else {}
        for place_id in [*(p.get("waypoints") or []), *(p.get("intended_waypoints") or []), interdicted.get("place")]:
            if isinstance(place_id, str):
                used[place_id] = None
    extra = []
    for place_id in used:
        place = dataset.places.get(place_id)
        if place is not None and bundled.get(place_id) != place:
            extra.append(place.to_feature())
    return extra


# -- CSV ---------------------------------------------------------------------------------------------
def route_rows(dataset: Dataset) -> list[dict]:
    """One flat record per route, the columns of ROUTE_FIELDS."""
    rows = []
    for route in dataset.routes:
        row = route_row(route, dataset)
        period = row.pop("period")
        row.update(period_start=period["start"], period_end=period["end"], evidence_count=row.pop("evidence"))
        rows.append({f: row.get(f) for f in ROUTE_FIELDS})
    return rows


def evidence_rows(dataset: Dataset) -> list[dict]:
    """One flat record per evidence item (numbered from 1 within its route), the columns of EVIDENCE_FIELDS."""
    rows = []
    for route in dataset.routes:
        for index, item in enumerate(model.evidence(route), start=1):
            source = dataset.sources.get(item.get("source")) or {}
            rows.append({
                "route_id": route.get("id"), "item": index, "stance": item.get("stance"), "claim": item.get("claim"),
                "quote": item.get("quote"), "said_by": item.get("said_by"), "source": item.get("source"),
                "source_title": source.get("title"), "publisher": source.get("publisher"),
                "published": source.get("published"), "url": source.get("url"),
                "grade": model.grade(item, dataset.sources),
            })
    return rows


# -- KML and GeoPackage (GDAL) -----------------------------------------------------------------------
def route_frame(dataset: Dataset):
    """The routes as a GeoDataFrame (EPSG:4326): ROUTE_FIELDS as text/number columns plus `description`."""
    import geopandas
    from shapely.geometry import shape

    records, geometries = [], []
    for route, row in zip(dataset.routes, route_rows(dataset)):
        record = {f: _flat(row[f]) for f in ROUTE_FIELDS}
        record["sources"] = "; ".join(dict.fromkeys(
            e["source"] for e in model.evidence(route) if isinstance(e.get("source"), str)))
        record["description"] = _description(route, row)
        records.append(record)
        geometry = built_geometry(route, dataset.places)
        geometries.append(shape(geometry) if geometry else None)
    columns = [*ROUTE_FIELDS, "sources", "description"]
    frame = geopandas.GeoDataFrame(records, columns=columns, geometry=geometries, crs="EPSG:4326")
    return frame.astype({c: "Int64" for c in ("period_start", "period_end", "independent_sources", "evidence_count")})


def _flat(value: object) -> object:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _description(route: dict, row: dict) -> str:
    """A short plain-text summary of a route, for the KML balloon."""
    actors = " → ".join([str(row["supplier"] or "?"), *row["intermediaries"], str(row["recipient"] or "?")])
    status = f"{row['status']}{' (disputed)' if row['disputed'] else ''}"
    lines = [
        f"Route {row['id']}: {actors}",
        f"Weapons: {', '.join(row['weapons']) or 'none listed'}",
        f"Period: {model.period_text(route)}",
        f"Status: {status}; {row['independent_sources']} independent supporting source(s); "
        f"{row['evidence_count']} evidence item(s)",
    ]
    return "\n".join(lines)


_KML = "http://www.opengis.net/kml/2.2"


def _colour_kml(path: Path, colours: dict[str, str]) -> None:
    """Give each placemark the line colour of its weapon category (KML colours are aabbggrr)."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", _KML)
    tree = ET.parse(path)
    for placemark in tree.iter(f"{{{_KML}}}Placemark"):
        colour = colours.get(placemark.get("id") or "")
        if not colour:
            continue
        rgb = colour.lstrip("#")
        line_style = ET.Element(f"{{{_KML}}}Style")
        line = ET.SubElement(line_style, f"{{{_KML}}}LineStyle")
        ET.SubElement(line, f"{{{_KML}}}color").text = f"ff{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}".lower()
        ET.SubElement(line, f"{{{_KML}}}width").text = str(style.LINE_WIDTH)
        names = [child.tag.split("}")[-1] for child in placemark]
        before = next((i for i, n in enumerate(names) if n not in ("name", "visibility", "open", "description",
                                                                   "TimeStamp", "TimeSpan", "styleUrl")), len(names))
        placemark.insert(before, line_style)
    tree.write(path, encoding="UTF-8", xml_declaration=True)


def _write_gdal(dataset: Dataset, output: Path, suffix: str) -> None:
    import pandas
    import pyogrio

    frame = route_frame(dataset)
    folder = output.parent if str(output.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=f".tmp{suffix}", dir=folder)
    except OSError as exc:
        raise RoutesError(f"cannot write here: {exc.strerror}", path=output) from None
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # GDAL creates the file itself
    try:
        if suffix == ".kml":
            driver = "LIBKML" if "LIBKML" in pyogrio.list_drivers(write=True) else "KML"
            options = {"NameField": "name", "DescriptionField": "description"} if driver == "KML" else {}
            pyogrio.write_dataframe(frame, tmp, layer="routes", driver=driver, **options)
            _colour_kml(tmp, {r.get("id"): style.route_colour(r, dataset.weapons) for r in dataset.routes})
        else:
            pyogrio.write_dataframe(frame, tmp, layer="routes", driver="GPKG")
            evidence = pandas.DataFrame(evidence_rows(dataset), columns=list(EVIDENCE_FIELDS))
            pyogrio.write_dataframe(evidence.astype(object).where(evidence.notna(), None), tmp, layer="evidence",
                                    driver="GPKG", append=True)
        os.chmod(tmp, output.stat().st_mode & 0o777 if output.exists() else 0o644)
        os.replace(tmp, output)
    except BaseException as exc:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            try:
                leftover.unlink()
            except OSError:
                pass
        if isinstance(exc, OSError):
            raise RoutesError(f"cannot write: {exc.strerror or exc}", path=output) from None
        if isinstance(exc, pyogrio.errors.DataSourceError | pyogrio.errors.DataLayerError | pyogrio.errors.GeometryError
                      | pyogrio.errors.FieldError):
            raise RoutesError(f"cannot write: {exc}", path=output) from None
        raise
