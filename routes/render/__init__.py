"""Rendering selected routes: `render_map` writes an interactive Leaflet map (.html: a page, or a
fragment to embed) or a static image (.png, .svg), by the output's suffix.
"""

from __future__ import annotations

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
) -> Path:
    """Write a map of the routes in `dataset` to `output` and return its path; the suffix picks the kind.

    .html: an interactive map, a page of its own or, with `embed`, a fragment `height` pixels high
    (default 600) to paste into another page; `offline` inlines Leaflet and draws country outlines
    instead of web `tiles` (a name from `TILE_SETS`). .png and .svg: a static image `width` pixels
    wide (default 2000) at `dpi` (default 200); an image never needs the network, so `offline`
    changes nothing there.

    The same data and options always give the same bytes. Raises `UsageError` for another suffix
    or an option that cannot apply to the kind of output, `NoRoutesMatch` for a dataset without
    routes; nothing is written then.
    """
    output = Path(output)
    suffix = output.suffix.lower()
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

        return render_image(dataset, output, title=title, filters=filters,
                            width=DEFAULT_WIDTH if width is None else width, dpi=DEFAULT_DPI if dpi is None else dpi)
    if embed:
        text = map_fragment(dataset, title=title, filters=filters, offline=offline, tiles=tiles,
                            height=DEFAULT_HEIGHT if height is None else height, name=output.name)
    else:
        text = map_page(dataset, title=title, filters=filters, offline=offline, tiles=tiles)
    write_atomic(output, text)
    return output


def _refuse(options: dict, where: str) -> None:
    """`UsageError` naming the options given (not None) that apply only to `where`."""
    given = [name for name, value in options.items() if value is not None]
    if given:
        raise UsageError(f"{' and '.join(given)} {'apply' if len(given) > 1 else 'applies'} to {where}")
