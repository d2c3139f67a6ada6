"""The lines a map draws for its routes: one line per leg, continuous across the antimeridian,
simplified, and offset sideways where routes share a corridor.

All routes are handled together in flat numpy arrays (one row per vertex), not route by route:
their coordinates are read into one array at once, simplified in one call to GEOS and written as
text in one pass, so 10,000 routes of some seventy vertices each take a few tenths of a second.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain

from .. import model
from ..dataset import Dataset
from ..errors import RoutesError
from ..geometry import EARTH_RADIUS_KM

SCALE = 10_000  # a coordinate travels as an integer number of 1/10,000 degree: about 10 m
# Lines are simplified (Douglas-Peucker) to within this many degrees, about 2 km: a pixel or two
# at the zoom a map opens with (7 at most), and routes are schematic lines anyway. A map of many
# routes opens on a wider view, so the tolerance grows with the square root of their number, up to
# SIMPLIFY_MAX_DEG (about 11 km, at 30,000 routes and more). Waypoints (the ends of legs) never move.
SIMPLIFY_DEG = 0.02
SIMPLIFY_FROM_ROUTES = 1000
SIMPLIFY_MAX_DEG = 0.1
ARC_STEP_KM = 200.0  # vertex spacing of the great-circle legs drawn for routes without geometry
CORRIDOR_SPACING_PX = 6.0  # distance between routes that share a leg (more than two line widths)
CORRIDOR_MAX_SPREAD_PX = 36.0  # widest a bundle of routes on one corridor may get


@dataclass
class Leg:
    """One drawn leg of a route: its line, evidence status and sideways offset in pixels.

    `coords` is the line as text: integers in 1/SCALE degree, delta-encoded ([dlon0, dlat0, dlon1,
    dlat1, ...], each pair the step from the vertex before; the first leg of a route starts from
    (0, 0), every later one from the last vertex of the leg before it, so a leg that starts where
    the last one ended starts with 0, 0), written in the "encoded polyline algorithm format" (as
    Google's and OSRM's polylines, a few characters a number instead of seven). See `numbers` and `decode`.
    `pair` is the (from, to) place ids when the line is known to be that leg; a route whose line
    cannot be cut at its waypoints is drawn as one or more lines with pair None.
    """

    status: str
    pair: tuple[str, str] | None
    coords: str = ""
    offset: float = 0.0


def numbers(coords: str | list[int]) -> list[int]:
    """The delta-encoded integers of a leg's `coords` (see `Leg`)."""
    if not isinstance(coords, str):
        return list(coords)
    result, value, shift = [], 0, 0
    for char in coords:
        chunk = ord(char) - 63
        value |= (chunk & 0x1F) << shift
        shift += 5
        if chunk < 0x20:
            result.append(~(value >> 1) if value & 1 else value >> 1)
            value = shift = 0
    return result


def decode(legs: list) -> list[list[list[float]]]:
    """The [lon, lat] vertices of each of a route's legs, from their `coords` (as the map script reads them)."""
    lon = lat = 0
    result = []
    for coords in legs:
        coords = numbers(coords)
        line = []
        for i in range(0, len(coords) - 1, 2):
            lon += coords[i]
            lat += coords[i + 1]
            line.append([lon / SCALE, lat / SCALE])
        result.append(line)
    return result


def polyline_text(values) -> tuple[str, object]:
    """Integers (a numpy array) in the encoded polyline algorithm format, all in one string, and
    where each value's characters start (one more offset than values: the last is the length).

    Each value is doubled (negative ones inverted), cut into 5-bit chunks from the lowest, each
    chunk but the last flagged with 0x20, and written as the character 63 + chunk: "?" to "~".
    """
    import numpy as np

    values = np.asarray(values, dtype=np.int64)
    zigzag = np.where(values < 0, ~(values << 1), values << 1)
    count = np.ones(len(values), dtype=np.int64)
    for bits in range(5, 64, 5):
        count += zigzag >= (1 << bits)
    ends = np.cumsum(count)
    starts = ends - count
    chunk = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(starts, count)
    chars = (np.repeat(zigzag, count) >> (5 * chunk)) & 0x1F
    chars |= np.where(chunk < np.repeat(count - 1, count), 0x20, 0)
    return (chars + 63).astype(np.uint8).tobytes().decode("ascii"), np.concatenate([[0], ends])


def route_legs(dataset: Dataset) -> tuple[list[list[Leg]], list[list[float]] | None]:
    """The legs to draw for every route of `dataset`, and the [[south, west], [north, east]] they span.

    A route's own geometry is drawn when it has one, cut into legs at the vertices nearest its
    waypoints; a route without geometry gets great-circle arcs between its waypoints (as
    `routes.geometry.route_lines` draws it). A leg with its own status keeps it; the others take the
    route's. Raises `RoutesError` for a route that cannot be drawn at all.
    """
    import numpy as np

    raw = [_line_parts(route) for route in dataset.routes]
    arrays = iter(_as_arrays([part for parts in raw if parts is not None for part in parts]))
    plans = [_plan(route, dataset, None if parts is None else [next(arrays) for _ in parts])
             for route, parts in zip(dataset.routes, raw)]
    arcs = iter(_arcs([pair for plan in plans if plan.kind == "arcs" for pair in plan.pieces]))
    pieces: list = []      # arrays of [lon, lat]: geometry parts, or great-circle legs
    piece_route: list[int] = []
    for r, plan in enumerate(plans):
        if plan.kind == "arcs":
            plan.pieces = [next(arcs) for _ in plan.pieces]
        for piece in plan.pieces:
            pieces.append(piece)
            piece_route.append(r)
    if not pieces:
        return [[] for _ in plans], None

    lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
    points = np.vstack(pieces)
    if not np.isfinite(points).all():
        bad = int(np.asarray(piece_route)[np.searchsorted(np.cumsum(lengths), np.flatnonzero(~np.isfinite(points).all(axis=1))[0], side="right")])
        raise RoutesError("cannot draw the route: its geometry has a coordinate that is not a number",
                          route_id=str(dataset.routes[bad].get("id")), field="geometry")
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    vertex_route = np.repeat(np.asarray(piece_route), lengths)
    _unwrap(points, vertex_route)

    # Pieces of one drawn route that meet end to start are one line (a geometry cut at ±180°).
    ends = starts + lengths - 1
    meets = np.zeros(len(pieces), dtype=bool)
    if len(pieces) > 1:
        meets[1:] = (np.asarray(piece_route[1:]) == np.asarray(piece_route[:-1])) & np.all(
            np.abs(points[starts[1:]] - points[ends[:-1]]) < 1e-6, axis=1)

    ranges: list[list[tuple[int, int]]] = [[] for _ in plans]  # per route: (first, last) vertex of each line
    for p, r in enumerate(piece_route):
        if plans[r].kind == "drawn" and meets[p] and ranges[r]:
            ranges[r][-1] = (ranges[r][-1][0], int(ends[p]))
        else:
            ranges[r].append((int(starts[p]), int(ends[p])))

    _cut_at_waypoints(points, plans, ranges)
    drawn = _legs_of(plans, ranges)
    tolerance = min(SIMPLIFY_MAX_DEG, SIMPLIFY_DEG * max(1.0, len(plans) / SIMPLIFY_FROM_ROUTES) ** 0.5)
    spans = [span for legs in ranges for span in legs]
    route_starts = [k == 0 for legs in ranges for k in range(len(legs))]
    coords, bounds = _simplified(points, spans, route_starts, tolerance)
    flat = iter(coords)
    for legs in drawn:
        for leg in legs:
            leg.coords = next(flat)
    _corridor_offsets(drawn)
    return drawn, bounds


@dataclass
class _Plan:
    kind: str  # "arcs": one piece per leg; "drawn": the route's geometry, to be cut at the waypoints
    waypoints: list
    places: list
    status: str
    leg_statuses: list[str]
    pieces: list  # arrays of [lon, lat]; for "arcs", first the (from, to) positions of each leg
    split: bool = True


def _line_parts(route: dict) -> list | None:
    """The parts (lists of positions) of a route's line geometry as written; None when it has none."""
    geometry = route.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "LineString":
        return [geometry.get("coordinates")]
    if kind == "MultiLineString":
        return list(geometry.get("coordinates") or [])
    return None


def _as_arrays(parts: list) -> list:
    """Each part as an array of [lon, lat] (None for a part that is not a list of positions).

    Read all at once when every position is a [lon, lat] pair (one numpy call for all routes),
    else part by part.
    """
    import numpy as np

    if not parts:
        return []
    try:
        lengths = list(map(len, parts))
        if set(map(len, chain.from_iterable(parts))) == {2}:
            flat = np.fromiter(chain.from_iterable(chain.from_iterable(parts)), dtype=float, count=2 * sum(lengths))
            return np.split(flat.reshape(-1, 2), np.cumsum(lengths)[:-1])
    except (TypeError, ValueError):
        pass
    arrays = []
    for part in parts:
        try:
            arrays.append(np.asarray(part, dtype=float)[:, :2])
        except (ValueError, IndexError, TypeError):
            arrays.append(None)
    return arrays


def _plan(route: dict, dataset: Dataset, parts: list | None) -> _Plan:
    """How to draw a route: its line geometry `parts` (arrays, see `_as_arrays`), or arcs between waypoints."""
    p = model.props(route)
    route_id = str(route.get("id"))
    waypoints = list(p.get("waypoints") or [])
    places = [dataset.place(w) if isinstance(w, str) else None for w in waypoints]
    status = p.get("status") if p.get("status") in model.STATUS_RANK else "alleged"
    leg_props = [leg if isinstance(leg, dict) else {} for leg in p.get("legs") or []]
    leg_statuses = [(leg_props[i].get("status") if i < len(leg_props) else None) for i in range(max(0, len(waypoints) - 1))]
    leg_statuses = [s if s in model.STATUS_RANK else status for s in leg_statuses]

    if parts is not None:
        pieces = [line for line in parts if line is not None and len(line) >= 2]
        if not pieces:
            raise RoutesError("cannot draw the route: its geometry has no line", route_id=route_id, field="geometry")
        return _Plan("drawn", waypoints, places, status, leg_statuses, pieces)

    missing = [str(w) for w, place in zip(waypoints, places) if place is None]
    if missing or len(places) < 2:
        raise RoutesError(f"cannot draw the route: no coordinates for waypoint(s) {', '.join(missing) or '(none)'}",
                          route_id=route_id, field="properties.waypoints")
    pairs = [((a.lon, a.lat), (b.lon, b.lat)) for a, b in zip(places, places[1:])]
    return _Plan("arcs", waypoints, places, status, leg_statuses, pairs)


def _arcs(pairs: list) -> list:
    """Great-circle arcs between pairs of [lon, lat] positions, all computed at once; each an array of
    [lon, lat] with a vertex about every ARC_STEP_KM, ends exact (as `routes.geometry.great_circle`).
    """
    import numpy as np

    if not pairs:
        return []
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
    points = np.column_stack([np.degrees(np.arctan2(y, x)), np.degrees(np.arctan2(z, np.hypot(x, y)))])
    last = np.cumsum(count) - 1
    points[last - steps] = ends[:, :2]
    points[last] = ends[:, 2:]
    return np.split(points, np.cumsum(count)[:-1])


def _unwrap(points, vertex_route) -> None:
    """Shift longitudes by 360° where a route crosses the antimeridian, so it does not streak across the map.

    Each route's first point keeps its longitude; every later one is moved next to the one before
    it, across legs and parts, so a route stays one connected line (Leaflet draws longitudes beyond ±180).
    """
    import numpy as np

    if len(points) < 2:
        return
    jump = np.diff(points[:, 0])
    step = np.where(vertex_route[1:] == vertex_route[:-1], -360.0 * np.round(jump / 360.0), 0.0)
    if not step.any():
        return
    shift = np.concatenate([[0.0], np.cumsum(step)])
    first = np.concatenate([[True], vertex_route[1:] != vertex_route[:-1]])
    base = np.maximum.accumulate(np.where(first, np.arange(len(points)), 0))
    points[:, 0] += shift - shift[base]


def _cut_at_waypoints(points, plans: list[_Plan], ranges: list[list[tuple[int, int]]]) -> None:
    """Cut each drawn route that is one line into legs at the vertices nearest its inner waypoints.

    A route whose line cannot be cut (parts with gaps, unknown places, waypoints out of order along
    the line) stays as drawn and is marked not split.
    """
    import numpy as np

    todo = []  # (route, first, last, inner waypoint coordinates)
    for r, plan in enumerate(plans):
        if plan.kind != "drawn":
            continue
        if len(ranges[r]) != 1 or any(p is None for p in plan.places) or len(plan.places) < 2:
            plan.split = False
            continue
        first, last = ranges[r][0]
        inner = [(p.lon, p.lat) for p in plan.places[1:-1]]
        if inner and last - first < len(inner) + 1:
            plan.split = False
            continue
        if inner:
            todo.append((r, first, last, inner))
    if not todo:
        return

    # One row per (inner waypoint, candidate vertex): every vertex strictly inside the route's line.
    wp_route, wp_lon, wp_lat, lo, count = [], [], [], [], []
    for r, first, last, inner in todo:
        for lon, lat in inner:
            wp_route.append(r)
            wp_lon.append(lon)
            wp_lat.append(lat)
            lo.append(first + 1)
            count.append(last - first - 1)
    count_a = np.asarray(count)
    group = np.repeat(np.arange(len(count)), count_a)
    offsets = np.arange(group.size) - np.repeat(np.cumsum(count_a) - count_a, count_a)
    vertex = np.repeat(np.asarray(lo), count_a) + offsets
    lon = np.asarray(wp_lon)[group]
    lat = np.asarray(wp_lat)[group]
    gap = (points[vertex, 0] - lon + 180.0) % 360.0 - 180.0
    distance = np.cos(np.radians(lat)) ** 2 * gap ** 2 + (points[vertex, 1] - lat) ** 2
    # the nearest vertex of each group: the first place where the distance equals the group's minimum
    group_start = np.cumsum(count_a) - count_a
    smallest = np.minimum.reduceat(distance, group_start)
    hits = np.flatnonzero(distance == np.repeat(smallest, count_a))
    nearest = vertex[hits[np.searchsorted(hits, group_start)]].tolist()

    k = 0
    for r, first, last, inner in todo:
        cuts = nearest[k:k + len(inner)]
        k += len(inner)
        if any(b <= a for a, b in zip(cuts, cuts[1:])):
            cuts = _nearest_in_order(points, first, last, inner)
        if cuts is None:
            plans[r].split = False
            continue
        bounds = [first, *cuts, last]
        ranges[r] = [(a, b) for a, b in zip(bounds, bounds[1:])]


def _nearest_in_order(points, first: int, last: int, inner: list[tuple[float, float]]) -> list[int] | None:
    """Cut vertices for waypoints whose nearest vertices are out of order: each after the one before."""
    import numpy as np

    cuts, start = [], first + 1
    for lon, lat in inner:
        if start >= last:
            return None
        candidates = points[start:last]
        gap = (candidates[:, 0] - lon + 180.0) % 360.0 - 180.0
        distance = math.cos(math.radians(lat)) ** 2 * gap ** 2 + (candidates[:, 1] - lat) ** 2
        cuts.append(start + int(np.argmin(distance)))
        start = cuts[-1] + 1
    return cuts


def _legs_of(plans: list[_Plan], ranges: list[list[tuple[int, int]]]) -> list[list[Leg]]:
    drawn = []
    for plan, spans in zip(plans, ranges):
        if plan.split and len(spans) == len(plan.waypoints) - 1:
            drawn.append([Leg(plan.leg_statuses[i], (plan.waypoints[i], plan.waypoints[i + 1]))
                          for i in range(len(spans))])
        else:
            drawn.append([Leg(plan.status, None) for _ in spans])
    return drawn


def _simplified(points, spans: list[tuple[int, int]], route_starts: list[bool],
                tolerance: float) -> tuple[list[str], list[list[float]]]:
    """Every span of vertices as a simplified, delta-encoded line (see `Leg`), and the bounds of them all.

    `route_starts` tells which spans are the first leg of a route (their deltas start from 0, 0).
    """
    import numpy as np
    import shapely

    first = np.fromiter((a for a, _ in spans), dtype=np.int64, count=len(spans))
    count = np.fromiter((b - a + 1 for a, b in spans), dtype=np.int64, count=len(spans))
    index = np.repeat(first, count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    lines = shapely.linestrings(points[index], indices=np.repeat(np.arange(len(spans)), count))
    simple = shapely.simplify(lines, tolerance, preserve_topology=False)
    kept = shapely.get_num_coordinates(simple)
    simple = np.where(kept >= 2, simple, lines)  # a line simplified to nothing is drawn as it was
    out, owner = shapely.get_coordinates(simple, return_index=True)
    whole = np.rint(out * SCALE).astype(np.int64)
    south, west = (whole.min(axis=0)[::-1] / SCALE).tolist()
    north, east = (whole.max(axis=0)[::-1] / SCALE).tolist()
    # Unwrapped routes may reach past ±180°; the view opens on one world, not on several side by side.
    west, east = max(west, -180.0), min(east, 180.0)
    # Each vertex as the step from the one before; the first of each route as it is.
    steps = whole.copy()
    steps[1:] -= whole[:-1]
    ends = np.cumsum(np.bincount(owner, minlength=len(spans)))
    starts = ends - np.bincount(owner, minlength=len(spans))
    first = starts[np.asarray(route_starts, dtype=bool)]
    steps[first] = whole[first]
    text, offsets = polyline_text(steps.ravel())
    at = offsets[2 * starts].tolist(), offsets[2 * ends].tolist()
    coords = [text[a:b] for a, b in zip(*at)]
    return coords, [[south, west], [north, east]]


def _corridor_offsets(drawn: list[list[Leg]]) -> None:
    """Give every leg a sideways offset in pixels, so routes that share a leg (same two places) stay apart.

    Routes on one corridor are spread symmetrically around it, in the order of the data; the sign
    is taken against one fixed direction of the corridor, so routes going opposite ways spread too.
    """
    members: dict[tuple, list[Leg]] = defaultdict(list)
    for legs in drawn:
        for leg in legs:
            if leg.pair and leg.pair[0] != leg.pair[1]:
                members[tuple(sorted(leg.pair))].append(leg)
    for key, group in members.items():
        n = len(group)
        if n < 2:
            continue
        spacing = min(CORRIDOR_SPACING_PX, CORRIDOR_MAX_SPREAD_PX / (n - 1))
        for k, leg in enumerate(group):
            sign = 1.0 if leg.pair == key else -1.0
            offset = round(sign * (k - (n - 1) / 2) * spacing, 2)
            leg.offset = int(offset) if offset.is_integer() else offset  # "3", not "3.0", in the page
