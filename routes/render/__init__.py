"""Rendering selected routes: `render_map` writes an interactive Leaflet map as one HTML file.

Static images (.png, .svg) come with a later version; `render_map` says so for other suffixes.
"""

from __future__ import annotations

from pathlib import Path

from ..dataset import Dataset, write_atomic
from ..errors import NoRoutesMatch, UsageError
from ..select import Filters
from .html import DEFAULT_TILES, map_page

__all__ = ["render_map", "map_page", "DEFAULT_TILES"]


def render_map(
    dataset: Dataset,
    output: Path | str,
    *,
    title: str | None = None,
    filters: Filters | None = None,
    offline: bool = False,
    tiles: str | None = DEFAULT_TILES,
) -> Path:
    """Write an interactive map of the routes in `dataset` to `output` (.html) and return its path.

    The same data and options always give the same bytes. `offline` makes a page that needs no
    network (Leaflet inlined, no tiles). Raises `UsageError` for another suffix or an unknown tile
    set, `NoRoutesMatch` for a dataset without routes; nothing is written then.
    """
    output = Path(output)
    if output.suffix.lower() != ".html":
        raise UsageError(f"cannot render a map to {output.name!r}: give an output file ending in .html "
                         "(.png and .svg images are not supported yet)")
    if not dataset.routes:
        raise NoRoutesMatch(f"no routes to draw{f' for {filters.describe()}' if filters else ''}; nothing was written")
    page = map_page(dataset, title=title, filters=filters, offline=offline, tiles=tiles)
    write_atomic(output, page)
    return output
