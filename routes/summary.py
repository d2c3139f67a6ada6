"""Routes, weapon systems and places as rows and text, for `list`, `show`, `weapons` and `places`."""

from __future__ import annotations

import io
import json
from pathlib import Path

from . import model
from .dataset import Dataset
from .encode import csv_writer, for_csv_cell, for_terminal, json_for_terminal, link_url
from .gazetteer import Place
from .text import plural

ROUTE_COLUMNS = ("id", "status", "period", "weapons", "name")


def route_row(route: dict, dataset: Dataset) -> dict:
    """One route as a flat record: what `list --format json` prints for it.

    `waypoints` are place ids, as written; `stand_ins` says which of them only stand in for what the
    sources name, `leg_paths` how much of each leg's line the sources give, `period_text` the period
    as people write it ("c. 1999–2004"), `file` the name of the file the route is in (`data_file_name`).
    """
    p = model.props(route)
    waypoints = model.place_ids(p.get("waypoints"))
    return {
        "id": route.get("id"),
        "name": p.get("name"),
        "kind": model.kind(route),
        "status": p.get("status"),
        "disputed": model.is_disputed(route),
        "outcome": p.get("outcome"),
        "weapons": list(p.get("weapons") or []),
        "categories": sorted({dataset.weapons.category(w) for w in p.get("weapons") or []}),
        "supplier": p.get("supplier"),
        "intermediaries": list(p.get("intermediaries") or []),
        "recipient": p.get("recipient"),
        "waypoints": waypoints,
        "countries": [(dataset.places.get(w) or _UNKNOWN).country for w in waypoints],
        "stand_ins": stand_ins(route, dataset),
        "leg_modes": [leg.get("mode", "unknown") for leg in model.legs(route)],
        "leg_paths": [model.leg_path(leg) for leg in model.legs(route)],
        "period": {"start": model.period(route)[0], "end": model.period(route)[1]},
        "period_text": model.period_text(route),
        "period_approximate": [name for name, bound in zip(("start", "end"), model.period(route))
                               if model.bound_approximate(bound)],
        "evidence": len(p.get("evidence") or []),
        "independent_sources": dataset.independent_sources(route),
        "file": data_file_name(dataset.origin.get(route.get("id"))),
    }


def data_file_name(path: object) -> str:
    """A data file as every output names it: by its name only ("routes.geojson"), never by the folders
    it is in, so that a shared CSV, KML, GeoPackage or `list --format json` tells nobody where the
    file was kept (as the map's and the report's credit lines do); "" for routes from no file."""
    return Path(str(path)).name if path else ""


def stand_ins(route: dict, dataset: Dataset) -> list[dict]:
    """The route's stand-in waypoints: [{"waypoint": index, "place": id, "stands_for": what the sources name}]."""
    return [{"waypoint": i, "place": w.place_id, "stands_for": w.stands_for}
            for i, w in enumerate(model.waypoints(route, dataset.places)) if w is not None and w.stand_in]


def flat_row(row: dict) -> dict:
    """A `route_row` with its structured values as text, for one CSV row: the period as written
    ("c. 1999–2004"), stand-ins as "nampo=North Korea"."""
    return row | {
        "period": row["period_text"],
        "stand_ins": [f"{s['place']}={s['stands_for'] or '?'}" for s in row["stand_ins"]],
    }


_UNKNOWN = Place(id="", name="", country="", kind="", lon=0.0, lat=0.0)


def _cell(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def as_table(rows: list[dict], columns: tuple[str, ...]) -> str:
    """Rows as aligned plain text with a header line; the last column is not padded."""
    cells = [[c.upper() for c in columns]] + [[for_terminal(_cell(r.get(c)).replace("\n", " ")) for c in columns]
                                              for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(widths[i]) if i < len(columns) - 1 else cell for i, cell in enumerate(row)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def as_csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    """Rows as CSV for a file: every cell quoted (a line break in a text stays in its cell), and a cell
    that a spreadsheet would run as a formula starts with an apostrophe (`encode.for_csv_cell`)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([for_csv_cell(_cell(row.get(c))) for c in columns])
    return out.getvalue().rstrip("\n")


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def for_output(text: str, fmt: str) -> str:
    """Text of a format (table, csv, json) as a terminal may print it: JSON with its control characters
    as JSON escapes (the same value), CSV and tables with them made visible (`encode.for_terminal`)."""
    return json_for_terminal(text) if fmt == "json" else for_terminal(text)


def route_rows(dataset: Dataset) -> list[dict]:
    return [route_row(r, dataset) for r in dataset.routes]


# `list --format csv` has these and `disputed`; the table marks a disputed route in its status.
LIST_CSV_COLUMNS = (*ROUTE_COLUMNS, "disputed")


def route_list(dataset: Dataset, fmt: str) -> str:
    """The routes of a selection for `list`: a table (a disputed route's status reads "reported
    (disputed)"), CSV (ROUTE_COLUMNS and a `disputed` column) or JSON (every field of `route_row`)."""
    rows = route_rows(dataset)
    if fmt == "json":
        return for_output(as_json(rows), fmt)
    flat = [flat_row(row) for row in rows]
    if fmt == "csv":
        return for_output(as_csv(flat, LIST_CSV_COLUMNS), fmt)
    for row in flat:
        row["status"] = f"{row['status']}{' (disputed)' if row['disputed'] else ''}"
    return as_table(flat, ROUTE_COLUMNS)


def waypoint_text(value: object, places) -> str:
    """A waypoint as a card or description writes it: "Nampo (PRK)" for a place the sources name,
    "≈ North Korea — stand-in for North Korea: the sources name only the country (drawn at Nampo)",
    "Gaza Strip: the sources name only the area; drawn at a representative point"."""
    found = model.waypoint(value, places)
    if found is None:
        return str(model.place_id(value))
    if found.exact:
        return f"{found.name} ({found.country})" if found.country else found.name
    if found.stand_in:
        return f"{found.label} — {found.describe()}"
    return found.describe()


def leg_text(leg: dict) -> str:
    """A leg's mode, how much of its line the sources give, and its status and geometry, e.g.
    "sea; path plausible for the reported mode (sea lane, great circle); geometry sea-lane"."""
    parts = [str(leg.get("mode", "unknown")), model.PATH_LABELS[model.leg_path(leg)]]
    parts += [f"{key} {leg[key]}" for key in ("status", "geometry") if leg.get(key)]
    if leg.get("passages"):
        parts.append(f"through {', '.join(map(str, leg['passages']))}")
    return "; ".join(parts)


def evidence_lines(item: dict, route: dict, dataset: Dataset) -> list[str]:
    """An evidence item as lines: grade and claim, then quote, how it disputes, what it speaks to,
    its note and its source (whose caveats `source_notes` gives)."""
    source = dataset.sources.get(item.get("source")) or {}
    marker = "DISPUTES" if item.get("stance") == "disputes" else "supports"
    said = f" ({item['said_by']})" if item.get("said_by") else ""
    lines = [f"[{marker}, {model.grade(item, dataset.sources)}]{said} {item.get('claim')}"]
    if item.get("quote"):
        lines.append(f"“{item['quote']}”")
    if item.get("stance") == "disputes" and item.get("dispute"):
        lines.append(f"dispute: {model.dispute_text(item)}")
    about = []
    names = [model.waypoint(w, dataset.places) for w in model.props(route).get("waypoints") or []]
    for leg in item.get("legs") or []:
        if isinstance(leg, int) and 0 <= leg < len(names) - 1 and names[leg] and names[leg + 1]:
            about.append(f"leg {leg} ({names[leg].label} → {names[leg + 1].label})")
        else:
            about.append(f"leg {leg}")
    about += [(dataset.weapons.get(w) or {}).get("name", w) for w in item.get("weapons") or []]
    if about:
        lines.append(f"speaks to: {'; '.join(map(str, about))}")
    repeats = model.relays_text(item, dataset.sources)
    if repeats:
        lines.append(f"repeats: {repeats}")
    if item.get("note"):
        lines.append(f"note: {item['note']}")
    cite = ", ".join(str(x) for x in (source.get("title"), source.get("publisher"), source.get("published")) if x)
    lines.append(f"source: {item.get('source')}: {cite}{source_address(source)}")
    return lines


def source_address(source: dict) -> str:
    """A source's address after its citation: " <https://...>" when it may be a link (`encode.link_url`),
    " (address, not a web link: javascript:...)" when it may not, "" when there is none."""
    url = source.get("url")
    link = link_url(url)
    if link:
        return f" <{link}>"
    return f" (address, not a web link: {url})" if url else ""


def source_notes(route: dict, dataset: Dataset) -> list[tuple[str, str]]:
    """(source id, note) for each source the route cites that carries caveats in its `note`, once each."""
    cited = dict.fromkeys(e.get("source") for e in model.evidence(route) if isinstance(e.get("source"), str))
    return [(sid, str(dataset.sources[sid]["note"])) for sid in cited
            if isinstance(dataset.sources.get(sid), dict) and dataset.sources[sid].get("note")]


def route_card(route: dict, dataset: Dataset) -> str:
    """A route as a person reads it: the path (what each waypoint stands for, each leg's mode and how much
    of its path the sources give), the actors, the weapons, and every evidence item with its source.
    Control characters from the data are made visible (`encode.for_terminal`)."""
    p = model.props(route)
    row = route_row(route, dataset)
    lines = [f"{route.get('id')}: {p.get('name')}"]
    status = p.get("status", "?") + (" (disputed)" if row["disputed"] else "")
    lines.append(f"  status:         {status}; {plural(row['independent_sources'], 'independent supporting source')}")
    lines.append(f"  kind:           {row['kind']}" + (f"; outcome: {row['outcome']}" if row["outcome"] else ""))
    lines.append(f"  period:         {row['period_text']}")
    lines.append(f"  supplier:       {p.get('supplier')}")
    if row["intermediaries"]:
        lines.append(f"  intermediaries: {', '.join(map(str, row['intermediaries']))}")
    lines.append(f"  recipient:      {p.get('recipient')}")
    lines.append("  path:")
    legs = model.legs(route)
    for i, value in enumerate(p.get("waypoints") or []):
        lines.append(f"    {i + 1}. {waypoint_text(value, dataset.places)}")
        if isinstance(value, dict) and value.get("note"):
            lines.append(f"       note: {value['note']}")
        if i < len(legs):
            note = f" — {legs[i]['note']}" if legs[i].get("note") else ""
            lines.append(f"         ↓ {leg_text(legs[i])}{note}")
    interdicted = p.get("interdicted")
    if isinstance(interdicted, dict):
        lines.append(f"  interdicted:    at {waypoint_text(interdicted, dataset.places)}"
                     f"{', ' + str(interdicted['date']) if interdicted.get('date') else ''}"
                     f"{' — ' + str(interdicted['note']) if interdicted.get('note') else ''}")
    if p.get("intended_waypoints"):
        names = [waypoint_text(w, dataset.places) for w in p["intended_waypoints"]]
        lines.append(f"  reportedly headed for: {' → '.join(names)}")
    lines.append("  weapons:")
    for weapon_id in row["weapons"] or []:
        system = dataset.weapons.get(weapon_id) or {}
        aliases = f" (also {', '.join(system['aliases'])})" if system.get("aliases") else ""
        lines.append(f"    - {system.get('name', weapon_id)} [{system.get('category', '?')}]{aliases}")
    if not row["weapons"]:
        lines.append("    (none)")
    lines.append("  evidence:")
    for item in model.evidence(route):
        first, *rest = evidence_lines(item, route, dataset)
        lines.append(f"    - {first}")
        lines.extend(f"      {line}" for line in rest)
    notes = source_notes(route, dataset)
    if notes:
        lines.append("  source notes:")
        lines.extend(f"    - {sid}: {note}" for sid, note in notes)
    if p.get("notes"):
        lines.append(f"  notes: {p['notes']}")
    return for_terminal("\n".join(lines))


WEAPON_COLUMNS = ("id", "name", "category", "routes", "aliases")


def weapon_rows(dataset: Dataset) -> list[dict]:
    counts: dict[str, int] = {}
    for route in dataset.routes:
        for weapon_id in model.props(route).get("weapons") or []:
            counts[weapon_id] = counts.get(weapon_id, 0) + 1
    return [
        {"id": s["id"], "name": s.get("name"), "category": s.get("category"), "routes": counts.get(s["id"], 0),
         "aliases": list(s.get("aliases") or []), "family": s.get("family")}
        for s in dataset.weapons
    ]


PLACE_COLUMNS = ("id", "name", "country", "kind", "precision", "lat", "lon", "aliases")


def place_rows(places: list[Place]) -> list[dict]:
    """Places as rows; `precision` is how precisely the place locates (its own, else by its kind)."""
    return [
        {"id": p.id, "name": p.name, "country": p.country, "kind": p.kind,
         "precision": p.precision or model.default_precision(p.kind), "lat": p.lat, "lon": p.lon,
         "aliases": list(p.aliases)}
        for p in places
    ]


def render_rows(rows: list[dict], columns: tuple[str, ...], fmt: str) -> str:
    """Rows in the format a user asked for: table (aligned text), json (all fields) or csv (the columns),
    as a terminal may print them (`for_output`)."""
    if fmt == "json":
        return for_output(as_json(rows), fmt)
    if fmt == "csv":
        return for_output(as_csv(rows, columns), fmt)
    return as_table(rows, columns)


def show_route(dataset: Dataset, fmt: str) -> str:
    """The one route of a selection: a card (table), the feature itself (json), or one row (csv)."""
    route = dataset.routes[0]
    if fmt == "json":
        return for_output(as_json(route | {"summary": route_row(route, dataset)}), fmt)
    if fmt == "csv":
        row = flat_row(route_row(route, dataset))
        return for_output(as_csv([row], tuple(row)), fmt)
    return route_card(route, dataset)
