"""Exports of a selection for other tools: GeoJSON, CSV, KML (Google Earth) and GeoPackage (QGIS).

The file suffix picks the format. GeoJSON keeps every route exactly as written (only a null geometry is
built from the waypoints) with the sources, weapon systems and places it needs, so the file validates
and renders on its own. CSV, KML and GeoPackage flatten a route to one row; lists become "; "-joined text.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

from . import model, style
from .dataset import Dataset, atomic_path, refuse_input, write_atomic
from .encode import for_gpkg, for_terminal, for_xml, link_url
from .errors import RoutesError, UsageError
from .fmt import geojson_text
from .gazetteer import Gazetteer
from .geometry import route_lines
from .summary import as_csv, evidence_lines, flat_row, leg_text, route_row, source_notes, waypoint_text
from .text import plural
from .weapons import Taxonomy

FORMATS = {
    ".geojson": "GeoJSON (RFC 7946)",
    ".csv": "CSV, one row per route (one per evidence item with --evidence)",
    ".kml": "KML (Google Earth)",
    ".gpkg": "GeoPackage (QGIS)",
    ".parquet": "GeoParquet (DuckDB spatial, Apache Sedona, GeoPandas), one row per route (evidence items with --evidence)",
}

# Columns are only ever added, at the end: a reader's spreadsheet or script may rely on their order.
ROUTE_FIELDS = (
    "id", "name", "kind", "status", "disputed", "weapons", "categories", "supplier", "intermediaries", "recipient",
    "waypoints", "countries", "period_start", "period_end", "independent_sources", "evidence_count", "file",
    "outcome", "period", "period_approximate", "stand_ins", "leg_modes", "leg_paths",
)
EVIDENCE_FIELDS = (
    "route_id", "item", "stance", "claim", "quote", "said_by", "source", "source_title", "publisher", "published",
    "url", "grade", "legs", "weapons", "dispute", "note", "source_note", "relays",
)


def export_format(output: Path) -> str:
    """The format a file name asks for (its suffix), or a `UsageError` listing the suffixes we write."""
    suffix = Path(output).suffix.lower()
    if suffix not in FORMATS:
        supported = ", ".join(FORMATS)
        raise UsageError(f"cannot export to {Path(output).name!r}: the file name must end in one of {supported}")
    return suffix


def export_routes(dataset: Dataset, output: Path, *, evidence: bool = False, filters=None) -> int:
    """Write the routes of a selection for other tools, as `arms-routes export` does.

    Parameters
    ----------
    dataset : Dataset
        A dataset or a selection. A KML colours each route by the weapon system its selection matched,
        as the map does.
    output : Path
        The file; its suffix picks the format (`FORMATS`): .geojson, .csv, .kml, .gpkg, .parquet.
    evidence : bool, default False
        A CSV or Parquet file of evidence items (one row each) instead of routes. A GeoPackage always
        holds a second, table-only layer `evidence` with those rows.
    filters : Filters, optional
        Select from `dataset` first.

    Returns
    -------
    int
        The rows or features written. Nothing is left behind on failure.

    Examples
    --------
    >>> import routes, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> routes.load().select(actor="Hamas").export(folder / "hamas.csv")
    7
    """
    from .select import selection

    output = Path(output)
    suffix = export_format(output)
    dataset = selection(dataset, filters)
    filters = dataset.filters
    if evidence and suffix not in (".csv", ".parquet"):
        raise UsageError("--evidence works with a .csv or .parquet output only (a .gpkg always has an evidence layer)")
    refuse_input(output, dataset.files)
    if suffix == ".geojson":
        collection = geojson_collection(dataset)
        write_atomic(output, geojson_text(collection, layout="lines"))
        return len(collection["features"])
    if suffix == ".csv":
        rows, fields = (evidence_rows(dataset), EVIDENCE_FIELDS) if evidence else (route_rows(dataset), ROUTE_FIELDS)
        write_atomic(output, as_csv(rows, fields) + "\n")
        return len(rows)
    if suffix == ".kml":
        write_atomic(output, kml_document(dataset, filters=filters))
    elif suffix == ".parquet":
        return _write_parquet(dataset, output, evidence)
    else:
        _write_gpkg(dataset, output)
    return len(dataset.routes)


# -- GeoJSON ----------------------------------------------------------------------------------------
def geojson_collection(dataset: Dataset) -> dict:
    """The selection as an RFC 7946 FeatureCollection that `arms-routes validate` accepts on its own.

    Routes are copied as written; a null geometry is built from the waypoints (great-circle legs, cut
    at the antimeridian). `sources` holds the cited sources and those they derive from; `weapons` and
    `places` hold what the routes use that the bundled taxonomy and gazetteer do not (or define differently).
    The selection's unplaced deals (`Dataset.unplaced`) are kept as its `unplaced` list, with their
    sources and weapon systems.
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
    if dataset.unplaced:
        collection["unplaced"] = [copy.deepcopy(deal) for deal in dataset.unplaced]
    return collection


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
    """The sources the routes cite (or their items relay) and the unplaced deals name, and every source
    those derive from, in the dataset's order: `model.lineage` of each, in one walk that visits every
    source once."""
    stack = [key for route in dataset.routes for item in model.evidence(route)
             for key in (item.get("source"), *(item.get("relays") or ())) if isinstance(key, str)]
    stack += [deal["source"] for deal in dataset.unplaced if isinstance(deal.get("source"), str)]
    wanted: set[str] = set()
    while stack:
        current = stack.pop()
        if current in wanted:
            continue
        wanted.add(current)
        parents = (dataset.sources.get(current) or {}).get("derived_from")
        if isinstance(parents, list):
            stack.extend(p for p in parents if isinstance(p, str) and p not in wanted)
    return {sid: copy.deepcopy(s) for sid, s in dataset.sources.items() if sid in wanted}


def _extra_weapons(dataset: Dataset) -> list[dict]:
    try:
        bundled = Taxonomy.load()
    except RoutesError:
        bundled = Taxonomy()
    used = dict.fromkeys(w for r in [*dataset.routes, *({"properties": d} for d in dataset.unplaced)]
                         for w in model.props(r).get("weapons") or [])
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
        for place_id in [*model.place_ids(p.get("waypoints")), *model.place_ids(p.get("intended_waypoints")),
                         interdicted.get("place")]:
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
    """One flat record per route, the columns of ROUTE_FIELDS: `period_start`/`period_end` are years
    (empty when unknown), `period` is the period as written ("c. 1999–2004"), `period_approximate`
    names the approximate bounds, `stand_ins` reads "nampo=North Korea", `leg_paths` has one path per leg."""
    rows = []
    for route in dataset.routes:
        row = flat_row(route_row(route, dataset))
        start, end = model.period_years(route)
        row.update(period_start=start, period_end=end, evidence_count=row.pop("evidence"))
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
                "legs": list(item.get("legs") or []), "weapons": list(item.get("weapons") or []),
                "dispute": item.get("dispute"), "note": item.get("note"), "source_note": source.get("note"),
                "relays": [r for r in item.get("relays") or [] if isinstance(r, str)]
                if isinstance(item.get("relays"), list) else [],
            })
    return rows


# -- a route in words (the KML balloon, the GeoPackage's description column) ----------------------------
def description_lines(route: dict, dataset: Dataset, row: dict | None = None) -> list[str]:
    """A route as lines of plain text: actors, status and dispute, period, weapons, the path (what each
    waypoint stands for, each leg's mode and path), every claim with its source, the sources' caveats."""
    row = row or route_row(route, dataset)
    p = model.props(route)
    actors = " → ".join(str(a or "?") for a in [row["supplier"], *row["intermediaries"], row["recipient"]])
    disputes = [model.dispute_text(e) for e in model.evidence(route, "disputes")]
    status = f"{row['status']}{' (disputed: ' + '; '.join(disputes) + ')' if disputes else ''}"
    weapons = [(dataset.weapons.get(w) or {}).get("name", w) for w in row["weapons"]]
    lines = [
        f"Route {row['id']}: {actors}",
        f"Status: {status}; {plural(row['independent_sources'], 'independent supporting source')}; "
        f"{plural(row['evidence'], 'evidence item')}",
        f"Kind: {row['kind']}" + (f"; outcome: {row['outcome']}" if row["outcome"] else ""),
        f"Period: {row['period_text']}",
        f"Weapons: {', '.join(map(str, weapons)) or 'none listed'}",
        "Path:",
    ]
    legs = model.legs(route)
    for i, value in enumerate(p.get("waypoints") or []):
        lines.append(f"  {i + 1}. {waypoint_text(value, dataset.places)}")
        if i < len(legs):
            lines.append(f"    ↓ {leg_text(legs[i])}" + (f" — {legs[i]['note']}" if legs[i].get("note") else ""))
    if isinstance(p.get("interdicted"), dict):
        lines.append(f"Interdicted at {waypoint_text(p['interdicted'], dataset.places)}"
                     + (f", {p['interdicted']['date']}" if p["interdicted"].get("date") else ""))
    lines.append("Evidence:")
    for number, item in enumerate(model.evidence(route), start=1):
        first, *rest = evidence_lines(item, route, dataset)
        lines.append(f"  {number}. {first}")
        lines.extend(f"     {line}" for line in rest)
    notes = source_notes(route, dataset)
    if notes:
        lines.append("Source notes:")
        lines.extend(f"  {sid}: {note}" for sid, note in notes)
    if p.get("notes"):
        lines.append(f"Notes: {p['notes']}")
    return lines


# -- GeoPackage (GDAL) -------------------------------------------------------------------------------
def route_frame(dataset: Dataset):
    """The routes as a GeoDataFrame (EPSG:4326): ROUTE_FIELDS as text/number columns plus `sources`
    and `description` (the route in words, `description_lines`)."""
    import geopandas
    from shapely.geometry import shape

    records, geometries = [], []
    for route, row in zip(dataset.routes, route_rows(dataset)):
        record = {f: _flat(row[f]) for f in ROUTE_FIELDS}
        record["sources"] = "; ".join(dict.fromkeys(
            e["source"] for e in model.evidence(route) if isinstance(e.get("source"), str)))
        record["description"] = "\n".join(description_lines(route, dataset))
        records.append({k: for_gpkg(v) for k, v in record.items()})
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


def _write_gpkg(dataset: Dataset, output: Path) -> None:
    import pandas
    import pyogrio

    frame = route_frame(dataset)
    evidence = pandas.DataFrame([{k: for_gpkg(_flat(v)) for k, v in row.items()} for row in evidence_rows(dataset)],
                                columns=list(EVIDENCE_FIELDS))
    try:
        with atomic_path(output, suffix=".tmp.gpkg") as tmp:  # (GDAL creates the file itself)
            pyogrio.write_dataframe(frame, tmp, layer="routes", driver="GPKG")
            pyogrio.write_dataframe(evidence.astype(object).where(evidence.notna(), None), tmp, layer="evidence",
                                    driver="GPKG", append=True)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.GeometryError,
            pyogrio.errors.FieldError) as exc:
        raise RoutesError(f"cannot write: {exc}", path=output) from None


# -- GeoParquet --------------------------------------------------------------------------------------
def _write_parquet(dataset: Dataset, output: Path, evidence: bool) -> int:
    """The routes as GeoParquet (`frames.to_geodataframe`: lists as lists, unknown years as nulls,
    EPSG:4326 in the file's geo metadata), or with `evidence` the evidence table as plain Parquet."""
    import io

    from .frames import evidence_table, to_geodataframe

    frame = evidence_table(dataset) if evidence else to_geodataframe(dataset)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    write_atomic(output, buffer.getvalue())
    return len(frame)


# -- KML (Google Earth) ----------------------------------------------------------------------------------
# KML draws no dashes, so the evidence status is drawn by width and opacity (the stronger the evidence,
# the wider and more solid the line), over the colour of the route's weapon category or kind as on the map.
# A disputed route is labelled along its line, and its name says so.
KML_STATUS_WIDTH = {"alleged": 2, "reported": 3, "corroborated": 4, "confirmed": 5}
KML_STATUS_OPACITY = {"alleged": 0.55, "reported": 0.75, "corroborated": 0.9, "confirmed": 1.0}
# Waypoints as on the map: a dot for a place the sources name, a ring for an area or country they
# name, an open diamond labelled "≈ Iran" for a stand-in (Google Earth's own icons).
KML_WAYPOINT_ICONS = {
    "site": "https://maps.google.com/mapfiles/kml/shapes/shaded_dot.png",
    "area": "https://maps.google.com/mapfiles/kml/shapes/donut.png",
    "stand-in": "https://maps.google.com/mapfiles/kml/shapes/open-diamond.png",
}
_KML = "http://www.opengis.net/kml/2.2"
_GX = "http://www.google.com/kml/ext/2.2"
_xml = for_xml


# A source line of `summary.evidence_lines`: "source: ID: CITATION <ADDRESS>" (one line of text).
_SOURCE_LINE = re.compile(r"(source: .*) <([^<>\s]+)>")


def _balloon(lines: list[str], links: frozenset[str] = frozenset()) -> str:
    """Lines of plain text as the HTML a KML viewer renders: every text escaped, so that markup in the
    data shows as text; indentation kept; control characters made visible. The address at the end of
    a source line becomes a link when it is one of `links` (the cited sources' `encode.link_url`s)."""
    out = []
    for line in lines:
        text = for_terminal(line)
        body = text.lstrip(" ")
        indent = "&#160;" * (len(text) - len(body))
        found = _SOURCE_LINE.fullmatch(body) if links else None
        if found and found.group(2) in links:
            url = html.escape(found.group(2), quote=True)
            out.append(f'{indent}{html.escape(found.group(1), quote=True)} &lt;<a href="{url}">{url}</a>&gt;')
        else:
            out.append(indent + html.escape(body, quote=True))
    return "<br>\n".join(out)


def _source_links(route: dict, dataset: Dataset) -> frozenset[str]:
    """The addresses of the sources a route cites that may be links (`encode.link_url`)."""
    cited = {item.get("source") for item in model.evidence(route) if isinstance(item.get("source"), str)}
    found = (link_url((dataset.sources.get(sid) or {}).get("url")) for sid in cited)
    return frozenset(url for url in found if url)


def _kml_colour(rgb: str, opacity: float = 1.0) -> str:
    """An #rrggbb colour as KML's aabbggrr."""
    rgb = rgb.lstrip("#")
    return f"{round(opacity * 255):02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}".lower()


def _kml_time_span(route: dict) -> tuple[str | None, str | None] | None:
    """The begin and end of a route's TimeSpan: whole years (an approximate year counts as its year,
    as in every time filter); an unknown bound is open (None); None when both are unknown."""
    start, end = model.period_years(route)
    if start is None and end is None:
        return None
    return (f"{start:04d}-01-01" if start is not None else None, f"{end:04d}-12-31" if end is not None else None)


def kml_document(dataset: Dataset, *, filters=None) -> bytes:
    """The selection as a KML document: a `routes` folder (one placemark per route: name marked with
    status and dispute, the route in words as escaped HTML, a TimeSpan from the period, the CSV columns
    as data) and a `waypoints` folder (one placemark per waypoint as the routes show it: "≈ Iran" for
    a stand-in)."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", _KML)
    ET.register_namespace("gx", _GX)
    k = lambda tag: f"{{{_KML}}}{tag}"  # noqa: E731
    sub = ET.SubElement

    root = ET.Element(k("kml"))
    document = sub(root, k("Document"))
    count = len(dataset.routes)
    sub(document, k("name")).text = f"arms-routes: {plural(count, 'route')}"
    sub(document, k("open")).text = "1"
    sub(document, k("description")).text = _balloon(_kml_legend())
    from .select import matched_weapons, selection

    dataset = selection(dataset, filters)
    matched = matched_weapons(dataset, dataset.filters)
    rows = route_rows(dataset)
    styles: dict[str, None] = {}
    placemarks = []
    for route, row in zip(dataset.routes, rows):
        # one line style per route: drawn as its weakest leg (status and path), as the map draws a line
        # that stands for several legs; a schematic line is fainter (style.PATH_OPACITY)
        status = row["status"] if row["status"] in KML_STATUS_WIDTH else "alleged"
        status = model.weakest_status(model.leg_statuses(route), status)
        path = model.weakest_path(model.leg_path(leg) for leg in model.legs(route))
        colour = style.route_colour(route, dataset.weapons, *matched).lstrip("#").lower()
        style_id = f"route-{colour}-{status}-{path}{'-disputed' if row['disputed'] else ''}"
        styles[style_id] = None
        placemarks.append((route, row, style_id))
    for style_id in styles:
        _, colour, status, path, *disputed = style_id.split("-")
        node = sub(document, k("Style"), id=style_id)
        line = sub(node, k("LineStyle"))
        strength = style.PATH_OPACITY[path] / style.PATH_OPACITY["plausible"]
        sub(line, k("color")).text = _kml_colour(colour, min(1.0, KML_STATUS_OPACITY[status] * strength))
        sub(line, k("width")).text = str(KML_STATUS_WIDTH[status])
        if disputed:
            sub(line, f"{{{_GX}}}labelVisibility").text = "1"
            sub(sub(node, k("LabelStyle")), k("color")).text = _kml_colour(style.DISPUTED_COLOUR)
        sub(sub(node, k("BalloonStyle")), k("text")).text = "$[description]"
    for drawn_as, icon in KML_WAYPOINT_ICONS.items():
        node = sub(document, k("Style"), id=f"waypoint-{drawn_as}")
        icon_style = sub(node, k("IconStyle"))
        sub(icon_style, k("scale")).text = "0.8"
        sub(sub(icon_style, k("Icon")), k("href")).text = icon
        sub(sub(node, k("BalloonStyle")), k("text")).text = "$[description]"

    schema = sub(document, k("Schema"), name="routes", id="routes-schema")
    # (the id is the placemark's own id, the name its <name>, marked with the status)
    fields = [*(f for f in ROUTE_FIELDS if f not in ("id", "name")), "sources"]
    for name in fields:
        sub(schema, k("SimpleField"), name=name, type="int" if name in _INT_FIELDS else "string")

    folder = sub(document, k("Folder"), id="routes")
    sub(folder, k("name")).text = "routes"
    for route, row, style_id in placemarks:
        marks = row["status"] + ("; disputed" if row["disputed"] else "")
        placemark = sub(folder, k("Placemark"), id=_xml(route.get("id")))
        sub(placemark, k("name")).text = _xml(for_terminal(f"{row['name']} [{marks}]"))
        sub(placemark, k("description")).text = _xml(_balloon(description_lines(route, dataset),
                                                                _source_links(route, dataset)))
        span = _kml_time_span(route)
        if span is not None:
            time_span = sub(placemark, k("TimeSpan"))
            if span[0]:
                sub(time_span, k("begin")).text = span[0]
            if span[1]:
                sub(time_span, k("end")).text = span[1]
        sub(placemark, k("styleUrl")).text = f"#{style_id}"
        data = sub(sub(placemark, k("ExtendedData")), k("SchemaData"), schemaUrl="#routes-schema")
        record = {f: _flat(row[f]) for f in ROUTE_FIELDS}
        record["sources"] = "; ".join(dict.fromkeys(
            e["source"] for e in model.evidence(route) if isinstance(e.get("source"), str)))
        for name in fields:
            if record[name] is not None and record[name] != "":
                sub(data, k("SimpleData"), name=name).text = _xml(record[name])
        _kml_geometry(placemark, built_geometry(route, dataset.places), k)

    folder = sub(document, k("Folder"), id="waypoints")
    sub(folder, k("name")).text = "waypoints"
    for (place_id, label, drawn_as, describe, lon, lat), route_ids in _kml_waypoints(dataset).items():
        placemark = sub(folder, k("Placemark"))
        sub(placemark, k("name")).text = _xml(for_terminal(label))
        lines = [describe or f"{label}: a place the sources name"] + [f"Routes: {', '.join(route_ids)}"]
        sub(placemark, k("description")).text = _xml(_balloon(lines))
        sub(placemark, k("styleUrl")).text = f"#waypoint-{drawn_as}"
        data = sub(placemark, k("ExtendedData"))
        for name, value in (("place", place_id), ("drawn_as", drawn_as), ("routes", "; ".join(route_ids))):
            sub(sub(data, k("Data"), name=name), k("value")).text = _xml(value)
        sub(sub(placemark, k("Point")), k("coordinates")).text = f"{_number(lon)},{_number(lat)}"
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


_INT_FIELDS = ("period_start", "period_end", "independent_sources", "evidence_count")


def _kml_legend() -> list[str]:
    lines = ["How the routes are drawn:",
             "Colour: the weapon category of the route's first weapon system, or what moved "
             "(payment, training, technology).",
             "Line width and opacity: the evidence status, the stronger the wider and more solid:"]
    lines += [f"  {style.STATUS_LABELS[s]} (width {KML_STATUS_WIDTH[s]})" for s in reversed(model.STATUSES)]
    lines += [f"A label along the line and “disputed” in the name: {style.DISPUTED_LABEL}.",
              "Time: each route spans the years of its period (an approximate year counts as its year; "
              "a route of unknown date shows at every time).",
              "Waypoints: a dot for a place the sources name; a ring for an area or country they name; "
              "a diamond labelled “≈ …” for a stand-in, a place that only stands in for what the sources name.",
              "Each route's balloon says how much of each leg's path the sources give."]
    return lines


def _kml_waypoints(dataset: Dataset) -> dict[tuple, list[str]]:
    """Every waypoint as the routes show it (place, label, how it is drawn), with the routes through it."""
    found: dict[tuple, list[str]] = {}
    for route in dataset.routes:
        for waypoint in model.waypoints(route, dataset.places):
            if waypoint is None:
                continue
            key = (waypoint.place_id, waypoint.label, waypoint.drawn_as, waypoint.describe(), waypoint.lon,
                   waypoint.lat)
            ids = found.setdefault(key, [])
            if route.get("id") not in ids:
                ids.append(str(route.get("id")))
    return found


def _number(value: float) -> str:
    return repr(round(float(value), 6))


def _kml_geometry(placemark, geometry: dict | None, k) -> None:
    import xml.etree.ElementTree as ET

    if not geometry:
        return
    lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
    parent = placemark if len(lines) == 1 else ET.SubElement(placemark, k("MultiGeometry"))
    for line in lines:
        node = ET.SubElement(parent, k("LineString"))
        ET.SubElement(node, k("tessellate")).text = "1"
        ET.SubElement(node, k("coordinates")).text = " ".join(f"{_number(x)},{_number(y)}" for x, y, *_ in line)
