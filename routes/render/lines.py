"""The lines a map draws for its routes: one line per leg, continuous across the antimeridian,
simplified, and offset sideways where routes share a corridor.

All routes are handled together in flat numpy arrays (one row per vertex), not route by route:
their coordinates are read into one array at once, simplified in one call to GEOS and written as
text in one pass, so 10,000 routes of some seventy vertices each take a few tenths of a second.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import chain, islice

from .. import model
from ..dataset import Dataset
from ..errors import RoutesError
from ..geometry import great_circles
from ..text import noun

SCALE = 10_000  # a coordinate travels as an integer number of 1/10,000 degree: about 10 m
# Lines are simplified (Douglas-Peucker) to within this many degrees, about 2 km: a pixel or two
# at the zoom a map opens with (7 at most), and routes are schematic lines anyway. A map of many
# routes opens on a wider view, so the tolerance grows with the square root of their number, up to
# SIMPLIFY_MAX_DEG (about 11 km, at 30,000 routes and more). Waypoints (the ends of legs) never move.
SIMPLIFY_DEG = 0.02
SIMPLIFY_FROM_ROUTES = 1000
SIMPLIFY_MAX_DEG = 0.1
CORRIDOR_SPACING_PX = 6.0  # distance between routes that share a leg (more than two line widths)
CORRIDOR_MAX_SPREAD_PX = 36.0  # widest a bundle of routes on one corridor may get


@dataclass
class Leg:
    """One drawn leg of a route: its line, evidence status, path (how much of the line the sources
    give, `model.PATHS`) and sideways offset in pixels.

    `coords` is the line as text: integers in 1/SCALE degree, delta-encoded ([dlon0, dlat0, dlon1,
    dlat1, ...], each pair the step from the vertex before; the first leg of a route starts from
    (0, 0), every later one from the last vertex of the leg before it, so a leg that starts where
    the last one ended starts with 0, 0), written in the "encoded polyline algorithm format" (as
    Google's and OSRM's polylines, a few characters a number instead of seven). See `numbers` and `decode`.
    `pair` is the (from, to) place ids when the line is known to be that leg; a route whose line
    cannot be cut at its waypoints is drawn as one or more lines with pair None, each with the route's
    status and the weakest path of its legs (a line that is partly schematic is drawn schematic).
    """

    status: str
    pair: tuple[str, str] | None
    coords: str = ""
    offset: float = 0.0
    path: str = "plausible"


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
    top = int(zigzag.max()) if len(values) else 0
    for bits in range(5, 64, 5):
        if top < (1 << bits):
            break
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
    waypoints; a route without geometry gets great-circle arcs between its waypoints
    (`routes.geometry.great_circles`: the vertices `route_lines` gives the images and exports). A leg
    with its own status keeps it; the others take the route's. Raises `RoutesError` for a route that cannot be drawn at all.
    """
    import numpy as np

    routes = dataset.routes
    raw = [_line_parts(route) for route in routes]
    stack_parts, part_start, part_length = _read_parts([part for parts in raw if parts is not None for part in parts])
    places = _Places(dataset)
    plans, k = [], 0
    for route, parts in zip(routes, raw):
        kept = None
        if parts is not None:
            kept = [i for i in range(k, k + len(parts)) if part_length[i] >= 2]
            k += len(parts)
        plans.append(_plan(route, places, kept))
    arc_vertices, arc_length = great_circles([pair for plan in plans if plan.kind == "arcs" for pair in plan.pieces])
    vertices = stack_parts()

    # Runs of vertices in `vertices` and `arc_vertices` one after the other: the parts as read, then
    # the arcs. Every piece to draw (a part of a route's geometry, or a great-circle leg) is one of
    # them; the pieces go route after route.
    run_start = np.concatenate([part_start, len(vertices) + np.cumsum(arc_length) - arc_length]).astype(np.int64)
    run_length = np.concatenate([part_length, arc_length]).astype(np.int64)
    piece_run: list[int] = []
    piece_route: list[int] = []
    arc = len(part_length)
    for r, plan in enumerate(plans):
        if plan.kind == "drawn":
            piece_run += plan.pieces
        else:
            piece_run += range(arc, arc + len(plan.pieces))
            arc += len(plan.pieces)
        piece_route += [r] * len(plan.pieces)
    if not piece_run:
        return [[] for _ in plans], None

    pieces = np.asarray(piece_run, dtype=np.int64)
    piece_route = np.asarray(piece_route, dtype=np.int64)
    lengths = run_length[pieces]
    ends = np.cumsum(lengths)
    starts = ends - lengths
    ends -= 1
    index = np.repeat(run_start[pieces] - starts, lengths) + np.arange(int(ends[-1]) + 1)
    points = np.take(np.concatenate([vertices, arc_vertices]), index, axis=0)  # one row per vertex, route after route
    vertex_route = np.repeat(piece_route, lengths)
    if not np.isfinite(points).all():
        bad = int(vertex_route[np.argmin(np.isfinite(points).all(axis=1))])
        raise RoutesError("cannot draw the route: its geometry has a coordinate that is not a number",
                          route_id=str(routes[bad].get("id")), field="geometry")
    _unwrap(points, vertex_route)

    # Pieces of one drawn route that meet end to start are one line (a geometry cut at ±180°).
    is_drawn = np.asarray([plan.kind == "drawn" for plan in plans], dtype=bool)
    joins = np.zeros(len(pieces), dtype=bool)
    joins[1:] = (piece_route[1:] == piece_route[:-1]) & is_drawn[piece_route[1:]] & np.all(
        np.abs(points[starts[1:]] - points[ends[:-1]]) < 1e-6, axis=1)
    line_start = np.flatnonzero(~joins)
    lines = (piece_route[line_start], starts[line_start], ends[np.append(line_start[1:] - 1, len(pieces) - 1)])

    (span_route, first, last), split = _cut_at_waypoints(points, plans, *lines)
    route_starts = np.ones(len(span_route), dtype=bool)
    route_starts[1:] = span_route[1:] != span_route[:-1]
    tolerance = min(SIMPLIFY_MAX_DEG, SIMPLIFY_DEG * max(1.0, len(plans) / SIMPLIFY_FROM_ROUTES) ** 0.5)
    coords, bounds = _simplified(points, first, last, route_starts, tolerance)
    return _legs_of(plans, split, np.bincount(span_route, minlength=len(plans)).tolist(), coords), bounds


@dataclass(slots=True)
class _Plan:
    kind: str  # "arcs": one piece per leg; "drawn": the route's geometry, to be cut at the waypoints
    waypoints: list
    status: str
    leg_statuses: list[str]
    leg_paths: list[str]  # each leg's `model.leg_path`
    pieces: list  # "drawn": the parts of its geometry (see `_read_parts`); "arcs": the (from, to) positions of each leg
    places: list | None  # the places of its waypoints; None when one is unknown (or there are fewer than two)


class _Places(dict):
    """The places of a dataset by id, each looked up once."""

    def __init__(self, dataset: Dataset):
        super().__init__()
        self.dataset = dataset

    def __missing__(self, place_id: str):
        place = self[place_id] = self.dataset.place(place_id)
        return place


def _line_parts(route: dict) -> list | None:
    """The parts (lists of positions) of a route's line geometry as written; None when it has none."""
    geometry = route.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "LineString":
        return [geometry.get("coordinates")]
    if kind == "MultiLineString":
        return list(geometry.get("coordinates") or [])
    return None


def _read_parts(parts: list) -> tuple[Callable, object, list[int]]:
    """The vertices of the parts as one array of [lon, lat] rows (returned by the function given
    first), where each part starts in it, and how many vertices each part has (-1 for a part that is
    not a list of positions, left out).

    Read all at once when every position is a [lon, lat] pair (one numpy call for all routes),
    else part by part; parts of fewer than two vertices may be left out of the array. Parts read
    one by one are put together only when asked, after every route is known to be drawable, as before.
    """
    import numpy as np

    try:
        lengths = list(map(len, parts))
        if set(map(len, chain.from_iterable(parts))) == {2}:
            flat = np.fromiter(chain.from_iterable(chain.from_iterable(parts)), dtype=float, count=2 * sum(lengths))
            return lambda: flat.reshape(-1, 2), np.cumsum(lengths) - lengths, lengths
    except (TypeError, ValueError):
        pass
    arrays = []
    for part in parts:
        try:
            arrays.append(np.asarray(part, dtype=float)[:, :2])
        except (ValueError, IndexError, TypeError):
            arrays.append(None)
    lengths = [-1 if a is None else len(a) for a in arrays]
    kept = [a for a in arrays if a is not None and len(a) >= 2]
    sizes = np.asarray([n if n >= 2 else 0 for n in lengths], dtype=np.int64)
    return lambda: np.vstack(kept) if kept else np.empty((0, 2)), np.cumsum(sizes) - sizes, lengths


def _plan(route: dict, places: _Places, parts: list[int] | None) -> _Plan:
    """How to draw a route: the parts of its line geometry that have a line (their positions in
    `_read_parts`), or arcs between its waypoints when it has no geometry (`parts` None)."""
    p = model.props(route)
    waypoints = model.place_ids(p.get("waypoints"))
    found = [places[w] if isinstance(w, str) else None for w in waypoints]
    known = len(found) >= 2 and all(found)  # (a place is never false, None is)
    rank = model.STATUS_RANK
    status = p.get("status")
    if status not in rank:
        status = "alleged"
    # each leg's own status when it has a known one, else the route's
    count = max(0, len(waypoints) - 1)
    leg_statuses = [status] * count
    leg_paths = ["schematic"] * count  # a leg not given has an unknown mode (see model.legs)
    given = p.get("legs")
    for i, leg in enumerate(given if isinstance(given, list) else ()):
        if i >= count:
            break
        if isinstance(leg, dict):
            if leg.get("status") in rank:
                leg_statuses[i] = leg["status"]
            leg_paths[i] = model.leg_path(leg)

    if parts is not None:
        if not parts:
            raise RoutesError("cannot draw the route: its geometry has no line", route_id=str(route.get("id")),
                              field="geometry")
        return _Plan("drawn", waypoints, status, leg_statuses, leg_paths, parts, found if known else None)

    if not known:
        missing = [str(w) for w, place in zip(waypoints, found) if place is None]
        raise RoutesError(f"cannot draw the route: no coordinates for {noun(len(missing), 'waypoint')} {', '.join(missing) or '(none)'}",
                          route_id=str(route.get("id")), field="properties.waypoints")
    pairs = [((a.lon, a.lat), (b.lon, b.lat)) for a, b in zip(found, found[1:])]
    return _Plan("arcs", waypoints, status, leg_statuses, leg_paths, pairs, found)


def _unwrap(points, vertex_route) -> None:
    """Shift longitudes by 360° where a route crosses the antimeridian, so it does not streak across the map.

    Each route's first point keeps its longitude; every later one is moved next to the one before
    it, across legs and parts, so a route stays one connected line (Leaflet draws longitudes beyond ±180).
    `vertex_route` (ascending) tells the route of each point.
    """
    import numpy as np

    if len(points) < 2:
        return
    jump = np.diff(points[:, 0])
    # Only a jump of more than 180° within a route moves anything; there are few.
    at = np.flatnonzero((np.abs(jump) > 180.0) & (vertex_route[1:] == vertex_route[:-1]))
    step = -360.0 * np.round(jump[at] / 360.0)
    at, step = at[step != 0], step[step != 0]
    if not len(at):
        return
    shift = np.zeros(len(points))
    shift[at + 1] = step
    for r in np.unique(vertex_route[at + 1]).tolist():
        first, end = np.searchsorted(vertex_route, [r, r + 1]).tolist()
        points[first:end, 0] += np.cumsum(shift[first:end])


def _cut_at_waypoints(points, plans: list[_Plan], line_route, line_first, line_last) -> tuple[tuple, list[bool]]:
    """The spans of vertices to draw as legs, (route, first, last) arrays in the order of routes,
    and which routes are split into their legs.

    The lines of the routes (`line_route`, `line_first`, `line_last`) are drawn as they are, but
    each drawn route that is one line is cut into legs at the vertices nearest its inner waypoints.
    A route whose line cannot be cut (parts with gaps, unknown places, waypoints out of order along
    the line) stays as drawn and is marked not split.
    """
    import numpy as np

    line_count = np.bincount(line_route, minlength=len(plans))
    route_line = np.cumsum(line_count) - line_count  # every route has a line
    first_of, last_of = line_first[route_line].tolist(), line_last[route_line].tolist()
    split = [True] * len(plans)
    todo = []  # routes to cut
    for r, (plan, lines) in enumerate(zip(plans, line_count.tolist())):
        if plan.kind != "drawn":
            continue
        if plan.places is None or lines != 1 or last_of[r] - first_of[r] < len(plan.places) - 1:
            split[r] = False
        elif len(plan.places) > 2:
            todo.append(r)
    if not todo:
        return (line_route, line_first, line_last), split

    # One row per (inner waypoint, candidate vertex): every vertex strictly inside the route's line.
    todo_a = np.asarray(todo)
    first, last = line_first[route_line[todo_a]], line_last[route_line[todo_a]]
    inner_count = np.asarray([len(plans[r].places) - 2 for r in todo])
    inner = np.asarray([(place.lon, place.lat) for r in todo for place in plans[r].places[1:-1]], dtype=float)
    count_a = np.repeat(last - first - 1, inner_count)
    group_start = np.cumsum(count_a) - count_a
    vertex = np.repeat(np.repeat(first + 1, inner_count) - group_start, count_a) + np.arange(int(count_a.sum()))
    lon, lat = (np.ascontiguousarray(points[:, i])[vertex] for i in (0, 1))
    gap = (lon - np.repeat(inner[:, 0], count_a) + 180.0) % 360.0 - 180.0
    distance = np.repeat(np.cos(np.radians(inner[:, 1])) ** 2, count_a) * gap ** 2 + (
        lat - np.repeat(inner[:, 1], count_a)) ** 2
    # the nearest vertex of each group: the first place where the distance equals the group's minimum
    smallest = np.minimum.reduceat(distance, group_start)
    hits = np.flatnonzero(distance == np.repeat(smallest, count_a))
    cuts = vertex[hits[np.searchsorted(hits, group_start)]]

    # Waypoints whose nearest vertices are out of order are cut one after the other instead.
    owner = np.repeat(np.arange(len(todo)), inner_count)
    cut = np.ones(len(todo), dtype=bool)
    cut_start = np.cumsum(inner_count) - inner_count
    for t in np.unique(owner[1:][(owner[1:] == owner[:-1]) & (cuts[1:] <= cuts[:-1])]).tolist():
        r = todo[t]
        in_order = _nearest_in_order(points, first_of[r], last_of[r],
                                     [(place.lon, place.lat) for place in plans[r].places[1:-1]])
        if in_order is None:
            split[r] = False
            cut[t] = False
        else:
            cuts[cut_start[t]:cut_start[t] + len(in_order)] = in_order

    # A cut route's legs run from its first vertex through each cut to its last: every leg but
    # its first starts at a cut, every leg but its last ends at one.
    cut_routes, leg_count, cuts = todo_a[cut], inner_count[cut] + 1, cuts[cut[owner]]
    first_leg = np.cumsum(leg_count) - leg_count
    leg_first = np.empty(int(leg_count.sum()), dtype=np.int64)
    leg_last = np.empty_like(leg_first)
    starts_route = np.zeros(len(leg_first), dtype=bool)
    starts_route[first_leg] = True
    ends_route = np.zeros(len(leg_first), dtype=bool)
    ends_route[first_leg + leg_count - 1] = True
    leg_first[starts_route], leg_first[~starts_route] = first[cut], cuts
    leg_last[ends_route], leg_last[~ends_route] = last[cut], cuts

    # The lines of the other routes stay as they are.
    is_cut = np.zeros(len(plans), dtype=bool)
    is_cut[cut_routes] = True
    kept = ~is_cut[line_route]
    span_route = np.concatenate([line_route[kept], np.repeat(cut_routes, leg_count)])
    order = np.argsort(span_route, kind="stable")
    spans = (span_route[order], np.concatenate([line_first[kept], leg_first])[order],
             np.concatenate([line_last[kept], leg_last])[order])
    return spans, split


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


def _legs_of(plans: list[_Plan], split: list[bool], span_count: list[int], coords: list[str]) -> list[list[Leg]]:
    """The legs of every route, from its spans (`span_count` of them, their `coords` one route after the other)."""
    statuses: list[str] = []
    pairs: list[tuple[str, str] | None] = []
    paths: list[str] = []
    for plan, whole, n in zip(plans, split, span_count):
        waypoints = plan.waypoints
        if whole and n == len(waypoints) - 1:
            statuses += plan.leg_statuses
            pairs += zip(waypoints, waypoints[1:])
            paths += plan.leg_paths
        else:
            statuses += [model.weakest_status(plan.leg_statuses, plan.status)] * n
            pairs += [None] * n
            paths += [model.weakest_path(plan.leg_paths)] * n
    legs = iter(map(Leg, statuses, pairs, coords, _corridor_offsets(pairs), paths))
    return [list(islice(legs, n)) for n in span_count]


weakest_path = model.weakest_path  # (the one rule, in routes.model)


def _simplified(points, first, last, route_starts, tolerance: float) -> tuple[list[str], list[list[float]]]:
    """Every span of vertices (`first` to `last`, arrays) as a simplified, delta-encoded line (see
    `Leg`), and the bounds of them all.

    `route_starts` tells which spans are the first leg of a route (their deltas start from 0, 0).
    """
    import numpy as np
    import shapely

    count = last - first + 1
    index = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(count.sum())
    lines = shapely.linestrings(np.take(points, index, axis=0), indices=np.repeat(np.arange(len(first)), count))
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
    ends = np.cumsum(np.bincount(owner, minlength=len(first)))
    starts = ends - np.bincount(owner, minlength=len(first))
    begin = starts[np.asarray(route_starts, dtype=bool)]
    steps[begin] = whole[begin]
    text, offsets = polyline_text(steps.ravel())
    at = offsets[2 * starts].tolist(), offsets[2 * ends].tolist()
    coords = [text[a:b] for a, b in zip(*at)]
    return coords, [[south, west], [north, east]]


def _corridor_offsets(pairs: list[tuple[str, str] | None]) -> list[float]:
    """The sideways offset in pixels of every leg (given by its pair of places, or None), so routes
    that share a leg (same two places) stay apart.

    Routes on one corridor are spread symmetrically around it, in the order of the data; the sign
    is taken against one fixed direction of the corridor, so routes going opposite ways spread too.
    """
    import numpy as np

    offsets = [0.0] * len(pairs)
    shared = [i for i, pair in enumerate(pairs) if pair and pair[0] != pair[1]]
    if not shared:
        return offsets
    # Places as numbers in the order of their ids, so a corridor is (smaller, larger) either way.
    ends = [pairs[i][0] for i in shared], [pairs[i][1] for i in shared]
    number = {place_id: n for n, place_id in enumerate(sorted(set(ends[0]) | set(ends[1])))}
    a, b = (np.fromiter(map(number.__getitem__, e), dtype=np.int64, count=len(shared)) for e in ends)
    _, corridor, size = np.unique(np.minimum(a, b) * len(number) + np.maximum(a, b),
                                  return_inverse=True, return_counts=True)
    # each leg's place among the legs of its corridor, in the order of the data
    order = np.argsort(corridor, kind="stable")
    place = np.empty(len(shared), dtype=np.int64)
    place[order] = np.arange(len(shared)) - (np.cumsum(size) - size)[corridor[order]]
    for i, n, k, forward in zip(shared, size[corridor].tolist(), place.tolist(), (a < b).tolist()):
        if n > 1:
            offsets[i] = _offset(n, k, forward)
    return offsets


@cache
def _offset(n: int, k: int, forward: bool) -> float:
    """The offset of the k-th of n legs on one corridor, going its way (`forward`) or the other."""
    spacing = min(CORRIDOR_SPACING_PX, CORRIDOR_MAX_SPREAD_PX / (n - 1))
    offset = round((1.0 if forward else -1.0) * (k - (n - 1) / 2) * spacing, 2)
    return int(offset) if offset.is_integer() else offset  # "3", not "3.0", in the page
