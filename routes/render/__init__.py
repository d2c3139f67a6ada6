"""Rendering selected routes: `render_map` writes an interactive Leaflet map (.html: a page, or a
fragment to embed) or a static image (.png, .svg), by the output's suffix.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from ..dataset import Dataset, refuse_input, write_atomic
from ..errors import NoRoutesMatch, UsageError
from ..select import Filters, selection
from .html import DEFAULT_HEIGHT, DEFAULT_TILES, TILE_SETS, map_fragment, map_page

__all__ = ["render_map", "map_page", "map_fragment", "DEFAULT_TILES", "DEFAULT_HEIGHT", "TILE_SETS", "OUTPUT_FORMATS"]

OUTPUT_FORMATS = (".html", ".png", ".svg")


def render_map(
    dataset: Dataset,
    output: Path | str,
    *,
    title: str | None = None,
    filters: Filters | None = None,
    offline: bool = False,
    tiles: str | None = None,
    embed: bool = False,
    height: int | None = None,
    width: int | None = None,
    dpi: int | None = None,
    flows=None,
) -> Path:
    """Write a map of the routes in `dataset` to `output`, as `arms-routes render` does.

    Parameters
    ----------
    dataset : Dataset
        A dataset or a selection (`routes.select.select`); its description titles the map.
    output : str or Path
        The file; its suffix picks the kind: .html (an interactive map), .png or .svg (a static image).
    title : str, optional
        Default: from the selection, e.g. "Alleged arms-transfer routes — weapon F-7 (1 route)".
    filters : Filters, optional
        Select from `dataset` first: the map draws what they select and says so.
    offline : bool, default False
        .html: inline Leaflet and draw country outlines instead of web tiles (no network request).
    tiles : str, optional
        .html: a background from `TILE_SETS` (default "osm"; "none" for none).
    embed : bool, default False
        .html: a fragment (no html/head/body) `height` pixels high (default 600) to paste into a page.
    height, width, dpi : int, optional
        The fragment's height; the image's width in pixels (default 2000) and resolution (default 200).
    flows : FlowOptions, bool or None, optional
        Whether and how the deals of a dataset source (a SIPRI import) are summed into flows, one line
        per supplier → recipient pair as wide as its volume (`routes.flows.FlowOptions.of`: None, the
        default, sums them from `routes.flows.FLOW_THRESHOLD` deals on; True, False, or the options).
        Curated routes are always drawn one by one, on top.

    Returns
    -------
    Path
        The file written. The same data and options always give the same bytes.

    Raises
    ------
    UsageError
        For another suffix or an option that cannot apply to the kind of output.
    NoRoutesMatch
        For a selection without routes; nothing is written then.

    Examples
    --------
    >>> import routes, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> routes.load().select(weapon="F-7").render(folder / "f7.svg").name
    'f7.svg'
    """
    from ..flows import FlowOptions

    output = Path(output)
    suffix = output.suffix.lower()
    flows = FlowOptions.of(flows)
    if suffix not in OUTPUT_FORMATS:
        raise UsageError(f"cannot render a map to {output.name!r}: give an output file ending in .html "
                         "(an interactive map), .png or .svg (a static image)")
    if suffix == ".html":
        _refuse({"--width": width, "--dpi": dpi}, f".png and .svg images only, not to {output.name!r}: an .html map "
                "fills its window (an --embed fragment takes --height)")
        if not embed:
            _refuse({"--height": height}, "--embed fragments only: a whole .html page fills its window")
    else:
        _refuse({"--embed": embed or None, "--tiles": tiles, "--height": height},
                f".html maps only, not to {output.name!r} (a static image, drawn over country outlines)")
    refuse_input(output, dataset.files)
    dataset = selection(dataset, filters)
    filters = dataset.filters
    if not dataset.routes:
        raise NoRoutesMatch(f"no routes to draw for {dataset.description}; nothing was written")

    if suffix != ".html":
        from .image import DEFAULT_DPI, DEFAULT_WIDTH, render_image

        return render_image(dataset, output, title=title, filters=filters, flows=flows,
                            width=DEFAULT_WIDTH if width is None else width, dpi=DEFAULT_DPI if dpi is None else dpi)
    if embed:
        text = map_fragment(dataset, title=title, filters=filters, offline=offline, tiles=tiles,
                            height=DEFAULT_HEIGHT if height is None else height, name=output.name,
                            **flow_keyword(map_fragment, flows))
    else:
        text = map_page(dataset, title=title, filters=filters, offline=offline, tiles=tiles,
                        **flow_keyword(map_page, flows))
    write_atomic(output, text)
    return output


def flow_keyword(function, flows) -> dict:
    """`{"flows": flows}` for a function that takes `flows=` (a map writer that draws flows), else `{}`:
    every writer gets the same options from `render_map` and `explore`, and one that draws every route
    one by one is not handed what it would not use."""
    return {"flows": flows} if "flows" in inspect.signature(function).parameters else {}


def _refuse(options: dict, where: str) -> None:
    """`UsageError` naming the options given (not None) that apply only to `where`."""
    given = [name for name, value in options.items() if value is not None]
    if given:
        raise UsageError(f"{' and '.join(given)} {'apply' if len(given) > 1 else 'applies'} to {where}")
