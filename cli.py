"""The `arms-routes` command line: a thin layer over the `routes` library."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from routes.encode import for_terminal
from routes.errors import RoutesError, UsageError

app = typer.Typer(
    name="arms-routes",
    help="Map alleged arms-transfer routes, with the evidence for each claim.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Status(str, Enum):
    alleged = "alleged"
    reported = "reported"
    corroborated = "corroborated"
    confirmed = "confirmed"


class RouteKind(str, Enum):
    arms = "arms"
    technology = "technology"
    training = "training"
    payment = "payment"


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# -- options shared by every command that selects routes --------------------------------------
DataOpt = Annotated[Optional[list[Path]], typer.Option(
    "--data", "-d", help="Dataset file (repeatable; several merge). Default: the bundled dataset.",
    exists=True, dir_okay=False, show_default=False)]
WeaponOpt = Annotated[Optional[list[str]], typer.Option(
    "--weapon", "-w", help="Weapon system id, name or alias, e.g. F-7, RPG-7, Bulsae-2 (repeatable).",
    show_default=False)]
CategoryOpt = Annotated[Optional[list[str]], typer.Option(
    "--category", help="Weapon category, e.g. anti-tank (repeatable; see `arms-routes weapons`).", show_default=False)]
ActorOpt = Annotated[Optional[list[str]], typer.Option(
    "--actor", help="Supplier, recipient or intermediary, e.g. Hamas (repeatable).", show_default=False)]
PlaceOpt = Annotated[Optional[list[str]], typer.Option(
    "--place", help="A place id, name or country the route passes through; a stand-in does not count (repeatable).", show_default=False)]
SinceOpt = Annotated[Optional[int], typer.Option(
    "--since", help="Routes whose period ends in this year or later. A route whose end year is unknown is kept "
                    "(its period is open); an approximate year (c. 1999, SIPRI's 1999?) counts as the year it gives.",
    min=1800, max=2100, show_default=False)]
UntilOpt = Annotated[Optional[int], typer.Option(
    "--until", help="Routes whose period starts in this year or earlier. A route whose start year is unknown is "
                    "kept (its period is open); an approximate year counts as the year it gives.",
    min=1800, max=2100, show_default=False)]
MinStatusOpt = Annotated[Optional[Status], typer.Option(
    "--min-status", help="Weakest evidence status to include: alleged < reported < corroborated < confirmed.",
    show_default=False)]
RouteOpt = Annotated[Optional[list[str]], typer.Option(
    "--route", help="Route id (repeatable).", show_default=False)]
KindFilterOpt = Annotated[Optional[list[RouteKind]], typer.Option(
    "--kind", help="What moved: arms, technology, training or payment (repeatable).", show_default=False)]
DisputedOpt = Annotated[Optional[bool], typer.Option(
    "--disputed/--undisputed", help="Only routes that an evidence item disputes (a denial, a non-confirmation, "
                                    "counter-evidence), or only routes that none disputes. Default: both.",
    show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _select(data, weapon=None, category=None, actor=None, place=None, since=None, until=None, min_status=None,
            route=None, kind=None, disputed=None):
    """Load the data and apply the shared filters (routes.select, as the Python API does); used by every
    selecting command. The selection carries its filters and its description."""
    from routes.dataset import load_dataset
    from routes.errors import NoRoutesMatch
    from routes.select import Filters, select

    filters = Filters.of(weapon=weapon, category=category, actor=actor, place=place, since=since, until=until,
                         min_status=min_status.value if min_status else None, route=route,
                         kind=[k.value for k in kind] if kind else None, disputed=disputed)
    chosen = select(load_dataset(data), filters)
    if not chosen.routes:
        raise NoRoutesMatch(f"no routes match {chosen.description}")
    return chosen


def _say(text: object, *, err: bool = False) -> None:
    """Print a line that may hold text from a dataset or a file name: control characters made visible."""
    typer.echo(for_terminal(text), err=err)


def _fail(exc: BaseException) -> None:
    _say(f"error: {exc}", err=True)
    raise typer.Exit(2 if isinstance(exc, UsageError) else 1)


@app.command()
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Dataset files to check. Default: the bundled dataset.", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors too.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only, not warnings.")] = False,
) -> None:
    """Check dataset files and report every problem as PATH:LINE: ROUTE-ID: FIELD: message.

    Exit 0 when clean, 1 when any file has an error (or a warning, with --strict).

    Example: arms-routes validate data/transfers.geojson my-routes.geojson
    """
    from routes.validate import validate_files

    result = validate_files(paths)
    for problem in result.problems(include_warnings=not quiet):
        _say(problem)
    typer.echo(result.summary(), err=not result.ok(strict))
    if not result.ok(strict):
        raise typer.Exit(1)


@app.command("list")
def list_routes(
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, kind: KindFilterOpt = None, disputed: DisputedOpt = None, format: FormatOpt = Format.table,
) -> None:
    """List the routes that match the filters, one per line.

    Example: arms-routes list --weapon F-7 --format json
    """
    from routes import summary

    chosen = _select(data, weapon, category, actor, place, since, until, min_status, route, kind, disputed)
    typer.echo(summary.route_list(chosen, format.value))


@app.command()
def show(
    route_id: Annotated[str, typer.Argument(help="The route id, as `arms-routes list` shows it.")],
    data: DataOpt = None, format: FormatOpt = Format.table,
) -> None:
    """Show one route with its path, actors, weapons and every evidence item with its source.

    Example: arms-routes show prk-irn-sdn-egy-gaza
    """
    from routes import summary

    chosen = _select(data, None, None, None, None, None, None, None, [route_id])
    typer.echo(summary.show_route(chosen, format.value))


@app.command()
def weapons(data: DataOpt = None, format: FormatOpt = Format.table) -> None:
    """List the weapon systems a --weapon filter accepts, with their aliases and categories.

    Example: arms-routes weapons --format csv
    """
    from routes import summary
    from routes.dataset import load_dataset

    rows = summary.weapon_rows(load_dataset(data))
    typer.echo(summary.render_rows(rows, summary.WEAPON_COLUMNS, format.value))


@app.command()
def places(
    query: Annotated[Optional[str], typer.Argument(help="Part of a place id, name, alias or country code.")] = None,
    data: DataOpt = None, format: FormatOpt = Format.table,
) -> None:
    """Find place ids in the gazetteer, for waypoints and --place.

    Example: arms-routes places "port sudan"
    """
    from routes import summary
    from routes.dataset import load_dataset

    found = load_dataset(data).places.search(query)
    if not found:
        raise RoutesError(f"no place matches {query!r}")
    typer.echo(summary.render_rows(summary.place_rows(found), summary.PLACE_COLUMNS, format.value))


@app.command()
def render(
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, kind: KindFilterOpt = None, disputed: DisputedOpt = None,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="File to write; its suffix picks the kind: .html (an interactive map), "
                               ".png or .svg (a static image).")] = Path("map.html"),
    title: Annotated[Optional[str], typer.Option("--title", help="Map title. Default: from the filters.")] = None,
    tiles: Annotated[Optional[str], typer.Option(
        "--tiles", show_default=False,
        help="Background of an .html map: osm (OpenStreetMap, the default), carto-light (pale grey), "
             "carto-dark, topo (terrain), satellite (Esri imagery), or none.")] = None,
    offline: Annotated[bool, typer.Option(
        "--offline", help="An .html map that makes no network request: Leaflet inlined, Natural Earth country "
                          "outlines instead of web tiles.")] = False,
    embed: Annotated[bool, typer.Option(
        "--embed", help="Write an HTML fragment (no html/head/body) to paste into another page; several "
                        "fragments work on one page.")] = False,
    height: Annotated[Optional[int], typer.Option(
        "--height", show_default=False, help="Height of an --embed fragment in pixels (default 600).")] = None,
    width: Annotated[Optional[int], typer.Option(
        "--width", show_default=False, help="Width of a .png or .svg image in pixels (default 2000).")] = None,
    dpi: Annotated[Optional[int], typer.Option(
        "--dpi", show_default=False, help="Resolution of a .png or .svg image in dots per inch (default 200).")] = None,
) -> None:
    """Render the selected routes as an interactive map (.html) or a static image (.png, .svg).

    Colour by weapon category, line pattern by evidence status. On the interactive map, click a
    route for its evidence and sources; the layer control toggles weapon categories.

    Example: arms-routes render --weapon F-7 -o f7.html
    """
    from routes.render import render_map

    chosen = _select(data, weapon, category, actor, place, since, until, min_status, route, kind, disputed)
    render_map(chosen, output, title=title, offline=offline, tiles=tiles, embed=embed,
               height=height, width=width, dpi=dpi)
    _say(f"wrote {output} ({len(chosen.routes)} route{'s' if len(chosen.routes) != 1 else ''})")


@app.command()
def export(
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="File to write; its suffix picks the format: .geojson, .csv, .kml or .gpkg.",
        dir_okay=False, show_default=False)],
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, kind: KindFilterOpt = None, disputed: DisputedOpt = None,
    evidence: Annotated[bool, typer.Option(
        "--evidence", help="CSV only: one row per evidence item (claim, source, grade) instead of one per route.")] = False,
) -> None:
    """Export the selected routes for other tools: GeoJSON, CSV, KML (Google Earth) or GeoPackage (QGIS).

    Example: arms-routes export --actor Hamas -o hamas.gpkg
    """
    from routes.export import export_format, export_routes

    export_format(output)
    chosen = _select(data, weapon, category, actor, place, since, until, min_status, route, kind, disputed)
    count = export_routes(chosen, output, evidence=evidence)
    unit = "evidence item" if evidence else "route"
    _say(f"wrote {output} ({count} {unit}{'s' if count != 1 else ''})")


@app.command()
def report(
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="File to write: .html (one self-contained page) or .md (map as a PNG beside it).",
        dir_okay=False, show_default=False)],
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, kind: KindFilterOpt = None, disputed: DisputedOpt = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Report title.", show_default=False)] = None,
    no_map: Annotated[bool, typer.Option("--no-map", help="Leave the map out.")] = False,
) -> None:
    """Write an evidence report: map, table of routes, every claim with its footnote, sources, disputes.

    Example: arms-routes report --weapon F-7 -o f7-report.html
    """
    from routes.report import report_format, write_report

    report_format(output)
    chosen = _select(data, weapon, category, actor, place, since, until, min_status, route, kind, disputed)
    written = write_report(chosen, output, title=title, include_map=not no_map)
    _say(f"wrote {', '.join(str(p) for p in written)} ({len(chosen.routes)} "
         f"route{'s' if len(chosen.routes) != 1 else ''})")


# -- adding to a dataset and formatting it: add, add-source, add-place, fmt -------------------------
class Stance(str, Enum):
    supports = "supports"
    disputes = "disputes"


class SourceKind(str, Enum):
    news = "news"
    analysis = "analysis"
    official = "official"
    court = "court"
    un_report = "un_report"
    dataset = "dataset"
    other = "other"


class Reliability(str, Enum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class PlaceKind(str, Enum):
    city = "city"
    port = "port"
    airport = "airport"
    border_crossing = "border crossing"
    region = "region"
    country = "country"


EditDataOpt = Annotated[Optional[Path], typer.Option(
    "--data", "-d", help="Dataset file to add to (created when missing). Default: the bundled dataset.",
    dir_okay=False, show_default=False)]
TextOpt = Annotated[Optional[str], typer.Option(show_default=False)]


class Precision(str, Enum):
    site = "site"
    area = "area"
    admin1 = "admin1"
    country = "country"
    region = "region"
    water = "water"


def _edit(edit, *args, **kwargs) -> None:
    """Run one edit of routes.edit; print what it wrote, or every problem that stopped it (nothing written)."""
    from routes.edit import problem_lines
    from routes.errors import InvalidDataset

    try:
        result = edit(*args, **kwargs)
    except InvalidDataset as exc:
        for line in problem_lines(exc):
            _say(line, err=True)
        raise RoutesError("the result would not validate (see above); nothing was written",
                          path=exc.problems[0].path) from None
    _say("\n".join([result.summary, *(f"  {line}" for line in result.details)]))
    for note in result.notes:
        _say(f"note: {note}", err=True)


@app.command()
def add(
    route_id: Annotated[str, typer.Argument(help="Id of the new route: lower-case letters, digits and hyphens.")],
    via: Annotated[str, typer.Option(help='Places in order, separated by ">": ids, names or aliases (any case), '
                                          'or "lat,lon". Mark a place that only stands in for what the sources name '
                                          'with ~: "Bandar Abbas~Iran" (or "Bandar Abbas~": the country it lies in).',
                                     show_default=False)],
    supplier: Annotated[str, typer.Option(help="Who supplied, e.g. Iran.", show_default=False)],
    recipient: Annotated[str, typer.Option(help="Who received, e.g. Houthis.", show_default=False)],
    source: Annotated[str, typer.Option(help="Id of the source of the claim; --source-title registers a new one.",
                                        show_default=False)],
    claim: Annotated[str, typer.Option(help="What the source says, in your own words.", show_default=False)],
    name: Annotated[Optional[str], typer.Option(
        help="Title. Default: the --via places joined by → (a stand-in by what it stands for).",
        show_default=False)] = None,
    mode: Annotated[Optional[str], typer.Option(help="Leg modes, one per leg or one for all: sea, land, air, rail, "
                                                     "unknown. Sea legs follow sea lanes. Default: unknown.",
                                                show_default=False)] = None,
    path: Annotated[Optional[str], typer.Option(
        "--path", help="How much of each leg's path the sources give, one per leg or one for all: documented (the "
                       "claim describes it; needs --evidence-legs), plausible (a known mode), schematic (the line "
                       "only joins the places). Default: from the mode (unknown: schematic).",
        show_default=False)] = None,
    weapon: Annotated[Optional[list[str]], typer.Option(help="Weapon system id, name or alias (repeatable).",
                                                        show_default=False)] = None,
    intermediary: Annotated[Optional[list[str]], typer.Option(help="An actor in between (repeatable).",
                                                              show_default=False)] = None,
    since: Annotated[Optional[str], typer.Option(
        help="First year of the period: 2014, or 2014? (also c2014) when approximate. Default: unknown.",
        show_default=False)] = None,
    until: Annotated[Optional[str], typer.Option(
        help="Last year of the period, written as --since. Default: unknown.", show_default=False)] = None,
    status: Annotated[Status, typer.Option(help="Evidence status of the route.")] = Status.alleged,
    kind: Annotated[RouteKind, typer.Option(help="What moved.")] = RouteKind.arms,
    stance: Annotated[Stance, typer.Option(help="Whether the source supports or disputes the route.")] = Stance.supports,
    credibility: Annotated[int, typer.Option(min=1, max=6, help="Admiralty credibility 1-6 (6: cannot be judged).")] = 6,
    quote: TextOpt = None, said_by: TextOpt = None, notes: TextOpt = None,
    evidence_legs: Annotated[Optional[str], typer.Option(
        help='The legs the claim speaks to, counted from 0 as add prints them: "0,2".', show_default=False)] = None,
    evidence_weapon: Annotated[Optional[list[str]], typer.Option(
        help="A weapon system the claim speaks to, when not all of the route's (repeatable).",
        show_default=False)] = None,
    source_title: Annotated[Optional[str], typer.Option(help="Register --source as a new source with this title.",
                                                        show_default=False)] = None,
    source_kind: Annotated[SourceKind, typer.Option(help="Kind of the new source.")] = SourceKind.other,
    source_reliability: Annotated[Reliability, typer.Option(help="Admiralty reliability A-F of the new source.")] = Reliability.F,
    source_url: TextOpt = None, source_author: TextOpt = None, source_publisher: TextOpt = None,
    source_published: Annotated[Optional[str], typer.Option(help="YYYY[-MM[-DD]].", show_default=False)] = None,
    data: EditDataOpt = None,
) -> None:
    """Add a route: places by name, sea legs along sea lanes, validated before the file is written.

    Example: arms-routes add iran-yemen-dhow --via "Bandar Abbas~Iran > Hodeidah > Sanaa" --mode sea,land --supplier Iran --recipient Houthis --source my-source --claim "..." --data my-routes.geojson
    """
    from routes import edit

    new_source = edit.NewSource(
        id=source, title=source_title, kind=source_kind.value, reliability=source_reliability.value,
        author=source_author, publisher=source_publisher, published=source_published, url=source_url,
    ) if source_title else None
    _edit(edit.add_route, data or edit.default_dataset(), edit.NewRoute(
        id=route_id, via=via, supplier=supplier, recipient=recipient, source=source, claim=claim, name=name,
        modes=mode, paths=path, weapons=weapon or [], intermediaries=intermediary or [], since=since, until=until,
        evidence_legs=evidence_legs, evidence_weapons=evidence_weapon or [],
        status=status.value, kind=kind.value, stance=stance.value, credibility=credibility, quote=quote,
        said_by=said_by, notes=notes, new_source=new_source))


@app.command("add-source")
def add_source(
    source_id: Annotated[str, typer.Argument(help="Id of the new source: lower-case letters, digits and hyphens.")],
    title: Annotated[str, typer.Option(help="Title of the article, report or document.", show_default=False)],
    kind: Annotated[SourceKind, typer.Option(help="What kind of source it is.")] = SourceKind.other,
    reliability: Annotated[Reliability, typer.Option(help="Admiralty reliability A-F (F: cannot be judged).")] = Reliability.F,
    url: Annotated[Optional[str], typer.Option(help="http(s) address, if any.", show_default=False)] = None,
    author: TextOpt = None, publisher: TextOpt = None,
    published: Annotated[Optional[str], typer.Option(help="YYYY[-MM[-DD]].", show_default=False)] = None,
    derived_from: Annotated[Optional[list[str]], typer.Option(
        help="Id of a source this one repeats (repeatable).", show_default=False)] = None,
    data: EditDataOpt = None,
) -> None:
    """Register a source under the dataset's "sources", for evidence items to cite.

    Example: arms-routes add-source un-panel-2024 --title "Final report of the Panel of Experts" --kind un_report --reliability A --published 2024-03 --data my-routes.geojson
    """
    from routes import edit

    _edit(edit.add_source, data or edit.default_dataset(), edit.NewSource(
        id=source_id, title=title, kind=kind.value, reliability=reliability.value, author=author,
        publisher=publisher, published=published, url=url, derived_from=derived_from or []))


@app.command("add-place")
def add_place(
    place_id: Annotated[str, typer.Argument(help="Id of the new place: lower-case letters, digits and hyphens.")],
    name: Annotated[str, typer.Option(help="Name, as maps and --via use it.", show_default=False)],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-3 code, e.g. YEM (Gaza: PSE).", show_default=False)],
    lat: Annotated[float, typer.Option(min=-90, max=90, help="Latitude, decimal degrees.", show_default=False)],
    lon: Annotated[float, typer.Option(min=-180, max=180, help="Longitude, decimal degrees.", show_default=False)],
    kind: Annotated[PlaceKind, typer.Option(help="What the place is.")] = PlaceKind.city,
    precision: Annotated[Optional[Precision], typer.Option(
        help="How precisely the point locates the place: site, area, admin1, country, region, water. "
             "Default: by its kind (country: country; region: area; others: site).", show_default=False)] = None,
    alias: Annotated[Optional[list[str]], typer.Option(help="Another spelling (repeatable).", show_default=False)] = None,
    data: EditDataOpt = None,
    gazetteer: Annotated[Optional[Path], typer.Option(
        help="Add to this gazetteer file (e.g. data/geo/places.geojson) instead of the dataset's own places.",
        exists=True, dir_okay=False, show_default=False)] = None,
) -> None:
    """Add a place to a dataset's own "places" (or to a gazetteer file), for --via and waypoints.

    Example: arms-routes add-place mukalla --name Mukalla --country YEM --kind port --lat 14.5425 --lon 49.1242 --alias "Al Mukalla" --data my-routes.geojson
    """
    from routes import edit
    from routes.gazetteer import Place

    if data and gazetteer:
        raise UsageError("give --data or --gazetteer, not both")
    place = Place(place_id, name, country, kind.value, lon, lat, tuple(alias or ()),
                  precision.value if precision else None)
    _edit(edit.add_place, gazetteer or data or edit.default_dataset(), place, gazetteer=gazetteer is not None)


@app.command("fmt")
def fmt_files(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Files to format. Default: the bundled dataset.", exists=True, dir_okay=False, show_default=False)] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; list the files that are not formatted "
                                                        "and exit 1 if there are any.")] = False,
    rebuild_geometry: Annotated[bool, typer.Option(
        "--rebuild-geometry", help="Build route lines from waypoints and leg modes: null geometry and lines "
                                   "arms-routes built (legs marked sea-lane or great-circle).")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --rebuild-geometry: replace hand-drawn lines too.")] = False,
) -> None:
    """Format files canonically: fixed key order, one feature per block, coordinates rounded to 4 decimals
    (about 11 m), UTF-8, a trailing newline. Unknown fields are kept; formatting twice changes nothing.

    Example: arms-routes fmt --check data/transfers.geojson
    """
    from routes import fmt

    results = fmt.format_files(paths, check=check, rebuild=rebuild_geometry, force=force)
    for result in results:
        if check and result.changed:
            _say(result.path)
        elif not check:
            _say("\n".join(fmt.describe(result)))
    if check and any(r.changed for r in results):
        raise typer.Exit(1)


def _progress_bar(label: str):
    """A context giving a `progress(done, total)` callback that draws a bar on stderr from its first call on."""
    import contextlib

    @contextlib.contextmanager
    def bar_context():
        bars = []

        def progress(done: int, total: int) -> None:
            if not bars:
                bars.append(typer.progressbar(length=max(total, 1), label=label, file=sys.stderr).__enter__())
            bars[0].update(done - bars[0].pos)

        try:
            yield progress
        finally:
            for bar in bars:
                bar.__exit__(None, None, None)

    return bar_context()


@app.command("import-sipri")
def import_sipri(
    export: Annotated[Path, typer.Argument(
        help="A CSV export of the SIPRI Arms Transfers Database (trade register or per-delivery layout).",
        exists=True, dir_okay=False, show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Dataset file to write.")] = Path("sipri.geojson"),
    rejects: Annotated[Optional[Path], typer.Option(
        "--rejects", help="Also write the rows that could not be mapped, as CSV with a `reason` column.",
        dir_okay=False, show_default=False)] = None,
) -> None:
    """Import a SIPRI Arms Transfers Database CSV export as a dataset: one route per deal, supplier → recipient.

    Rows that cannot be mapped (e.g. "unknown supplier(s)") are counted by reason on stderr, never dropped.

    Example: arms-routes import-sipri trade-register.csv -o sipri.geojson --rejects rejects.csv
    """
    from routes import sipri

    with _progress_bar("mapping deals") as progress:
        result = sipri.import_sipri(export, output, rejects=rejects, progress=progress)
    summary, reject_lines = sipri.describe(result)
    for line in reject_lines:
        _say(line, err=True)
    _say(summary)


# -- every command is defined above this line: _guard wraps them all ------------------------------
def _guard(command):
    """Turn library errors into one line on stderr and exit code 1 (2 for bad usage); never a traceback."""
    import functools

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except RoutesError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(130)
        except MemoryError:
            _fail(RoutesError("ran out of memory: the selection is too large for this command on this machine; "
                              "select fewer routes with the filters (--weapon, --route, --since, ...)"))
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0)

    return wrapper


for _command in app.registered_commands:
    _command.callback = _guard(_command.callback)


if __name__ == "__main__":
    app()
