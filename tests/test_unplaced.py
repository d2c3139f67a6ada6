"""Deals that cannot be placed (a dataset's `unplaced` list): the data model, validate, fmt, loading
several files, selections and the GeoJSON export (routes.validate, routes.fmt, routes.dataset,
routes.select.unplaced_deals, routes.export)."""

from __future__ import annotations

import copy
import json

import pytest

from cli import app
from conftest import make_collection, make_route
from routes.dataset import load_dataset
from routes.errors import RoutesError
from routes.fmt import canonical, geojson_text

DATASET = {"fx-register": {"title": "Fixture register", "kind": "dataset", "reliability": "B"}}


def unplaced(deal_id="fx-deal-1", supplier="unknown supplier(s)", recipient="Fixture Iran", weapons=("fx-rpg",),
             start=2007, end=2008, reason="supplier is unknown", **extra):
    return {"id": deal_id, "supplier": supplier, "recipient": recipient, "weapons": list(weapons),
            "period": {"start": start, "end": end}, "reason": reason, "source": "fx-register",
            "sipri": {"designation": "Fixture RPG", "number_ordered": 6}, **extra}


def deal_route(route_id="fx-placed", **props):
    return make_route(route_id, waypoints=("fx-nampo", "fx-bandar-abbas"), evidence=[
        {"source": "fx-register", "claim": "A deal.", "stance": "supports", "credibility": 2}], **props)


def collection(deals, routes=None, sources=None):
    doc = make_collection([deal_route()] if routes is None else routes,
                          {**DATASET, **make_collection()["sources"]} if sources is None else sources)
    doc["unplaced"] = deals
    return doc


def test_a_dataset_with_unplaced_deals_is_valid_and_counts_them(runner, write_dataset):
    path = write_dataset(collection([unplaced(), unplaced("fx-deal-2", recipient="NATO", reason="recipient is NATO")],
                                    sources=DATASET))
    result = runner.invoke(app, ["validate", "--strict", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok: 0 errors, 0 warnings in 1 file (1 route, 2 unplaced deals)" in result.output


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda d: d.pop("reason"), "unplaced[0].reason", "is missing"),
    (lambda d: d.update(source="fx-registr"), "unplaced[0].source",
     "unknown source 'fx-registr'; did you mean 'fx-register'?"),
    (lambda d: d.update(source="fx-news"), "unplaced[0].source",
     "'fx-news' is a source of kind 'news', but unplaced deals are records of a dataset source"),
    (lambda d: d.update(weapons=["fx-rgp"]), "unplaced[0].weapons[0]", "unknown weapon system 'fx-rgp'"),
    (lambda d: d.update(period={"start": 2009, "end": 2001}), "unplaced[0].period", "starts in 2009 but ends in 2001"),
    (lambda d: d.update(id="fx-placed"), "unplaced[0].id",
     "'fx-placed' is also the id of a route (features[0]); a deal is either drawn as a route or unplaced"),
    (lambda d: d.update(id="Not A Slug"), "unplaced[0].id", "'Not A Slug' is not allowed: use lower-case letters"),
])
def test_a_bad_unplaced_deal_is_one_line_naming_the_deal_and_its_field(runner, write_dataset, change, field, message):
    deal = unplaced()
    change(deal)
    path = write_dataset(collection([deal]))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    [line] = [line for line in result.stdout.splitlines() if f": {field}: " in line]
    assert line.startswith(f"{path}:") and f": {field}: {message}" in line, line
    assert "Traceback" not in result.output


def test_two_unplaced_deals_with_one_id_are_refused(runner, write_dataset):
    path = write_dataset(collection([unplaced(), unplaced()]))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "fx-deal-1: unplaced[1].id: 'fx-deal-1' is also the id of unplaced[0]" in result.stdout


def test_unplaced_must_be_a_list(runner, write_dataset):
    doc = collection([])
    doc["unplaced"] = {"not": "a list"}
    result = runner.invoke(app, ["validate", str(write_dataset(doc))])
    assert result.exit_code == 1
    assert ": -: unplaced: must be a list, not an object" in result.stdout


def test_fmt_writes_them_after_the_features_in_the_data_models_order():
    deal = {"sipri": {"designation": "X"}, "source": "fx-register", "reason": "r", "period": {"end": 1, "start": 0},
            "weapons": [], "recipient": "b", "supplier": "a", "id": "fx-d", "mine": True}
    doc = canonical({"unplaced": [deal], "features": [], "type": "FeatureCollection", "sources": {}})
    assert list(doc) == ["type", "sources", "features", "unplaced"]
    assert list(doc["unplaced"][0]) == ["id", "supplier", "recipient", "weapons", "period", "reason", "source",
                                        "sipri", "mine"]
    assert list(doc["unplaced"][0]["period"]) == ["start", "end"]
    lines = geojson_text(collection([unplaced(), unplaced("fx-deal-2")]), layout="lines").splitlines()
    assert sum(line.startswith('    {"id":"fx-deal-') for line in lines) == 2  # (one deal per line)


def test_loading_merges_the_unplaced_deals_of_every_file(write_dataset):
    first = write_dataset(collection([unplaced()]), name="a.geojson")
    second = write_dataset(collection([unplaced("fx-deal-2")], routes=[deal_route("fx-other")]), name="b.geojson")
    dataset = load_dataset([first, second])
    assert [d["id"] for d in dataset.unplaced] == ["fx-deal-1", "fx-deal-2"]
    again = write_dataset(collection([unplaced()], routes=[deal_route("fx-third")]), name="c.geojson")
    with pytest.raises(RoutesError, match=r"unplaced deal id is also used in .*a\.geojson; the same deal cannot be "
                                          r"loaded twice"):
        load_dataset([first, again])


def test_a_selection_keeps_the_unplaced_deals_its_filters_keep(write_dataset):
    deals = [unplaced("fx-old", start=1980, end=1982), unplaced("fx-rocket", weapons=["fx-rocket"], supplier="Iran"),
             unplaced("fx-open", start=None, end=None, recipient="NATO")]
    dataset = load_dataset([write_dataset(collection(deals))])

    def kept(**filters):
        return [d["id"] for d in dataset.select(**filters).unplaced]

    assert kept() == ["fx-old", "fx-rocket", "fx-open"]
    assert kept(weapon="Fixture Rocket") == ["fx-rocket"]
    assert kept(category="anti-tank") == ["fx-old", "fx-open"]
    assert kept(actor="NATO") == ["fx-open"]  # (an actor only an unplaced deal names is known)
    assert kept(since=2000) == ["fx-rocket", "fx-open"]  # an unknown year is open, as for routes
    assert kept(kind="arms") == ["fx-old", "fx-rocket", "fx-open"] and kept(kind="payment") == []
    # a filter on what only a route has leaves every unplaced deal out
    assert kept(place="Fixture Nampo") == kept(route="fx-placed") == kept(min_status="alleged") == []
    assert kept(disputed=False) == []
    assert [d["id"] for d in dataset.select(since=2000).select(weapon="Fixture RPG").unplaced] == ["fx-open"]


def test_the_geojson_export_keeps_them_with_their_source_and_weapons(runner, write_dataset, tmp_path):
    doc = collection([unplaced(weapons=["fx-own"])])
    doc["weapons"].append({"id": "fx-own", "name": "Fixture own", "aliases": [], "category": "other"})
    out = tmp_path / "out.geojson"
    result = runner.invoke(app, ["export", "-d", str(write_dataset(doc)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["unplaced"] == [unplaced(weapons=["fx-own"])]
    assert "fx-register" in exported["sources"] and "fx-own" in {w["id"] for w in exported["weapons"]}
    checked = runner.invoke(app, ["validate", "--strict", str(out)])
    assert checked.exit_code == 0, checked.output


def test_the_dataset_as_loaded_is_not_changed_by_a_selection(write_dataset):
    deals = [unplaced(), unplaced("fx-deal-2", start=1990, end=1991)]
    dataset = load_dataset([write_dataset(collection(copy.deepcopy(deals)))])
    dataset.select(since=2000)
    assert [d["id"] for d in dataset.unplaced] == ["fx-deal-1", "fx-deal-2"]
