"""Routes, weapon systems and places as rows and text, for `list`, `show`, `weapons` and `places`."""

from __future__ import annotations

import csv
import io
import json

from . import model
from .dataset import Dataset
from .gazetteer import Place

ROUTE_COLUMNS = ("id", "status", "period", "weapons", "name")


def route_row(route: dict, dataset: Dataset) -> dict:
    """One route as a flat record: what `list --format json` prints for it."""
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
        "period": {"start": model.period(route)[0], "end": model.period(route)[1]},
        "evidence": len(p.get("evidence") or []),
        "independent_sources": model.independent_sources(route, dataset.sources),
        "file": str(dataset.origin.get(route.get("id"), "")),
    }


_UNKNOWN = Place(id="", name="", country="", kind="", lon=0.0, lat=0.0)


def _cell(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict) and set(value) == {"start", "end"}:
        start, end = value["start"], value["end"]
        return "unknown" if start is None and end is None else f"{start or '?'}-{end or '?'}" if start != end else str(start)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def as_table(rows: list[dict], columns: tuple[str, ...]) -> str:
    """Rows as aligned plain text with a header line; the last column is not padded."""
    cells = [[c.upper() for c in columns]] + [[_cell(r.get(c)).replace("\n", " ") for c in columns] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(widths[i]) if i < len(columns) - 1 else cell for i, cell in enumerate(row)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def as_csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    """Rows as CSV; a cell that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_csv(_cell(row.get(c))) for c in columns])
    return out.getvalue().rstrip("\n")


def _safe_csv(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def route_rows(dataset: Dataset) -> list[dict]:
    return [route_row(r, dataset) for r in dataset.routes]


def route_card(route: dict, dataset: Dataset) -> str:
    """A route as a person reads it: the path, the actors, the weapons, and every evidence item with its source."""
    p = model.props(route)
    row = route_row(route, dataset)
    lines = [f"{route.get('id')}: {p.get('name')}"]
    status = p.get("status", "?") + (" (disputed)" if row["disputed"] else "")
    lines.append(f"  status:         {status}; {row['independent_sources']} independent supporting source(s)")
    lines.append(f"  kind:           {row['kind']}" + (f"; outcome: {row['outcome']}" if row["outcome"] else ""))
    lines.append(f"  period:         {model.period_text(route)}")
    lines.append(f"  supplier:       {p.get('supplier')}")
    if row["intermediaries"]:
        lines.append(f"  intermediaries: {', '.join(row['intermediaries'])}")
    lines.append(f"  recipient:      {p.get('recipient')}")
    lines.append("  path:")
    legs = p.get("legs") or []
    for i, place_id in enumerate(row["waypoints"]):
        place = dataset.places.get(place_id)
        where = f"{place.name} ({place.country})" if place else place_id
        lines.append(f"    {i + 1}. {where}")
        if i < len(legs):
            leg = legs[i]
            extra = "".join(f", {k} {leg[k]}" for k in ("status", "geometry") if leg.get(k))
            note = f" — {leg['note']}" if leg.get("note") else ""
            lines.append(f"         ↓ {leg.get('mode', 'unknown')}{extra}{note}")
    interdicted = p.get("interdicted")
    if isinstance(interdicted, dict):
        place = dataset.places.get(interdicted.get("place", ""))
        lines.append(f"  interdicted:    at {place.name if place else interdicted.get('place')}"
                     f"{', ' + interdicted['date'] if interdicted.get('date') else ''}"
                     f"{' — ' + interdicted['note'] if interdicted.get('note') else ''}")
    if p.get("intended_waypoints"):
        names = [(dataset.places.get(w).name if dataset.places.get(w) else w) for w in p["intended_waypoints"]]
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
        source = dataset.sources.get(item.get("source")) or {}
        marker = "DISPUTES" if item.get("stance") == "disputes" else "supports"
        said = f" ({item['said_by']})" if item.get("said_by") else ""
        lines.append(f"    - [{marker}, {model.grade(item, dataset.sources)}]{said} {item.get('claim')}")
        if item.get("quote"):
            lines.append(f"      “{item['quote']}”")
        cite = ", ".join(str(x) for x in (source.get("title"), source.get("publisher"), source.get("published")) if x)
        lines.append(f"      source: {item.get('source')}: {cite}" + (f" <{source['url']}>" if source.get("url") else ""))
    if p.get("notes"):
        lines.append(f"  notes: {p['notes']}")
    return "\n".join(lines)


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


PLACE_COLUMNS = ("id", "name", "country", "kind", "lat", "lon", "aliases")


def place_rows(places: list[Place]) -> list[dict]:
    return [
        {"id": p.id, "name": p.name, "country": p.country, "kind": p.kind, "lat": p.lat, "lon": p.lon,
         "aliases": list(p.aliases)}
        for p in places
    ]


def render_rows(rows: list[dict], columns: tuple[str, ...], fmt: str) -> str:
    """Rows in the format a user asked for: table (aligned text), json (all fields) or csv (the columns)."""
    if fmt == "json":
        return as_json(rows)
    if fmt == "csv":
        return as_csv(rows, columns)
    return as_table(rows, columns)


def show_route(dataset: Dataset, fmt: str) -> str:
    """The one route of a selection: a card (table), the feature itself (json), or one row (csv)."""
    route = dataset.routes[0]
    if fmt == "json":
        return as_json(route | {"summary": route_row(route, dataset)})
    if fmt == "csv":
        return as_csv([route_row(route, dataset)], tuple(route_row(route, dataset)))
    return route_card(route, dataset)
