"""The `arms-routes` command line: a thin layer over the `routes` library."""

import contextlib
import functools
import gc
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.core

from routes import __version__, model
from routes import flows as flow_rules
from routes.encode import for_terminal
from routes.errors import RoutesError, UsageError
from routes.text import plural

try:  # Typer 0.2x carries its own copy of Click
    from typer import _click as click
except ImportError:  # pragma: no cover (older Typer uses Click itself)
    import click


# (`arms-routes` alone prints the help by raising this usage error; Click before 8.2 has no such class)
_HELP_FOR_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())


class _Commands(typer.core.TyperGroup):
    """The command group: Click's own usage errors (an unknown option, a bad choice, a missing value)
    said as ours are, "error: ..." on one line, then where to look; exit 2."""

    def make_context(self, *args, **kwargs):
        with _usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _usage_errors():
            return super().invoke(ctx)


class _Command(typer.core.TyperCommand):
    """A command whose help lists each argument by its name alone (ROUTE-ID, not "ROUTE-ID <str>")."""

    def format_options(self, ctx, formatter):
        sections = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            name, help_text = record
            if param.param_type_name == "argument" and param.metavar:
                name = param.metavar + ("..." if param.nargs != 1 else "")
            sections[param.param_type_name].append((name, help_text))
        for title, kind in (("Arguments", "argument"), ("Options", "option")):
            if sections[kind]:
                with formatter.section(title):
                    formatter.write_dl(sections[kind])


@contextlib.contextmanager
def _usage_errors():
    """Print a Click exception in our voice and exit with its code (2 for usage); let help through."""
    try:
        yield
    except click.ClickException as exc:
        if isinstance(exc, _HELP_FOR_NO_ARGS):
            raise
        _say(f"error: {_click_message(exc)}", err=True)
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            _say(f"see '{ctx.command_path} {ctx.help_option_names[0]}'", err=True)
        raise typer.Exit(exc.exit_code) from None


def _click_message(exc) -> str:
    """Click's message as one of ours: lower case, no full stop, suggestions as "did you mean"."""
    if isinstance(exc, click.exceptions.NoSuchOption):
        message = f"no such option: {exc.option_name}"
        possible = sorted(p for p in exc.possibilities or () if p != "--help")  # (close to every typo)
        if possible:
            message += f"; did you mean: {', '.join(possible)}?"
        return message
    message = " ".join(exc.format_message().split()).removesuffix(".").replace("Value error, ", "")
    message = re.sub(r"'(--?[\w-]+)'", r"\1", message)  # options named as the user types them
    message = message.replace(". Did you mean", "; did you mean")
    return message[:1].lower() + message[1:]


app = typer.Typer(
    name="arms-routes",
    help="Map alleged arms-transfer routes, with the evidence for each claim.",
    cls=_Commands,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"arms-routes {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", help="Print the version and exit.", callback=_print_version, is_eager=True)] = False) -> None:
    # (the app's help is Typer's `help=` above; this callback only carries --version)
    pass


def command(name: Optional[str] = None):
    """Register a command of `arms-routes` under the guard: a library error (RoutesError) it raises
    becomes one line on stderr, "error: ...", and exit 1 (2 for bad usage); never a traceback."""

    def register(function):
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except RoutesError as exc:
                _fail(exc)
            except KeyboardInterrupt:
                typer.echo("interrupted", err=True)
                raise typer.Exit(130) from None
            except MemoryError:
                _fail(RoutesError("ran out of memory: the selection is too large for this command on this "
                                  "machine; select fewer routes with the filters (--weapon, --route, --since, ...)"))
            except BrokenPipeError:
                sys.stderr.close()
                raise typer.Exit(0) from None
            finally:
                gc.unfreeze()  # (what _select froze is the collector's again, should the process go on)

        app.command(name, cls=_Command)(guarded)
        return guarded

    return register


def _choices(name: str, values) -> type[Enum]:
    """The values the model allows (a tuple or the keys of a dict in routes.model), as an Enum for
    Typer to check: one list, never repeated here."""
    return Enum(name, {value: value for value in values}, type=str)


def _listed(values, last: str = "or") -> str:
    """The values of a choice in words, for help text: "a, b or c"."""
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} {last} {values[-1]}"


Status = _choices("Status", model.STATUSES)
RouteKind = _choices("RouteKind", model.KINDS)
Format = _choices("Format", model.TEXT_FORMATS)
Stance = _choices("Stance", model.STANCES)
SourceKind = _choices("SourceKind", model.SOURCE_KINDS)
Reliability = _choices("Reliability", model.RELIABILITY)
PlaceKind = _choices("PlaceKind", model.PLACE_KINDS)
Precision = _choices("Precision", model.PRECISIONS)
FlowWidth = _choices("FlowWidth", flow_rules.MEASURES)
FlowScale = _choices("FlowScale", flow_rules.SCALES)
FlowCurve = _choices("FlowCurve", flow_rules.CURVES)


def _check_year(ctx: typer.Context, param: typer.CallbackParam, year: Optional[int]) -> Optional[int]:
    """--since and --until checked by the filters' own rule (routes.select.Filters: a year in range,
    since no later than until) as soon as each is read, so a refusal is a usage error naming the option."""
    if year is None:
        return year
    from routes.select import Filters

    years = {"since": ctx.params.get("since"), "until": ctx.params.get("until"), param.name: year}
    for checked, hint in (({param.name: year}, f"--{param.name}"), (years, "--since / --until")):
        try:
            Filters(**checked)
        except UsageError as exc:
            raise typer.BadParameter(exc.message, param_hint=hint) from None
    return year


# -- options shared by every command that selects routes --------------------------------------
DataOpt = Annotated[Optional[list[Path]], typer.Option(
    "--data", "-d", metavar="FILE", help="Dataset file (repeatable; several merge). Default: the bundled dataset.",
    exists=True, dir_okay=False, show_default=False)]
WeaponOpt = Annotated[Optional[list[str]], typer.Option(
    "--weapon", "-w", metavar="WEAPON", help="Weapon system id, name or alias, e.g. F-7, RPG-7, Bulsae-2 (repeatable).",
    show_default=False)]
CategoryOpt = Annotated[Optional[list[str]], typer.Option(
    "--category", metavar="CATEGORY", help="Weapon category, e.g. anti-tank (repeatable; see `arms-routes weapons`).",
    show_default=False)]
ActorOpt = Annotated[Optional[list[str]], typer.Option(
    "--actor", metavar="ACTOR", help="Supplier, recipient or intermediary, e.g. Hamas (repeatable).",
    show_default=False)]
PlaceOpt = Annotated[Optional[list[str]], typer.Option(
    "--place", metavar="PLACE", help="A place id, name or country the route passes through; a stand-in does not "
                                     "count (repeatable).", show_default=False)]
SinceOpt = Annotated[Optional[int], typer.Option(
    "--since", metavar="YEAR", callback=_check_year, show_default=False,
    help="Routes whose period ends in this year or later. A route whose end year is unknown is kept "
         "(its period is open); an approximate year (c. 1999, SIPRI's 1999?) counts as the year it gives.")]
UntilOpt = Annotated[Optional[int], typer.Option(
    "--until", metavar="YEAR", callback=_check_year, show_default=False,
    help="Routes whose period starts in this year or earlier. A route whose start year is unknown is "
         "kept (its period is open); an approximate year counts as the year it gives.")]
MinStatusOpt = Annotated[Optional[Status], typer.Option(
    "--min-status", metavar="STATUS", show_default=False,
    help=f"Weakest evidence status to include: {' < '.join(model.STATUSES)}.")]
RouteOpt = Annotated[Optional[list[str]], typer.Option(
    "--route", metavar="ID", help="Route id (repeatable).", show_default=False)]
KindFilterOpt = Annotated[Optional[list[RouteKind]], typer.Option(
    "--kind", metavar="KIND", help=f"What moved: {_listed(model.KINDS)} (repeatable).", show_default=False)]
DisputedOpt = Annotated[Optional[bool], typer.Option(
    "--disputed/--undisputed", help="Only routes that an evidence item disputes (a denial, a non-confirmation, "
                                    "counter-evidence), or only routes that none disputes. Default: both.",
    show_default=False)]
FormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", metavar="FORMAT", help=f"Output format: {_listed(model.TEXT_FORMATS)}.")]

# -- how render and report draw documented trade (routes.flows) ---------------------------------
FlowsOpt = Annotated[Optional[bool], typer.Option(
    "--flows/--no-flows", show_default=False,
    help="Sum the deals of a dataset source (a SIPRI import) into flows, one line per supplier → recipient "
         "pair as wide as its volume, or draw each deal as a route of its own. Default: flows from "
         f"{flow_rules.FLOW_THRESHOLD} deals on. Curated routes are never summed: they are drawn one by one, on top.")]
FlowWidthOpt = Annotated[FlowWidth, typer.Option(
    "--flow-width", metavar="MEASURE",
    help="What a flow's width measures: "
         + "; ".join(f"{name} ({words})" for name, (words, _) in flow_rules.MEASURES.items())
         + ".")]
FlowScaleOpt = Annotated[FlowScale, typer.Option(
    "--flow-scale", metavar="SCALE",
    help="fixed: the same width for the same volume on every map, so that two maps (two decades, two weapon "
         "systems) compare; auto: the widest flow of this map is drawn widest.")]
FlowCurveOpt = Annotated[FlowCurve, typer.Option(
    "--flow-curve", metavar="CURVE",
    help="How width grows with volume: sqrt (four times the volume, twice the width) or log (each tenfold "
         "step the same width more, for long tails).")]


def _flow_options(enabled, width, scale, curve):
    """The options of --flows, --flow-width, --flow-scale and --flow-curve as routes.flows.FlowOptions."""
    return flow_rules.FlowOptions(enabled=enabled, measure=width.value, curve=curve.value, auto=scale.value == "auto")


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
    dataset = load_dataset(data)
    # A command runs once and exits: the millions of objects a large file loads into live to the end,
    # so the collector need never scan them (a third of a second on a 47 MB SIPRI file). Not in the
    # library, where a notebook's objects must stay collectable.
    gc.freeze()
    chosen = select(dataset, filters)
    if not chosen.routes:
        raise NoRoutesMatch(f"no routes match {chosen.description}")
    return chosen


def _say(text: object, *, err: bool = False) -> None:
    """Print a line that may hold text from a dataset or a file name: control characters made visible."""
    typer.echo(for_terminal(text), err=err)


def _fail(exc: BaseException) -> None:
    _say(f"error: {exc}", err=True)
    raise typer.Exit(2 if isinstance(exc, UsageError) else 1)


@command()
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        metavar="FILE", help="Dataset files to check. Default: the bundled dataset.", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors too.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only, not warnings.")] = False,
) -> None:
    """Check dataset files and report every problem as PATH:LINE: ROUTE-ID: FIELD: message.

    Exit 0 when clean, 1 when any file has an error (or a warning, with --strict).

    \b
    Example:
      arms-routes validate data/transfers.geojson my-routes.geojson
    """
    from routes.validate import validate_files

    result = validate_files(paths)
    for problem in result.problems(include_warnings=not quiet):
        _say(problem)
    typer.echo(result.summary(), err=not result.ok(strict))
    if not result.ok(strict):
        raise typer.Exit(1)


@command("list")
def list_routes(
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, kind: KindFilterOpt = None, disputed: DisputedOpt = None, format: FormatOpt = Format.table,
) -> None:
    """List the routes that match the filters, one per line.

    \b
    Example:
      arms-routes list --weapon F-7 --format json
    """
    from routes import summary

    chosen = _select(data, weapon, category, actor, place, since, until, min_status, route, kind, disputed)
    typer.echo(summary.route_list(chosen, format.value))


@command()
def show(
    route_id: Annotated[str, typer.Argument(metavar="ROUTE-ID", help="The route id, as `arms-routes list` shows it.",
                                            show_default=False)],
    data: DataOpt = None, format: FormatOpt = Format.table,
) -> None:
    """Show one route with its path, actors, weapons and every evidence item with its source.

    \b
    Example:
      arms-routes show prk-irn-sdn-egy-gaza
    """
    from routes import summary

    chosen = _select(data, None, None, None, None, None, None, None, [route_id])
    typer.echo(summary.show_route(chosen, format.value))


@command()
def weapons(data: DataOpt = None, format: FormatOpt = Format.table) -> None:
    """List the weapon systems a --weapon filter accepts, with their aliases and categories.

    \b
    Example:
      arms-routes weapons --format csv
    """
    from routes import summary
    from routes.dataset import load_dataset

    rows = summary.weapon_rows(load_dataset(data))
    typer.echo(summary.render_rows(rows, summary.WEAPON_COLUMNS, format.value))


@command()
def places(
    query: Annotated[Optional[str], typer.Argument(
        metavar="QUERY", help="Part of a place id, name, alias or country code. Default: every place.",
        show_default=False)] = None,
    data: DataOpt = None, format: FormatOpt = Format.table,
) -> None:
    """Find place ids in the gazetteer, for waypoints and --place.

    \b
    Example:
      arms-routes places "port sudan"
    """
    from routes import summary
    from routes.dataset import load_dataset

    found = load_dataset(data).places.search(query)
    if not found:
        raise RoutesError(f"no place matches {query!r}")
    typer.echo(summary.render_rows(summary.place_rows(found), summary.PLACE_COLUMNS, format.value))


@command()
def render(
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, kind: KindFilterOpt = None, disputed: DisputedOpt = None,
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FILE", help="File to write; its suffix picks the kind: .html (an interactive "
                                               "map), .png or .svg (a static image).")] = Path("map.html"),
    title: Annotated[Optional[str], typer.Option(
        "--title", metavar="TITLE", help="Map title. Default: from the filters.", show_default=False)] = None,
    tiles: Annotated[Optional[str], typer.Option(
        "--tiles", metavar="TILES", show_default=False,
        help="Background of an .html map: osm (OpenStreetMap, the default), carto-light (pale grey), "
             "carto-dark, topo (terrain), satellite (Esri imagery), or none.")] = None,
    offline: Annotated[bool, typer.Option(
        "--offline", help="An .html map that makes no network request: Leaflet inlined, Natural Earth country "
                          "outlines instead of web tiles.")] = False,
    embed: Annotated[bool, typer.Option(
        "--embed", help="Write an HTML fragment (no html/head/body) to paste into another page; several "
                        "fragments work on one page.")] = False,
    height: Annotated[Optional[int], typer.Option(
        "--height", metavar="PIXELS", show_default=False, help="Height of an --embed fragment in pixels (default 600).")] = None,
    width: Annotated[Optional[int], typer.Option(
        "--width", metavar="PIXELS", show_default=False, help="Width of a .png or .svg image in pixels (default 2000).")] = None,
    dpi: Annotated[Optional[int], typer.Option(
        "--dpi", metavar="DPI", show_default=False, help="Resolution of a .png or .svg image in dots per inch (default 200).")] = None,
    flows: FlowsOpt = None, flow_width: FlowWidthOpt = FlowWidth(flow_rules.DEFAULT_MEASURE),
    flow_scale: FlowScaleOpt = FlowScale("fixed"), flow_curve: FlowCurveOpt = FlowCurve(flow_rules.DEFAULT_CURVE),
) -> None:
    """Render the selected routes as an interactive map (.html) or a static image (.png, .svg).

    Colour by weapon category, line pattern by evidence status. On the interactive map, click a
    route for its evidence and sources; its panel filters by weapon, category, status, kind, actor,
    years and text, and its address (#...) keeps what is shown, to send as a link.

    \b
    Example:
      arms-routes render --weapon F-7 -o f7.html
    """
    from routes.render import render_map

    chosen = _select(data, weapon, category, actor, place, since, until, min_status, route, kind, disputed)
    render_map(chosen, output, title=title, offline=offline, tiles=tiles, embed=embed, height=height, width=width,
               dpi=dpi, flows=_flow_options(flows, flow_width, flow_scale, flow_curve))
    _say(f"wrote {output} ({plural(len(chosen.routes), 'route')})")


@command()
def export(
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FILE",
        help="File to write; its suffix picks the format: .geojson, .csv, .kml or .gpkg.",
        dir_okay=False, show_default=False)],
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, kind: KindFilterOpt = None, disputed: DisputedOpt = None,
    evidence: Annotated[bool, typer.Option(
        "--evidence", help="CSV only: one row per evidence item (claim, source, grade) instead of one per route.")] = False,
) -> None:
    """Export the selected routes for other tools: GeoJSON, CSV, KML (Google Earth) or GeoPackage (QGIS).

    \b
    Example:
      arms-routes export --actor Hamas -o hamas.gpkg
    """
    from routes.export import export_format, export_routes

    export_format(output)
    chosen = _select(data, weapon, category, actor, place, since, until, min_status, route, kind, disputed)
    count = export_routes(chosen, output, evidence=evidence)
    _say(f"wrote {output} ({plural(count, 'evidence item' if evidence else 'route')})")


@command()
def report(
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FILE",
        help="File to write: .html (one self-contained page) or .md (map as a PNG beside it).",
        dir_okay=False, show_default=False)],
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, kind: KindFilterOpt = None, disputed: DisputedOpt = None,
    title: Annotated[Optional[str], typer.Option(
        "--title", metavar="TITLE", help="Report title (the filters are described under it).",
        show_default=False)] = None,
    no_map: Annotated[bool, typer.Option("--no-map", help="Leave the map out.")] = False,
    flows: FlowsOpt = None, flow_width: FlowWidthOpt = FlowWidth(flow_rules.DEFAULT_MEASURE),
    flow_scale: FlowScaleOpt = FlowScale("fixed"), flow_curve: FlowCurveOpt = FlowCurve(flow_rules.DEFAULT_CURVE),
) -> None:
    """Write an evidence report: map, table of routes, every claim with its footnote, sources, disputes.

    \b
    Example:
      arms-routes report --weapon F-7 -o f7-report.html
    """
    from routes.report import report_format, write_report

    report_format(output)
    chosen = _select(data, weapon, category, actor, place, since, until, min_status, route, kind, disputed)
    written = write_report(chosen, output, title=title, include_map=not no_map,
                           flows=_flow_options(flows, flow_width, flow_scale, flow_curve))
    _say(f"wrote {', '.join(str(p) for p in written)} ({plural(len(chosen.routes), 'route')})")


# -- adding to a dataset and formatting it: add, add-source, add-place, fmt -------------------------
EditDataOpt = Annotated[Optional[Path], typer.Option(
    "--data", "-d", metavar="FILE", help="Dataset file to add to (created when missing). Default: the bundled dataset.",
    dir_okay=False, show_default=False)]


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


@command()
def add(
    route_id: Annotated[str, typer.Argument(
        metavar="ROUTE-ID", help="Id of the new route: lower-case letters, digits and hyphens.", show_default=False)],
    via: Annotated[str, typer.Option(metavar="PLACES", help='Places in order, separated by ">": ids, names or aliases (any case), '
                                          'or "lat,lon". Mark a place that only stands in for what the sources name '
                                          'with ~: "Bandar Abbas~Iran" (or "Bandar Abbas~": the country it lies in).',
                                     show_default=False)],
    supplier: Annotated[str, typer.Option(metavar="ACTOR", help="Who supplied, e.g. Iran.", show_default=False)],
    recipient: Annotated[str, typer.Option(metavar="ACTOR", help="Who received, e.g. Houthis.", show_default=False)],
    source: Annotated[str, typer.Option(
        metavar="SOURCE-ID", help="Id of the source of the claim; --source-title registers a new one.",
        show_default=False)],
    claim: Annotated[str, typer.Option(metavar="CLAIM", help="What the source says, in your own words.",
                                       show_default=False)],
    name: Annotated[Optional[str], typer.Option(
        metavar="TITLE", help="Title. Default: the --via places joined by → (a stand-in by what it stands for).",
        show_default=False)] = None,
    mode: Annotated[Optional[str], typer.Option(
        metavar="MODES", help=f"Leg modes, one per leg or one for all, comma-separated: {_listed(model.MODES)}. "
                              "Sea legs follow sea lanes. Default: unknown.", show_default=False)] = None,
    path: Annotated[Optional[str], typer.Option(
        "--path", metavar="PATHS", help="How much of each leg's path the sources give, one per leg or one for all: documented (the "
                       "claim describes it; needs --evidence-legs), plausible (a known mode), schematic (the line "
                       "only joins the places). Default: from the mode (unknown: schematic).",
        show_default=False)] = None,
    weapon: Annotated[Optional[list[str]], typer.Option(
        metavar="WEAPON", help="Weapon system id, name or alias (repeatable).", show_default=False)] = None,
    intermediary: Annotated[Optional[list[str]], typer.Option(
        metavar="ACTOR", help="An actor in between (repeatable).", show_default=False)] = None,
    since: Annotated[Optional[str], typer.Option(
        metavar="YEAR", help="First year of the period: 2014, or 2014? (also c2014) when approximate. Default: unknown.",
        show_default=False)] = None,
    until: Annotated[Optional[str], typer.Option(
        metavar="YEAR", help="Last year of the period, written as --since. Default: unknown.",
        show_default=False)] = None,
    status: Annotated[Status, typer.Option(
        metavar="STATUS", help=f"Evidence status of the route: {_listed(model.STATUSES)}.")] = Status.alleged,
    kind: Annotated[RouteKind, typer.Option(metavar="KIND", help=f"What moved: {_listed(model.KINDS)}.")] = RouteKind.arms,
    stance: Annotated[Stance, typer.Option(
        metavar="STANCE", help=f"Whether the source {_listed(model.STANCES)} the route.")] = Stance.supports,
    credibility: Annotated[int, typer.Option(
        min=1, max=6, metavar="1-6", help="Admiralty credibility of the claim, 1-6 (6: cannot be judged).")] = 6,
    quote: Annotated[Optional[str], typer.Option(
        metavar="QUOTE", help="The source's own words, at most one sentence.", show_default=False)] = None,
    said_by: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="Who made the claim inside the source, e.g. KCNA.", show_default=False)] = None,
    notes: Annotated[Optional[str], typer.Option(
        metavar="NOTES", help="Notes on the route, free text.", show_default=False)] = None,
    evidence_legs: Annotated[Optional[str], typer.Option(
        metavar="LEGS", help='The legs the claim speaks to, counted from 0 as add prints them: "0,2".', show_default=False)] = None,
    evidence_weapon: Annotated[Optional[list[str]], typer.Option(
        metavar="WEAPON", help="A weapon system the claim speaks to, when not all of the route's (repeatable).",
        show_default=False)] = None,
    source_title: Annotated[Optional[str], typer.Option(
        metavar="TITLE", help="Register --source as a new source with this title.", show_default=False)] = None,
    source_kind: Annotated[SourceKind, typer.Option(
        metavar="KIND", help=f"Kind of the new source: {_listed(model.SOURCE_KINDS)}.")] = SourceKind.other,
    source_reliability: Annotated[Reliability, typer.Option(
        metavar="A-F", help="Admiralty reliability of the new source, A-F (F: cannot be judged).")] = Reliability.F,
    source_url: Annotated[Optional[str], typer.Option(
        metavar="URL", help="The new source's http(s) address.", show_default=False)] = None,
    source_author: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="The new source's author.", show_default=False)] = None,
    source_publisher: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="The new source's publisher.", show_default=False)] = None,
    source_published: Annotated[Optional[str], typer.Option(
        metavar="DATE", help="When the new source was published: YYYY[-MM[-DD]].", show_default=False)] = None,
    data: EditDataOpt = None,
) -> None:
    """Add a route: places by name, sea legs along sea lanes, validated before the file is written.

    \b
    Example:
      arms-routes add iran-yemen-dhow \\
        --via "Bandar Abbas~Iran > Hodeidah > Sanaa" --mode sea,land \\
        --supplier Iran --recipient Houthis --source my-source \\
        --claim "..." --data my-routes.geojson
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


@command("add-source")
def add_source(
    source_id: Annotated[str, typer.Argument(
        metavar="SOURCE-ID", help="Id of the new source: lower-case letters, digits and hyphens.", show_default=False)],
    title: Annotated[str, typer.Option(
        metavar="TITLE", help="Title of the article, report or document.", show_default=False)],
    kind: Annotated[SourceKind, typer.Option(
        metavar="KIND", help=f"What kind of source it is: {_listed(model.SOURCE_KINDS)}.")] = SourceKind.other,
    reliability: Annotated[Reliability, typer.Option(
        metavar="A-F", help="Admiralty reliability, A-F (F: cannot be judged).")] = Reliability.F,
    url: Annotated[Optional[str], typer.Option(metavar="URL", help="http(s) address, if any.", show_default=False)] = None,
    author: Annotated[Optional[str], typer.Option(metavar="NAME", help="Who wrote it.", show_default=False)] = None,
    publisher: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="Who published it.", show_default=False)] = None,
    published: Annotated[Optional[str], typer.Option(
        metavar="DATE", help="When it was published: YYYY[-MM[-DD]].", show_default=False)] = None,
    derived_from: Annotated[Optional[list[str]], typer.Option(
        metavar="SOURCE-ID", help="Id of a source this one repeats (repeatable).", show_default=False)] = None,
    data: EditDataOpt = None,
) -> None:
    """Register a source under the dataset's "sources", for evidence items to cite.

    \b
    Example:
      arms-routes add-source un-panel-2024 \\
        --title "Final report of the Panel of Experts" --kind un_report \\
        --reliability A --published 2024-03 --data my-routes.geojson
    """
    from routes import edit

    _edit(edit.add_source, data or edit.default_dataset(), edit.NewSource(
        id=source_id, title=title, kind=kind.value, reliability=reliability.value, author=author,
        publisher=publisher, published=published, url=url, derived_from=derived_from or []))


@command("add-place")
def add_place(
    place_id: Annotated[str, typer.Argument(
        metavar="PLACE-ID", help="Id of the new place: lower-case letters, digits and hyphens.", show_default=False)],
    name: Annotated[str, typer.Option(metavar="NAME", help="Name, as maps and --via use it.", show_default=False)],
    country: Annotated[str, typer.Option(
        metavar="CODE", help="ISO 3166-1 alpha-3 code, e.g. YEM (Gaza: PSE).", show_default=False)],
    lat: Annotated[float, typer.Option(
        min=-90, max=90, metavar="DEGREES", help="Latitude, decimal degrees.", show_default=False)],
    lon: Annotated[float, typer.Option(
        min=-180, max=180, metavar="DEGREES", help="Longitude, decimal degrees.", show_default=False)],
    kind: Annotated[PlaceKind, typer.Option(
        metavar="KIND", help=f"What the place is: {_listed(model.PLACE_KINDS)}.")] = PlaceKind.city,
    precision: Annotated[Optional[Precision], typer.Option(
        metavar="PRECISION", show_default=False,
        help=f"How precisely the point locates the place: {_listed(model.PRECISIONS)}. Default: by its kind "
             f"(country: {model.default_precision('country')}; region: {model.default_precision('region')}; "
             f"others: {model.default_precision(None)}).")] = None,
    alias: Annotated[Optional[list[str]], typer.Option(
        metavar="NAME", help="Another spelling (repeatable).", show_default=False)] = None,
    data: EditDataOpt = None,
    gazetteer: Annotated[Optional[Path], typer.Option(
        metavar="FILE", help="Add to this gazetteer file (e.g. data/geo/places.geojson) instead of the dataset's own places.",
        exists=True, dir_okay=False, show_default=False)] = None,
) -> None:
    """Add a place to a dataset's own "places" (or to a gazetteer file), for --via and waypoints.

    \b
    Example:
      arms-routes add-place mukalla --name Mukalla --country YEM --kind port \\
        --lat 14.5425 --lon 49.1242 --alias "Al Mukalla" \\
        --data my-routes.geojson
    """
    from routes import edit
    from routes.gazetteer import Place

    if data and gazetteer:
        raise UsageError("give --data or --gazetteer, not both")
    place = Place(place_id, name, country, kind.value, lon, lat, tuple(alias or ()),
                  precision.value if precision else None)
    _edit(edit.add_place, gazetteer or data or edit.default_dataset(), place, gazetteer=gazetteer is not None)


@command("fmt")
def fmt_files(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        metavar="FILE", help="Files to format. Default: the bundled dataset.", exists=True, dir_okay=False,
        show_default=False)] = None,
    check: Annotated[bool, typer.Option("--check", help="Change nothing; list the files that are not formatted "
                                                        "and exit 1 if there are any.")] = False,
    rebuild_geometry: Annotated[bool, typer.Option(
        "--rebuild-geometry", help="Build route lines from waypoints and leg modes: null geometry and lines "
                                   "arms-routes built (legs marked sea-lane or great-circle).")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --rebuild-geometry: replace hand-drawn lines too.")] = False,
) -> None:
    """Format files canonically: fixed key order, one feature per block, coordinates rounded to 4 decimals
    (about 11 m), UTF-8, a trailing newline. Unknown fields are kept; formatting twice changes nothing.

    \b
    Example:
      arms-routes fmt --check data/transfers.geojson
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


@command("import-sipri")
def import_sipri(
    export: Annotated[Path, typer.Argument(
        metavar="FILE", help="A CSV export of the SIPRI Arms Transfers Database (trade register or per-delivery layout).",
        exists=True, dir_okay=False, show_default=False)],
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FILE", help="Dataset file to write.")] = Path("sipri.geojson"),
    rejects: Annotated[Optional[Path], typer.Option(
        "--rejects", metavar="FILE", help="Also write the rows that could not be mapped, as CSV with a `reason` column.",
        dir_okay=False, show_default=False)] = None,
) -> None:
    """Import a SIPRI Arms Transfers Database CSV export as a dataset: one route per deal, supplier → recipient.

    Rows that cannot be mapped (e.g. "unknown supplier(s)") are counted by reason on stderr, never dropped.

    \b
    Example:
      arms-routes import-sipri trade-register.csv -o sipri.geojson \\
        --rejects rejects.csv
    """
    from routes import sipri

    with _progress_bar("mapping deals") as progress:
        result = sipri.import_sipri(export, output, rejects=rejects, progress=progress)
    summary, reject_lines = sipri.describe(result)
    for line in reject_lines:
        _say(line, err=True)
    _say(summary)


if __name__ == "__main__":
    app()
