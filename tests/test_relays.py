"""Evidence items that repeat another source in one claim (`relays`): counted per claim, shown everywhere."""

from __future__ import annotations

import json

import pytest

from cli import app
from conftest import SOURCES, make_collection, make_route


def _collection():
    sources = dict(SOURCES)
    sources["fx-deal-report"] = {"title": "The fixture deal report", "kind": "other", "reliability": "F",
                                 "published": None, "url": None, "derived_from": []}
    deal_items = [
        {"source": "fx-news", "claim": "News repeats the deal report.", "stance": "supports", "credibility": 3,
         "relays": ["fx-deal-report"]},
        {"source": "fx-analysis", "claim": "Analysis repeats it too.", "stance": "supports", "credibility": 3,
         "relays": ["fx-deal-report"]},
    ]
    other_items = [
        {"source": "fx-news", "claim": "News on another matter.", "stance": "supports", "credibility": 3},
        {"source": "fx-analysis", "claim": "Analysis on it, on its own.", "stance": "supports", "credibility": 3},
    ]
    return make_collection([make_route("fx-deal", evidence=deal_items, status="corroborated"),
                            make_route("fx-other", evidence=other_items, status="corroborated")], sources)


def test_two_sources_relaying_one_report_in_a_claim_are_one_source_for_that_claim_only(runner, write_dataset):
    path = write_dataset(_collection())

    result = runner.invoke(app, ["validate", str(path)])

    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if ": status: " in line]
    assert len(errors) == 1 and ": fx-deal: status: 'corroborated' needs two independent supporting sources" in errors[0]
    assert "(fx-news, fx-analysis) share their reporting" in errors[0]


def test_show_list_and_report_say_what_an_item_repeats(runner, write_dataset, tmp_path):
    collection = _collection()
    collection["features"][0]["properties"]["status"] = "reported"
    path = write_dataset(collection)

    shown = runner.invoke(app, ["show", "fx-deal", "-d", str(path)])
    listed = runner.invoke(app, ["list", "-d", str(path), "--format", "json"])
    report = runner.invoke(app, ["report", "-d", str(path), "--no-map", "-o", str(tmp_path / "r.md")])

    assert shown.exit_code == 0, shown.output
    assert shown.stdout.count("repeats: The fixture deal report") == 2
    assert "1 independent supporting source" in shown.stdout
    assert {r["id"]: r["independent_sources"] for r in json.loads(listed.stdout)} == {"fx-deal": 1, "fx-other": 2}
    assert report.exit_code == 0, report.output
    assert (tmp_path / "r.md").read_text().count("Repeats: The fixture deal report.") == 2


def test_a_relayed_source_must_be_registered_and_not_the_items_own(runner, write_dataset):
    collection = _collection()
    items = collection["features"][0]["properties"]["evidence"]
    items[0]["relays"] = ["fx-nowhere"]
    items[1]["relays"] = ["fx-analysis"]
    path = write_dataset(collection)

    result = runner.invoke(app, ["validate", str(path)])

    assert result.exit_code == 1
    assert ": fx-deal: evidence[0].relays[0]: unknown source 'fx-nowhere'" in result.output
    assert ": fx-deal: evidence[1].relays[0]: is the item's own source" in result.output


@pytest.mark.browser
def test_the_map_card_says_what_an_item_repeats(page, write_dataset, tmp_path):
    from test_browser_render import click_route, open_map

    from routes.dataset import load_dataset
    from routes.render import render_map

    collection = _collection()
    collection["features"][0]["properties"]["status"] = "reported"
    path = render_map(load_dataset([write_dataset(collection)]), tmp_path / "map.html", offline=True)
    open_map(page, path)

    click_route(page, "fx-deal")

    card = page.locator(".leaflet-popup .arms-routes-card")
    assert card.get_by_text("Repeats: The fixture deal report").count() == 2
    assert "1 independent supporting source" in card.inner_text()


def test_a_waypoint_precision_must_agree_with_its_place(runner, write_dataset):
    from conftest import place_feature

    collection = make_collection([make_route("fx-precise", waypoints=[
        {"place": "fx-country", "precision": "site"},
        {"place": "fx-nampo", "precision": "country"},
        {"place": "fx-port-sudan", "precision": "area"}], legs=[{"mode": "unknown"}] * 2)])
    collection["places"].append(place_feature("fx-country", "Fixture Country", "PRK", "country", 127.5, 40.3, []))
    collection["features"][0]["geometry"]["coordinates"][0] = [127.5, 40.3]
    path = write_dataset(collection)

    result = runner.invoke(app, ["validate", str(path)])

    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if ": fx-precise: " in line and "warning" not in line]
    assert len(errors) == 2, result.output
    assert "waypoints[0].precision: 'site' is finer than the place itself ('fx-country' locates 'country')" in errors[0]
    assert ("waypoints[1].precision: 'country' says the sources name only the country, so 'fx-nampo' (Fixture Nampo) "
            "only stands in for what they name: add \"stand_in\": true and \"stands_for\", or use the country point "
            "'") in errors[1]
    # a named place located only coarsely ("the Port Sudan area") is fine


def test_the_evidence_export_carries_what_an_item_repeats(runner, write_dataset, tmp_path):
    import csv

    collection = _collection()
    collection["features"][0]["properties"]["status"] = "reported"
    path = write_dataset(collection)
    out = tmp_path / "evidence.csv"
    result = runner.invoke(app, ["export", "-d", str(path), "--route", "fx-deal", "--evidence", "-o", str(out)])

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(newline="")))
    assert [row["relays"] for row in rows] == ["fx-deal-report", "fx-deal-report"]


def test_a_weapon_category_may_not_be_named_like_a_kind_of_route(runner, write_dataset):
    collection = make_collection()
    collection["weapons"].append({"id": "fx-cash", "name": "Cash", "category": "payment"})
    path = write_dataset(collection)

    result = runner.invoke(app, ["validate", str(path)])

    assert result.exit_code == 1
    assert ": -: weapons[2].category: 'payment' names a kind of route (what moved)" in result.output


def test_every_bad_value_of_a_waypoint_object_is_reported_in_one_pass(runner, write_dataset):
    route = make_route("fx-many-wrongs", waypoints=[{"place": "fx-nampo", "stand_in": "yes", "precision": "city"},
                                                    "fx-gaza"], legs=[{"mode": "unknown"}])
    route["properties"]["period"] = {"start": {"year": "1999", "approximate": "yes"}, "end": None}
    path = write_dataset(make_collection([route]))

    result = runner.invoke(app, ["validate", str(path)])

    assert result.exit_code == 1
    for field, words in (("waypoints[0].stand_in", "must be true or false"), ("waypoints[0].precision", "'city'"),
                         ("period.start.year", "must be a whole number"),
                         ("period.start.approximate", "must be true or false")):
        assert any(f": fx-many-wrongs: {field}: " in line and words in line for line in result.output.splitlines()), \
            (field, result.output)
