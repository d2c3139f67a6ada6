"""The `arms-routes` command line: a thin layer over the `routes` library."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

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
    "--place", help="A place id, name or country the route passes through (repeatable).", show_default=False)]
SinceOpt = Annotated[Optional[int], typer.Option(
    "--since", help="Routes whose period reaches this year or later (unknown years count as open).",
    min=1800, max=2100, show_default=False)]
UntilOpt = Annotated[Optional[int], typer.Option(
    "--until", help="Routes whose period starts this year or earlier.", min=1800, max=2100, show_default=False)]
MinStatusOpt = Annotated[Optional[Status], typer.Option(
    "--min-status", help="Weakest evidence status to include: alleged < reported < corroborated < confirmed.",
    show_default=False)]
RouteOpt = Annotated[Optional[list[str]], typer.Option(
    "--route", help="Route id (repeatable).", show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _select(data, weapon, category, actor, place, since, until, min_status, route, *, require_match=True):
    """Load the data and apply the shared filters; used by every selecting command."""
    from routes.dataset import load_dataset
    from routes.errors import NoRoutesMatch
    from routes.select import Filters, select

    filters = Filters(
        weapons=tuple(weapon or ()), categories=tuple(category or ()), actors=tuple(actor or ()),
        places=tuple(place or ()), since=since, until=until,
        min_status=min_status.value if min_status else None, route_ids=tuple(route or ()),
    )
    chosen = select(load_dataset(data), filters)
    if require_match and not chosen.routes:
        raise NoRoutesMatch(f"no routes match {filters.describe()}")
    return chosen, filters


def _fail(exc: BaseException) -> None:
    typer.echo(f"error: {exc}", err=True)
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
        typer.echo(str(problem))
    typer.echo(result.summary(), err=not result.ok(strict))
    if not result.ok(strict):
        raise typer.Exit(1)


@app.command("list")
def list_routes(
    data: DataOpt = None, weapon: WeaponOpt = None, category: CategoryOpt = None, actor: ActorOpt = None,
    place: PlaceOpt = None, since: SinceOpt = None, until: UntilOpt = None, min_status: MinStatusOpt = None,
    route: RouteOpt = None, format: FormatOpt = Format.table,
) -> None:
    """List the routes that match the filters, one per line.

    Example: arms-routes list --weapon F-7 --format json
    """
    from routes import summary

    chosen, _ = _select(data, weapon, category, actor, place, since, until, min_status, route)
    typer.echo(summary.render_rows(summary.route_rows(chosen), summary.ROUTE_COLUMNS, format.value))


@app.command()
def show(
    route_id: Annotated[str, typer.Argument(help="The route id, as `arms-routes list` shows it.")],
    data: DataOpt = None, format: FormatOpt = Format.table,
) -> None:
    """Show one route with its path, actors, weapons and every evidence item with its source.

    Example: arms-routes show prk-irn-sdn-egy-gaza
    """
    from routes import summary

    chosen, _ = _select(data, None, None, None, None, None, None, None, [route_id])
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
    route: RouteOpt = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write: .html (a map).")] = Path("map.html"),
    title: Annotated[Optional[str], typer.Option("--title", help="Map title. Default: from the filters.")] = None,
) -> None:
    """Render the selected routes as an interactive map, colour by weapon category, pattern by evidence status.

    Example: arms-routes render --weapon F-7 -o f7.html
    """
    from routes.render import render_map

    chosen, filters = _select(data, weapon, category, actor, place, since, until, min_status, route)
    render_map(chosen, output, title=title, filters=filters)
    typer.echo(f"wrote {output} ({len(chosen.routes)} route{'s' if len(chosen.routes) != 1 else ''})")


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
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0)

    return wrapper


for _command in app.registered_commands:
    _command.callback = _guard(_command.callback)


if __name__ == "__main__":
    app()
