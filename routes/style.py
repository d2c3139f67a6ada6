"""The visual language of every map: colour by weapon category, dash pattern by evidence status.

Defined once here so the interactive map, static images and reports draw a route the same way.
"""

from __future__ import annotations

import hashlib

from . import model

# The palette: every weapon category (the data model's and those import-sipri writes) and every route
# kind (KIND_COLOURS) has a colour of its own, found by scripts/palette.py and held to it by
# tests/test_palette.py. What it promises, in CIEDE2000 (ΔE00) differences, for readers with normal
# vision and, simulated after Machado et al. (2009), with deuteranopia and protanopia:
# - colours one map usually shows together (the bundled data's categories with the three kinds; or
#   the categories of a SIPRI import) differ by at least 14 for normal vision and 7 for dichromats;
#   any two colours of the palette by at least 8.5 and 4.5;
# - none is within 20 (8 for dichromats, who see the magenta halo as a mid grey) of the disputed halo,
#   nor near the interdiction black; only "other" is a grey;
# - each has a WCAG contrast of at least 3:1 on the land of every light basemap, 2.5:1 on the pale
#   seas and CARTO Dark Matter's land, 2:1 on OpenStreetMap's water and woods and Dark Matter's water.
# Those are honest limits, not a wish: what the backgrounds leave a dichromat is a strip of lightness by
# blue-yellow, and 21 colours cannot all be far apart in it. Colour is never the only channel: the
# category boxes, tooltips and cards name each route's categories in words.
CATEGORY_COLOURS: dict[str, str] = {
    "small-arms": "#307090",
    "anti-tank": "#f82850",
    "artillery-rockets": "#d85800",
    "ballistic-missiles": "#b80010",
    "air-defence": "#b07070",
    "armour-vehicles": "#209010",
    "munitions": "#806838",
    "communications": "#7878c8",
    "wmd": "#087878",
    "tunnels-fortification": "#8848e8",
    # the categories import-sipri writes beyond the data model's
    "aircraft": "#7068ff",
    "drones": "#788850",
    "engines": "#486010",
    "missiles": "#7808e8",
    "naval-weapons": "#3888a8",
    "sensors": "#006878",
    "ships": "#2068b8",
    "other": "#585858",
}
# Colours for a category that is not in CATEGORY_COLOURS (a dataset may add its own categories): apart
# from one another for every reader, and from the fixed colours for normal vision.
FALLBACK_PALETTE = ("#206030", "#804800", "#b04848", "#806898", "#a87048", "#888000", "#ff1010", "#0880f8")

# SVG stroke-dasharray (in pixels) by status: the stronger the evidence, the more solid the line.
STATUS_DASH: dict[str, str | None] = {
    "alleged": "2 6",
    "reported": "6 6",
    "corroborated": "12 6",
    "confirmed": None,
}
LINE_WIDTH = 3
# What each status means, in the words of docs/data-model.md, for every legend (map, image, report).
STATUS_LABELS: dict[str, str] = {
    "confirmed": "confirmed: an official finding or physical evidence made public",
    "corroborated": "corroborated: two or more independent supporting sources",
    "reported": "reported: by a credible outlet or official, not corroborated",
    "alleged": "alleged: a claim by one party or one outlet, not independently reported",
}

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

# Documented trade summed into flows (routes.flows): one colour for every flow, whatever moved (a flow
# sums deals of many categories), a muted slate under the alleged routes' category colours, which are
# drawn one by one on top; the ink of its arrowheads and of its countries' points.
FLOW_COLOUR = "#4f6d8a"
FLOW_INK = "#2b3e52"
FLOW_OPACITY = 0.55
FLOW_LABEL = "documented trade: the deals of one supplier → recipient pair, summed"


def category_colour(category: str) -> str:
    """The colour of a weapon category; a stable colour from FALLBACK_PALETTE for one we do not know."""
    if category in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[category]
    digest = hashlib.sha256(category.encode("utf-8")).digest()
    return FALLBACK_PALETTE[digest[0] % len(FALLBACK_PALETTE)]


# Routes that carry no weapons (money, people, know-how) are coloured by what moved, never as a
# weapon category: a payment is not a rocket.
KIND_COLOURS: dict[str, str] = {
    "payment": "#288058",
    "training": "#1048c8",
    "technology": "#804838",
}
KIND_LABELS: dict[str, str] = {
    "payment": "Payment: money moved this way (not weapons)",
    "training": "Training: people travelled this way (trainees or instructors)",
    "technology": "Technology, know-how or construction help",
}
# Every kind of route in words (what moved), for cards, reports and legends.
KIND_WORDS: dict[str, str] = {"arms": "Arms: weapon systems, parts or munitions moved this way", **KIND_LABELS}
COLOUR_RULE = ("An arms route takes the colour of the category of its first weapon system (on a map made "
               "for some weapon systems or categories, of the first that matched); it shows while any of "
               "its categories is ticked.")

# How much of a leg's line the sources give (model.PATHS) is drawn by opacity and width, a channel
# the four status patterns do not use: a schematic line is faint, a documented one strong.
PATH_OPACITY = {"documented": 1.0, "plausible": 0.9, "schematic": 0.45}
PATH_EXTRA_WIDTH = {"documented": 1.5, "plausible": 0.0, "schematic": 0.0}
# The disputed halo fades with its leg: a faint schematic line gets a faint halo, so that the halo
# never draws more attention than the line it marks.
HALO_OPACITY = 0.3


def halo_opacity(path: str) -> float:
    """The opacity of the disputed halo under a leg of this path (model.PATHS)."""
    return round(HALO_OPACITY * PATH_OPACITY.get(path, PATH_OPACITY["schematic"]) / PATH_OPACITY["plausible"], 3)

# Arrowheads point the way the goods moved: filled where the sources report a delivery, hollow where
# they do not (an attempted shipment, or an unknown outcome).
ARROW_FILLED_LABEL = "direction; filled: delivery reported"
ARROW_HOLLOW_LABEL = "direction; hollow: not reported delivered (attempted, or outcome unknown)"

# Waypoints: a dot for a place the sources name; a ring for a place they locate only coarsely
# (an area, a country); a dashed ring labelled "≈ ..." for a stand-in.
WAYPOINT_LABELS = {
    "site": "place named by the sources",
    "area": "area or country named by the sources (drawn at a representative point)",
    "stand-in": "≈ stand-in: the sources do not name this place; labelled with what they name",
}
RING_RADIUS = 8


def route_categories(route: dict, weapons) -> list[str]:
    """The distinct categories of a route's weapon systems, in their order; [] without weapons.

    `weapons` is a `routes.weapons.Taxonomy`. A route shows under each of them (as --category finds it).
    """
    listed = model.props(route).get("weapons") or []
    return list(dict.fromkeys(weapons.category(w) for w in listed if isinstance(w, str)))


def route_category(route: dict, weapons, matched_weapons=frozenset(), matched_categories=frozenset()) -> str:
    """The category an arms route is coloured by ("other" without weapons): that of its first weapon
    system among `matched_weapons` (the ids a --weapon filter found), else of the first in one of
    `matched_categories`, else of its first weapon system."""
    listed = [w for w in model.props(route).get("weapons") or [] if isinstance(w, str)]
    if not listed:
        return "other"
    for weapon_id in listed:
        if weapon_id in matched_weapons:
            return weapons.category(weapon_id)
    if matched_categories:
        for weapon_id in listed:
            if weapons.category(weapon_id) in matched_categories:
                return weapons.category(weapon_id)
    return weapons.category(listed[0])


def colour_group(route: dict, weapons, matched_weapons=frozenset(), matched_categories=frozenset()) -> str:
    """What a route is coloured by: its kind when it is not an arms route ("payment", "training",
    "technology"), else its weapon category (`route_category`)."""
    kind = model.kind(route)
    if kind in KIND_COLOURS:
        return kind
    return route_category(route, weapons, matched_weapons, matched_categories)


def group_colour(group: str) -> str:
    """The colour of a `colour_group`: a kind's, or a category's."""
    return KIND_COLOURS.get(group) or category_colour(group)


def route_colour(route: dict, weapons, matched_weapons=frozenset(), matched_categories=frozenset()) -> str:
    return group_colour(colour_group(route, weapons, matched_weapons, matched_categories))


def arrow_filled(route: dict) -> bool:
    """Whether a route's arrowheads are filled: only when the sources report it delivered."""
    return model.props(route).get("outcome") == "delivered"


def status_dash(status: str | None) -> str | None:
    """The SVG dasharray for a status; an unknown status is drawn like the weakest (alleged)."""
    return STATUS_DASH.get(status or "alleged", STATUS_DASH["alleged"])
