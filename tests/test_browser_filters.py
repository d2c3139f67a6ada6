"""The map's filter panel, time control, search and state in the URL (arms-routes-filters.js), in a
real browser (headless Debian Chromium, network blocked).

Every filter is set through its labelled control, as a reader would, and the routes the map shows
are compared with `arms-routes list --format json` given the same options: one rule on both sides.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from cli import app
from conftest import COORDS, frames, make_collection, make_route
from routes.dataset import load_dataset
from routes.select import Filters, describe, kept_undated, select

pytestmark = pytest.mark.browser

LABELS = ["Search", "Weapon system", "Category", "Kind", "Minimum status", "Disputed", "Actor", "From", "To"]
STAND_IN_IRAN = {"place": "fx-bandar-abbas", "stand_in": True, "stands_for": "Iran", "precision": "country"}
SUPPORTS = {"source": "fx-news", "claim": "A fixture claim.", "stance": "supports", "credibility": 3}
ANALYSIS = {"source": "fx-analysis", "claim": "A second, independent claim.", "stance": "supports", "credibility": 2}
DENIAL = {"source": "fx-analysis", "claim": "Iran denies it.", "stance": "disputes", "credibility": 4,
          "dispute": "denial", "said_by": "Iran"}


def through(route: dict, waypoints: list) -> dict:
    route["properties"]["waypoints"] = waypoints
    route["properties"]["legs"] = [{"mode": "unknown"} for _ in waypoints[1:]]
    route["geometry"] = {"type": "LineString",
                         "coordinates": [COORDS[w["place"] if isinstance(w, dict) else w] for w in waypoints]}
    return route


def collection() -> dict:
    """Eight routes: every kind of filter picks some of them and leaves others; years exact, approximate
    ("c. 2010") and unknown at either end or both; a family of weapon systems; a stand-in; a place alias."""
    routes = [
        make_route("fx-a", name="RPGs by sea to Port Sudan", period={"start": 2009, "end": 2014}),
        through(make_route("fx-b", name="Rockets overland to Beirut", weapons=["fx-rocket"], supplier="Iran",
                           recipient="Hezbollah", intermediaries=["Syria"], status="alleged",
                           period={"start": 2012, "end": 2016}, evidence=[SUPPORTS, DENIAL]),
                ["fx-bandar-abbas", "fx-damascus", "fx-beirut"]),
        through(make_route("fx-c", name="Missiles and RPGs to Gaza", weapons=["fx-scud-b", "fx-rpg"],
                           status="corroborated", period={"start": 2015, "end": 2018}, intermediaries=[],
                           evidence=[SUPPORTS, ANALYSIS]),
                ["fx-pyongyang", "fx-nampo", "fx-rafah", "fx-gaza"]),
        through(make_route("fx-d", name="Payment for rockets", kind="payment", weapons=[], supplier="Hamas",
                           recipient="North Korea", intermediaries=[],
                           period={"start": {"year": 2010, "approximate": True}, "end": 2011}),
                ["fx-gaza", "fx-pyongyang"]),
        through(make_route("fx-e", name="Rockets of unknown start", weapons=["fx-rocket"], supplier="Syria",
                           recipient="Hezbollah", intermediaries=[], status="alleged",
                           period={"start": None, "end": 2011}),
                ["fx-damascus", "fx-beirut"]),
        through(make_route("fx-f", name="Scud-C of unknown end", weapons=["fx-scud-c"], supplier="Iran",
                           recipient="Sudan", intermediaries=[], period={"start": 2013, "end": None}),
                ["fx-bandar-abbas", "fx-port-sudan"]),
        through(make_route("fx-g", name="RPGs of unknown date", intermediaries=["Iran"], period={"start": None, "end": None},
                           evidence=[SUPPORTS, DENIAL]),
                [STAND_IN_IRAN, "fx-gaza"]),
        through(make_route("fx-h", name="Training in Damascus", kind="training", weapons=[], supplier="Syria",
                           recipient="Hezbollah", intermediaries=[],
                           period={"start": 2005, "end": {"year": 2008, "approximate": True}}),
                ["fx-beirut", "fx-damascus"]),
    ]
    data = make_collection(routes)
    data["weapons"] += [{"id": "fx-scud-b", "name": "Fixture Scud-B", "aliases": ["FX-SB"], "family": "Fixture Scud",
                         "category": "ballistic-missiles"},
                        {"id": "fx-scud-c", "name": "Fixture Scud-C", "aliases": [], "family": "Fixture Scud",
                         "category": "ballistic-missiles"}]
    for place in data["places"]:
        if place["id"] == "fx-port-sudan":
            place["properties"]["aliases"] = ["Fx Bashayer"]
    return data


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("filters") / "routes.geojson"
    path.write_text(json.dumps(collection(), indent=2) + "\n", encoding="utf-8")
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output  # a fixture as the data model allows
    return path


@pytest.fixture(scope="module")
def map_file(data_file) -> Path:
    from typer.testing import CliRunner

    out = data_file.with_name("map.html")
    result = CliRunner().invoke(app, ["render", "-d", str(data_file), "--offline", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def panel_page(browser, map_file):
    """One page of the map for the many filter combinations; each test starts from "Clear filters"."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:")) else r.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    open_map(page, map_file.resolve().as_uri())
    yield page
    context.close()


@pytest.fixture
def fresh(panel_page):
    panel_page.get_by_role("button", name="Clear filters").click()
    assert visible(panel_page) == ALL
    yield panel_page
    assert panel_page.errors == []


ALL = ["fx-a", "fx-b", "fx-c", "fx-d", "fx-e", "fx-f", "fx-g", "fx-h"]


def open_map(page, url: str, count: int = 1) -> None:
    page.goto(url)
    page.wait_for_function(f"window.armsRoutes && Object.keys(window.armsRoutes).length === {count}")
    frames(page)


def settled_url(page) -> str:
    """The page's URL once the map has written its state there (a moment after the last change)."""
    page.wait_for_timeout(300)
    return page.url


def visible(page, map_id: str | None = None) -> list[str]:
    return page.evaluate("(id) => (id ? window.armsRoutes[id] : Object.values(window.armsRoutes)[0]).visibleRoutes()",
                         map_id)


def drawn(page) -> list[str]:
    """The routes on the map, counted from Leaflet's own layers (not from our bookkeeping)."""
    return page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0], ids = [];
        api.map.eachLayer(l => { if (l instanceof L.Path && l.feature && l.feature.properties.id) ids.push(l.feature.properties.id); });
        return ids.sort();
    }""")


def listed(data_file: Path, *options: str) -> list[str]:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["list", "-d", str(data_file), "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def type_into(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")


def choose(page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).select_option(value)


# What a reader does in the panel, and the same filter as options of `list`.
COMBINATIONS = [
    ([("type", "Weapon system", "FX-7")], ["--weapon", "FX-7"]),
    ([("type", "Weapon system", "fx 7")], ["--weapon", "fx 7"]),
    ([("type", "Weapon system", "Fixture Rocket Grenade")], ["--weapon", "Fixture Rocket Grenade"]),
    ([("type", "Weapon system", "fixture-scud")], ["--weapon", "fixture-scud"]),  # a family
    ([("type", "Weapon system", "FX-SB")], ["--weapon", "FX-SB"]),
    ([("type", "Weapon system", "FX-122, fx-scud-c")], ["--weapon", "FX-122", "--weapon", "fx-scud-c"]),
    ([("choose", "Category", "anti-tank")], ["--category", "anti-tank"]),
    ([("choose", "Category", "ballistic-missiles")], ["--category", "ballistic-missiles"]),
    ([("choose", "Kind", "payment")], ["--kind", "payment"]),
    ([("choose", "Kind", "arms")], ["--kind", "arms"]),
    ([("choose", "Minimum status", "reported")], ["--min-status", "reported"]),
    ([("choose", "Minimum status", "corroborated")], ["--min-status", "corroborated"]),
    ([("choose", "Disputed", "yes")], ["--disputed"]),
    ([("choose", "Disputed", "no")], ["--undisputed"]),
    ([("type", "Actor", "hezbollah")], ["--actor", "hezbollah"]),
    ([("type", "Actor", "Iran")], ["--actor", "Iran"]),  # an intermediary too
    ([("type", "Actor", "korea, Sudan")], ["--actor", "korea", "--actor", "Sudan"]),
    ([("type", "From", "2013")], ["--since", "2013"]),
    ([("type", "From", "2012")], ["--since", "2012"]),
    ([("type", "To", "2010")], ["--until", "2010"]),  # "c. 2010" counts as 2010
    ([("type", "To", "2009")], ["--until", "2009"]),
    ([("type", "From", "2008")], ["--since", "2008"]),  # "c. 2008" counts as 2008: every route
    ([("type", "From", "2009")], ["--since", "2009"]),
    ([("type", "From", "2011"), ("type", "To", "2012")], ["--since", "2011", "--until", "2012"]),
    ([("type", "From", "2017"), ("type", "To", "2030")], ["--since", "2017", "--until", "2030"]),
    ([("type", "Weapon system", "FX-7"), ("type", "From", "2015")], ["--weapon", "FX-7", "--since", "2015"]),
    ([("type", "Actor", "hamas"), ("choose", "Minimum status", "reported"), ("type", "To", "2014")],
     ["--actor", "hamas", "--min-status", "reported", "--until", "2014"]),
    ([("choose", "Category", "artillery-rockets"), ("choose", "Disputed", "no")],
     ["--category", "artillery-rockets", "--undisputed"]),
    ([("choose", "Kind", "arms"), ("type", "From", "2012"), ("choose", "Disputed", "yes")],
     ["--kind", "arms", "--since", "2012", "--disputed"]),
    ([("type", "Weapon system", "fixture scud"), ("choose", "Minimum status", "corroborated")],
     ["--weapon", "fixture scud", "--min-status", "corroborated"]),
]


def act(page, steps) -> None:
    for how, label, value in steps:
        (type_into if how == "type" else choose)(page, label, value)
    frames(page)


@pytest.mark.parametrize("steps, options", COMBINATIONS, ids=[" ".join(o) for _, o in COMBINATIONS])
def test_the_panel_shows_what_list_gives_with_the_same_options(fresh, data_file, steps, options):
    act(fresh, steps)
    expected = listed(data_file, *options)
    # (a combination that filters nothing would prove little; the one that does shows an approximate year)
    assert expected != ALL or options == ["--since", "2008"]
    assert visible(fresh) == expected
    assert drawn(fresh) == sorted(expected)
    shown = fresh.locator(".arms-routes-title .arms-routes-shown").inner_text()
    assert shown.startswith(f"{len(expected)} of 8 routes shown")
    assert fresh.locator(".arms-routes-panel-count").inner_text() == f"{len(expected)} of 8 routes"


def test_every_control_has_a_visible_label(fresh):
    for label in LABELS:
        control = fresh.get_by_label(label, exact=True)
        assert control.count() == 1 and control.is_visible(), label
    assert fresh.get_by_label("Include routes of unknown date").is_visible()
    for name in ["Step back a year", "Play: one year at a time", "Step forward a year", "Clear filters"]:
        assert fresh.get_by_role("button", name=name).is_visible()


def test_the_title_states_the_filter_in_the_cli_words(fresh, data_file):
    act(fresh, [("type", "Weapon system", "fx 7"), ("type", "From", "2012"), ("choose", "Minimum status", "reported"),
                ("choose", "Disputed", "no")])
    dataset = load_dataset([data_file])
    filters = Filters(weapons=("fx 7",), since=2012, min_status="reported", disputed=False)
    words = describe(dataset, filters)
    assert words == "weapon Fixture RPG, since 2012, status reported or stronger, not disputed"
    title = fresh.locator(".arms-routes-title").inner_text()
    ids = [r["id"] for r in select(dataset, filters).routes]
    assert f"Filter: {words} · {len(ids)} of 8 routes shown" in title
    assert visible(fresh) == ids


def test_a_category_box_and_the_category_control_are_one_filter(fresh, data_file):
    choose(fresh, "Category", "anti-tank")
    boxes = fresh.locator(".leaflet-control-layers label.arms-routes-category input")
    assert [b.is_checked() for b in boxes.all()] == [b.get_attribute("data-category") == "anti-tank" for b in boxes.all()]
    fresh.locator(".leaflet-control-layers label", has_text="Ballistic missiles").locator("input").check()
    assert fresh.get_by_label("Category", exact=True).input_value() == "*"  # "as ticked in the category boxes"
    assert visible(fresh) == listed(data_file, "--category", "anti-tank", "--category", "ballistic-missiles")
    assert "category anti-tank or ballistic-missiles" in fresh.locator(".arms-routes-title").inner_text()
    choose(fresh, "Category", "")
    assert visible(fresh) == ALL and all(b.is_checked() for b in boxes.all())
    # the same through api.setFilters: a list of ids, or one (never its letters)
    fresh.evaluate("() => { Object.values(window.armsRoutes)[0].setFilters({categories: 'anti-tank'}); }")
    assert visible(fresh) == listed(data_file, "--category", "anti-tank")
    fresh.evaluate("() => { Object.values(window.armsRoutes)[0].setFilters({categories: [null, 'artillery-rockets']}); }")
    assert visible(fresh) == ["fx-b", "fx-d", "fx-e", "fx-h"]  # (null: the box of routes listing no weapon system)


def test_routes_of_unknown_date_can_be_left_out(fresh, data_file):
    type_into(fresh, "From", "2012")
    dataset = load_dataset([data_file])
    filters = Filters(since=2012)
    kept = [r["id"] for r in select(dataset, filters).routes]
    undated = [r["id"] for r in select(dataset, filters).routes if kept_undated(r, filters)]
    assert undated == ["fx-g"]  # (fx-f starts in 2013: its known start alone shows the overlap)
    assert visible(fresh) == kept
    box = fresh.get_by_label("Include routes of unknown date")
    assert box.is_checked() and "(1)" in fresh.locator(".arms-routes-undated").inner_text()
    assert "1 of unknown date (kept: their period is open)" in fresh.locator(".arms-routes-title").inner_text()
    box.uncheck()
    frames(fresh)
    assert visible(fresh) == [i for i in kept if i not in undated]
    title = fresh.locator(".arms-routes-title").inner_text()
    assert "since 2012, no routes of unknown date" in title and "of unknown date (kept" not in title
    type_into(fresh, "To", "2011")
    type_into(fresh, "From", "")
    filters = Filters(until=2011)
    undated = [r["id"] for r in select(dataset, filters).routes if kept_undated(r, filters)]
    assert undated == ["fx-g"] and "(1)" in fresh.locator(".arms-routes-undated").inner_text()
    assert visible(fresh) == [r["id"] for r in select(dataset, filters).routes if r["id"] not in undated]


def test_a_map_made_with_filters_narrows_them_further(page, data_file, tmp_path):
    from typer.testing import CliRunner

    out = tmp_path / "since.html"
    result = CliRunner().invoke(app, ["render", "-d", str(data_file), "--offline", "--since", "2010", "-o", str(out)])
    assert result.exit_code == 0, result.output
    open_map(page, out.resolve().as_uri())
    assert visible(page) == listed(data_file, "--since", "2010")
    type_into(page, "To", "2014")
    frames(page)
    assert visible(page) == listed(data_file, "--since", "2010", "--until", "2014")
    assert "Filter: since 2010, until 2014 · " in page.locator(".arms-routes-title").inner_text()
    page.get_by_label("Include routes of unknown date").uncheck()
    dataset = load_dataset([data_file])
    filters = Filters(since=2010, until=2014)
    assert visible(page) == [r["id"] for r in select(dataset, filters).routes if not kept_undated(r, filters)]
    assert page.errors == []


def test_an_unknown_weapon_or_actor_says_so(fresh):
    # (a name the CLI refuses is left out of the filter, and the box says so: it filters nothing)
    type_into(fresh, "Weapon system", "Kornett")
    assert fresh.locator(".arms-routes-field-error", has_text="Not applied: unknown weapon system 'Kornett'").is_visible()
    assert visible(fresh) == ALL
    type_into(fresh, "Weapon system", "FX-7, Kornett")
    assert visible(fresh) == ["fx-a", "fx-c", "fx-g"]  # the systems it knows, and it says which it does not
    type_into(fresh, "Weapon system", "")
    type_into(fresh, "Actor", "Hizbollahh")
    assert fresh.locator(".arms-routes-field-error", has_text="Not applied: unknown actor 'Hizbollahh': no route on the "
                         "map names it as supplier, recipient or intermediary; did you mean: Hezbollah?").is_visible()
    type_into(fresh, "Actor", "")
    assert visible(fresh) == ALL and fresh.locator(".arms-routes-field-error:visible").count() == 0


def test_years_the_wrong_way_round_say_so(fresh):
    type_into(fresh, "From", "2016")
    type_into(fresh, "To", "2012")
    assert fresh.locator(".arms-routes-field-error", has_text="From 2016 is later than To 2012").is_visible()
    assert visible(fresh) == ALL  # (no window until it is put right)


# -- search -----------------------------------------------------------------------------------------

def results(page) -> list[str]:
    page.wait_for_timeout(200)  # (the list follows typing after a short pause)
    return page.locator(".arms-routes-results [role=option] .arms-routes-result-name").all_inner_texts()


def test_search_finds_a_route_by_an_alias_of_its_weapon(fresh, data_file):
    search = fresh.get_by_label("Search", exact=True)
    search.fill("rocket grenade")
    assert "Fixture RPG" in results(fresh)
    option = fresh.locator(".arms-routes-results [role=option]", has_text="Fixture RPG")
    assert "weapon system · 3 routes" in option.inner_text()
    search.press("ArrowDown")
    assert fresh.locator(".arms-routes-result-active").inner_text().startswith("Fixture RPG")
    search.press("Enter")
    frames(fresh)
    assert fresh.get_by_label("Weapon system", exact=True).input_value() == "Fixture RPG"
    assert visible(fresh) == listed(data_file, "--weapon", "FX-7")


def test_search_finds_a_place_by_its_alias_and_shows_the_routes_through_it(fresh, data_file):
    search = fresh.get_by_label("Search", exact=True)
    search.fill("bashayer")
    assert results(fresh) == ["Fixture Port Sudan (SDN)"]
    search.press("Enter")
    frames(fresh)
    assert visible(fresh) == listed(data_file, "--place", "fx-port-sudan") == ["fx-a", "fx-f"]
    assert "place Fixture Port Sudan" in fresh.locator(".arms-routes-title").inner_text()
    fresh.get_by_role("button", name="Remove the filter Place: Fixture Port Sudan").click()
    assert visible(fresh) == ALL


def test_search_finds_by_country_and_leaves_out_stand_ins(fresh, data_file):
    """Bandar Abbas is only a stand-in for Iran on fx-g: the sources do not say it passed there."""
    search = fresh.get_by_label("Search", exact=True)
    search.fill("IRN")
    assert results(fresh) == ["Fixture Bandar Abbas (IRN)"]
    search.press("Enter")
    frames(fresh)
    assert visible(fresh) == listed(data_file, "--place", "fx-bandar-abbas") == ["fx-a", "fx-b", "fx-f"]


def test_search_finds_actors_sources_and_routes_and_the_keys_move_through_them(fresh, map_file):
    search = fresh.get_by_label("Search", exact=True)
    search.fill("fixture")
    found = results(fresh)
    assert "Fixture Analysis" in found and "Fixture News Report" in found and "Fixture Nampo (PRK)" in found
    assert search.get_attribute("aria-expanded") == "true"
    for step in range(3):
        search.press("ArrowDown")
        active = fresh.locator(".arms-routes-results [aria-selected=true]")
        assert active.count() == 1 and search.get_attribute("aria-activedescendant") == active.get_attribute("id")
        assert active.inner_text().startswith(found[step].split(" (")[0])
    search.press("ArrowUp")
    assert fresh.locator(".arms-routes-results [aria-selected=true]").inner_text().startswith(found[1].split(" (")[0])
    search.press("Escape")
    assert search.get_attribute("aria-expanded") == "false"
    search.fill("Analysis")
    assert results(fresh) == ["Fixture Analysis"]
    search.press("Enter")
    frames(fresh)
    assert visible(fresh) == ["fx-b", "fx-c", "fx-g"]  # the routes citing it
    assert "source “Fixture Analysis”" in fresh.locator(".arms-routes-title").inner_text()
    search.fill("hezbollah")
    assert results(fresh) == ["Hezbollah"]
    search.press("Enter")
    assert fresh.get_by_label("Actor", exact=True).input_value() == "Hezbollah"


def test_picking_a_route_in_search_opens_its_card(fresh):
    choose(fresh, "Kind", "payment")
    search = fresh.get_by_label("Search", exact=True)
    search.fill("scud-c of unknown")
    assert results(fresh) == ["Scud-C of unknown end"]
    assert "hidden by the filters" in fresh.locator(".arms-routes-results [role=option]").inner_text()
    search.press("Enter")
    fresh.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert fresh.locator(".leaflet-popup .arms-routes-card h3").inner_text() == "Scud-C of unknown end"
    assert visible(fresh) == ALL  # (its filters were cleared to show it)
    fresh.evaluate("() => { Object.values(window.armsRoutes)[0].map.closePopup(); }")


# -- play and step ------------------------------------------------------------------------------------

def test_step_and_play_move_the_years(fresh, data_file):
    forward = fresh.get_by_role("button", name="Step forward a year")
    forward.click()
    assert fresh.get_by_label("To", exact=True).input_value() == "2005"  # the first year of the data
    assert visible(fresh) == listed(data_file, "--until", "2005")
    forward.click()
    forward.click()
    assert fresh.get_by_label("To", exact=True).input_value() == "2007"
    fresh.get_by_role("button", name="Step back a year").click()
    assert visible(fresh) == listed(data_file, "--until", "2006")
    type_into(fresh, "From", "2010")
    type_into(fresh, "To", "2010")
    forward.click()  # a window of one year moves as one
    assert [fresh.get_by_label(n, exact=True).input_value() for n in ("From", "To")] == ["2011", "2011"]
    assert visible(fresh) == listed(data_file, "--since", "2011", "--until", "2011")
    play = fresh.get_by_role("button", name="Play: one year at a time")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    fresh.wait_for_function("() => document.querySelector('.arms-routes-years input:last-of-type').value === '2013'",
                            timeout=5000)
    play.click()
    assert play.get_attribute("aria-pressed") == "false"
    year = int(fresh.get_by_label("To", exact=True).input_value())
    fresh.wait_for_timeout(1200)
    assert int(fresh.get_by_label("To", exact=True).input_value()) == year  # paused
    assert visible(fresh) == listed(data_file, "--since", str(year), "--until", str(year))


# -- state in the URL -----------------------------------------------------------------------------------

def state_of(page) -> dict:
    return page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0], c = api.map.getCenter();
        const card = document.querySelector('.leaflet-popup .arms-routes-card');
        return {visible: api.visibleRoutes(), card: card ? card.getAttribute('data-route') : null,
                lat: Math.round(c.lat * 100) / 100, lng: Math.round(c.lng * 100) / 100, zoom: api.map.getZoom(),
                filters: api.filters()};
    }""")


def test_a_link_restores_routes_card_and_view(page, map_file, data_file):
    open_map(page, map_file.resolve().as_uri())
    type_into(page, "Weapon system", "FX-7")
    type_into(page, "From", "2010")
    choose(page, "Disputed", "no")
    page.evaluate("() => { Object.values(window.armsRoutes)[0].openCard('fx-c'); }")
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    page.wait_for_timeout(400)  # (the card pans the map into view)
    page.evaluate("() => { const m = Object.values(window.armsRoutes)[0].map; m.setView([30.5, 45.25], 5, {animate: false}); }")
    frames(page)
    before = state_of(page)
    url = settled_url(page)
    fragment = url.split("#", 1)[1]
    # (the card's route, and where it points: it opens there again)
    assert re.match(r"map\.w=FX-7&map\.d=no&map\.f=2010&map\.r=fx-c@-?\d+\.\d{4},-?\d+\.\d{4}&map\.v=", fragment), fragment
    assert before["visible"] == listed(data_file, "--weapon", "FX-7", "--since", "2010", "--undisputed")
    page.reload()
    page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 1")
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    frames(page)
    assert state_of(page) == before
    assert page.get_by_label("Weapon system", exact=True).input_value() == "FX-7"
    assert page.get_by_label("Disputed", exact=True).input_value() == "no"
    # sent to a colleague: a new browser tab, the same link
    other = page.context.new_page()
    other.goto(url)
    other.wait_for_selector(".leaflet-popup .arms-routes-card")
    frames(other)
    assert state_of(other) == before
    page.evaluate("() => { Object.values(window.armsRoutes)[0].map.closePopup(); }")
    frames(page)
    assert "map.r=" not in settled_url(page)
    page.get_by_role("button", name="Clear filters").click()
    assert settled_url(page).split("#", 1)[1].startswith("map.v=")  # (only the view is left)
    assert page.errors == [] and page.blocked == []


@pytest.mark.parametrize("fragment", [
    "#", "#garbage", "#map.", "#map.w", "#%E0%A4%A", "#map.f=%E0%A4%A&map.t=2014", "#map.f=abcd&map.t=99999",
    "#map.f=2016&map.t=2012", "#map.r=no-such-route&map.v=1,2", "#map.v=NaN,Infinity,3", "#map.v=95,10,3",
    "#map.c=no-such-category&map.k=weapons&map.s=strong&map.d=maybe&map.p=nowhere&map.o=no-source&map.u=2",
    "#other.w=FX-7&map.zz=1", "#map.w=" + "x" * 400,
])
def test_an_unknown_or_malformed_fragment_is_left_out(page, map_file, fragment):
    open_map(page, map_file.resolve().as_uri() + fragment)
    expected = ["fx-a", "fx-b", "fx-c", "fx-d", "fx-e", "fx-f", "fx-g", "fx-h"]
    if fragment == "#map.f=%E0%A4%A&map.t=2014":
        expected = [i for i in expected if i != "fx-c"]  # (the To that fits is kept)
    assert visible(page) == expected
    assert page.locator(".leaflet-popup").count() == 0
    assert page.errors == [] and page.dialogs == [] and page.blocked == []


def test_a_hostile_fragment_runs_nothing(page, map_file):
    hostile = {"w": '<img src=x onerror="window.pwned=1;alert(1)">', "a": "<script>window.pwned=2</script>",
               "r": "javascript:window.pwned=3", "p": "__proto__", "o": "constructor", "c": "__proto__,toString",
               "k": "constructor", "s": "__proto__", "v": "javascript:alert(1)"}
    fragment = "&".join(f"map.{k}={quote(v)}" for k, v in hostile.items()) + "&map.r=__proto__&__proto__.w=1"
    open_map(page, map_file.resolve().as_uri() + "#" + fragment)
    frames(page)
    assert page.get_by_label("Weapon system", exact=True).input_value() == hostile["w"]  # as text, whole
    assert page.get_by_label("Actor", exact=True).input_value() == hostile["a"]
    title = page.locator(".arms-routes-title")
    # (no weapon system of that name: not applied, and said so under the box, as text)
    error = page.locator(".arms-routes-field-error", has_text="Not applied: unknown weapon system")
    assert hostile["w"] in error.inner_text() and hostile["w"] not in title.inner_text()
    assert title.locator("img, script").count() == 0 and error.locator("img, script").count() == 0
    assert page.evaluate("""() => ({pwned: window.pwned, images: document.querySelectorAll('img[onerror]').length,
                                     polluted: ({}).__leaflet_id !== undefined || Object.prototype._leaflet_id !== undefined})""") \
        == {"pwned": None, "images": 0, "polluted": False}
    assert page.locator(".leaflet-popup").count() == 0
    assert page.errors == [] and page.dialogs == [] and page.blocked == []


# -- two --embed maps on one page ---------------------------------------------------------------------

HOST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Two maps</title></head>
<body><h1>Two maps</h1>
{first}
<p>Between the maps.</p>
{second}
</body></html>
"""


def test_two_embedded_maps_keep_their_own_state(page, data_file, tmp_path):
    from typer.testing import CliRunner

    fragments = []
    for name in ("rpgs.html", "rockets.html"):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["render", "-d", str(data_file), "--embed", "--offline", "--height", "700",
                                          "-o", str(out)])
        assert result.exit_code == 0, result.output
        fragments.append(out.read_text(encoding="utf-8"))
    host = tmp_path / "host.html"
    host.write_text(HOST.format(first=fragments[0], second=fragments[1]), encoding="utf-8")
    ids = [re.search(r'class="folium-map arms-routes-map" id="([^"]+)"', f).group(1) for f in fragments]
    open_map(page, host.resolve().as_uri(), count=2)
    assert page.evaluate("(ids) => ids.map(id => window.armsRoutes[id].key)", ids) == ["rpgs", "rockets"]
    first, second = (page.locator(f"#{i}") for i in ids)
    first.get_by_label("Weapon system", exact=True).fill("FX-7")
    first.get_by_label("Weapon system", exact=True).press("Enter")
    second.get_by_label("Minimum status", exact=True).select_option("reported")
    second.get_by_label("To", exact=True).fill("2012")
    frames(page)
    fragment = settled_url(page).split("#", 1)[1]
    assert fragment == "rpgs.w=FX-7&rockets.s=reported&rockets.t=2012"
    expected = [listed(data_file, "--weapon", "FX-7"), listed(data_file, "--min-status", "reported", "--until", "2012")]
    assert [visible(page, i) for i in ids] == expected
    page.reload()
    page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 2")
    frames(page)
    assert [visible(page, i) for i in ids] == expected
    assert second.get_by_label("Weapon system", exact=True).input_value() == ""
    assert first.get_by_label("To", exact=True).input_value() == ""
    assert page.errors == [] and page.blocked == []


def test_a_route_hidden_and_shown_again_still_opens_its_card_on_a_click(fresh):
    type_into(fresh, "Weapon system", "FX-122")
    assert visible(fresh) == ["fx-b", "fx-e"]
    type_into(fresh, "Weapon system", "")
    assert visible(fresh) == ALL
    point = fresh.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0];
        let p = api.routePoint('fx-d');
        api.map.setView(api.map.containerPointToLatLng([p.x, p.y]), api.map.getZoom(), {animate: false});
        p = api.routePoint('fx-d');
        const box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    frames(fresh)
    fresh.mouse.click(point["x"], point["y"])
    fresh.wait_for_selector(".leaflet-popup")
    if fresh.locator(".leaflet-popup .arms-routes-choice").count():  # (two lines lie there: the reader chooses)
        fresh.locator(".leaflet-popup .arms-routes-choice button", has_text="Payment for rockets").click()
    fresh.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert fresh.locator(".leaflet-popup .arms-routes-card h3").inner_text() == "Payment for rockets"
    fresh.evaluate("() => { Object.values(window.armsRoutes)[0].map.closePopup(); }")
