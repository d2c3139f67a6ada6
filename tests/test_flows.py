"""Deals of a dataset source summed into flows per supplier → recipient pair (routes.flows)."""

from __future__ import annotations

import pytest

from conftest import make_route
from routes import flows
from routes.errors import UsageError

DATASET = {"fx-sipri": {"title": "Fixture register", "kind": "dataset", "reliability": "B"},
           "fx-news": {"title": "News", "kind": "news", "reliability": "B"}}


def deal(route_id, waypoints=("fx-nampo", "fx-bandar-abbas"), tiv=None, order=None, units=None, **props):
    record = {"designation": route_id.upper(), "tiv": {"delivered": tiv, "total_order": order},
              "number_delivered": units}
    return make_route(route_id, waypoints=waypoints, sipri=record, evidence=[
        {"source": "fx-sipri", "claim": "A deal.", "stance": "supports", "credibility": 2}], **props)


def test_a_route_is_a_deal_only_when_every_supporting_source_is_a_dataset():
    assert flows.is_deal(deal("fx-a"), DATASET)
    curated = deal("fx-b")
    curated["properties"]["evidence"].append({"source": "fx-news", "claim": "Seen.", "stance": "supports",
                                              "credibility": 3})
    assert not flows.is_deal(curated, DATASET)
    assert not flows.is_deal(make_route("fx-c"), {"fx-news": DATASET["fx-news"]})
    assert not flows.is_deal(deal("fx-d"), {})  # (a source that is not registered is no dataset)


def test_deals_sum_per_pair_in_the_order_of_the_data():
    deals = [deal("fx-1", tiv=10, order=12, units=3), deal("fx-2", ("fx-nampo", "fx-damascus"), tiv=None, order=4),
             deal("fx-3", tiv=5.5, units=None), deal("fx-4", ("fx-nampo", "fx-damascus"), tiv=0)]
    found = flows.aggregate(deals)
    assert [(f.origin, f.destination, len(f.deals)) for f in found] == [
        ("fx-nampo", "fx-bandar-abbas", 2), ("fx-nampo", "fx-damascus", 2)]
    first, second = found
    assert first.total("tiv-delivered") == 15.5 and first.total("deals") == 2 and first.total("units") == 3
    assert first.unknown("units") == 1 and first.unknown("tiv-delivered") == 0
    assert second.total("tiv-delivered") == 0 and second.unknown("tiv-delivered") == 1
    assert second.total("units") is None and second.unknown("units") == 2


def test_only_deals_become_flows_and_only_from_the_threshold_unless_asked(monkeypatch):
    from routes.dataset import Dataset
    from routes.gazetteer import Gazetteer
    from routes.weapons import Taxonomy

    curated = make_route("fx-claim")
    few = Dataset([curated, *(deal(f"fx-{i}") for i in range(3))], {**DATASET}, Taxonomy(), Gazetteer())
    assert flows.split(few) == (few.routes, [])
    one_by_one, summed = flows.split(few, True)
    assert one_by_one == [curated] and len(summed) == 3
    monkeypatch.setattr(flows, "FLOW_THRESHOLD", 3)
    assert flows.split(few)[0] == [curated]
    assert flows.split(few, False) == (few.routes, [])


def test_the_fixed_scale_is_the_same_on_every_map_and_auto_says_it_is_not():
    small, big = flows.aggregate([deal("fx-1", tiv=100)]), flows.aggregate([deal("fx-2", tiv=10_000)])
    fixed = flows.Scale.of("tiv-delivered")
    assert flows.Scale.of("tiv-delivered", flows=small) == fixed == flows.Scale.of("tiv-delivered", flows=big)
    assert fixed.width(0) == fixed.width(None) == flows.MIN_WIDTH
    assert fixed.width(flows.REFERENCE["tiv-delivered"]) == flows.MAX_WIDTH == fixed.width(10**9)
    # square root: four times the volume, twice the width above the minimum
    assert (fixed.width(4_000) - flows.MIN_WIDTH) == pytest.approx(2 * (fixed.width(1_000) - flows.MIN_WIDTH), abs=0.02)
    auto = flows.Scale.of("tiv-delivered", auto=True, flows=small)
    assert auto.reference == 100 and auto.width(100) == flows.MAX_WIDTH
    assert "this map's widest flow" in auto.describe() and "fixed" in fixed.describe()
    assert [v for v, _ in fixed.legend()] == [10, 100, 1_000, 10_000, 50_000]
    widths = [w for _, w in fixed.legend()]
    assert widths == sorted(widths) and widths[-1] == flows.MAX_WIDTH
    log = flows.Scale.of("deals", "log")
    assert log.width(40) - log.width(4) == pytest.approx(log.width(400) - log.width(40), abs=1.5)


def test_unknown_measures_and_curves_are_usage_errors():
    with pytest.raises(UsageError, match="unknown flow measure 'tiv'; give one of tiv-delivered"):
        flows.Scale.of("tiv")
    with pytest.raises(UsageError, match="unknown flow scale 'cubic'"):
        flows.FlowOptions(curve="cubic")


def test_flow_options_from_what_a_caller_gives():
    assert flows.FlowOptions.of(None) == flows.FlowOptions()
    assert flows.FlowOptions.of(False) == flows.FlowOptions(enabled=False)
    assert flows.FlowOptions.of({"measure": "deals", "auto": True}) == flows.FlowOptions(measure="deals", auto=True)
    given = flows.FlowOptions(True, "units", "log")
    assert flows.FlowOptions.of(given) is given
    with pytest.raises(UsageError, match="unknown flow option 'width'; give enabled, measure, curve, auto"):
        flows.FlowOptions.of({"width": "deals"})
    with pytest.raises(UsageError, match="flows must be True, False, None, a dict or FlowOptions, not str"):
        flows.FlowOptions.of("yes")
    assert flows.FlowOptions(measure="deals", auto=True).scale(flows.aggregate([deal("fx-1")])).reference == 1


def test_flows_by_volume_the_largest_first_and_those_without_the_figure_last():
    found = flows.aggregate([deal("fx-1", ("fx-a", "fx-b"), tiv=5), deal("fx-2", ("fx-a", "fx-c"), tiv=None),
                             deal("fx-3", ("fx-a", "fx-d"), tiv=50), deal("fx-4", ("fx-a", "fx-b"), tiv=1)])
    assert [f.destination for f in flows.by_volume(found, "tiv-delivered")] == ["fx-d", "fx-b", "fx-c"]
    assert [f.destination for f in flows.by_volume(found, "deals")] == ["fx-b", "fx-c", "fx-d"]


def test_a_flows_years_span_its_deals_with_sipris_question_marks_where_every_deal_has_them():
    c1999 = {"year": 1999, "approximate": True}
    found, = flows.aggregate([deal("fx-1", period={"start": c1999, "end": 2001}),
                              deal("fx-2", period={"start": 2000, "end": None}),
                              deal("fx-3", period={"start": c1999, "end": {"year": 2004, "approximate": True}})])
    assert found.period() == {"start": c1999, "end": {"year": 2004, "approximate": True}}
    exact, = flows.aggregate([deal("fx-1", period={"start": c1999, "end": 2001}),
                              deal("fx-2", period={"start": 1999, "end": 2001})])
    assert exact.period() == {"start": 1999, "end": 2001}
    unknown, = flows.aggregate([deal("fx-1", period={"start": None, "end": None})])
    assert unknown.period() == {"start": None, "end": None}


def test_a_deal_as_table_cells_keeps_sipris_question_marks():
    route = deal("fx-1", tiv=212.5, order=212.5, units=170)
    route["properties"]["sipri"].update(description="surface-to-surface missile", order_year=1990, number_ordered=170,
                                        delivery_years=[1991, 1992, 1993], approximate_delivery_years=[1993],
                                        uncertain=["order_year", "number_ordered", "delivery_years"], status="New")
    route["properties"]["notes"] = "SIPRI lists an order ..."  # (import-sipri: the claim is SIPRI's comment)
    facts = flows.deal_facts(route)
    assert facts == {"designation": "FX-1", "description": "surface-to-surface missile", "category": "",
                     "ordered": "170?", "delivered": "170", "ordered_in": "1990?",
                     "delivered_in": "1991; 1992; 1993?", "tiv_delivered": "212.5", "tiv_order": "212.5",
                     "status": "New", "comments": "A deal."}
    unplaced = {"id": "fx-u", "supplier": "unknown supplier(s)", "recipient": "X", "weapons": [], "reason": "r",
                "sipri": {"designation": "Mi-17", "number_ordered": 1200, "comments": "Aid"}}
    assert flows.deal_facts(unplaced)["ordered"] == "1,200" and flows.deal_facts(unplaced)["comments"] == "Aid"
    assert flows.deal_facts(make_route("fx-curated"))["comments"] == ""  # (a route without notes: no comment)
