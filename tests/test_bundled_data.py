"""Facts a reader would check in the bundled data (data/transfers.geojson, weapons.json, geo/places.geojson).

These tests read the JSON files directly with the standard library, so they pin the data itself,
not the behaviour of the `routes` package.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"

GAZA_ROUTE = "prk-irn-sdn-egy-gaza"
HEZBOLLAH_ROUTE = "prk-irn-syr-lbn-hezbollah"

# The five articles the dataset is built from (see data/README.md), as their own text shows them.
ARTICLES = {
    "ramani-38north": {
        "title": "North Korea's Covert Alliance With Iran Aligned Militias in the Middle East",
        "author": "Samuel Ramani", "publisher": "38 North", "published": None,
    },
    "minhas-think-tank-journal": {
        "title": "Analysis: Hamas, Hezbollah, and North Korea: A Lethal Connection",
        "author": "Saeed Minhas", "publisher": "The Think Tank Journal", "published": "2024-06-24",
    },
    "anon-nk-radical-middle-east-actors": {
        "title": "North Korea's connection with radical Middle Eastern actors",
        "author": None, "publisher": None, "published": None,
    },
    "marsden-the-week": {
        "title": "Will North Korea take advantage of Israel-Hamas conflict?",
        "author": "Harriet Marsden", "publisher": "The Week", "published": None,
    },
    "anon-alleged-nk-arms-hamas-attack": {
        "title": "Alleged North Korean Arms in Hamas' Attack on Israel: Alarming Implications",
        "author": None, "publisher": None, "published": None,
    },
}

STATUSES = ["alleged", "reported", "corroborated", "confirmed"]
MODES = {"sea", "land", "air", "rail", "unknown"}
KINDS = {"arms", "technology", "training", "payment"}
OUTCOMES = {"delivered", "attempted", "interdicted", "unknown"}
CATEGORIES = {"small-arms", "anti-tank", "artillery-rockets", "ballistic-missiles", "air-defence", "armour-vehicles",
              "munitions", "communications", "wmd", "tunnels-fortification", "other"}
PLACE_KINDS = {"city", "port", "airport", "border crossing", "region", "country"}
PROPERTY_ORDER = ["name", "kind", "waypoints", "legs", "weapons", "supplier", "recipient", "intermediaries",
                  "period", "status", "outcome", "interdicted", "intended_waypoints", "evidence", "notes"]

# Rough bounding boxes [min lon, min lat, max lon, max lat]: a swapped [lat, lon] or a wrong sign lands outside.
COUNTRY_BOXES = {
    "PRK": (124.0, 37.5, 131.0, 43.1), "IRN": (44.0, 25.0, 63.5, 40.0), "SDN": (21.5, 8.5, 39.0, 22.5),
    "EGY": (24.5, 21.5, 37.0, 32.0), "PSE": (34.0, 31.2, 35.6, 32.6), "SYR": (35.5, 32.3, 42.5, 37.4),
    "LBN": (35.0, 33.0, 36.7, 34.7), "YEM": (42.5, 12.0, 54.0, 19.0), "THA": (97.0, 5.5, 106.0, 20.5),
    "ARE": (51.5, 22.5, 56.5, 26.5), "RUS": (19.0, 41.0, 180.0, 82.0), "MMR": (92.0, 9.5, 101.5, 28.6),
    "ISR": (34.2, 29.4, 35.9, 33.4), "KOR": (125.0, 33.0, 130.0, 38.7), "SAU": (34.5, 16.0, 55.7, 32.2),
}


def normalise(name: str) -> str:
    """As a weapon or place filter compares names: case, spaces, punctuation and accents do not count."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "", ascii_text.casefold())


def load(relative: str):
    return json.loads((DATA / relative).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dataset() -> dict:
    return load("transfers.geojson")


@pytest.fixture(scope="module")
def routes(dataset) -> dict[str, dict]:
    return {f["id"]: f for f in dataset["features"]}


@pytest.fixture(scope="module")
def weapons() -> dict[str, dict]:
    return {w["id"]: w for w in load("weapons.json")}


@pytest.fixture(scope="module")
def places() -> dict[str, dict]:
    return {f["id"]: f for f in load("geo/places.geojson")["features"]}


def countries(route: dict, places: dict) -> list[str]:
    return [places[p]["properties"]["country"] for p in route["properties"]["waypoints"]]


def weapon_id(name: str, weapons: dict) -> str:
    """The one system a name (id, name or alias) means."""
    found = {wid for wid, w in weapons.items() if normalise(name) in
             {normalise(n) for n in (wid, w["name"], *w.get("aliases", []))}}
    assert len(found) == 1, f"{name!r} names {sorted(found) or 'no system'}"
    return found.pop()


def evidence(route: dict, stance: str | None = None) -> list[dict]:
    return [e for e in route["properties"]["evidence"] if stance is None or e["stance"] == stance]


def lineage(source_id: str, sources: dict) -> set[str]:
    seen, stack = set(), [source_id]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(sources[current].get("derived_from") or [])
    return seen


# -- files ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("relative", ["transfers.geojson", "geo/places.geojson"])
def test_geojson_files_are_formatted_as_arms_routes_fmt_writes_them(relative):
    from routes.fmt import canonical, dumps

    text = (DATA / relative).read_text(encoding="utf-8")
    assert text == dumps(canonical(json.loads(text))), f"run `arms-routes fmt data/{relative}`"


def test_weapons_file_is_formatted():
    text = (DATA / "weapons.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_features_keep_the_documented_key_order(dataset, places):
    for feature in [*dataset["features"], *places.values()]:
        assert list(feature) == ["type", "id", "properties", "geometry"], feature["id"]
    for route in dataset["features"]:
        keys = [k for k in route["properties"] if k in PROPERTY_ORDER]
        assert keys == sorted(keys, key=PROPERTY_ORDER.index), route["id"]


# -- the two named routes -------------------------------------------------------------------------------
def test_gaza_route_runs_north_korea_iran_sudan_egypt_gaza(routes, places):
    route = routes[GAZA_ROUTE]
    assert countries(route, places) == ["PRK", "IRN", "SDN", "EGY", "PSE"]
    assert route["properties"]["name"] == "North Korea → Iran → Sudan → Egypt → Gaza"
    assert "rafah-crossing-egypt" in route["properties"]["waypoints"]
    assert route["properties"]["recipient"].startswith("Hamas")


def test_gaza_route_carries_the_weapons_found_in_gaza(routes, weapons):
    carried = set(routes[GAZA_ROUTE]["properties"]["weapons"])
    for name in ["F-7", "RPG-7", "Bulsae-2", "Bulsae", "122 mm", "122-mm", "Bang-122"]:
        assert weapon_id(name, weapons) in carried, name


def test_gaza_route_is_not_stronger_than_its_possible_transit_path(routes):
    route = routes[GAZA_ROUTE]["properties"]
    assert route["status"] == "reported"
    transit = [e for e in evidence(routes[GAZA_ROUTE], "supports") if e.get("legs") and 1 in e["legs"]]
    assert {e["source"] for e in transit} >= {"ramani-38north", "anon-alleged-nk-arms-hamas-attack"}
    assert route["legs"][-1]["mode"] == "land"  # through the tunnels, as the article says


def test_hezbollah_route_runs_through_iran_syria_lebanon(routes, places):
    seq = countries(routes[HEZBOLLAH_ROUTE], places)
    assert seq[0] == "PRK"
    positions = [seq.index(c) for c in ("IRN", "SYR", "LBN")]
    assert positions == sorted(positions)
    assert routes[HEZBOLLAH_ROUTE]["properties"]["recipient"] == "Hezbollah"


def test_hezbollah_route_carries_rockets_m600_and_kornet(routes, weapons):
    carried = set(routes[HEZBOLLAH_ROUTE]["properties"]["weapons"])
    for name in ["Katyusha", "Grad", "M600", "Kornet"]:
        assert weapon_id(name, weapons) in carried, name


def test_hezbollah_route_is_confirmed_by_the_2014_court_ruling(routes):
    route = routes[HEZBOLLAH_ROUTE]
    assert route["properties"]["status"] == "confirmed"
    assert route["properties"]["period"]["end"] == 2008  # the 2008 missile-component transfers
    court = [e for e in evidence(route, "supports") if "Court" in (e.get("said_by") or "")]
    assert court and court[0]["credibility"] == 1 and "July 2014" in court[0]["claim"]


def test_only_a_court_finding_makes_a_route_confirmed(routes):
    confirmed = [rid for rid, r in routes.items() if r["properties"]["status"] == "confirmed"]
    assert confirmed == [HEZBOLLAH_ROUTE]


# -- the other routes the articles support ------------------------------------------------------------
def test_2009_seizures_are_drawn_to_where_they_were_stopped(routes, places):
    by_country = {}
    for route in routes.values():
        props = route["properties"]
        if props.get("outcome") == "interdicted":
            stop = props["interdicted"]
            assert stop["date"] == "2009"
            assert props["waypoints"][-1] == stop["place"], route["id"]
            by_country[places[stop["place"]]["properties"]["country"]] = route
    assert set(by_country) == {"THA", "ARE"}
    thai = by_country["THA"]["properties"]
    assert [places[p]["properties"]["country"] for p in thai["intended_waypoints"]] == ["IRN"]
    assert any("35 tonnes" in e["claim"] for e in thai["evidence"])


def test_yemen_routes(routes, weapons):
    scud = routes["prk-yem-scud-2002"]["properties"]
    assert scud["period"]["start"] == 2002
    assert all(weapons[w].get("family") == "scud" for w in scud["weapons"])
    assert any("20 North Korean-made Scud" in e["claim"] for e in scud["evidence"])
    attempt = routes["prk-yem-houthis-2016-attempt"]["properties"]
    assert attempt["outcome"] == "attempted" and attempt["status"] == "alleged"
    assert attempt["period"] == {"start": 2016, "end": 2016}
    assert weapon_id("light weapons", weapons) in attempt["weapons"]
    assert any("Hussein al-Ali" in i for i in attempt["intermediaries"])


@pytest.mark.parametrize("country, names", [
    ("SYR", ["Scud missiles", "tanks", "trucks", "RPG launchers", "shoulder-fired missiles", "chemical weapons",
             "nuclear site"]),
    ("IRN", ["missile technology", "chemical weapons"]),
    ("RUS", ["artillery shells"]),
    ("MMR", ["arms"]),
])
def test_north_korea_routes_to_each_state(routes, places, weapons, country, names):
    direct = [r for r in routes.values() if countries(r, places)[0] == "PRK" and countries(r, places)[-1] == country]
    carried = {w for r in direct for w in r["properties"]["weapons"]}
    for name in names:
        assert weapon_id(name, weapons) in carried, (country, name)


def test_payment_runs_from_gaza_through_lebanon_to_north_korea(routes, places):
    payment = [r for r in routes.values() if r["properties"].get("kind") == "payment"]
    assert len(payment) == 1
    assert countries(payment[0], places) == ["PSE", "LBN", "PRK"]
    assert payment[0]["properties"]["period"] == {"start": 2014, "end": 2014}
    # three articles repeat one 2014 report: that is not corroboration
    assert payment[0]["properties"]["status"] == "reported"


def test_cold_war_plo_bulsae_tunnels_and_training_routes(routes, places, weapons):
    plo = routes["prk-plo-cold-war"]["properties"]
    assert plo["period"] == {"start": 1970, "end": 1989} and "PLO" in plo["name"]
    nasser = routes["prk-gaza-bulsae-2-nasser-brigades"]["properties"]
    assert "al-Nasser Salah al-Deen" in nasser["recipient"] and nasser["weapons"] == ["bulsae-2"]
    tunnels = [r for r in routes.values() if weapon_id("tunnels", weapons) in r["properties"]["weapons"]]
    assert {r["properties"]["recipient"] for r in tunnels} == {"Hezbollah", "Hamas"}
    assert all(r["properties"]["kind"] in {"technology", "training"} for r in tunnels)
    training = {rid: r for rid, r in routes.items() if r["properties"].get("kind") == "training"}
    assert {r["properties"]["period"]["start"] for r in training.values()} >= {1980, 2007}
    assert all(r["properties"]["recipient"] == "Hezbollah" for r in training.values())
    assert any("hundred Hezbollah operatives" in e["claim"] for r in training.values() for e in r["properties"]["evidence"])


# -- disputes ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("route_id, source, said_by, words", [
    (GAZA_ROUTE, "ramani-38north", "KCNA", "groundless and false rumor"),
    (GAZA_ROUTE, "ramani-38north", "KCNA", "utterly baseless sophism"),
    ("gaza-lbn-prk-2014-payment", "ramani-38north", "KCNA", "utterly baseless sophism"),
    (GAZA_ROUTE, "ramani-38north", "Kirby", "could not confirm"),
    (GAZA_ROUTE, "marsden-the-week", "Pyongyang", "denies the allegations"),
    ("prk-rus-artillery-shells", "marsden-the-week", "North Korea and Russia", "denied any arms deals"),
])
def test_every_denial_in_the_articles_disputes_its_route(routes, route_id, source, said_by, words):
    items = [e for e in evidence(routes[route_id], "disputes") if e["source"] == source
             and said_by in (e.get("said_by") or "") and words in (e.get("quote") or "") + " " + e["claim"]]
    assert items, f"{route_id}: no disputing item from {said_by} ({words!r})"


def test_russia_route_is_disputed(routes, places):
    russia = [r for r in routes.values() if "RUS" in countries(r, places)]
    assert russia and all(evidence(r, "disputes") for r in russia)


# -- evidence and sources -----------------------------------------------------------------------------------
def test_sources_are_the_five_articles_as_they_show_themselves(dataset):
    sources = dataset["sources"]
    for source_id, expected in ARTICLES.items():
        for field, value in expected.items():
            assert sources[source_id][field] == value, (source_id, field)


def test_no_source_has_an_invented_url(dataset):
    assert all(source["url"] is None for source in dataset["sources"].values())


def test_sources_use_the_documented_grades(dataset):
    for source_id, source in dataset["sources"].items():
        assert source["kind"] in {"news", "analysis", "official", "court", "un_report", "dataset", "other"}
        assert source["reliability"] in "ABCDEF"
        for parent in source.get("derived_from", []):
            assert parent in dataset["sources"] and source_id not in lineage(parent, dataset["sources"])
    # unattributed pages are not graded as reliable
    for source_id in ("anon-nk-radical-middle-east-actors", "anon-alleged-nk-arms-hamas-attack"):
        assert dataset["sources"][source_id]["reliability"] in {"D", "E", "F"}


def test_evidence_cites_the_articles_only(routes):
    for route in routes.values():
        for item in evidence(route):
            assert item["source"] in ARTICLES, (route["id"], item["source"])
            assert item["stance"] in {"supports", "disputes"}
            assert item["credibility"] in range(1, 7)


def test_every_route_has_supporting_evidence_from_a_registered_source(routes, dataset):
    for route in routes.values():
        assert any(e["source"] in dataset["sources"] for e in evidence(route, "supports")), route["id"]


def test_articles_repeating_bechtol_or_the_2014_deal_are_not_independent(dataset):
    sources = dataset["sources"]
    assert "bechtol-as-cited" in lineage("anon-nk-radical-middle-east-actors", sources)
    repeating_2014 = ["ramani-38north", "minhas-think-tank-journal", "anon-alleged-nk-arms-hamas-attack"]
    common = set.intersection(*(lineage(s, sources) for s in repeating_2014))
    assert "hamas-dprk-deal-report-2014" in common


def test_corroborated_routes_have_two_independent_supporting_sources(routes, dataset):
    sources = dataset["sources"]
    corroborated = [r for r in routes.values() if r["properties"]["status"] == "corroborated"]
    assert corroborated
    for route in corroborated:
        ids = sorted({e["source"] for e in evidence(route, "supports")})
        pairs = [(a, b) for a in ids for b in ids if a < b and not lineage(a, sources) & lineage(b, sources)]
        assert pairs, f"{route['id']}: supporting sources {ids} share their reporting"


def test_single_source_routes_are_not_corroborated(routes):
    for route in routes.values():
        if len({e["source"] for e in evidence(route, "supports")}) == 1:
            assert route["properties"]["status"] in {"alleged", "reported", "confirmed"}, route["id"]


def test_quotes_are_one_sentence_at_most(routes):
    for route in routes.values():
        for item in evidence(route):
            quote = item.get("quote")
            if quote is None:
                continue
            assert 0 < len(quote) <= 300, (route["id"], quote)
            inner = quote.rstrip(".!?\"”’ ")
            assert not re.search(r"[.!?][\"”’)]*\s", inner), (route["id"], quote)
            assert "..." not in quote and "…" not in quote


def test_the_hamas_israel_slip_is_not_a_claim(routes):
    for route in routes.values():
        assert not (route["properties"]["supplier"] == "Israel" or route["properties"]["recipient"] == "Israel")
        for item in evidence(route):
            assert "deal between Hamas and Israel" not in item["claim"]
            assert "agreement between Hamas and Israel" not in item["claim"]


def test_said_by_names_who_made_the_claim(routes):
    said = {e.get("said_by") or "" for r in routes.values() for e in evidence(r)}
    for who in ["Akiva Tor", "Joint Chiefs of Staff", "KCNA", "Bruce Bechtol", "National Intelligence Service",
                "John Kirby"]:
        assert any(who in s for s in said), who


# -- route structure ----------------------------------------------------------------------------------------
def test_routes_follow_the_data_model(routes, places):
    for route_id, route in routes.items():
        props = route["properties"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", route_id)
        geometry = route["geometry"]  # null until built from the waypoints; then it must join them
        if geometry is not None:
            lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
            for end, place_id in ((lines[0][0], props["waypoints"][0]), (lines[-1][-1], props["waypoints"][-1])):
                lon, lat = places[place_id]["geometry"]["coordinates"]
                assert abs(end[1] - lat) <= 0.1 and min(abs(end[0] - lon), abs(abs(end[0] - lon) - 360)) <= 0.1
        assert props.get("kind", "arms") in KINDS
        assert props["status"] in STATUSES
        assert props.get("outcome", "unknown") in OUTCOMES
        assert len(props["waypoints"]) >= 2
        assert len(props["legs"]) == len(props["waypoints"]) - 1, route_id
        assert all(leg["mode"] in MODES for leg in props["legs"])
        start, end = props["period"]["start"], props["period"]["end"]
        assert start is None or end is None or start <= end
        for item in evidence(route):
            assert all(0 <= i < len(props["legs"]) for i in item.get("legs", []))
        assert "→" in props["name"]


def test_a_leg_has_a_mode_only_where_an_article_implies_it(routes):
    known = [(rid, i) for rid, r in routes.items() for i, leg in enumerate(r["properties"]["legs"])
             if leg["mode"] != "unknown"]
    assert known == [(GAZA_ROUTE, 3)]  # the tunnels into Gaza
    for route in routes.values():
        assert all(leg.get("note") for leg in route["properties"]["legs"]), route["id"]


def test_every_place_a_route_names_is_in_the_gazetteer(routes, places):
    for route in routes.values():
        props = route["properties"]
        named = [*props["waypoints"], *props.get("intended_waypoints", [])]
        if props.get("interdicted"):
            named.append(props["interdicted"]["place"])
        for place_id in named:
            assert place_id in places, (route["id"], place_id)


def test_every_weapon_a_route_names_is_in_the_taxonomy(routes, weapons):
    for route in routes.values():
        for wid in route["properties"]["weapons"]:
            assert wid in weapons, (route["id"], wid)
        if route["properties"].get("kind", "arms") == "arms":
            assert route["properties"]["weapons"], route["id"]


# -- taxonomy and gazetteer ---------------------------------------------------------------------------------
def test_weapon_systems_are_well_formed(weapons):
    for wid, system in weapons.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", wid)
        assert system["category"] in CATEGORIES, wid
        assert isinstance(system["aliases"], list)


def test_weapon_names_and_aliases_are_unique_across_systems(weapons):
    owner: dict[str, str] = {}
    for wid, system in weapons.items():
        for name in {normalise(n) for n in (wid, system["name"], *system["aliases"])}:
            assert name not in owner, f"{name!r} is used by {owner.get(name)} and {wid}"
            owner[name] = wid


def test_scud_finds_the_whole_family(weapons):
    family = {wid for wid, w in weapons.items() if w.get("family") == "scud"}
    assert {"hwasong-6", weapon_id("Scud-B", weapons), weapon_id("Scud missiles", weapons)} <= family
    assert weapon_id("Scud-C", weapons) == "hwasong-6"
    assert weapon_id("Hwasong-5", weapons) == weapon_id("Scud-B", weapons)
    # "Scud" itself is no system's name, so a filter on it falls back to the family
    assert not any(normalise("Scud") in {normalise(n) for n in (wid, w["name"], *w["aliases"])}
                   for wid, w in weapons.items())


def test_weapon_aliases_the_articles_use(weapons):
    for name in ["F7", "RPG-7", "Bulsae 2", "122-mm", "Grad", "Katyusha", "shoulder-fired missiles",
                 "communications equipment", "light weaponry", "artillery shells", "chemical weapons"]:
        weapon_id(name, weapons)


def test_places_are_well_formed(places):
    for pid, feature in places.items():
        props = feature["properties"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", pid)
        assert re.fullmatch(r"[A-Z]{3}", props["country"])
        assert props["kind"] in PLACE_KINDS
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert round(lon, 4) == lon and round(lat, 4) == lat, pid
        box = COUNTRY_BOXES.get(props["country"])
        if box:
            assert box[0] <= lon <= box[2] and box[1] <= lat <= box[3], (pid, lon, lat)


def test_place_names_and_aliases_are_unique_across_places(places):
    owner: dict[str, str] = {}
    for pid, feature in places.items():
        props = feature["properties"]
        for name in {normalise(n) for n in (pid, props["name"], *props["aliases"])}:
            assert name not in owner, f"{name!r} is used by {owner.get(name)} and {pid}"
            owner[name] = pid


def test_gazetteer_answers_the_names_people_type(places):
    def find(name):
        hits = [pid for pid, f in places.items()
                if normalise(name) in {normalise(n) for n in (pid, f["properties"]["name"], *f["properties"]["aliases"])}]
        assert len(hits) == 1, (name, hits)
        return places[hits[0]]["properties"]

    assert find("DPRK")["kind"] == "country" and find("DPRK")["country"] == "PRK"
    assert find("North Korea")["country"] == "PRK"
    for name, country in [("Pyongyang", "PRK"), ("Nampo", "PRK"), ("Bandar Abbas", "IRN"), ("Port Sudan", "SDN"),
                          ("Rafah", "PSE"), ("Rafah crossing", "EGY"), ("Gaza", "PSE"), ("Damascus", "SYR"),
                          ("Beirut", "LBN"), ("Latakia", "SYR"), ("Tartus", "SYR"), ("Sanaa", "YEM"),
                          ("Sana'a", "YEM"), ("Hodeidah", "YEM"), ("Bangkok", "THA"), ("Yangon", "MMR"),
                          ("UAE", "ARE"), ("Moscow", "RUS")]:
        assert find(name)["country"] == country, name


def test_every_country_named_in_the_articles_has_a_country_point(places):
    country_points = {f["properties"]["country"] for f in places.values() if f["properties"]["kind"] == "country"}
    assert {"PRK", "KOR", "IRN", "SYR", "LBN", "YEM", "SDN", "EGY", "ISR", "PSE", "USA", "SAU", "ARE", "THA", "RUS",
            "MMR", "CHN", "JPN", "KHM", "JOR", "UKR"} <= country_points
