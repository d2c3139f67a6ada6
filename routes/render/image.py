"""Static maps (PNG and SVG) drawn with matplotlib, without a browser: for PDFs, print and reports.

The same visual language as the interactive map (routes.style): colour by weapon category, dash
pattern by evidence status, a halo and "?" for disputed routes, "X" where a shipment was stopped,
an arrow at the middle of each leg pointing the way the goods moved. The same data always gives
the same bytes, so images can be kept under version control.
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
from ..geometry import route_lines, unwrap

IMAGE_FORMATS = (".png", ".svg")
DEFAULT_WIDTH = 2000
DEFAULT_DPI = 200
WIDTH_RANGE = (400, 16000)
DPI_RANGE = (50, 1200)
DEFAULT_TITLE = "Arms-transfer routes"
# Above this many distinct waypoints, places are dotted but not named (names would pile up).
MAX_PLACE_LABELS = 30

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
) -> Path:
    """Draw the routes of a selection as a static map, PNG or SVG by the suffix of `output`.

    `width` is in pixels (the SVG is as wide as that PNG would be at `dpi`); the height follows the
    routes' extent. `filters` (a routes.select.Filters) is described under the title. `basemap` is a
    GeoJSON file of country shapes (default: the bundled Natural Earth countries; none when missing).
    """
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise UsageError(f"cannot draw an image as {output.name!r}: the file name must end in "
                         f"{' or '.join(IMAGE_FORMATS)}")
    write_atomic(output, image_bytes(dataset, suffix[1:], title=title, filters=filters, width=width, dpi=dpi,
                                     basemap=basemap))
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
) -> bytes:
    """The map as PNG or SVG bytes (see `render_image`)."""
    import matplotlib

    if fmt not in ("png", "svg"):
        raise UsageError(f"unknown image format {fmt!r}; use png or svg")
    _check_range("--width", width, WIDTH_RANGE, "pixels")
    _check_range("--dpi", dpi, DPI_RANGE, "dots per inch")
    with matplotlib.rc_context(_RC):
        figure = _draw(dataset, title or DEFAULT_TITLE, filters, width, dpi,
                       paths.bundled_countries() if basemap is None else Path(basemap))
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
class _Route:
    id: str
    colour: str
    category: str
    status: str
    disputed: bool
    lines: list[list[tuple[float, float]]]
    arrows: list[tuple[float, float, float, float]] = field(default_factory=list)
    middle: tuple[float, float] | None = None
    interdicted: tuple[float, float] | None = None


def _prepare(dataset: Dataset) -> list[_Route]:
    prepared = []
    for route in dataset.routes:
        lines, previous = [], None
        for line in route_lines(route, dataset.places):
            if len(line) >= 2:
                lines.append([(float(x), float(y)) for x, y, *_ in unwrap(line, previous)])
                previous = lines[-1][-1][0]
        p = model.props(route)
        waypoints = [dataset.places.get(w) for w in p.get("waypoints") or []]
        stops = [(w.lon, w.lat) for w in waypoints if w is not None]
        interdicted = p.get("interdicted") if isinstance(p.get("interdicted"), dict) else {}
        stop_place = dataset.places.get(interdicted.get("place")) if isinstance(interdicted.get("place"), str) else None
        category = style.route_category(route, dataset.weapons)
        prepared.append(_Route(
            id=str(route.get("id")), colour=style.category_colour(category), category=category,
            status=p.get("status") if p.get("status") in style.STATUS_DASH else "alleged",
            disputed=model.is_disputed(route), lines=lines, arrows=[], middle=None,
            interdicted=_near(lines, (stop_place.lon, stop_place.lat)) if stop_place else None,
        ))
        prepared[-1].arrows, prepared[-1].middle = _legs(lines, stops)
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
    """Arrows (x, y, dx, dy) at the middle of each leg, and a point 30% along the whole route.

    A leg runs between the line points nearest to two consecutive waypoints; without waypoints on the
    line, each line counts as one leg.
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
        spans = [(a, b) for a, b in zip(marks, marks[1:]) if b > a]
    if not spans:
        starts = numpy.concatenate(([0], ends))
        spans = [(int(a), int(a) + len(line) - 1) for a, line in zip(starts, lines)]
    arrows = [a for a in (_point_along(points, steps, lengths, along, a, b) for a, b in spans) if a]
    whole = _point_along(points, steps, lengths, along, 0, len(points) - 1, at=0.3)
    return arrows, (whole[0], whole[1]) if whole else None


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


def _extent(routes: list[_Route]) -> tuple[float, float, float, float]:
    xs = [x for r in routes for line in r.lines for x, _ in line]
    ys = [y for r in routes for line in r.lines for _, y in line]
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


def _fit(extent, low=0.5, high=0.85):
    """Widen the extent so the map's height/width stays between low and high (no stretching)."""
    x0, x1, y0, y1 = extent
    k = 1 / math.cos(math.radians(max(-70.0, min(70.0, (y0 + y1) / 2))))
    ratio = (y1 - y0) * k / (x1 - x0)
    if ratio < low:
        grow = ((x1 - x0) * low / k - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    elif ratio > high:
        grow = ((y1 - y0) * k / high - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    return (x0, x1, y0, y1), k, max(low, min(high, ratio))


# -- drawing -------------------------------------------------------------------------------------------
def _draw(dataset: Dataset, title: str, filters, width: int, dpi: int, basemap: Path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    routes = _prepare(dataset)
    extent, k, ratio = _fit(_extent(routes))
    fig_w = width / dpi
    s = fig_w / 10  # everything is sized for a 10-inch-wide page and scaled from there
    categories = _categories(routes)
    legend_rows = max(math.ceil(len(categories) / 2), 4, 1 + any(r.disputed for r in routes)
                      + any(r.interdicted for r in routes))
    described = filters.describe() if filters is not None else "all routes"
    disputed = sum(r.disputed for r in routes)
    count = f"{len(routes)} route{'s' if len(routes) != 1 else ''}" + (f", {disputed} disputed" if disputed else "")
    title_lines = textwrap.wrap(title, 75, break_on_hyphens=False) or [""]
    selection_lines = textwrap.wrap(f"Selection: {described} · {count}", 125, break_on_hyphens=False)
    margin, credit = 0.3 * s, 0.3 * s
    header = (0.32 + 0.28 * len(title_lines) + 0.18 * len(selection_lines)) * s
    legend_h = (0.19 * legend_rows + 0.3) * s
    map_w = fig_w - 2 * margin
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
    line_pt = _BASE_LINE_PT * s
    _draw_routes(ax, routes, line_pt, k)
    _draw_places(ax, dataset, routes, s)

    baseline = 0.0  # inches below the top of the figure
    for i, line in enumerate(title_lines):
        baseline += (0.32 if i == 0 else 0.28) * s
        figure.text(margin / fig_w, 1 - baseline / fig_h, line, fontsize=15 * s, fontweight="bold", va="baseline")
    baseline += 0.08 * s
    for line in selection_lines:
        baseline += 0.18 * s
        figure.text(margin / fig_w, 1 - baseline / fig_h, line, fontsize=9 * s, color="#333333", va="baseline")
    _draw_legend(figure, routes, categories, line_pt, s, fig_w, fig_h, margin, legend_h, credit)
    from .. import __version__

    figure.text(margin / fig_w, 0.35 * credit / fig_h, f"{style.CREDIT} Drawn by arms-routes {__version__}.",
                fontsize=6.5 * s, color="#666666", gid="credit")
    return figure


def _categories(routes: list[_Route]) -> list[str]:
    present = {r.category for r in routes}
    known = [c for c in style.CATEGORY_COLOURS if c in present]
    return known + sorted(present - set(known))


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


def _draw_routes(ax, routes: list[_Route], line_pt: float, k: float) -> None:
    from matplotlib.collections import LineCollection

    halos = [line for r in routes if r.disputed for line in r.lines]
    if halos:
        halo = LineCollection(halos, colors=style.DISPUTED_COLOUR, linewidths=line_pt * 3.2, alpha=0.35,
                              capstyle="round", joinstyle="round", zorder=3)
        halo.set_gid("disputed")
        ax.add_collection(halo)
    groups: dict[tuple[int, str, str], list] = {}
    for r in routes:
        groups.setdefault((model.STATUS_RANK.get(r.status, 0), r.colour, r.status), []).extend(r.lines)
    for (_, colour, status), lines in sorted(groups.items()):
        collection = LineCollection(lines, colors=colour, linewidths=line_pt, linestyles=[_dashes(status, line_pt)],
                                    capstyle="round", joinstyle="round", zorder=4)
        collection.set_gid(f"routes-{status}")
        ax.add_collection(collection)
    arrows = [(a, r.colour) for r in routes for a in r.arrows]
    if arrows:
        xs = [a[0] for a, _ in arrows]
        ys = [a[1] for a, _ in arrows]
        us, vs = [], []
        for (_, _, dx, dy), _ in arrows:
            length = math.hypot(dx, dy * k) or 1.0
            us.append(dx / length)
            vs.append(dy * k / length)
        shaft = line_pt / 72
        quiver = ax.quiver(xs, ys, us, vs, color=[c for _, c in arrows], angles="uv", pivot="middle",
                           units="inches", scale_units="inches", scale=1 / (shaft * 11), width=shaft,
                           headwidth=4.5, headlength=6, headaxislength=5.5, edgecolor="white",
                           linewidth=0.25 * line_pt, zorder=5)
        quiver.set_gid("arrows")
    disputed = [r.middle for r in routes if r.disputed and r.middle]
    if disputed:
        size = (line_pt * 5.5) ** 2
        ring = ax.scatter([m[0] for m in disputed], [m[1] for m in disputed], s=size, facecolor="white",
                          edgecolor=style.DISPUTED_COLOUR, linewidths=line_pt * 0.7, zorder=6)
        ring.set_gid("disputed-markers")
        ax.scatter([m[0] for m in disputed], [m[1] for m in disputed], s=size * 0.4, marker=_glyph(style.DISPUTED_MARKER),
                   color=style.DISPUTED_COLOUR, linewidths=0, zorder=7)
    stops = [r.interdicted for r in routes if r.interdicted]
    if stops:
        marks = ax.scatter([p[0] for p in stops], [p[1] for p in stops], s=(line_pt * 5) ** 2, marker="X",
                           color=style.INTERDICTION_COLOUR, edgecolor="white", linewidths=line_pt * 0.4, zorder=8)
        marks.set_gid("interdictions")


def _glyph(text: str):
    """A character as a marker shape, centred (mathtext markers are off: text.parse_math is False)."""
    from matplotlib.path import Path as MplPath
    from matplotlib.textpath import TextPath

    path = TextPath((0, 0), text, size=10, prop={"family": "DejaVu Sans", "weight": "bold"})
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    return MplPath(path.vertices - [(x0 + x1) / 2, (y0 + y1) / 2], path.codes)


def _draw_places(ax, dataset: Dataset, routes: list[_Route], s: float) -> None:
    seen: dict[str, tuple[float, float, str]] = {}
    for route, drawn in zip(dataset.routes, routes):
        for place_id in model.props(route).get("waypoints") or []:
            place = dataset.places.get(place_id)
            if place is not None and place_id not in seen:
                x, y = _near(drawn.lines, (place.lon, place.lat))
                seen[place_id] = (x, y, place.name)
    if not seen:
        return
    points = list(seen.values())
    dots = ax.scatter([p[0] for p in points], [p[1] for p in points], s=(2.6 * s) ** 2, color="#333333",
                      edgecolor="white", linewidths=0.4 * s, zorder=9)
    dots.set_gid("places")
    if len(points) > MAX_PLACE_LABELS:
        return
    # a pale box rather than a path-effect halo: path effects would turn SVG text into outlines
    halo = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    to_pt = (box.width * fig_w * 72 / (x1 - x0), box.height * fig_h * 72 / (y1 - y0))
    font = 7 * s
    placed: list[tuple[float, float, float, float]] = []
    for x, y, name in points:
        px, py = (x - x0) * to_pt[0], (y - y0) * to_pt[1]
        w, h, gap = 0.6 * font * len(name), 1.2 * font, 3.5 * s
        options = [(gap, gap, "left", "bottom"), (gap, -gap, "left", "top"),
                   (-gap, gap, "right", "bottom"), (-gap, -gap, "right", "top")]
        for dx, dy, ha, va in options:
            left = px + dx if ha == "left" else px + dx - w
            bottom = py + dy if va == "bottom" else py + dy - h
            rect = (left, bottom, left + w, bottom + h)
            if not any(rect[0] < r[2] and r[0] < rect[2] and rect[1] < r[3] and r[1] < rect[3] for r in placed):
                break
        else:
            dx, dy, ha, va = options[0]
            rect = (px + dx, py + dy, px + dx + w, py + dy + h)
        placed.append(rect)
        ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=font, ha=ha, va=va,
                    color="#222222", bbox=halo, zorder=10, annotation_clip=True)


def _draw_legend(figure, routes, categories, line_pt, s, fig_w, fig_h, margin, legend_h, credit) -> None:
    from matplotlib.lines import Line2D

    top = (legend_h + credit - 0.08 * s) / fig_h
    common = dict(loc="upper left", frameon=False, fontsize=8 * s, title_fontsize=8.5 * s, handlelength=3.2,
                  borderaxespad=0, alignment="left")
    category_handles = [Line2D([], [], color=style.category_colour(c), linewidth=line_pt * 1.3, label=c)
                        for c in categories]
    if category_handles:
        legend = figure.legend(handles=category_handles, title="Weapon category (first weapon)",
                               ncol=2 if len(category_handles) > 1 else 1, bbox_to_anchor=(margin / fig_w, top),
                               **common)
        legend.set_gid("legend-categories")
    status_handles = [Line2D([], [], color="#444444", linewidth=line_pt, linestyle=_dashes(status, line_pt), dash_capstyle="round",
                             label=status) for status in style.STATUS_DASH]
    legend = figure.legend(handles=status_handles, title="Evidence status", bbox_to_anchor=(0.5, top), **common)
    legend.set_gid("legend-statuses")
    marker_handles = [Line2D([], [], color="#444444", linewidth=line_pt, marker=">", markersize=5 * s,
                             label="direction of transfer")]
    if any(r.disputed for r in routes):
        marker_handles.append(Line2D([], [], color=style.DISPUTED_COLOUR, linewidth=line_pt * 3.2, alpha=0.35,
                                     label=style.DISPUTED_LABEL))
    if any(r.interdicted for r in routes):
        marker_handles.append(Line2D([], [], color=style.INTERDICTION_COLOUR, linestyle="none", marker="X",
                                     markersize=6 * s, label=style.INTERDICTION_LABEL))
    legend = figure.legend(handles=marker_handles, title="Markers", bbox_to_anchor=(0.7, top), **common)
    legend.set_gid("legend-markers")
