"""The visual language of every map: colour by weapon category, dash pattern by evidence status.

Defined once here so the interactive map, static images and reports draw a route the same way.
"""

from __future__ import annotations

import hashlib

from . import model

CATEGORY_COLOURS: dict[str, str] = {
    "small-arms": "#4e79a7",
    "anti-tank": "#e15759",
    "artillery-rockets": "#f28e2b",
    "ballistic-missiles": "#7b3294",
    "air-defence": "#1b9e9e",
    "armour-vehicles": "#59a14f",
    "munitions": "#c9a227",
    "communications": "#6b6ecf",
    "wmd": "#222222",
    "tunnels-fortification": "#8c564b",
    "other": "#8c8c8c",
}
# Colours for a category that is not in CATEGORY_COLOURS (a dataset may add its own categories).
FALLBACK_PALETTE = ("#17becf", "#bcbd22", "#a05195", "#2f4b7c", "#d45087", "#665191", "#ff7c43", "#003f5c")

# SVG stroke-dasharray (in pixels) by status: the stronger the evidence, the more solid the line.
STATUS_DASH: dict[str, str | None] = {
    "alleged": "2 6",
    "reported": "6 6",
    "corroborated": "12 6",
    "confirmed": None,
}
LINE_WIDTH = 3

# A disputed route (any evidence item disputes it) is drawn over a halo of this colour,
# with this marker at its middle.
DISPUTED_COLOUR = "#d01c8b"
DISPUTED_MARKER = "?"
DISPUTED_LABEL = "disputed (a source disputes it)"

# Where a shipment was stopped.
INTERDICTION_COLOUR = "#000000"
INTERDICTION_MARKER = "✕"
INTERDICTION_LABEL = "interdicted (shipment stopped)"

CREDIT = "Routes: arms-routes dataset (see sources). Basemap: Natural Earth (public domain)."


def category_colour(category: str) -> str:
    """The colour of a weapon category; a stable colour from FALLBACK_PALETTE for one we do not know."""
    if category in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[category]
    digest = hashlib.sha256(category.encode("utf-8")).digest()
    return FALLBACK_PALETTE[digest[0] % len(FALLBACK_PALETTE)]


def route_category(route: dict, weapons) -> str:
    """The category a route is coloured by: its first weapon system's category ("other" without weapons).

    `weapons` is a `routes.weapons.Taxonomy`.
    """
    listed = model.props(route).get("weapons") or []
    return weapons.category(listed[0]) if listed else "other"


def route_colour(route: dict, weapons) -> str:
    return category_colour(route_category(route, weapons))


def status_dash(status: str | None) -> str | None:
    """The SVG dasharray for a status; an unknown status is drawn like the weakest (alleged)."""
    return STATUS_DASH.get(status or "alleged", STATUS_DASH["alleged"])
