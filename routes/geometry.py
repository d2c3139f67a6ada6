"""Route geometry: sea lanes and great-circle arcs between waypoints, the passages a sea leg crosses,
and lines that cross the antimeridian.

A route's geometry is its legs joined end to end, from the first waypoint to the last. Each leg
records in `properties.legs[i].geometry` how its line was made:

- `sea-lane`: a `sea` leg routed over the maritime network of the `searoute` package (offline);
- `great-circle`: any other leg (land, air, rail, unknown), an arc with a vertex every `ARC_STEP_KM`
  (`great_circle`; the map, the images, exports and import-sipri draw every arc with the same function);
- `hand-drawn`: a line the user drew; the builder never replaces it unless forced.

A route's geometry was *built by arms-routes* when it is null or every leg says `sea-lane` or
`great-circle`; only such geometry is rebuilt without `force`.
"""

from __future__ import annotations

import functools
import json
import math
import warnings
from dataclasses import dataclass, field

from . import paths
from .errors import UnknownPlace
from .gazetteer import Gazetteer, Place

ARC_STEP_KM = 200.0  # the vertex spacing of every great-circle arc drawn or written (`great_circles`)
EARTH_RADIUS_KM = 6371.0088
PRECISION = 4  # decimal places of a coordinate: 0.0001° is about 11 m
BUILT_KINDS = ("sea-lane", "great-circle")
GEOMETRY_KINDS = (*BUILT_KINDS, "hand-drawn")
SNAP_WARNING_KM = 100.0

# A sea leg crosses a passage when its line crosses that passage's gate: a short line drawn from
# shore to shore across the strait or canal, as [lon, lat] points.
PASSAGES: dict[str, list[tuple[float, float]]] = {
    "Suez Canal": [(32.0, 30.6), (32.8, 30.6)],
    "Bab-el-Mandeb": [(43.33, 12.26), (43.71, 12.84)],
    "Strait of Hormuz": [(56.35, 26.2), (56.35, 27.25)],
    "Strait of Malacca": [(99.8, 3.0), (101.0, 4.2)],
    "Strait of Gibraltar": [(-5.6, 35.7), (-5.6, 36.1)],
    "Bosphorus": [(28.9, 41.1), (29.2, 41.1)],
    "Dardanelles": [(26.30, 40.22), (26.48, 40.08)],
    "Panama Canal": [(-80.1, 9.15), (-79.5, 9.15)],
    "Cape of Good Hope": [(20.0, -34.8), (20.0, -55.0)],
    "Taiwan Strait": [(119.0, 25.0), (120.4, 24.0)],
    "Korea Strait": [(128.8, 35.1), (130.2, 33.6)],
    "Sunda Strait": [(105.71, -5.84), (105.91, -6.04)],
    "Strait of Dover": [(1.3, 51.15), (1.9, 50.9)],
    "Bering Strait": [(-170.5, 65.9), (-167.5, 65.5)],
    "Cape Horn": [(-67.3, -56.0), (-67.3, -63.0)],
    "Strait of Magellan": [(-69.6, -52.2), (-69.6, -52.8)],
}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two [lon, lat] positions, in kilometres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def great_circles(pairs) -> tuple:
    """The great-circle arcs between pairs of [lon, lat] positions ((a, b), ...), all computed at once:
    their vertices (a numpy array of [lon, lat] rows, one arc after the other) and how many each has.

    The one spacing rule: an arc of D km has int(D / ARC_STEP_KM) segments (at least one), so a vertex
    about every ARC_STEP_KM; its ends are exactly a and b, its other vertices rounded to PRECISION
    decimals. This is the one great-circle function: `great_circle` is one arc of it, and
    the map (routes.render.lines), the images, exports, `fmt --rebuild-geometry` and import-sipri all
    draw their arcs with it, so that they draw a leg with the same vertices.
    """
    import numpy as np

    if not len(pairs):
        return np.empty((0, 2)), np.empty(0, dtype=np.int64)
    ends = np.asarray(pairs, dtype=float).reshape(-1, 4)
    lon1, lat1, lon2, lat2 = np.radians(ends).T
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    d = 2 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    flat = (d == 0) | (np.sin(d) == 0)
    steps = np.where(flat, 1, np.maximum(1, (d * EARTH_RADIUS_KM / ARC_STEP_KM).astype(np.int64)))
    count = steps + 1
    arc = np.repeat(np.arange(len(steps)), count)
    f = (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)) / steps[arc]
    dd = np.where(flat, 1.0, d)[arc]
    s1 = np.where(flat[arc], 1 - f, np.sin((1 - f) * dd) / np.sin(dd))
    s2 = np.where(flat[arc], f, np.sin(f * dd) / np.sin(dd))
    x = s1 * np.cos(lat1[arc]) * np.cos(lon1[arc]) + s2 * np.cos(lat2[arc]) * np.cos(lon2[arc])
    y = s1 * np.cos(lat1[arc]) * np.sin(lon1[arc]) + s2 * np.cos(lat2[arc]) * np.sin(lon2[arc])
    z = s1 * np.sin(lat1[arc]) + s2 * np.sin(lat2[arc])
    points = np.round(np.column_stack([np.degrees(np.arctan2(y, x)), np.degrees(np.arctan2(z, np.hypot(x, y)))]),
                      PRECISION)
    last = np.cumsum(count) - 1
    points[last - steps] = ends[:, :2]
    points[last] = ends[:, 2:]
    return points, count


def great_circle(a: tuple[float, float], b: tuple[float, float]) -> list[list[float]]:
    """Points [lon, lat] along the great circle from a to b, about every ARC_STEP_KM, ends exact (`great_circles`)."""
    return great_circles([(a, b)])[0].tolist()


def unwrap(line: list[list[float]], start_lon: float | None = None) -> list[list[float]]:
    """The line with longitudes made continuous (no jump of more than 180°), starting near `start_lon`."""
    out: list[list[float]] = []
    previous = start_lon
    for lon, lat, *rest in line:
        if previous is not None:
            lon += 360.0 * round((previous - lon) / 360.0)
        out.append([lon, lat, *rest])
        previous = lon
    return out


def split_antimeridian(line: list[list[float]]) -> list[list[list[float]]]:
    """A continuous (unwrapped) line cut where it crosses ±180°, each part with longitudes in [-180, 180]."""
    parts: list[list[list[float]]] = []
    current: list[list[float]] = []
    current_band: int | None = None
    previous: list[float] | None = None
    for point in unwrap(line):
        band = math.floor((point[0] + 180.0) / 360.0)
        if previous is not None and band != current_band:
            edge = 180.0 + 360.0 * min(band, current_band)  # the meridian crossed, in unwrapped degrees
            f = (edge - previous[0]) / (point[0] - previous[0])
            lat = round(previous[1] + f * (point[1] - previous[1]), PRECISION)
            side = 180.0 if band > current_band else -180.0
            current.append([side, lat])
            parts.append(current)
            current = [[-side, lat]]
        shift = 360.0 * band
        current.append([_round(point[0] - shift), point[1]])
        current_band = band
        previous = point
    parts.append(current)
    return [_dedupe(p) for p in parts if len(_dedupe(p)) >= 2] or [_dedupe(parts[0])]


def _round(value: float) -> float:
    value = round(value, PRECISION)
    return 0.0 if value == 0 else value


def _dedupe(line: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for point in line:
        if not out or out[-1][:2] != point[:2]:
            out.append(point)
    return out


def passages_crossed(line: list[list[float]]) -> list[str]:
    """The named passages (straits, canals, capes) a line crosses, in the order it crosses them."""
    from shapely.geometry import LineString, Point

    found: dict[str, float] = {}
    offset = 0.0
    for part in split_antimeridian(line):
        path = LineString([p[:2] for p in part])
        for name, gate in PASSAGES.items():
            crossing = path.intersection(LineString(gate))
            if not crossing.is_empty and name not in found:
                found[name] = offset + min(path.project(Point(c)) for c in _points_of(crossing))
        offset += path.length
    return sorted(found, key=found.get)


def _points_of(geometry) -> list[tuple[float, float]]:
    if hasattr(geometry, "geoms"):
        return [c for g in geometry.geoms for c in g.coords]
    return list(geometry.coords)


def sea_lane(a: tuple[float, float], b: tuple[float, float]) -> tuple[list[list[float]], float]:
    """The sea route from a to b over searoute's maritime network, and how far (km) the ends sit from it.

    The line starts exactly at a and ends exactly at b; longitudes are continuous (unwrapped).
    """
    import searoute

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feature = searoute.searoute([a[0], a[1]], [b[0], b[1]], append_orig_dest=True)
    coords = [[float(c[0]), float(c[1])] for c in feature["geometry"]["coordinates"]]
    if len(coords) < 2 or math.isinf(feature["properties"].get("length", 0.0)):
        return [], math.inf
    coords = unwrap(coords, a[0])
    if coords[0][:2] != [a[0], a[1]]:
        coords.insert(0, [a[0], a[1]])
    end = [b[0] + 360.0 * round((coords[-1][0] - b[0]) / 360.0), b[1]]
    if coords[-1][:2] != end:
        coords.append(end)
    snap = max(distance_km(coords[0], coords[1]) if len(coords) > 2 else 0.0,
               distance_km(coords[-2], coords[-1]) if len(coords) > 2 else 0.0)
    return coords, snap


@dataclass
class BuiltLeg:
    """One leg's line (continuous longitudes), how it was made, and the passages it crosses."""

    coordinates: list[list[float]]
    kind: str
    passages: list[str] = field(default_factory=list)
    note: str | None = None


def build_leg(a: Place, b: Place, mode: str) -> BuiltLeg:
    """The line of one leg: a sea lane for `sea`, a great-circle arc for every other mode."""
    if mode == "sea":
        coords, snap = sea_lane((a.lon, a.lat), (b.lon, b.lat))
        if coords:
            note = None
            if snap > SNAP_WARNING_KM:
                note = (f"the sea leg {a.id} → {b.id} joins the sea lanes {snap:.0f} km from one of its ends; "
                        "is that waypoint a port?")
            return BuiltLeg(coords, "sea-lane", passages_crossed(coords), note)
        return BuiltLeg(unwrap(great_circle((a.lon, a.lat), (b.lon, b.lat))), "great-circle", [],
                        f"no sea route from {a.id} to {b.id}; drew a great-circle arc instead")
    return BuiltLeg(unwrap(great_circle((a.lon, a.lat), (b.lon, b.lat))), "great-circle")


@dataclass
class BuiltRoute:
    """A route's new geometry (LineString, or MultiLineString across the antimeridian) and its legs."""

    geometry: dict
    legs: list[dict]
    notes: list[str] = field(default_factory=list)


def is_built(route: dict) -> bool:
    """Whether a route's geometry may be rebuilt without force: null, or every leg made by arms-routes."""
    if route.get("geometry") is None:
        return True
    legs = (route.get("properties") or {}).get("legs")
    return isinstance(legs, list) and bool(legs) and all(
        isinstance(leg, dict) and leg.get("geometry") in BUILT_KINDS for leg in legs)


def build_route(route: dict, places: Gazetteer) -> BuiltRoute:
    """Build a route's geometry from its waypoints and leg modes; the legs record how each line was made.

    Raises `UnknownPlace` (naming the route and waypoint) when a waypoint is not in the gazetteer.
    """
    route_id = route.get("id") if isinstance(route.get("id"), str) else None
    props = route.get("properties") or {}
    from .model import place_ids

    waypoints = place_ids(props.get("waypoints"))
    points: list[Place] = []
    for i, place_id in enumerate(waypoints):
        place = places.get(place_id) if isinstance(place_id, str) else None
        if place is None:
            raise UnknownPlace(f"unknown place {place_id!r}; cannot build the geometry "
                               "(`arms-routes places QUERY` lists place ids)", route_id=route_id, field=f"waypoints[{i}]")
        points.append(place)
    if len(points) < 2:
        raise UnknownPlace("needs at least two waypoints to build a geometry", route_id=route_id, field="waypoints")
    old_legs = props.get("legs")
    if old_legs is None:
        old_legs = [{"mode": "unknown"} for _ in points[1:]]
    if not isinstance(old_legs, list) or len(old_legs) != len(points) - 1:
        raise UnknownPlace(f"has {len(old_legs) if isinstance(old_legs, list) else 'no list of'} legs for "
                           f"{len(points)} waypoints; give one leg per consecutive pair", route_id=route_id, field="legs")
    legs: list[dict] = []
    line: list[list[float]] = []
    notes: list[str] = []
    for a, b, old in zip(points, points[1:], old_legs):
        old = old if isinstance(old, dict) else {"mode": "unknown"}
        built = build_leg(a, b, old.get("mode") or "unknown")
        coords = unwrap(built.coordinates, line[-1][0] if line else None)
        line.extend(coords if not line else coords[1:])
        leg = dict(old)
        leg.setdefault("mode", "unknown")
        if built.kind == "sea-lane":
            leg["passages"] = built.passages
        elif old.get("geometry") == "sea-lane":
            leg.pop("passages", None)  # passages we recorded for a sea leg that is no longer one
        leg["geometry"] = built.kind
        legs.append(_leg_in_order(leg))
        if built.note:
            notes.append(built.note)
    parts = split_antimeridian([[_round(p[0]), _round(p[1])] for p in line])
    if len(parts) == 1 and len(parts[0]) == 1:  # every waypoint one place: a line still needs two positions
        parts = [[parts[0][0], list(parts[0][0])]]
    geometry = ({"type": "LineString", "coordinates": parts[0]} if len(parts) == 1
                else {"type": "MultiLineString", "coordinates": parts})
    return BuiltRoute(geometry, legs, notes)


def _leg_in_order(leg: dict) -> dict:
    known = ("mode", "status", "note", "geometry", "passages")
    return {**{k: leg[k] for k in known if k in leg}, **{k: v for k, v in leg.items() if k not in known}}


@functools.lru_cache(maxsize=1)
def _countries():
    """Country shapes (data/geo/countries.geojson) by ISO 3166-1 alpha-3 code, prepared for point tests."""
    import shapely
    from shapely.geometry import shape

    doc = json.loads(paths.bundled_countries().read_text(encoding="utf-8"))
    shapes = {}
    for feature in doc["features"]:
        geom = shape(feature["geometry"])
        shapely.prepare(geom)
        shapes[feature["properties"]["iso_a3"]] = geom
    return shapes


def _km_outside(shape, lon: float, lat: float) -> float:
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    point = Point(lon, lat)
    if shape.contains(point):
        return 0.0
    nearest = nearest_points(shape, point)[0]
    return distance_km((lon, lat), (nearest.x, nearest.y))


def country_at(lon: float, lat: float, within_km: float = 50.0) -> str | None:
    """The ISO 3166-1 alpha-3 code of the country at a point (or within `within_km` of it, for coasts), if any."""
    from shapely.geometry import Point

    point = Point(lon, lat)
    reach = within_km / 111.0 / max(0.1, math.cos(math.radians(lat)))
    near = [(code, shape) for code, shape in _countries().items() if shape.distance(point) <= reach]
    if not near:
        return None
    km, code = min((_km_outside(shape, lon, lat), code) for code, shape in near)
    return code if km <= within_km else None


def distance_to_country(lon: float, lat: float, country: str) -> float | None:
    """How far (km) a point lies outside a country's shape: 0 inside; None when the shapes lack that country."""
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    shape = _countries().get(country)
    return None if shape is None else _km_outside(shape, lon, lat)


def _split_jumps(line: list[list[float]]) -> list[list[list[float]]]:
    """A drawn line cut where consecutive points jump more than 180° in longitude (an antimeridian crossing)."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in zip(line, line[1:])):
        return [line]
    return split_antimeridian(line)


def route_lines(route: dict, places: Gazetteer) -> list[list[list[float]]]:
    """The lines to draw for a route: its own geometry, or great-circle legs between its waypoints when null.

    Always a list of lines (a LineString gives one) of [lon, lat] positions, cut at the antimeridian.
    """
    geometry = route.get("geometry")
    if isinstance(geometry, dict):
        if geometry.get("type") == "LineString":
            return _split_jumps(geometry["coordinates"])
        if geometry.get("type") == "MultiLineString":
            return [part for line in geometry["coordinates"] for part in _split_jumps(line)]
    from .model import place_ids

    points = [places.get(w) if isinstance(w, str) else None
              for w in place_ids((route.get("properties") or {}).get("waypoints"))]
    pairs = [((a.lon, a.lat), (b.lon, b.lat)) for a, b in zip(points, points[1:]) if a is not None and b is not None]
    vertices, counts = great_circles(pairs)
    vertices = vertices.tolist()
    line: list[list[float]] = []
    start = 0
    for count in counts.tolist():
        arc = unwrap(vertices[start:start + count], line[-1][0] if line else None)
        line.extend(arc if not line else arc[1:])
        start += count
    return split_antimeridian(line) if line else []
