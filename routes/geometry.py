"""Route geometry: the lines drawn for a route, great-circle arcs between waypoints."""

from __future__ import annotations

import math

from .gazetteer import Gazetteer

ARC_STEP_KM = 100.0
EARTH_RADIUS_KM = 6371.0088


def great_circle(a: tuple[float, float], b: tuple[float, float], step_km: float = ARC_STEP_KM) -> list[list[float]]:
    """Points [lon, lat] along the great circle from a to b, about every `step_km`, ends included."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    d = 2 * math.asin(math.sqrt(math.sin((lat2 - lat1) / 2) ** 2
                                + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2))
    steps = max(1, int(d * EARTH_RADIUS_KM / step_km))
    if d == 0:
        return [[a[0], a[1]], [b[0], b[1]]]
    points = []
    for i in range(steps + 1):
        f = i / steps
        s1, s2 = math.sin((1 - f) * d) / math.sin(d), math.sin(f * d) / math.sin(d)
        x = s1 * math.cos(lat1) * math.cos(lon1) + s2 * math.cos(lat2) * math.cos(lon2)
        y = s1 * math.cos(lat1) * math.sin(lon1) + s2 * math.cos(lat2) * math.sin(lon2)
        z = s1 * math.sin(lat1) + s2 * math.sin(lat2)
        points.append([round(math.degrees(math.atan2(y, x)), 5), round(math.degrees(math.atan2(z, math.hypot(x, y))), 5)])
    points[0], points[-1] = [a[0], a[1]], [b[0], b[1]]
    return points


def route_lines(route: dict, places: Gazetteer) -> list[list[list[float]]]:
    """The lines to draw for a route: its own geometry, or great-circle legs between its waypoints when null.

    Always a list of lines (a LineString gives one) of [lon, lat] positions.
    """
    geometry = route.get("geometry")
    if isinstance(geometry, dict):
        if geometry.get("type") == "LineString":
            return [geometry["coordinates"]]
        if geometry.get("type") == "MultiLineString":
            return list(geometry["coordinates"])
    points = [places.get(w) for w in (route.get("properties") or {}).get("waypoints") or []]
    line: list[list[float]] = []
    for a, b in zip(points, points[1:]):
        if a is None or b is None:
            continue
        arc = great_circle((a.lon, a.lat), (b.lon, b.lat))
        line.extend(arc if not line else arc[1:])
    return [line] if line else []
