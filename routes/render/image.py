"""Static maps (PNG and SVG) drawn with matplotlib, without a browser: for PDFs, print and reports.

The same visual language as the interactive map (routes.style): colour by weapon category or, for
payment, training and technology routes, by what moved; dash pattern by evidence status; each leg
as faint as the sources leave its path (a schematic line only joins the places); an arrowhead at
the middle of each leg, filled only where a delivery is reported; a halo and "?" for disputed
routes, "X" where a shipment was stopped; a dot for a place the sources name, a ring for an area
or country, a dashed ring labelled "≈ Iran" for a stand-in. The legend says all of this in words.
The same data always gives the same bytes, so images can be kept under version control.
"""

from __future__ import annotations

import io
import json
import math
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import model, paths, style
from ..dataset import Dataset, write_atomic
from ..errors import UsageError
from ..flows import FLOW_ARC_STEP, FLOW_BOW, FLOW_BOW_MAX
from ..geometry import route_lines, unwrap
from ..text import plural

IMAGE_FORMATS = (".png", ".svg")
DEFAULT_WIDTH = 2000
DEFAULT_DPI = 200
WIDTH_RANGE = (400, 16000)
DPI_RANGE = (50, 1200)
DEFAULT_TITLE = "Arms-transfer routes"
# Above this many distinct waypoints, places are dotted but not named (names would pile up).
MAX_PLACE_LABELS = 30
_SAME_LABEL_PT = 40.0  # a label already written this close (points on a 10-inch-wide image) is not repeated

_BASE_LINE_PT = 1.6  # line width in points on a 10-inch-wide image
_RC = {
    "svg.fonttype": "none",  # text stays text in the SVG: searchable, selectable, testable
    "svg.hashsalt": "arms-routes",  # stable ids, so the same data gives the same file
    "text.parse_math": False,  # a "$" in a route name is a dollar sign, not TeX
    "lines.scale_dashes": False,
    "font.family": "DejaVu Sans",
    "path.simplify": True,
}


def render_image(
    dataset: Dataset,
    output: Path,
    *,
    title: str | None = None,
    filters=None,
    width: int = DEFAULT_WIDTH,
    dpi: int = DEFAULT_DPI,
    basemap: Path | None = None,
    flows=None,
) -> Path:
    """Draw the routes of a selection as a static map, PNG or SVG by the suffix of `output`.

    `width` is in pixels (the SVG is as wide as that PNG would be at `dpi`); the height follows the
    routes' extent. `filters` (a routes.select.Filters) is described under the title. `basemap` is a
    GeoJSON file of country shapes (default: the bundled Natural Earth countries; none when missing).
    `flows` (routes.flows.FlowOptions, or True, False, None: `FlowOptions.of`) says whether and how the
    deals of a dataset source are summed into flows, one line per supplier → recipient pair, its width
    by volume; curated routes are always drawn one by one, on top.
    """
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise UsageError(f"cannot draw an image as {output.name!r}: the file name must end in "
                         f"{' or '.join(IMAGE_FORMATS)}")
    write_atomic(output, image_bytes(dataset, suffix[1:], title=title, filters=filters, width=width, dpi=dpi,
                                     basemap=basemap, flows=flows))
    return output


def image_bytes(
    dataset: Dataset,
    fmt: str = "png",
    *,
    title: str | None = None,
    filters=None,
    width: int = DEFAULT_WIDTH,
    dpi: int = DEFAULT_DPI,
    basemap: Path | None = None,
    flows=None,
) -> bytes:
    """The map as PNG or SVG bytes (see `render_image`)."""
    import matplotlib

    from ..flows import FlowOptions

    if fmt not in ("png", "svg"):
        raise UsageError(f"unknown image format {fmt!r}; use png or svg")
    _check_range("--width", width, WIDTH_RANGE, "pixels")
    _check_range("--dpi", dpi, DPI_RANGE, "dots per inch")
    from ..select import selection

    options = FlowOptions.of(flows)
    dataset = selection(dataset, filters)
    with matplotlib.rc_context(_RC):
        figure = _draw(dataset, title or DEFAULT_TITLE, dataset.filters, width, dpi,
                       paths.bundled_countries() if basemap is None else Path(basemap), options)
        buffer = io.BytesIO()
        metadata = {"Software": None} if fmt == "png" else {"Date": None}
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def _check_range(option: str, value: int, bounds: tuple[int, int], unit: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise UsageError(f"{option} {value} is out of range; give {low} to {high} {unit}")


# -- what to draw ----------------------------------------------------------------------------------
@dataclass
class _Piece:
    """A stretch of one leg's line, with how it is drawn: its evidence status and how much of the path
    the sources give (model.PATHS)."""

    line: list[tuple[float, float]]
    colour: str
    status: str
    path: str


@dataclass
class _Arrow:
    x: float
    y: float
    dx: float
    dy: float
    colour: str
    filled: bool
    path: str


@dataclass
class _Route:
    id: str
    colour: str
    group: str  # what it is coloured by: a weapon category, or a kind (style.colour_group)
    disputed: bool
    lines: list[list[tuple[float, float]]]
    pieces: list[_Piece] = field(default_factory=list)
    arrows: list[_Arrow] = field(default_factory=list)
    middle: tuple[float, float] | None = None
    interdicted: tuple[float, float] | None = None
    stopped_at: model.Waypoint | None = None


def _prepare(dataset: Dataset, filters=None) -> list[_Route]:
    from .. import select

    matched_weapons, matched_categories = select.matched_weapons(dataset, filters)
    prepared = []
    for route in dataset.routes:
        lines, previous = [], None
        for line in route_lines(route, dataset.places):
            if len(line) >= 2:
                lines.append([(float(x), float(y)) for x, y, *_ in unwrap(line, previous)])
                previous = lines[-1][-1][0]
        p = model.props(route)
        stops = model.waypoints(route, dataset.places)
        interdicted = p.get("interdicted") if isinstance(p.get("interdicted"), dict) else {}
        stopped_at = model.waypoint(interdicted, dataset.places) if interdicted else None
        group = style.colour_group(route, dataset.weapons, matched_weapons, matched_categories)
        drawn = _Route(
            id=str(route.get("id")), colour=style.group_colour(group), group=group,
            disputed=model.is_disputed(route), lines=lines, stopped_at=stopped_at,
            interdicted=_near(lines, (stopped_at.lon, stopped_at.lat)) if stopped_at else None,
        )
        status = p.get("status") if p.get("status") in style.STATUS_DASH else "alleged"
        legs = model.legs(route)
        known = [(w.lon, w.lat) for w in stops if w is not None] if None not in stops else []
        spans, drawn.middle = _legs(lines, known)
        filled = style.arrow_filled(route)
        weakest = model.weakest_path(model.leg_path(leg) for leg in legs)
        weakest_status = model.weakest_status(model.leg_statuses(route), status)
        for leg_index, piece_lines, arrow in spans:
            leg = legs[leg_index] if leg_index is not None and leg_index < len(legs) else None
            leg_status = (leg.get("status") if leg.get("status") in style.STATUS_DASH else status) if leg else weakest_status
            path = model.leg_path(leg) if leg is not None else weakest
            drawn.pieces += [_Piece(line, drawn.colour, leg_status, path) for line in piece_lines]
            if arrow:
                drawn.arrows.append(_Arrow(*arrow, colour=drawn.colour, filled=filled, path=path))
        prepared.append(drawn)
    return prepared


def _near(lines, point: tuple[float, float]) -> tuple[float, float]:
    """A point shifted by whole turns of longitude to lie beside the drawn lines."""
    if not lines:
        return point
    lons = [x for line in lines for x, _ in line]
    centre = (min(lons) + max(lons)) / 2
    lon = point[0] + 360 * round((centre - point[0]) / 360)
    return lon, point[1]


def _legs(lines, stops):
    """The route's lines cut into legs, and a point 30% along the whole route (for the disputed mark).

    Each leg is (leg index, its lines, its arrow (x, y, dx, dy) at its middle or None). A leg runs
    between the line points nearest to two consecutive waypoints; without waypoints on the line (or
    when they cannot be found on it), each line counts as a leg of unknown index (None).
    """
    import numpy

    points = numpy.array([pt for line in lines for pt in line], dtype=float).reshape(-1, 2)
    if len(points) < 2:
        return [], None
    steps = numpy.diff(points, axis=0)
    lengths = numpy.hypot(steps[:, 0], steps[:, 1])
    ends = numpy.cumsum([len(line) for line in lines])[:-1]
    lengths[ends - 1] = 0.0  # no length between two separate lines
    lengths[numpy.abs(steps[:, 0]) > 180] = 0.0
    along = numpy.concatenate(([0.0], numpy.cumsum(lengths)))
    spans = []
    if len(stops) >= 2:
        index, marks = 0, []
        for stop in stops:
            x, y = _near(lines, stop)
            rest = points[index:]
            index += int(numpy.argmin((rest[:, 0] - x) ** 2 + (rest[:, 1] - y) ** 2))
            marks.append(index)
        spans = [(i, a, b) for i, (a, b) in enumerate(zip(marks, marks[1:])) if b > a]
    if not spans:
        starts = numpy.concatenate(([0], ends))
        spans = [(None, int(a), int(a) + len(line) - 1) for a, line in zip(starts, lines)]
    cuts = [0, *(int(e) for e in ends), len(points)]
    legs = []
    for leg_index, first, last in spans:
        # a leg's stretch of vertices, cut where one of the route's lines ends and the next begins
        bounds = [first] + [c for c in cuts if first < c <= last] + [last + 1]
        pieces = [[(float(x), float(y)) for x, y in points[a:b]] for a, b in zip(bounds, bounds[1:]) if b - a >= 2]
        legs.append((leg_index, pieces, _point_along(points, steps, lengths, along, first, last)))
    whole = _point_along(points, steps, lengths, along, 0, len(points) - 1, at=0.3)
    return legs, (whole[0], whole[1]) if whole else None


def _point_along(points, steps, lengths, along, first: int, last: int, at: float = 0.5):
    """The point `at` (a fraction) of the way along points[first..last] and the direction there (in map units)."""
    import numpy

    total = along[last] - along[first]
    if total <= 0:
        return None
    target = along[first] + total * at
    segment = int(numpy.searchsorted(along, target, side="left")) - 1
    segment = min(max(segment, first), last - 1)
    while lengths[segment] == 0 and segment < last - 1:
        segment += 1
    if lengths[segment] == 0:
        return None
    t = min(max((target - along[segment]) / lengths[segment], 0.0), 1.0)
    (x, y), (dx, dy) = points[segment], steps[segment]
    return float(x + t * dx), float(y + t * dy), float(dx), float(dy)


def _extent(routes: list[_Route], lines=()) -> tuple[float, float, float, float]:
    xs = [x for r in routes for line in r.lines for x, _ in line] + [x for line in lines for x, _ in line]
    ys = [y for r in routes for line in r.lines for _, y in line] + [y for line in lines for _, y in line]
    for r in routes:
        if r.interdicted:
            xs.append(r.interdicted[0])
            ys.append(r.interdicted[1])
    if not xs:
        return -180.0, 180.0, -60.0, 80.0
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pad_x = max((x1 - x0) * 0.08, 2.0)
    pad_y = max((y1 - y0) * 0.08, 2.0)
    return x0 - pad_x, x1 + pad_x, max(y0 - pad_y, -89.0), min(y1 + pad_y, 89.0)


WORLD_SPAN = 300.0  # degrees of longitude from which a map shows the whole world, from -180° to 180°
_WORLD_LOW = 0.38  # the least height/width of a world map (the poles hold no route)


def _frame(routes: list[_Route], flow_lines: list[_FlowLine]):
    """The extent to draw, its scale and its height/width (`_fit`). Lines spread over more than
    WORLD_SPAN degrees (unwrapped, a world of deals spans more than one turn) are drawn on one world
    from -180° to 180°: each route and flow moved by whole turns to lie in it, and a line that crosses
    its edge drawn again from the other edge."""
    extent = _extent(routes, [f.line for f in flow_lines])
    if extent[1] - extent[0] <= WORLD_SPAN:
        return _fit(extent)
    for r in routes:
        _into_world(r)
    for f in flow_lines:
        f.line = _shifted_line(f.line, _turns(f.line))
        f.copies = _edge_copies(f.line)
    _, _, y0, y1 = _extent(routes, [f.line for f in flow_lines])
    return _fit((-180.0, 180.0, y0, y1), low=_WORLD_LOW)


def _turns(line) -> float:
    """The whole turns of longitude (in degrees) that bring a line's middle into -180°..180°."""
    lons = [x for x, _ in line]
    return -360.0 * round((min(lons) + max(lons)) / 2 / 360.0) if lons else 0.0


def _shifted_line(line, dx: float) -> list[tuple[float, float]]:
    return [(x + dx, y) for x, y in line] if dx else list(line)


def _edge_copies(line) -> list[list[tuple[float, float]]]:
    """The line again one turn to the west or east where it runs past 180° or -180°."""
    lons = [x for x, _ in line]
    if not lons:
        return []
    return [_shifted_line(line, dx) for dx, past in ((-360.0, max(lons) > 180.0), (360.0, min(lons) < -180.0))
            if past]


def _into_world(r: _Route) -> None:
    """Move a route by whole turns into -180°..180°, and draw again the pieces that run past an edge."""
    dx = _turns([pt for line in r.lines for pt in line])
    if dx:
        r.lines = [_shifted_line(line, dx) for line in r.lines]
        for piece in r.pieces:
            piece.line = _shifted_line(piece.line, dx)
        for arrow in r.arrows:
            arrow.x += dx
        r.middle = (r.middle[0] + dx, r.middle[1]) if r.middle else None
        r.interdicted = (r.interdicted[0] + dx, r.interdicted[1]) if r.interdicted else None
    r.pieces += [_Piece(copy, piece.colour, piece.status, piece.path)
                 for piece in list(r.pieces) for copy in _edge_copies(piece.line)]


def _fit(extent, low=0.5, high=0.85):
    """Widen the extent so the map's height/width stays between low and high (no stretching), and
    never past a pole."""
    x0, x1, y0, y1 = extent
    k = 1 / math.cos(math.radians(max(-70.0, min(70.0, (y0 + y1) / 2))))
    ratio = (y1 - y0) * k / (x1 - x0)
    if ratio < low:
        grow = ((x1 - x0) * low / k - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
        past = max(y1 - 90.0, 0.0) - max(-90.0 - y0, 0.0)
        y0, y1 = y0 - past, y1 - past
    elif ratio > high:
        grow = ((y1 - y0) * k / high - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    return (x0, x1, y0, y1), k, max(low, min(high, ratio))


# -- documented trade as flows (routes.flows) ----------------------------------------------------------
@dataclass
class _FlowLine:
    """A flow as drawn: an arc from its supplier's point to its recipient's, bowed to its right."""

    flow: object  # the routes.flows.Flow
    line: list[tuple[float, float]]
    width: float  # in pixels of the interactive map (flows.Scale.width), drawn here in proportion (`_flow_pt`)
    ends: tuple  # the supplier's and the recipient's model.Waypoint
    copies: list = field(default_factory=list)  # the line again from the other edge of a world map




def _prepare_flows(summed: list, places, scale, measure: str) -> list[_FlowLine]:
    """The flows' lines, in the order given (the widest first, so that it lies underneath).

    A flow is no path anyone reported: it only says who supplied whom, so it is drawn as a plain arc
    between the two points (the shorter way round in longitude), bowed to its right as flow maps draw
    them, so that the two flows of a pair that trades both ways lie apart and a flow is told from a
    route, which follows its great circle or sea lane."""
    drawn = []
    for flow in summed:
        ends = model.waypoint(flow.origin, places), model.waypoint(flow.destination, places)
        if None in ends:
            continue
        drawn.append(_FlowLine(flow, _bowed(ends[0], ends[1]), scale.width(flow.total(measure)), ends))
    return drawn


def _bowed(a, b) -> list[tuple[float, float]]:
    """An arc from a to b (model.Waypoints) in the map's plane, bowed to its right (`FLOW_BOW`)."""
    x0, y0 = a.lon, a.lat
    x1 = b.lon + 360.0 * round((a.lon - b.lon) / 360.0)  # (the shorter way round)
    y1 = b.lat
    dx, dy = x1 - x0, y1 - y0
    bow = min(FLOW_BOW, FLOW_BOW_MAX / max(math.hypot(dx, dy), 1e-9))
    # the control point of a quadratic Bézier curve, whose middle then lies `bow` of the length to the right
    cx, cy = (x0 + x1) / 2 + dy * bow * 2, (y0 + y1) / 2 - dx * bow * 2
    count = min(33, max(5, round(math.hypot(dx, dy) / FLOW_ARC_STEP) + 1))
    points = []
    for i in range(count):
        t = i / (count - 1)
        u = 1 - t
        points.append((u * u * x0 + 2 * u * t * cx + t * t * x1, u * u * y0 + 2 * u * t * cy + t * t * y1))
    return points


def _flow_pt(width_px: float) -> float:
    """A flow's width in points on a 10-inch-wide image: the interactive map's pixels in the proportion
    of the image's lines to the map's (`_BASE_LINE_PT` to `style.LINE_WIDTH`)."""
    return width_px * _BASE_LINE_PT / style.LINE_WIDTH


def _flow_ends(flow_lines: list[_FlowLine]) -> list[tuple[float, float, str, str]]:
    """The supplier's and recipient's point of every flow, once each, as `_draw_places` takes them."""
    seen: dict[tuple, tuple[float, float, str, str]] = {}
    for f in flow_lines:
        for w, (x, y) in zip(f.ends, (f.line[0], f.line[-1])):
            seen.setdefault((w.place_id, round(x, 3)), (x, y, "flow-end", w.label))
    return list(seen.values())


# -- drawing -------------------------------------------------------------------------------------------
_INK = "#444444"  # the neutral colour of legend samples (patterns, paths, arrows)
_PLACE_INK = "#333333"
_FONT = {"title": 15, "selection": 10, "legend": 9.5, "legend_title": 10, "place": 8, "credit": 7}


def _draw(dataset: Dataset, title: str, filters, width: int, dpi: int, basemap: Path, options=None):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .. import flows as flow_rules
    from ..select import undated

    options = flow_rules.FlowOptions.of(options)
    one_by_one, deals = flow_rules.split(dataset, options.enabled)
    shown = dataset.with_routes(one_by_one) if deals else dataset  # (the routes drawn one by one)
    summed = flow_rules.by_volume(flow_rules.aggregate(deals), options.measure)
    scale = options.scale(summed)
    routes = _prepare(shown, filters)
    flow_lines = _prepare_flows(summed, dataset.places, scale, options.measure)
    extent, k, ratio = _frame(routes, flow_lines)
    fig_w = width / dpi
    s = fig_w / 10  # everything is sized for a 10-inch-wide page and scaled from there
    margin, credit = 0.3 * s, 0.3 * s
    map_w = fig_w - 2 * margin
    described = dataset.description
    disputed = sum(r.disputed for r in routes)
    count = plural(len(routes), "route") + (f", {disputed} disputed" if disputed else "")
    if summed:
        count = (f"{plural(sum(len(f.deals) for f in summed), 'documented deal')} summed in "
                 f"{plural(len(summed), 'flow')}" + (f" · {plural(len(routes), 'route')} drawn one by one"
                                                     + (f" ({disputed} disputed)" if disputed else "") if routes else ""))
    title_lines = textwrap.wrap(title, 75, break_on_hyphens=False) or [""]
    selection_lines = textwrap.wrap(f"Selection: {described} · {count}", 112, break_on_hyphens=False)
    unknown = undated(dataset, filters)
    if unknown:
        selection_lines += textwrap.wrap(
            f"The time filter let through {plural(unknown, 'route')} of unknown date "
            "(a period it cannot test counts as open).", 112, break_on_hyphens=False)
    if dataset.unplaced:
        selection_lines += textwrap.wrap(
            f"{plural(len(dataset.unplaced), 'deal')} could not be placed (the supplier or recipient has no place: "
            "an unknown supplier, a multinational organisation); see the report.", 112, break_on_hyphens=False)
    line_pt = _BASE_LINE_PT * s
    bands = _legend_bands(routes, shown, filters, map_w * 72 / s,
                          _flow_band(summed, scale, map_w * 72 / s, bool(routes)) if summed else None)
    legend_h = (_legend_height(bands) + 14) / 72 * s
    header = (0.32 + 0.28 * len(title_lines) + 0.2 * len(selection_lines)) * s
    map_h = map_w * ratio
    fig_h = header + map_h + legend_h + credit
    figure = Figure(figsize=(fig_w, fig_h), dpi=dpi, facecolor="white")
    FigureCanvasAgg(figure)
    ax = figure.add_axes((margin / fig_w, (legend_h + credit) / fig_h, map_w / fig_w, map_h / fig_h))
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_facecolor("#f3f7fa")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#999999")
        spine.set_linewidth(0.6 * s)

    _draw_basemap(ax, basemap, extent, s)
    _draw_flows(ax, flow_lines, s, line_pt)
    _draw_routes(ax, routes, line_pt)
    _draw_places(ax, shown, routes, s, line_pt, _flow_ends(flow_lines))

    baseline = 0.0  # inches below the top of the figure
    for i, line in enumerate(title_lines):
        baseline += (0.32 if i == 0 else 0.28) * s
        figure.text(margin / fig_w, 1 - baseline / fig_h, line, fontsize=_FONT["title"] * s, fontweight="bold",
                    va="baseline")
    baseline += 0.08 * s
    for line in selection_lines:
        baseline += 0.2 * s
        figure.text(margin / fig_w, 1 - baseline / fig_h, line, fontsize=_FONT["selection"] * s, color="#333333",
                    va="baseline")
    legend = figure.add_axes((margin / fig_w, credit / fig_h, map_w / fig_w, legend_h / fig_h))
    _draw_legend(legend, bands, s, line_pt)
    from .. import __version__

    figure.text(margin / fig_w, 0.35 * credit / fig_h, f"{style.CREDIT} Drawn by arms-routes {__version__}.",
                fontsize=_FONT["credit"] * s, color="#666666", gid="credit")
    return figure


def _groups(routes: list[_Route]) -> tuple[list[str], list[str]]:
    """The weapon categories and the kinds the routes are coloured by, in the legend's order."""
    present = {r.group for r in routes}
    kinds = [kind for kind in style.KIND_COLOURS if kind in present]
    present -= set(kinds)
    known = [c for c in style.CATEGORY_COLOURS if c in present]
    return known + sorted(present - set(known)), kinds


def _draw_basemap(ax, basemap: Path, extent, s: float) -> None:
    from matplotlib.collections import PathCollection

    shapes = _countries(str(basemap)) if basemap.is_file() else ()
    x0, x1, y0, y1 = extent
    shifts = [shift for shift in (-360.0, 0.0, 360.0) if x0 < 180 + shift and x1 > -180 + shift]
    chosen = []
    for shift in shifts:
        for (bx0, by0, bx1, by1), path in shapes:
            if bx1 + shift >= x0 and bx0 + shift <= x1 and by1 >= y0 and by0 <= y1:
                chosen.append(path if shift == 0 else _shifted(path, shift))
    if chosen:
        countries = PathCollection(chosen, facecolor="#e3e3e3", edgecolor="#ffffff", linewidth=0.5 * s, zorder=1)
        countries.set_gid("basemap")
        ax.add_collection(countries)


def _shifted(path, shift: float):
    from matplotlib.path import Path as MplPath

    vertices = path.vertices.copy()
    vertices[:, 0] += shift
    return MplPath(vertices, path.codes)


@lru_cache(maxsize=4)
def _countries(basemap: str) -> tuple:
    """Country outlines as (bbox, matplotlib Path) pairs; an unreadable file gives none (the map is drawn without)."""
    from matplotlib.path import Path as MplPath

    try:
        doc = json.loads(Path(basemap).read_text(encoding="utf-8"))
        features = doc["features"]
    except (OSError, ValueError, KeyError, TypeError):
        return ()
    shapes = []
    for feature in features:
        geometry = (feature or {}).get("geometry") or {}
        polygons = [geometry.get("coordinates")] if geometry.get("type") == "Polygon" else \
            geometry.get("coordinates") if geometry.get("type") == "MultiPolygon" else []
        for polygon in polygons or []:
            vertices, codes = [], []
            for ring in polygon or []:
                if len(ring) < 3:
                    continue
                vertices.extend((float(x), float(y)) for x, y, *_ in ring)
                codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY])
            if vertices:
                xs, ys = [v[0] for v in vertices], [v[1] for v in vertices]
                shapes.append(((min(xs), min(ys), max(xs), max(ys)), MplPath(vertices, codes)))
    return tuple(shapes)


def _dashes(status: str, line_pt: float):
    dash = style.status_dash(status)
    if dash is None:
        return "solid"
    scale = line_pt / style.LINE_WIDTH  # keep the interactive map's dash-to-width proportions
    return 0, tuple(float(v) * scale for v in dash.replace(",", " ").split())




def _line_width(path: str, line_pt: float) -> float:
    """A leg's width: the interactive map's, in points (a documented path is drawn wider)."""
    return line_pt + style.PATH_EXTRA_WIDTH.get(path, 0.0) * line_pt / style.LINE_WIDTH


def _draw_routes(ax, routes: list[_Route], line_pt: float) -> None:
    from matplotlib.collections import LineCollection

    # the disputed halo fades with its leg (style.halo_opacity): never louder than the line it marks
    halos: dict[str, list] = {}
    for r in routes:
        if r.disputed:
            for piece in r.pieces:
                halos.setdefault(piece.path, []).append(piece.line)
    for path in sorted(halos, key=lambda p: -model.PATHS.index(p)):
        halo = LineCollection(halos[path], colors=style.DISPUTED_COLOUR, linewidths=line_pt * 3.2,
                              alpha=style.halo_opacity(path), capstyle="round", joinstyle="round", zorder=3)
        halo.set_gid("disputed" if len(halos) == 1 else f"disputed-{path}")
        ax.add_collection(halo)
    # one collection per status and path (weakest first, so stronger lines lie on top); colours per line
    groups: dict[tuple[str, str], list[_Piece]] = {}
    for r in routes:
        for piece in r.pieces:
            groups.setdefault((piece.status, piece.path), []).append(piece)
    order = sorted(groups, key=lambda key: (model.STATUS_RANK.get(key[0], 0), -model.PATHS.index(key[1])))
    for status, path in order:
        pieces = groups[(status, path)]
        collection = LineCollection([p.line for p in pieces], colors=[p.colour for p in pieces],
                                    linewidths=_line_width(path, line_pt), linestyles=[_dashes(status, line_pt)],
                                    alpha=style.PATH_OPACITY[path], capstyle="round", joinstyle="round", zorder=4)
        collection.set_gid(f"routes-{status}-{path}")
        ax.add_collection(collection)
    _draw_arrows(ax, [a for r in routes for a in r.arrows], line_pt)
    disputed = [r.middle for r in routes if r.disputed and r.middle]
    if disputed:
        _disputed_marks(ax, [m[0] for m in disputed], [m[1] for m in disputed], line_pt)
    stops = [r.interdicted for r in routes if r.interdicted]
    if stops:
        marks = ax.scatter([p[0] for p in stops], [p[1] for p in stops], s=(line_pt * 5) ** 2, marker="X",
                           color=style.INTERDICTION_COLOUR, edgecolor="white", linewidths=line_pt * 0.4,
                           zorder=9.5)  # over the symbol of the place where it was stopped
        marks.set_gid("interdictions")


def _per_inch(ax) -> tuple[float, float]:
    """Inches on the page per map unit, across and up."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    return box.width * fig_w / (x1 - x0), box.height * fig_h / (y1 - y0)


_FLOW_HEAD_AT = 0.55  # how far along a flow its arrowhead sits


def _draw_flows(ax, flow_lines: list[_FlowLine], s: float, line_pt: float) -> None:
    """Every flow as one arc as wide as its volume (the widest first, underneath), in the one colour of
    documented trade, with an arrowhead a little wider than the line pointing from the supplier to
    the recipient."""
    from matplotlib.collections import LineCollection

    if not flow_lines:
        return
    per_x, per_y = _per_inch(ax)
    lines, widths, heads = [], [], []
    for f in flow_lines:
        width = _flow_pt(f.width) * s
        lines += [f.line, *f.copies]
        widths += [width] * (1 + len(f.copies))
        head = _along(f.line, _FLOW_HEAD_AT, per_x, per_y)
        if head:
            heads.append((*head, _head_size(width, line_pt)))
    collection = LineCollection(lines, colors=style.FLOW_COLOUR, linewidths=widths, alpha=style.FLOW_OPACITY,
                                capstyle="butt", joinstyle="round", zorder=2)
    collection.set_gid("flows")
    ax.add_collection(collection)
    _flow_heads(ax, heads, line_pt, gid="flow-arrows")


def _head_size(width: float, line_pt: float) -> float:
    """The size (`_arrowhead`'s line width) of a flow's arrowhead: a little wider than the flow, and
    small on a thin one."""
    return max(0.4 * line_pt, width / 3.4)


def _along(line, at: float, per_x: float, per_y: float):
    """The point `at` (a fraction) of the way along a line on the page, and the line's angle there
    (radians, on the page); None for a line of no length."""
    total, lengths = 0.0, []
    for (x0, y0), (x1, y1) in zip(line, line[1:]):
        lengths.append(math.hypot((x1 - x0) * per_x, (y1 - y0) * per_y))
        total += lengths[-1]
    if total <= 0:
        return None
    goal = total * at
    for ((x0, y0), (x1, y1)), length in zip(zip(line, line[1:]), lengths):
        if length > 0 and goal <= length:
            t = goal / length
            return x0 + t * (x1 - x0), y0 + t * (y1 - y0), math.atan2((y1 - y0) * per_y, (x1 - x0) * per_x)
        goal -= length
    (x0, y0), (x1, y1) = line[-2], line[-1]
    return x1, y1, math.atan2((y1 - y0) * per_y, (x1 - x0) * per_x)


def _flow_heads(ax, heads: list[tuple[float, float, float, float]], line_pt: float, gid: str) -> None:
    """Flow arrowheads: (x, y, angle on the page, size) each, `size` the line width `_arrowhead` scales by."""
    from matplotlib.collections import PolyCollection
    from matplotlib.transforms import Affine2D

    if not heads:
        return
    to_points = Affine2D().scale(1 / 72) + ax.figure.dpi_scale_trans
    shapes = [_arrowhead(angle, size) for _, _, angle, size in heads]
    collection = PolyCollection(shapes, offsets=[(x, y) for x, y, _, _ in heads], offset_transform=ax.transData,
                                transform=to_points, facecolors=style.FLOW_INK, edgecolors="none",
                                alpha=0.75, zorder=2.5)
    collection.set_gid(gid)
    ax.add_collection(collection)


def _disputed_marks(ax, xs, ys, line_pt: float, gid: str | None = "disputed-markers") -> None:
    size = (line_pt * 5.5) ** 2
    ring = ax.scatter(xs, ys, s=size, facecolor="white", edgecolor=style.DISPUTED_COLOUR, linewidths=line_pt * 0.7,
                      zorder=6)
    ring.set_gid(gid)
    ax.scatter(xs, ys, s=size * 0.4, marker=_glyph(style.DISPUTED_MARKER), color=style.DISPUTED_COLOUR,
               linewidths=0, zorder=7)


def _arrowhead(angle: float, line_pt: float) -> list[tuple[float, float]]:
    """An arrowhead's outline in points around its middle, pointing at `angle` (radians, on the page)."""
    length, half_width, notch = 6 * line_pt, 2.4 * line_pt, 1.0 * line_pt
    shape = [(length / 2, 0.0), (-length / 2, half_width), (-length / 2 + notch, 0.0), (-length / 2, -half_width)]
    c, s = math.cos(angle), math.sin(angle)
    return [(x * c - y * s, x * s + y * c) for x, y in shape]


def _draw_arrows(ax, arrows: list[_Arrow], line_pt: float, gid: str = "arrows") -> None:
    """Arrowheads at the middle of each leg: filled where a delivery is reported, hollow (white inside,
    outlined in the route's colour) where it is not; as faint as their leg."""
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgba
    from matplotlib.transforms import Affine2D

    if not arrows:
        return
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    per_x, per_y = box.width * fig_w / (x1 - x0), box.height * fig_h / (y1 - y0)  # inches per map unit
    to_points = Affine2D().scale(1 / 72) + ax.figure.dpi_scale_trans
    for filled in (True, False):
        chosen = [a for a in arrows if a.filled == filled]
        if not chosen:
            continue
        shapes = [_arrowhead(math.atan2(a.dy * per_y, a.dx * per_x), line_pt) for a in chosen]
        alphas = [style.PATH_OPACITY.get(a.path, 1.0) for a in chosen]
        colours = [to_rgba(a.colour, alpha) for a, alpha in zip(chosen, alphas)]
        inside = colours if filled else [to_rgba("white", alpha) for alpha in alphas]
        edges = [to_rgba("white", alpha) for alpha in alphas] if filled else colours
        heads = PolyCollection(shapes, offsets=[(a.x, a.y) for a in chosen], offset_transform=ax.transData,
                               transform=to_points, facecolors=inside, edgecolors=edges,
                               linewidths=line_pt * (0.3 if filled else 0.55), joinstyle="miter", zorder=5)
        heads.set_gid(f"{gid}-{'filled' if filled else 'hollow'}")
        ax.add_collection(heads)


def _glyph(text: str):
    """A character as a marker shape, centred (mathtext markers are off: text.parse_math is False)."""
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    path = TextPath((0, 0), text, size=10, prop={"family": "DejaVu Sans", "weight": "bold"})
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    return MplPath(path.vertices - [(x0 + x1) / 2, (y0 + y1) / 2], path.codes)




def _ring_size(line_pt: float) -> float:
    """A ring's marker area in points², as wide as the interactive map's (style.RING_RADIUS at its line width)."""
    return (2 * style.RING_RADIUS * line_pt / style.LINE_WIDTH) ** 2


def _place_symbols(ax, xs, ys, drawn_as: str, s: float, line_pt: float, gid: str | None = None) -> None:
    """A dot for a named site, a ring for an area or country, a dashed ring for a stand-in; a small
    ring for a supplier's or recipient's point of documented trade ("flow-end")."""
    if drawn_as == "flow-end":
        ends = ax.scatter(xs, ys, s=(3.4 * s) ** 2, facecolors="white", edgecolors=style.FLOW_INK,
                          linewidths=0.9 * s, zorder=8)
        ends.set_gid(gid)
        return
    if drawn_as == "site":
        dots = ax.scatter(xs, ys, s=(3.2 * s) ** 2, color=_PLACE_INK, edgecolor="white", linewidths=0.45 * s,
                          zorder=9)
        dots.set_gid(gid)
        return
    size = _ring_size(line_pt)
    # a pale ring under it keeps the ring clear of the lines it sits on
    ax.scatter(xs, ys, s=size, facecolors="none", edgecolors="white", linewidths=2.4 * s, alpha=0.85, zorder=9)
    dash = "solid" if drawn_as == "area" else (0, (2.4 * s, 1.7 * s))
    rings = ax.scatter(xs, ys, s=size, facecolors="none", edgecolors=_PLACE_INK, linewidths=1.0 * s,
                       linestyles=[dash], zorder=9)
    rings.set_gid(gid)


def _draw_places(ax, dataset: Dataset, routes: list[_Route], s: float, line_pt: float, flow_ends=()) -> None:
    """Each waypoint (and interdiction place) as what the sources make of it; a place drawn two ways
    (a stand-in on one route, named on another) gets both symbols and both names. `flow_ends` are the
    points of the flows' suppliers and recipients (`_flow_ends`), named too when there are few places."""
    seen: dict[tuple[str, str, str], tuple[float, float, str, str]] = {}
    for route, drawn in zip(dataset.routes, routes):
        marks = [*model.waypoints(route, dataset.places), drawn.stopped_at]
        for w in marks:
            if w is not None and (w.place_id, w.drawn_as, w.label) not in seen:
                x, y = _near(drawn.lines, (w.lon, w.lat))
                seen[(w.place_id, w.drawn_as, w.label)] = (x, y, w.drawn_as, w.label)
    if not seen and not flow_ends:
        return
    points = [*seen.values(), *flow_ends]
    for drawn_as in ("flow-end", "area", "stand-in", "site"):
        chosen = [p for p in points if p[2] == drawn_as]
        if chosen:
            _place_symbols(ax, [p[0] for p in chosen], [p[1] for p in chosen], drawn_as, s, line_pt,
                           gid=f"places-{drawn_as}")
    if len(points) > MAX_PLACE_LABELS:
        return
    _label_places(ax, points, s, line_pt)


def _label_places(ax, points: list[tuple[float, float, str, str]], s: float, line_pt: float) -> None:
    """Name each place beside its symbol, the names of one point stacked in one block (a stand-in's in
    italics), each block where it covers no other name or symbol and stays on the map if it can."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    to_pt = (box.width * fig_w * 72 / (x1 - x0), box.height * fig_h * 72 / (y1 - y0))
    width, height = box.width * fig_w * 72, box.height * fig_h * 72
    font = _FONT["place"] * s
    line_h = 1.3 * font
    ring = math.sqrt(_ring_size(line_pt)) / 2
    blocks: dict[tuple[float, float], list[tuple[str, str]]] = {}
    named: dict[str, list[tuple[float, float]]] = {}
    for x, y, drawn_as, label in points:
        px, py = (x - x0) * to_pt[0], (y - y0) * to_pt[1]
        # two stand-ins for one country side by side (Nampo and Pyongyang, "≈ North Korea") say it once
        if any(math.hypot(px - qx, py - qy) < _SAME_LABEL_PT * s for qx, qy in named.get(label, ())):
            continue
        named.setdefault(label, []).append((px, py))
        blocks.setdefault((x, y), []).append((label, drawn_as))
    # the symbols are there before any name: a name does not cover another place
    placed = [((x - x0) * to_pt[0] - ring, (y - y0) * to_pt[1] - ring,
               (x - x0) * to_pt[0] + ring, (y - y0) * to_pt[1] + ring) for x, y, _, _ in points]
    # a pale box rather than a path-effect halo: path effects would turn SVG text into outlines
    halo = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
    for (x, y), lines in blocks.items():
        px, py = (x - x0) * to_pt[0], (y - y0) * to_pt[1]
        gap = 3.5 * s if all(d == "site" for _, d in lines) else ring * 0.8
        w = max(_text_width(label, font, italic=d == "stand-in") for label, d in lines) + 2 * 0.12 * font
        h = line_h * len(lines)
        mine = (px - ring, py - ring, px + ring, py + ring)
        best = None
        for dx, dy, ha, va in ((gap, gap, "left", "bottom"), (gap, -gap, "left", "top"),
                               (-gap, gap, "right", "bottom"), (-gap, -gap, "right", "top"),
                               (0, 1.5 * gap, "center", "bottom"), (0, -1.5 * gap, "center", "top")):
            left = px + dx - {"left": 0, "center": w / 2, "right": w}[ha]
            bottom = py + dy if va == "bottom" else py + dy - h
            rect = (left, bottom, left + w, bottom + h)
            covered = sum(max(0.0, min(rect[2], r[2]) - max(rect[0], r[0])) *
                          max(0.0, min(rect[3], r[3]) - max(rect[1], r[1])) for r in placed if r != mine)
            outside = not (0 <= left and left + w <= width and 0 <= bottom and bottom + h <= height)
            # the first place that covers nothing and stays on the map; else the one covering least
            score = (covered > 0, outside, covered)
            if best is None or score < best[0]:
                best = (score, (dx, dy, ha), rect)
        _, (dx, dy, ha), rect = best
        placed.append(rect)
        for i, (label, drawn_as) in enumerate(lines):
            top = rect[3] - py - i * line_h  # this line's top, in points above the place
            ax.annotate(label, (x, y), xytext=(dx, top), textcoords="offset points", fontsize=font, ha=ha, va="top",
                        color="#222222", fontstyle="italic" if drawn_as == "stand-in" else "normal", bbox=halo,
                        zorder=10, annotation_clip=True)


# -- the legend: rows (a sample and its words) in sections, laid out in bands of columns under the map ----
_LEGEND_LINE = 1.25  # line height, in units of the legend font
_LEGEND_ROW_GAP = 3.0  # points between rows
_LEGEND_SECTION_GAP = 9.0
_LEGEND_COLUMNS = 3
_LEGEND_MAX_COLOURS = 30  # rows of the colour key; past that, a line says how many more there are
_LEGEND_COLUMN_GAP = 16.0
_LEGEND_SAMPLE = 30.0  # width of a row's sample, in points
_LEGEND_SAMPLE_GAP = 6.0


@dataclass
class _Row:
    sample: tuple | None  # what is drawn left of the words (see `_draw_sample`); None for a note
    text: str
    lines: list[str] = field(default_factory=list)


@dataclass
class _Section:
    title: str | None
    rows: list[_Row]
    title_lines: list[str] = field(default_factory=list)


@dataclass
class _Band:
    """A stretch of the legend as wide as the map: an optional title, columns of sections, an optional
    note across the whole width."""

    title: str | None
    columns: list[list[_Section]]
    note: _Row | None = None


def _legend_bands(routes: list[_Route], dataset: Dataset, filters, width_pt: float,
                  flow_band: _Band | None = None) -> list[_Band]:
    """What the legend says, wrapped to its columns (sizes in points on a 10-inch-wide image): the
    flows' widths first (`_flow_band`), when there are flows; what the colours of the routes drawn
    one by one mean, across the width; then their status patterns, paths, arrowheads and places."""
    from ..select import matched_weapons
    from .payload import category_label

    column_pt = (width_pt - (_LEGEND_COLUMNS - 1) * _LEGEND_COLUMN_GAP) / _LEGEND_COLUMNS
    bands = [flow_band] if flow_band else []
    categories, kinds = _groups(routes)
    colour = [_Row(("swatch", style.category_colour(c)), category_label(c)) for c in categories]
    colour += [_Row(("swatch", style.KIND_COLOURS[k]), style.KIND_LABELS[k]) for k in kinds]
    if len(colour) > _LEGEND_MAX_COLOURS:  # (the image's size is bounded by what it draws, not by the data)
        rest = len(colour) - _LEGEND_MAX_COLOURS + 1
        colour = colour[:_LEGEND_MAX_COLOURS - 1] + [_Row(None, f"… and {rest:,} more colours, one per category "
                                                                 "(`arms-routes weapons` lists the categories)")]
    if colour:
        for row in colour:
            _wrap(row, column_pt)
        note = None
        if categories:
            # the colour rule without its last clause, which is about the interactive map's category boxes
            rule = style.COLOUR_RULE.split(";")[0].rstrip(".") + "."
            weapons, matched = matched_weapons(dataset, filters)
            if weapons or matched:
                rule += f" This map is made for {dataset.description}."
            note = _wrap(_Row(None, rule), width_pt)
        per_column = math.ceil(len(colour) / _LEGEND_COLUMNS)
        columns = [[_Section(None, colour[i:i + per_column])] for i in range(0, len(colour), per_column)]
        bands.append(_Band("Colour: weapon category" + (", or what moved" if kinds else ""), columns, note))
    status = [_Row(("status", s), style.STATUS_LABELS[s]) for s in style.STATUS_LABELS]
    if any(r.disputed for r in routes):
        status.append(_Row(("disputed",), style.DISPUTED_LABEL))
    if any(r.interdicted for r in routes):
        status.append(_Row(("interdicted",), style.INTERDICTION_LABEL))
    sections = [
        _Section("Evidence status (line pattern)", status),
        _Section("Path (how much of the line the sources give)",
                 [_Row(("path", p), model.PATH_LABELS[p]) for p in model.PATHS]),
        _Section("Arrowheads (the way it moved)",
                 [_Row(("arrow", True), style.ARROW_FILLED_LABEL), _Row(("arrow", False), style.ARROW_HOLLOW_LABEL)]),
        _Section("Places", [_Row(("place", d), style.WAYPOINT_LABELS[d]) for d in ("site", "area", "stand-in")]),
    ]
    for section in sections:
        section.title_lines = _wrapped(section.title, column_pt, _FONT["legend_title"], bold=True)
        for row in section.rows:
            _wrap(row, column_pt)
    if routes or not flow_band:
        bands.append(_Band(None, _balanced(sections, _LEGEND_COLUMNS)))
    return bands


def _flow_band(summed: list, scale, width_pt: float, with_routes: bool) -> _Band:
    """The legend of the flows: how many deals in how many flows, a sample of each reference width
    (`Scale.legend`) with its value and the minimum width, the direction and the countries' points,
    and the scale in words (`Scale.describe`)."""
    from ..flows import MEASURES, MIN_WIDTH

    column_pt = (width_pt - (_LEGEND_COLUMNS - 1) * _LEGEND_COLUMN_GAP) / _LEGEND_COLUMNS
    words, unit = MEASURES[scale.measure]
    widths = [_Row(("flow", _flow_pt(width)), _value_text(value, unit)) for value, width in scale.legend()]
    if scale.measure != "deals":  # (every flow sums one deal or more)
        widths.insert(0, _Row(("flow", _flow_pt(MIN_WIDTH)), "0 or not given"))
    curve = "square-root" if scale.curve == "sqrt" else "logarithmic"
    sections = [
        _Section(f"Width: {words} ({curve} scale{', this map' if scale.auto else ''})", widths),
        _Section("Direction and places", [
            _Row(("flow-arrow",), "direction: from the supplier to the recipient"),
            _Row(("place", "flow-end"), "a supplier's or recipient's country (or the group's), drawn at a "
                                        "representative point"),
        ]),
    ]
    for section in sections:
        section.title_lines = _wrapped(section.title, column_pt, _FONT["legend_title"], bold=True)
        for row in section.rows:
            _wrap(row, column_pt)
            while len(row.lines) * _LEGEND_LINE * _FONT["legend"] < _sample_height(row.sample):
                row.lines.append("")  # (a wide sample takes the room it needs)
    deals = sum(len(f.deals) for f in summed)
    note = scale.describe()[0].upper() + scale.describe()[1:] + "."
    if with_routes:
        note += " Alleged routes are never summed: each is drawn on its own, on top, as the legend below says."
    return _Band(f"Documented trade: {plural(deals, 'deal')} summed in {plural(len(summed), 'flow')}, one per "
                 "supplier → recipient pair", _balanced(sections, _LEGEND_COLUMNS), _wrap(_Row(None, note), width_pt))


def _value_text(value: float, unit: str) -> str:
    """A reference value of the width legend in words: "50,000 million TIV", "1 deal"."""
    text = f"{value:,.0f}" if value >= 10 or float(value).is_integer() else f"{value:,.2g}"
    if value == 1 and unit.endswith("s"):
        unit = unit[:-1]
    return f"{text} {unit}"


def _sample_height(sample) -> float:
    """The room a legend sample needs (points on a 10-inch image): a flow's width and a little."""
    if sample and sample[0] == "flow":
        return sample[1] + 3.0
    return 0.0


def _wrap(row: _Row, width_pt: float) -> _Row:
    room = width_pt - (_LEGEND_SAMPLE + _LEGEND_SAMPLE_GAP if row.sample else 0)
    row.lines = _wrapped(row.text, room, _FONT["legend"], italic=row.sample is None)
    return row


def _wrapped(text: str, width_pt: float, size: float, bold: bool = False, italic: bool = False) -> list[str]:
    """Text broken at spaces into lines at most `width_pt` wide (as measured in DejaVu Sans)."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(joined, size, bold, italic) <= width_pt:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines or [""]


@lru_cache(maxsize=4096)
def _text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(family=_RC["font.family"], size=size, weight="bold" if bold else "normal",
                          style="italic" if italic else "normal")
    return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0]


def _balanced(sections: list[_Section], count: int) -> list[list[_Section]]:
    """The sections shared among at most `count` columns in their order, the tallest as short as can be."""
    from itertools import combinations

    best = [sections]
    for cuts in combinations(range(1, len(sections)), min(count, len(sections)) - 1):
        columns = [sections[a:b] for a, b in zip((0, *cuts), (*cuts, len(sections)))]
        if max(map(_column_height, columns)) < max(map(_column_height, best)):
            best = columns
    return best


def _title_height(lines: int = 1) -> float:
    return lines * _LEGEND_LINE * _FONT["legend_title"] + _LEGEND_ROW_GAP


def _rows_height(rows: list[_Row]) -> float:
    return sum(len(row.lines) * _LEGEND_LINE * _FONT["legend"] + _LEGEND_ROW_GAP for row in rows)


def _column_height(column: list[_Section]) -> float:
    return sum((_title_height(len(s.title_lines)) if s.title else 0) + _rows_height(s.rows) for s in column) \
        + _LEGEND_SECTION_GAP * max(len(column) - 1, 0)


def _band_height(band: _Band) -> float:
    return (_title_height() if band.title else 0) + max(map(_column_height, band.columns), default=0) \
        + (_rows_height([band.note]) if band.note else 0)


def _legend_height(bands: list[_Band]) -> float:
    return sum(map(_band_height, bands)) + _LEGEND_SECTION_GAP * max(len(bands) - 1, 0)


def _draw_legend(ax, bands: list[_Band], s: float, line_pt: float) -> None:
    """The legend in its own axes, whose units are points on a 10-inch-wide image (y downwards)."""
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    width, height = box.width * fig_w * 72 / s, box.height * fig_h * 72 / s
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    ax.set_gid("legend")
    column_pt = (width - (_LEGEND_COLUMNS - 1) * _LEGEND_COLUMN_GAP) / _LEGEND_COLUMNS
    top = 6.0
    for band in bands:
        y = top
        if band.title:
            _legend_title(ax, 0, y, band.title, s)
            y += _title_height()
        for c, column in enumerate(band.columns):
            x, y_column = c * (column_pt + _LEGEND_COLUMN_GAP), y
            for section in column:
                if section.title:
                    for line in section.title_lines:
                        _legend_title(ax, x, y_column, line, s)
                        y_column += _LEGEND_LINE * _FONT["legend_title"]
                    y_column += _LEGEND_ROW_GAP
                y_column = _draw_rows(ax, section.rows, x, y_column, s, line_pt) + _LEGEND_SECTION_GAP
        y += max(map(_column_height, band.columns), default=0)
        if band.note:
            _draw_rows(ax, [band.note], 0, y, s, line_pt)
        top += _band_height(band) + _LEGEND_SECTION_GAP


def _legend_title(ax, x: float, y: float, text: str, s: float) -> None:
    ax.text(x, y, text, fontsize=_FONT["legend_title"] * s, fontweight="bold", va="top", color="#111111")


def _draw_rows(ax, rows: list[_Row], x: float, y: float, s: float, line_pt: float) -> float:
    """Rows from `y` down; returns where the next row would start."""
    line = _LEGEND_LINE * _FONT["legend"]
    for row in rows:
        left = x
        if row.sample:
            _draw_sample(ax, row.sample, x, x + _LEGEND_SAMPLE, y + line / 2, s, line_pt)
            left = x + _LEGEND_SAMPLE + _LEGEND_SAMPLE_GAP
        for i, text in enumerate(row.lines):
            ax.text(left, y + i * line, text, fontsize=_FONT["legend"] * s, va="top",
                    color="#222222" if row.sample else "#555555", fontstyle="normal" if row.sample else "italic")
        y += len(row.lines) * line + _LEGEND_ROW_GAP
    return y


def _draw_sample(ax, sample: tuple, x0: float, x1: float, y: float, s: float, line_pt: float) -> None:
    """A legend row's sample, drawn as the map draws it; the middle line of its first text line is at `y`."""
    what, *args = sample
    middle = (x0 + x1) / 2
    if what == "flow":
        ax.plot([x0, x1], [y, y], color=style.FLOW_COLOUR, alpha=style.FLOW_OPACITY, linewidth=args[0] * s,
                solid_capstyle="butt")
    elif what == "flow-arrow":
        width = _flow_pt(4.0) * s
        ax.plot([x0, x1], [y, y], color=style.FLOW_COLOUR, alpha=style.FLOW_OPACITY, linewidth=width,
                solid_capstyle="butt")
        _flow_heads(ax, [(middle, y, 0.0, _head_size(width, line_pt))], line_pt, gid="legend-flow-arrow")
    elif what == "swatch":
        ax.plot([x0, x1], [y, y], color=args[0], linewidth=line_pt * 1.4, solid_capstyle="butt")
    elif what == "status":
        ax.plot([x0, x1], [y, y], color=_INK, linewidth=line_pt, linestyle=_dashes(args[0], line_pt),
                dash_capstyle="round", solid_capstyle="round")
    elif what == "path":
        ax.plot([x0, x1], [y, y], color=_INK, linewidth=_line_width(args[0], line_pt),
                alpha=style.PATH_OPACITY[args[0]], solid_capstyle="round")
    elif what == "arrow":
        ax.plot([x0, x1], [y, y], color=_INK, linewidth=line_pt, solid_capstyle="round")
        _draw_arrows(ax, [_Arrow(middle, y, 1.0, 0.0, _INK, args[0], "documented")], line_pt, gid="legend-arrow")
    elif what == "place":
        _place_symbols(ax, [middle], [y], args[0], s, line_pt)
    elif what == "disputed":
        ax.plot([x0, x1], [y, y], color=style.DISPUTED_COLOUR, linewidth=line_pt * 3.2, alpha=0.35,
                solid_capstyle="round")
        _disputed_marks(ax, [middle], [y], line_pt, gid=None)
    elif what == "interdicted":
        ax.scatter([middle], [y], s=(line_pt * 5) ** 2, marker="X", color=style.INTERDICTION_COLOUR,
                   edgecolor="white", linewidths=line_pt * 0.4)
