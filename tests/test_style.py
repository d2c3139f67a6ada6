"""routes.style: one palette and one set of dash patterns for every map."""

from __future__ import annotations

import re

from routes import model, style
from routes.weapons import Taxonomy

DATA_MODEL_CATEGORIES = ("small-arms", "anti-tank", "artillery-rockets", "ballistic-missiles", "air-defence",
                         "armour-vehicles", "munitions", "communications", "wmd", "tunnels-fortification", "other")
SIPRI_ONLY_CATEGORIES = ("aircraft", "drones", "engines", "missiles", "naval-weapons", "sensors", "ships")


def test_every_category_of_the_data_model_and_of_import_sipri_has_its_own_colour():
    # The legend lists them in this order: the data model's, then SIPRI's, "other" last.
    assert tuple(style.CATEGORY_COLOURS) == (*DATA_MODEL_CATEGORIES[:-1], *SIPRI_ONLY_CATEGORIES, "other")
    colours = [*style.CATEGORY_COLOURS.values(), *style.KIND_COLOURS.values()]
    assert len(set(colours)) == len(colours)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in [*colours, *style.FALLBACK_PALETTE])
    assert style.DISPUTED_COLOUR not in colours
    assert {style.category_colour(c) for c in SIPRI_ONLY_CATEGORIES}.isdisjoint(style.FALLBACK_PALETTE)


def test_an_unknown_category_gets_a_stable_colour_from_the_fallback_palette():
    first = style.category_colour("naval-mines")
    assert first in style.FALLBACK_PALETTE
    assert style.category_colour("naval-mines") == first
    assert {style.category_colour(f"new-{i}") for i in range(40)} == set(style.FALLBACK_PALETTE)
    assert len(set(style.FALLBACK_PALETTE)) == len(style.FALLBACK_PALETTE)
    assert set(style.FALLBACK_PALETTE).isdisjoint([*style.CATEGORY_COLOURS.values(), *style.KIND_COLOURS.values()])


def test_a_kind_is_coloured_as_itself_never_as_a_category():
    for kind, colour in style.KIND_COLOURS.items():
        assert style.group_colour(kind) == colour
        assert colour not in style.CATEGORY_COLOURS.values()


def test_status_dash_runs_from_dotted_to_solid():
    assert tuple(style.STATUS_DASH) == model.STATUSES
    assert style.status_dash("confirmed") is None
    dashes = [style.status_dash(s) for s in ("alleged", "reported", "corroborated")]
    lengths = [int(d.split()[0]) for d in dashes]
    assert lengths == sorted(lengths) and len(set(dashes)) == 3
    assert style.status_dash("made-up") == style.status_dash("alleged")


def test_a_route_is_coloured_by_its_first_weapon():
    weapons = Taxonomy([{"id": "a", "name": "A", "category": "wmd"}, {"id": "b", "name": "B", "category": "anti-tank"}])
    route = {"properties": {"weapons": ["b", "a"]}}
    assert style.route_category(route, weapons) == "anti-tank"
    assert style.route_colour(route, weapons) == style.CATEGORY_COLOURS["anti-tank"]
    assert style.route_category({"properties": {"weapons": []}}, weapons) == "other"
