"""The documented trade of a map's payload (routes/render/flow_payload.py, payload.build_payload with
`flows=`): deals of a dataset source carried once, compactly, for the page to sum into flows; the
curated routes carried as before; the deals not placed carried for their table."""

from __future__ import annotations

import json
import re

import pytest

from cli import app
from conftest import COORDS, make_collection, make_route
from routes import flows
from routes.dataset import load_dataset
from routes.render.html import map_fragment, map_page
from routes.render.payload import build_payload, join_cards, split_cards
from routes.select import Filters, select

REGISTER = {"fx-register": {"title": "Fixture Arms Register", "kind": "dataset", "reliability": "B",
                            "url": "https://example.org/register", "publisher": "Fixture Institute"}}
ACTORS = {"fx-nampo": "North Korea", "fx-bandar-abbas": "Iran", "fx-damascus": "Syria", "fx-beirut": "Lebanon",
          "fx-port-sudan": "Sudan", "fx-pyongyang": "North Korea"}


def deal(deal_id, origin, destination, *, tiv=None, order=None, units=None, ordered=None, year=2010, years=(2011,),
         weapon="fx-rpg", designation=None, comments=None, uncertain=(), marked=(), start=None, end=None, **props):
    """A deal as import-sipri writes one: a route supplier → recipient whose only evidence cites a dataset source,
    with SIPRI's own figures in `sipri` ("?" marks as `uncertain` fields and `marked` delivery years)."""
    record = {"designation": designation or deal_id.upper(), "description": "fixture weapon", "order_year": year,
              "number_ordered": ordered, "number_delivered": units, "delivery_years": list(years),
              "uncertain": list(uncertain), "approximate_delivery_years": list(marked), "status": "New",
              "tiv": {"per_unit": 2.5, "total_order": order, "delivered": tiv}}
    period = {"start": year if start is None else start, "end": (years[-1] if years else year) if end is None else end}
    route = make_route(deal_id, waypoints=(origin, destination), legs=[{"mode": "unknown"}], weapons=[weapon],
                       supplier=ACTORS[origin], recipient=ACTORS[destination], intermediaries=[], period=period,
                       name=f"{ACTORS[origin]} → {ACTORS[destination]}: {deal_id}",
                       evidence=[{"source": "fx-register", "claim": comments or "A deal.", "stance": "supports",
                                  "credibility": 2}],
                       notes=f"SIPRI lists an order of {designation or deal_id.upper()}.", **props)
    route["properties"]["sipri"] = record
    route["geometry"] = {"type": "LineString", "coordinates": [COORDS[origin], COORDS[destination]]}
    return route


def unplaced(deal_id, supplier="unknown supplier(s)", recipient="Iran", reason="supplier is unknown", year=2012,
             weapon="fx-rpg"):
    return {"id": deal_id, "supplier": supplier, "recipient": recipient, "weapons": [weapon],
            "period": {"start": year, "end": year + 1}, "reason": reason, "source": "fx-register",
            "sipri": {"designation": "Fixture RPG", "number_ordered": 6, "uncertain": ["number_ordered"],
                      "comments": "Aid"}}


def deals() -> list[dict]:
    """Nine deals over five pairs (one pair both ways), of two categories, over 1998-2018; one with an
    approximate order year, one whose TIV is unknown, one of TIV 0."""
    return [
        deal("fx-d1", "fx-nampo", "fx-bandar-abbas", tiv=10, order=12, units=4, ordered=4, year=2001, years=(2002, 2003),
             designation="Fixture RPG", comments="Probably second-hand", uncertain=["number_ordered"], marked=[2003]),
        deal("fx-d2", "fx-nampo", "fx-bandar-abbas", tiv=40, order=40, units=16, ordered=16, year=2010, years=(2011,),
             designation="Fixture RPG-B"),
        deal("fx-d3", "fx-nampo", "fx-bandar-abbas", tiv=None, order=None, units=None, ordered=100, year=2015,
             years=(), designation="Fixture RPG-C", end=2016),
        deal("fx-d4", "fx-bandar-abbas", "fx-nampo", tiv=2.5, order=2.5, units=1, ordered=1, year=2012, years=(2013,)),
        deal("fx-d5", "fx-bandar-abbas", "fx-damascus", tiv=1000, order=1200, units=50, ordered=60, year=2012,
             years=(2013, 2014), weapon="fx-rocket", designation="Fixture Rocket"),
        deal("fx-d6", "fx-bandar-abbas", "fx-damascus", tiv=0, order=0, units=0, ordered=5, year=1998, years=(1999,),
             weapon="fx-rocket", designation="Fixture Rocket"),
        deal("fx-d7", "fx-damascus", "fx-beirut", tiv=None, order=None, units=20, ordered=20, year=2016,
             years=(2017, 2018), start={"year": 2016, "approximate": True}),
        deal("fx-d8", "fx-nampo", "fx-port-sudan", tiv=3, order=3, units=2, ordered=2, year=2005, years=(2006,),
             weapon="fx-rocket"),
        deal("fx-d9", "fx-nampo", "fx-bandar-abbas", tiv=7.5, order=7.5, units=3, ordered=3, year=2017, years=(2018,),
             designation="Fixture RPG"),
    ]


CURATED = ("fx-claim", ("fx-nampo", "fx-bandar-abbas", "fx-port-sudan"))


def trade_collection() -> dict:
    """The deals, a curated route (alleged, from a news source) that runs along the busiest pair, and two
    deals that could not be placed."""
    routes = [*deals(), make_route(CURATED[0], waypoints=CURATED[1], name="Alleged RPGs by sea to Port Sudan")]
    doc = make_collection(routes, {**REGISTER, "fx-news": make_collection()["sources"]["fx-news"]})
    doc["unplaced"] = [unplaced("fx-u1"), unplaced("fx-u2", supplier="Iran", recipient="NATO",
                                                    reason="recipient is a multinational organisation (NATO), not a place",
                                                    year=2003, weapon="fx-rocket")]
    return doc


@pytest.fixture
def trade(write_dataset, runner):
    path = write_dataset(trade_collection())
    result = runner.invoke(app, ["validate", "--strict", str(path)])
    assert result.exit_code == 0, result.output  # the fixture is data the model allows
    return path


def payload_of(path, filters=None, **options):
    return build_payload(load_dataset([path]), filters=filters, flows=flows.FlowOptions(enabled=True, **options))


def rows(part: dict, name: str) -> list[dict]:
    fields = part[f"{name[:-1]}_fields"]
    return [{k: v for k, v in zip(fields, row)} for row in part[name]]


def test_with_flows_the_routes_are_the_curated_ones_and_the_deals_ride_once_each(trade):
    payload = payload_of(trade)
    assert [row[0] for row in payload["routes"]] == ["fx-claim"]  # never summed, drawn one by one
    trade_part = payload["flows"]
    pairs = rows(trade_part, "pairs")
    points = trade_part["points"]
    assert [(points[p["origin"]][2], points[p["destination"]][2]) for p in pairs] == [
        ("Fixture Nampo", "Fixture Bandar Abbas"), ("Fixture Bandar Abbas", "Fixture Nampo"),
        ("Fixture Bandar Abbas", "Fixture Damascus"), ("Fixture Damascus", "Fixture Beirut"),
        ("Fixture Nampo", "Fixture Port Sudan")]
    assert [(p["supplier"], p["recipient"]) for p in pairs] == [
        ("North Korea", "Iran"), ("Iran", "North Korea"), ("Iran", "Syria"), ("Syria", "Lebanon"), ("North Korea", "Sudan")]
    found = rows(trade_part, "deals")
    assert [d["pair"] for d in found] == [0, 0, 0, 1, 2, 2, 3, 4, 0]
    assert [(d["start"], d["end"]) for d in found][:3] == [(2001, 2003), (2010, 2011), (2015, 2016)]
    assert found[6]["approximate"] == 1  # (c. 2016: the start is approximate)
    assert [d.get("value") for d in found] == [10, 40, None, 2.5, 1000, 0, None, 3, 7.5]
    assert trade_part["total"] == 9
    # the route ids ride in the card data, never in the drawn payload
    main, cards = split_cards(payload)
    assert "cards" not in main["flows"] and "fx-d1" not in json.dumps(main)
    assert [cards["flows"]["id_prefix"] + i for i in cards["flows"]["ids"]] == [f"fx-d{i}" for i in range(1, 10)]
    assert join_cards(main, cards) == payload


def test_what_the_filters_test_is_in_the_panels_tables(trade):
    payload = payload_of(trade)
    panel, part = payload["panel"], payload["flows"]
    assert len(panel["years"]) == len(panel["route_actors"]) == 1  # (per route: the curated one)
    actors = panel["actors"]["keys"]
    assert {"northkorea", "iran", "syria", "lebanon", "sudan"} <= set(actors)
    first = rows(part, "pairs")[0]
    assert [actors[i] for i in part["lists"][first["actors"]]] == ["northkorea", "iran"]
    assert [panel["places"][i][0] for i in part["lists"][first["places"]]] == ["fx-nampo", "fx-bandar-abbas"]
    assert [panel["sources"][i] for i in part["lists"][first["sources"]]] == ["fx-register"]
    weapons = [[panel["weapons"]["ids"][i] for i in s] for s in part["weapon_sets"]]
    assert weapons == [["fx-rpg"], ["fx-rocket"]]
    categories = [c["id"] for c in payload["categories"]]
    assert [[categories[i] for i in boxes] for boxes in part["weapon_boxes"]] == [["anti-tank"], ["artillery-rockets"]]
    # the category boxes count the deals too
    assert {c["id"]: c["count"] for c in payload["categories"]} == {"anti-tank": 6 + 1, "artillery-rockets": 3}
    # and the sources the deals cite are there for their cards
    assert payload["sources"]["fx-register"]["url"] == "https://example.org/register"


@pytest.mark.parametrize("options", [{}, {"curve": "log"}, {"measure": "deals"}, {"measure": "units", "auto": True},
                                     {"measure": "tiv-order", "auto": True, "curve": "log"}])
def test_the_scale_travels_as_routes_flows_makes_it(trade, options):
    payload = payload_of(trade, **options)
    dataset = load_dataset([trade])
    summed = flows.aggregate(flows.split(dataset, True)[1])
    scale = flows.FlowOptions(enabled=True, **options).scale(summed)
    travelled = payload["flows"]["scale"]
    assert (travelled["measure"], travelled["curve"], travelled["reference"], travelled["auto"]) == (
        scale.measure, scale.curve, scale.reference, scale.auto)
    assert travelled["legend"] == [list(entry) for entry in scale.legend()]
    assert travelled["describe"] == scale.describe()
    assert (travelled["min"], travelled["max"]) == (flows.MIN_WIDTH, flows.MAX_WIDTH)
    measure = options.get("measure", flows.DEFAULT_MEASURE)
    values = [d.get("value") for d in rows(payload["flows"], "deals")]
    if measure == "deals":
        assert values == [None] * 9  # (every deal counts 1: not carried)
    else:
        deal_routes = flows.split(dataset, True)[1]
        assert values == [flows.deal_value(d, measure) for d in deal_routes]


def test_a_deals_card_keeps_the_datasets_question_marks(trade):
    main, cards = split_cards(payload_of(trade))
    part = cards["flows"]
    first = dict(zip(part["card_fields"], part["rows"][0]))
    text = {name: part["values"][name][first.get(name) or 0] for name in part["card_fields"]}
    assert text == {"designation": "Fixture RPG", "description": "fixture weapon", "ordered": "4?", "delivered": "4",
                    "ordered_in": "2001", "delivered_in": "2002; 2003?", "tiv_unit": "2.5", "tiv_order": "12",
                    "tiv_delivered": "10", "status": "New", "comments": "Probably second-hand", "period": "2001–2003"}
    seventh = dict(zip(part["card_fields"], part["rows"][6]))
    assert part["values"]["period"][seventh["period"]] == "c. 2016–2018"


def test_the_deals_not_placed_are_carried_for_their_table(trade):
    main, cards = split_cards(payload_of(trade))
    assert main["unplaced"] == {"count": 2}
    part = cards["unplaced"]
    table = [{name: part["values"][name][row[i] if i < len(row) and row[i] is not None else 0]
              for i, name in enumerate(part["card_fields"])} for row in part["rows"]]
    assert [(r["id"], r["supplier"], r["recipient"], r["ordered"], r["comments"]) for r in table] == [
        ("fx-u1", "unknown supplier(s)", "Iran", "6?", "Aid"), ("fx-u2", "Iran", "NATO", "6?", "Aid")]
    assert table[1]["reason"] == "recipient is a multinational organisation (NATO), not a place"
    # a filter on the deals keeps those it keeps (select.unplaced_deals)
    main, cards = split_cards(payload_of(trade, filters=Filters(weapons=("fx-rocket",))))
    assert main["unplaced"] == {"count": 1}


def test_without_flows_every_deal_is_a_route_and_the_unplaced_are_still_tabled(trade):
    payload = build_payload(load_dataset([trade]), flows=flows.FlowOptions(enabled=False))
    assert payload["flows"] is None
    assert len(payload["routes"]) == 10
    assert payload["unplaced"]["count"] == 2
    # below the threshold, the default draws them one by one too
    assert build_payload(load_dataset([trade]))["flows"] is None


def test_the_filters_choose_the_deals_before_they_are_summed(trade):
    dataset = load_dataset([trade])
    chosen = select(dataset, Filters(since=2010, until=2013))
    payload = build_payload(chosen, flows=True)
    expected = flows.aggregate(flows.split(chosen, True)[1])
    pairs = rows(payload["flows"], "pairs")
    assert [(p["supplier"], p["recipient"]) for p in pairs] == [(f.supplier, f.recipient) for f in expected]
    assert payload["flows"]["total"] == sum(len(f.deals) for f in expected) == 3
    assert payload["title"].startswith("Documented arms trade and alleged routes — since 2010, until 2013 "
                                       "(3 deals as 3 flows; 1 alleged route)")


def test_the_view_takes_in_the_flows(trade, write_dataset):
    far = trade_collection()
    far["features"] = [r for r in far["features"] if r["id"] != "fx-claim"]
    path = write_dataset(far, "far.geojson")
    (south, west), (north, east) = build_payload(load_dataset([path]), flows=True)["bounds"]
    ends = {p for d in deals() for p in d["properties"]["waypoints"]}
    lats = [COORDS[p][1] for p in ends]
    lons = [COORDS[p][0] for p in ends]
    assert (south, north) == (min(lats), max(lats)) and (west, east) == (min(lons), max(lons))


def test_a_map_of_flows_is_deterministic_and_its_texts_stay_text(trade, write_dataset):
    doc = trade_collection()
    doc["features"][0]["properties"]["sipri"]["comments"] = "</script><script>alert(1)</script> & <b>"
    doc["features"][0]["properties"]["evidence"][0]["claim"] = "</script><script>alert(1)</script>"
    path = write_dataset(doc, "hostile.geojson")
    page = map_page(load_dataset([path]), flows=True, offline=True)
    assert page == map_page(load_dataset([path]), flows=True, offline=True)
    assert "<script>alert(1)" not in page and "alert(1)" in page  # (as JSON text: \u003cscript\u003e)
    fragment = map_fragment(load_dataset([path]), flows=True, name="f.html")
    assert fragment == map_fragment(load_dataset([path]), flows=True, name="f.html")
    assert "window.armsRoutesFlows" in fragment and "<script>alert(1)" not in fragment


def test_render_takes_the_flow_options_into_the_page(runner, trade, tmp_path):
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["render", "-d", str(trade), "--flows", "--flow-width", "deals", "--flow-scale", "auto",
                                 "--flow-curve", "log", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(re.search(r'<script type="application/json" id="arms-routes-data-[0-9a-f]+">(.*?)</script>',
                                out.read_text(encoding="utf-8"), re.S).group(1))
    scale = data["flows"]["scale"]
    assert (scale["measure"], scale["auto"], scale["curve"], scale["reference"]) == ("deals", True, "log", 4.0)
    result = runner.invoke(app, ["render", "-d", str(trade), "--no-flows", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert '"flows":null' in out.read_text(encoding="utf-8")
