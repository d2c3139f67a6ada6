"""Facts a reader would check in the bundled data (data/transfers.geojson, weapons.json, geo/places.geojson).

Most tests read the JSON files directly with the standard library, so they pin the data itself. Where
a fact is defined by the data model (how a waypoint is drawn, how many independent sources a route
has), the test asks `routes.model`, the one place that rule lives. None of them reads the articles
(they are not part of the project): what was checked against them by hand or by script is pinned here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from routes import model
from routes.gazetteer import Gazetteer

DATA = Path(__file__).resolve().parents[1] / "data"

GAZA_PATH_ROUTE = "prk-irn-sdn-egy-gaza"  # the "possible" transit path
GAZA_FOUND_ROUTE = "prk-gaza-weapons-found"  # the weapons found with Gaza groups
HEZBOLLAH_ROUTE = "prk-irn-syr-lbn-hezbollah"  # the court-confirmed rockets
PAYMENT_ROUTE = "gaza-lbn-prk-2014-payment"
HOUTHI_ATTEMPT = "prk-yem-houthis-2016-attempt"

# The five articles the dataset is built from (see data/README.md), as their own text shows them.
ARTICLES = {
    "ramani-38north": {
        "title": "North Korea's Covert Alliance With Iran Aligned Militias in the Middle East",
        "author": "Samuel Ramani", "publisher": "38 North", "published": None,
    },
    "minhas-think-tank-journal": {
        "title": "Analysis: Hamas, Hezbollah, and North Korea: A Lethal Connection",
        # the page prints "Monday, June 24, 2024", which may be only its display date: kept in the note
        "author": "Saeed Minhas", "publisher": "The Think Tank Journal", "published": None,
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
# Sources that are not articles: what the articles repeat, registered for derived_from only.
UNDERLYING = {"bechtol-as-cited", "hamas-dprk-deal-report-2014", "south-korean-military-as-cited",
              "us-court-ruling-2014-as-cited"}

# Every quote in the dataset, checked by script (outside the project) to occur verbatim, as one
# sentence at most, in the article it cites (non-breaking spaces written as spaces). A new or changed
# quote must be checked against its article the same way and added here.
VERIFIED_QUOTES = {
    ("ramani-38north", "A possible transit route for North Korean equipment was from Iran to Sudan to Egypt, where "
                       "arms are trafficked to Hamas through the Gaza Strip’s vast underground tunnel network."),
    ("ramani-38north", "It could be that these North Korean weapons have been in Iran for quite a long time."),
    ("ramani-38north", "a groundless and false rumor"),
    ("ramani-38north", "Hamas is believed to be directly or indirectly linked to North Korea in various areas, such "
                       "as the weapons trade, tactical guidance and training."),
    ("ramani-38north", "utterly baseless sophism and sheer fiction let loose by the US to isolate the DPRK "
                       "internationally"),
    ("ramani-38north", "material support and assistance"),  # the ruling's words as the article relays them
    ("marsden-the-week", "a fact later confirmed by the Israeli military"),
    ("marsden-the-week", "already dispatched military advisers and more than a million artillery shells to Russia"),
    ("anon-alleged-nk-arms-hamas-attack", "In 2009, Thai authorities captured 35 tonnes of North Korea's arms, "
                                          "including rockets and rocket-propelled grenades, which were exported to "
                                          "Iran via Thailand."),
    ("anon-nk-radical-middle-east-actors", "The Assad regime’s scud missile program relies on North Korea."),
    ("anon-nk-radical-middle-east-actors", "North Korea has played a major role in every stage of Iran’s missile "
                                           "program."),
    ("anon-nk-radical-middle-east-actors", "North Korea exported chemical weapons to Iran."),
    ("anon-nk-radical-middle-east-actors", "North Korean engineers helped Hezbollah build many underground bunkers in "
                                           "Lebanon."),
    ("anon-nk-radical-middle-east-actors", "Hamas tunnels are based on North Korean designs."),
}
# Runs of the articles' words that claims once copied (the review's #5, #35, #52, #68): claims are
# summaries in our own words, so none may repeat them.
COPIED_RUNS = [
    "North Korean Bang-122 artillery shells were found on the Israel",
    "modified North Korean Hwasong-6 Scuds for longer-range strikes",
    "courted Kim Il Sung and received a steady stream",
    "counter-espionage units and elite forces agreed to host a hundred",
]

# The only places the articles name as where goods or people were: drawn as named areas, never as sites.
NAMED_AREAS = {"gaza-strip", "south-lebanon"}
# Routes that two independent sources support but that are held below 'corroborated', each with its reason
# in the route's notes (the reason quoted here must be in them).
HELD_BELOW = {"prk-rus-artillery-shells": "reports only an accusation",
              "lbn-prk-hezbollah-training-1980s": "is general (the Cold War era)",
              "prk-irn-sdn-egy-gaza": "both offer the path only as a possibility",
              "prk-gaza-hamas-training": "one is a belief and the other a general assertion"}
# Independent supporting sources per route where the judgements on common sources decide it.
INDEPENDENT = {
    GAZA_FOUND_ROUTE: 5,  # Ramani, Minhas, Marsden, Bechtol, the anonymous page (South Korea's military once)
    GAZA_PATH_ROUTE: 2,  # Ramani's "possible" path and the anonymous page's unnamed analyses
    "prk-gaza-hamas-tunnels": 1,  # Minhas repeats Bechtol
    "prk-lbn-hezbollah-tunnels": 2,  # Ramani and Bechtol: Minhas repeating both does not merge them
    "prk-irn-missile-programme": 2,
    "prk-syr-arms": 1,
    "prk-tha-2009-seizure": 3,  # the 2014 deal report the three repeat elsewhere has nothing to do with it
    "lbn-prk-hezbollah-training-1980s": 2,
    PAYMENT_ROUTE: 1,
    "prk-rus-artillery-shells": 2,
}

STATUSES = ["alleged", "reported", "corroborated", "confirmed"]
MODES = {"sea", "land", "air", "rail", "unknown"}
KINDS = {"arms", "technology", "training", "payment"}
OUTCOMES = {"delivered", "attempted", "interdicted", "unknown"}
DISPUTES = {"denial", "non-confirmation", "counter-evidence"}
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


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(DATA / "geo" / "places.geojson")


def place_ids(route: dict) -> list[str]:
    return model.place_ids(route["properties"]["waypoints"])


def countries(route: dict, places: dict) -> list[str]:
    return [places[p]["properties"]["country"] for p in place_ids(route)]


def every_waypoint(route: dict) -> list:
    """Waypoints, intended waypoints and the interdiction place, as written."""
    props = route["properties"]
    named = [*props["waypoints"], *props.get("intended_waypoints", [])]
    if props.get("interdicted"):
        named.append(props["interdicted"])
    return named


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


def named_weapons(route: dict) -> set[str]:
    """The weapon systems that the route's supporting items name (in their `weapons`)."""
    return {w for item in evidence(route, "supports") for w in item.get("weapons", [])}


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


# -- places: nothing drawn more precisely than the articles give it ------------------------------------------
def test_no_waypoint_is_drawn_as_an_exact_place(routes, gazetteer):
    for route in routes.values():
        for value in every_waypoint(route):
            waypoint = model.waypoint(value, gazetteer)
            assert waypoint is not None, (route["id"], value)
            # only the two areas the articles name could ever be exact, and they are areas, not sites
            assert not waypoint.exact, (route["id"], waypoint.place_id)
            assert waypoint.drawn_as in {"area", "stand-in"}


def test_waypoints_are_country_points_or_the_named_areas(routes, places):
    """No port, capital or crossing: the articles name none as a place where goods or people moved."""
    for route in routes.values():
        for value in every_waypoint(route):
            pid = model.place_id(value)
            kind = places[pid]["properties"]["kind"]
            assert kind == "country" or pid in NAMED_AREAS, (route["id"], pid)


def test_stand_ins_say_what_they_stand_for(routes):
    stood_for = set()
    for route in routes.values():
        for value in every_waypoint(route):
            if isinstance(value, dict) and value.get("stand_in"):
                assert value["stands_for"], route["id"]
                assert value.get("precision") != "site"
                stood_for.add(value["stands_for"])
    # the actors the articles name without saying where the goods, money or people went or came from
    assert stood_for == {"Hezbollah", "Hamas", "the Houthis", "the PLO", "the PFLP"}


def test_the_named_areas_are_areas_in_the_gazetteer(gazetteer):
    for pid in NAMED_AREAS:
        assert gazetteer.get(pid).precision in (None, "area") and gazetteer.get(pid).kind == "region"


def test_legs_are_schematic_except_the_tunnels_into_gaza(routes):
    known = [(rid, i) for rid, r in routes.items() for i, leg in enumerate(r["properties"]["legs"])
             if leg["mode"] != "unknown"]
    assert known == [(GAZA_PATH_ROUTE, 3)]  # "through the Gaza Strip's vast underground tunnel network"
    for rid, route in routes.items():
        for i, leg in enumerate(route["properties"]["legs"]):
            assert leg.get("note"), (rid, i)
            # no article describes a path from one country to another: even the tunnels into Gaza are
            # described only under the border, not from Egypt's representative point
            assert model.leg_path(leg) == "schematic", (rid, i)
    on_tunnels = [e for e in evidence(routes[GAZA_PATH_ROUTE], "supports") if 3 in e.get("legs", [])]
    assert [e["source"] for e in on_tunnels] == ["ramani-38north"]


# -- the two split routes ---------------------------------------------------------------------------------
def test_the_possible_gaza_path_is_alleged_with_no_known_outcome(routes, places):
    route = routes[GAZA_PATH_ROUTE]
    props = route["properties"]
    assert countries(route, places) == ["PRK", "IRN", "SDN", "EGY", "PSE"]
    assert props["status"] == "alleged" and props["outcome"] == "unknown"
    assert props["period"] == {"start": None, "end": None}
    transit = [e for e in evidence(route, "supports") if 1 in e.get("legs", [])]
    assert {e["source"] for e in transit} == {"ramani-38north", "anon-alleged-nk-arms-hamas-attack"}
    # the anonymous page names no Egypt leg
    anon = [e for e in evidence(route, "supports") if e["source"] == "anon-alleged-nk-arms-hamas-attack"]
    assert [e["legs"] for e in anon] == [[1]]
    assert "communications-equipment" not in props["weapons"]


def test_the_weapons_found_with_gaza_groups_are_a_route_of_their_own(routes, places, weapons):
    route = routes[GAZA_FOUND_ROUTE]
    props = route["properties"]
    assert countries(route, places) == ["PRK", "PSE"]
    assert props["recipient"].startswith("Hamas")
    carried = set(props["weapons"])
    for name in ["F-7", "RPG-7", "Bulsae-2", "Bulsae", "122 mm", "122-mm", "Bang-122"]:
        assert weapon_id(name, weapons) in carried, name
    # each system is named by the items that report it; nothing is carried that nothing reports
    assert named_weapons(route) == carried
    # the F-7 rests on one article: the card and report show it item by item
    f7 = [e for e in evidence(route, "supports") if "f-7" in e.get("weapons", [])]
    assert {e["source"] for e in f7} == {"ramani-38north"}


def test_communications_equipment_was_paid_for_not_delivered(routes):
    """The 2014 payment was for rockets and communications equipment that no article says arrived: the
    payment route lists no weapon system, so no filter or category box counts one as moved."""
    assert not [rid for rid, r in routes.items() if "communications-equipment" in r["properties"]["weapons"]]
    payment = routes[PAYMENT_ROUTE]["properties"]
    assert payment["kind"] == "payment" and payment["weapons"] == []
    assert "no article says they were delivered" in payment["notes"]


def test_the_bulsae_at_the_nasser_brigades_is_drawn_once(routes):
    nasser = routes["prk-gaza-bulsae-2-nasser-brigades"]["properties"]
    assert "al-Nasser Salah al-Deen" in nasser["recipient"] and nasser["weapons"] == ["bulsae-2"]
    found_claims = " ".join(e["claim"] for e in evidence(routes[GAZA_FOUND_ROUTE]))
    assert "al-Nasser" not in found_claims


# -- the court-confirmed route and what was split off it -------------------------------------------------------
def test_the_confirmed_route_carries_only_what_the_court_ruling_covers(routes, places, weapons):
    route = routes[HEZBOLLAH_ROUTE]
    props = route["properties"]
    assert countries(route, places) == ["PRK", "IRN", "SYR", "LBN"]
    assert props["recipient"] == "Hezbollah"
    assert props["status"] == "confirmed"
    # the Katyusha and Grad rockets and their spare parts, assembled in Iran and shipped through Syria
    assert set(props["weapons"]) == {weapon_id("Katyusha", weapons), weapon_id("Grad", weapons),
                                     weapon_id("spare parts", weapons)}
    assert props["period"]["start"] is None  # up to the 2006 war the ruling speaks of, which the article does not date
    assert props["period"]["end"]["year"] == 2006 and props["period"]["end"]["approximate"] is True
    assert "A judgement" in props["notes"]  # the reading of "These arms transfers were confirmed" is stated as one
    assert {e["source"] for e in evidence(route)} == {"ramani-38north"}


def test_the_court_item_is_graded_c2(routes, dataset):
    court = [e for e in evidence(routes[HEZBOLLAH_ROUTE], "supports") if "Court" in (e.get("said_by") or "")]
    assert len(court) == 1
    assert model.grade(court[0], dataset["sources"]) == "C2"  # one article reports the ruling; not "confirmed by others"
    assert "July 2014" in court[0]["claim"]
    ruling = dataset["sources"]["us-court-ruling-2014-as-cited"]
    assert ruling["kind"] == "court" and ruling["published"] == "2014-07"
    assert court[0]["relays"] == ["us-court-ruling-2014-as-cited"]


def test_only_the_court_ruling_makes_a_route_confirmed(routes):
    assert [rid for rid, r in routes.items() if r["properties"]["status"] == "confirmed"] == [HEZBOLLAH_ROUTE]


def test_kornet_help_is_a_technology_link_from_north_korea_to_syria(routes, places):
    kornet = [r for r in routes.values() if "kornet" in r["properties"]["weapons"]]
    assert [r["id"] for r in kornet] == ["prk-syr-kornet"]
    assert countries(kornet[0], places) == ["PRK", "SYR"]
    assert kornet[0]["properties"]["kind"] == "technology" and kornet[0]["properties"]["status"] == "reported"


def test_the_m600_help_is_on_the_iran_missile_route_only(routes):
    assert [rid for rid, r in routes.items() if "m600" in r["properties"]["weapons"]] == ["prk-irn-missile-programme"]


def test_the_scud_connection_and_the_2008_components_have_their_own_status(routes):
    scud = routes["prk-lbn-hezbollah-imports"]["properties"]
    # a general "connection" is recorded, but no Scud transfer is listed: a Scud filter does not find it
    assert "scud-missile" not in scud["weapons"] and scud["status"] == "alleged"
    assert any("Scud" in e["claim"] and not e.get("weapons") for e in scud["evidence"])
    assert {e["said_by"] for e in scud["evidence"]} == {"Bruce Bechtol"}
    components = routes["prk-irn-lbn-hezbollah-2008"]["properties"]
    assert components["period"] == {"start": 2008, "end": 2008} and components["status"] == "reported"
    assert any("likely" in e["claim"] for e in components["evidence"])
    assert not any("scud" in w for w in routes[HEZBOLLAH_ROUTE]["properties"]["weapons"])


# -- status follows from the evidence ----------------------------------------------------------------------------
def test_every_status_agrees_with_its_independent_source_count(routes, dataset):
    sources = dataset["sources"]
    lineages: dict = {}
    for rid, route in routes.items():
        count = model.independent_sources(route, sources, lineages)
        status = route["properties"]["status"]
        assert model.status_allows(status, count), (rid, status, count)
        if count >= 2 and model.STATUS_RANK[status] < model.STATUS_RANK["corroborated"]:
            assert rid in HELD_BELOW, f"{rid}: {count} independent sources but {status!r}, with no reason recorded"
            assert HELD_BELOW[rid] in route["properties"]["notes"]
    for rid, count in INDEPENDENT.items():
        assert model.independent_sources(routes[rid], sources) == count, rid


def test_reported_needs_a_credible_source_and_unjudged_sources_alone_give_alleged(routes, dataset):
    sources = dataset["sources"]
    for rid, route in routes.items():
        grades = {sources[e["source"]]["reliability"] for e in evidence(route, "supports")}
        if route["properties"]["status"] == "reported":
            assert grades & set("ABC"), rid
        if not grades & set("ABC"):  # only D-F pages: one analyst, unattributed claims
            assert route["properties"]["status"] == "alleged", rid


def test_hedged_single_source_claims_stay_below_reported(routes):
    for rid in (GAZA_PATH_ROUTE, "prk-gaza-hamas-training"):  # 'possible'; 'believed ... directly or indirectly'
        assert routes[rid]["properties"]["status"] == "alleged", rid
    assert routes["prk-syr-arms"]["properties"]["status"] == "alleged"  # every weapon rests on Bechtol alone
    assert routes["prk-gaza-hamas-tunnels"]["properties"]["status"] == "alleged"


# -- common sources (derived_from) ---------------------------------------------------------------------------------
def relayed(routes, route_id) -> dict:
    """(source, what it relays) of each supporting item of a route."""
    return {(e["source"], tuple(e.get("relays") or ())) for e in evidence(routes[route_id], "supports")}


def test_articles_repeating_the_same_reporting_are_not_independent(dataset, routes):
    sources = dataset["sources"]
    assert "bechtol-as-cited" in lineage("anon-nk-radical-middle-east-actors", sources)  # throughout
    # What an article repeats in one claim is on that claim's items (relays), not on the whole article.
    for article in ("ramani-38north", "minhas-think-tank-journal", "marsden-the-week", "anon-alleged-nk-arms-hamas-attack"):
        assert sources[article]["derived_from"] == [], article
    deal = ("hamas-dprk-deal-report-2014",)
    assert relayed(routes, PAYMENT_ROUTE) == {("ramani-38north", deal), ("minhas-think-tank-journal", deal),
                                              ("anon-alleged-nk-arms-hamas-attack", deal)}
    # the judgement on Minhas: its tunnel claims follow Bechtol
    for rid in ("prk-gaza-hamas-tunnels", "prk-lbn-hezbollah-tunnels"):
        assert ("minhas-think-tank-journal", ("bechtol-as-cited",)) in relayed(routes, rid)
    # Ramani and Marsden both relay South Korea's military on North Korean weapons with Hamas
    military = ("south-korean-military-as-cited",)
    assert {("ramani-38north", military), ("marsden-the-week", military)} <= relayed(routes, GAZA_FOUND_ROUTE)
    # Ramani and Bechtol share nothing, so a claim repeating Bechtol does not tie Ramani to him
    assert not lineage("ramani-38north", sources) & lineage("anon-nk-radical-middle-east-actors", sources)


def test_underlying_sources_are_registered_but_never_cited(dataset, routes):
    assert set(dataset["sources"]) == set(ARTICLES) | UNDERLYING
    cited = {e["source"] for r in routes.values() for e in evidence(r)}
    assert cited == set(ARTICLES)
    repeated = {p for s in dataset["sources"].values() for p in s.get("derived_from", [])}
    repeated |= {r for route in routes.values() for e in evidence(route) for r in e.get("relays") or []}
    assert repeated == UNDERLYING


# -- disputes ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("route_id, source, said_by, kind, words", [
    (GAZA_FOUND_ROUTE, "ramani-38north", "KCNA (North Korea's state news agency)", "denial", "groundless and false rumor"),
    (GAZA_PATH_ROUTE, "ramani-38north", "KCNA (North Korea's state news agency)", "denial", "groundless and false rumor"),
    (GAZA_FOUND_ROUTE, "ramani-38north", "North Korea", "denial", "utterly baseless sophism"),
    (PAYMENT_ROUTE, "ramani-38north", "North Korea", "denial", "utterly baseless sophism"),
    (GAZA_FOUND_ROUTE, "ramani-38north", "John Kirby, US National Security Council spokesperson", "non-confirmation",
     "could not confirm"),
    (GAZA_PATH_ROUTE, "ramani-38north", "John Kirby, US National Security Council spokesperson", "non-confirmation",
     "could not confirm"),
    (GAZA_FOUND_ROUTE, "marsden-the-week", "North Korea (Pyongyang)", "denial", "denies that Hamas used"),
    ("prk-rus-artillery-shells", "marsden-the-week", "North Korea and Russia", "denial", "deny any arms deals"),
    (HOUTHI_ATTEMPT, "ramani-38north", "UN Panel of Experts", "non-confirmation", "confirming"),
])
def test_every_denial_in_the_articles_disputes_its_route(routes, route_id, source, said_by, kind, words):
    items = [e for e in evidence(routes[route_id], "disputes") if e["source"] == source and e.get("said_by") == said_by
             and words in (e.get("quote") or "") + " " + e["claim"]]
    assert len(items) == 1, f"{route_id}: no disputing item from {said_by} ({words!r})"
    assert items[0]["dispute"] == kind


def test_the_2014_denial_is_north_koreas_not_kcnas(routes):
    """The article credits the 2014 denial to "North Korea"; KCNA is named only for the 2023 one."""
    for route in routes.values():
        for item in evidence(route, "disputes"):
            if "utterly baseless sophism" in (item.get("quote") or ""):
                assert item["said_by"] == "North Korea", route["id"]
            if "KCNA" in (item.get("said_by") or ""):
                assert item.get("quote") == "a groundless and false rumor", route["id"]


def test_every_disputing_item_says_how_it_disputes(routes):
    for route in routes.values():
        for item in evidence(route, "disputes"):
            assert item.get("dispute") in DISPUTES and item.get("said_by"), route["id"]
            assert item["credibility"] in ({2} if item["dispute"] == "non-confirmation" else {6}), route["id"]
    assert model.dispute_text(next(e for e in evidence(routes[HOUTHI_ATTEMPT], "disputes"))) == \
        "not confirmed by UN Panel of Experts"


def test_the_un_caveat_disputes_the_wartime_houthi_route_only(routes):
    disputed_by_un = [rid for rid, r in routes.items() if any(e.get("said_by") == "UN Panel of Experts"
                                                              for e in evidence(r, "disputes"))]
    assert disputed_by_un == [HOUTHI_ATTEMPT]  # the 2002 purchase came before the war


def test_russia_route_is_disputed(routes, places):
    arms = [r for r in routes.values() if "RUS" in countries(r, places) and r["properties"]["kind"] == "arms"]
    assert arms and all(evidence(r, "disputes") for r in arms)


# -- the other routes the articles support ------------------------------------------------------------
def test_2009_seizures_are_drawn_to_where_they_were_stopped(routes, places):
    by_country = {}
    for route in routes.values():
        props = route["properties"]
        if props.get("outcome") == "interdicted":
            stop = props["interdicted"]
            assert stop["date"] == "2009"
            assert place_ids(route)[-1] == stop["place"], route["id"]
            by_country[places[stop["place"]]["properties"]["country"]] = route
    assert set(by_country) == {"THA", "ARE"}
    thai = by_country["THA"]["properties"]
    assert [places[p]["properties"]["country"] for p in thai["intended_waypoints"]] == ["IRN"]
    assert any("35 tonnes" in e["claim"] for e in thai["evidence"])


def test_yemen_routes(routes, weapons):
    scud = routes["prk-yem-scud-2002"]["properties"]
    assert scud["period"]["start"] == 2002
    assert scud["weapons"] == ["scud-missile"]  # the article does not tie the Hwasong-6s to the 2002 purchase
    assert any("20 North Korean-made Scud" in e["claim"] for e in scud["evidence"])
    assert not any("Hwasong" in e["claim"] for e in scud["evidence"])  # in the notes: not this purchase
    attempt = routes[HOUTHI_ATTEMPT]["properties"]
    assert attempt["outcome"] == "attempted" and attempt["status"] == "reported"
    assert attempt["period"] == {"start": 2016, "end": None}  # after the July 2016 meeting; no later date given
    assert weapon_id("light weapons", weapons) in attempt["weapons"]
    assert any("Hussein al-Ali" in i for i in attempt["intermediaries"])


@pytest.mark.parametrize("country, names", [
    ("SYR", ["Scud missiles", "tanks", "trucks", "RPG launchers", "shoulder-fired missiles", "chemical weapons",
             "nuclear site", "Kornet"]),
    ("IRN", ["missile technology", "M600", "chemical weapons"]),
    ("RUS", ["artillery shells"]),
    ("MMR", ["arms"]),
])
def test_north_korea_routes_to_each_state(routes, places, weapons, country, names):
    direct = [r for r in routes.values() if countries(r, places)[0] == "PRK" and countries(r, places)[-1] == country]
    carried = {w for r in direct for w in r["properties"]["weapons"]}
    for name in names:
        assert weapon_id(name, weapons) in carried, (country, name)


def test_payment_runs_from_hamas_through_lebanon_to_north_korea(routes, places):
    payment = [r for r in routes.values() if r["properties"].get("kind") == "payment"]
    assert [r["id"] for r in payment] == [PAYMENT_ROUTE]
    props = payment[0]["properties"]
    assert countries(payment[0], places) == ["PSE", "LBN", "PRK"]
    assert props["supplier"] == "Hamas" and props["recipient"] == "North Korea"  # the way the money moved
    assert props["waypoints"][0] == {"place": "gaza-strip", "stand_in": True, "stands_for": "Hamas",
                                     "precision": "area"}  # where Hamas paid from is not stated
    assert props["period"] == {"start": 2014, "end": 2014}
    # three articles repeat one 2014 report: that is not corroboration
    assert props["status"] == "reported"


def test_training_routes_run_the_way_the_people_went(routes, places):
    training = {rid: r for rid, r in routes.items() if r["properties"]["kind"] == "training"}
    assert set(training) == {"lbn-prk-hezbollah-training-1980s", "lbn-prk-hezbollah-training-2007",
                             "prk-rus-military-advisers", "prk-pflp-training", "prk-gaza-hamas-training"}
    for rid in ("lbn-prk-hezbollah-training-1980s", "lbn-prk-hezbollah-training-2007"):
        assert countries(training[rid], places) == ["LBN", "PRK"]  # the operatives arrived in North Korea
    assert countries(training["prk-rus-military-advisers"], places) == ["PRK", "RUS"]  # advisers sent to Russia
    assert all(r["properties"]["weapons"] == [] for r in training.values())
    assert any("100 Hezbollah operatives" in e["claim"] for e in evidence(training["lbn-prk-hezbollah-training-2007"]))


def test_cold_war_plo_bulsae_and_tunnel_routes(routes, weapons):
    plo = routes["prk-plo-cold-war"]["properties"]
    assert plo["period"] == {"start": 1970, "end": 1989} and "PLO" in plo["name"]
    tunnels = [r for r in routes.values() if weapon_id("tunnels", weapons) in r["properties"]["weapons"]]
    assert {r["properties"]["recipient"] for r in tunnels} == {"Hezbollah", "Hamas"}
    assert all(r["properties"]["kind"] == "technology" for r in tunnels)
    hezbollah = routes["prk-lbn-hezbollah-tunnels"]["properties"]
    assert hezbollah["period"]["start"] == {"year": 2000, "approximate": True, "note": "'After 2000'"}


def test_the_claims_the_review_found_missing_are_covered(routes):
    """M1-M11 of the dataset review: drawn where they are transfers, training or technology links (M10, a
    sub-headline restating reports already recorded, is explained in data/README.md)."""
    for rid in ("prk-pflp-training", "prk-lbn-hezbollah-arms-1980s", "prk-gaza-hamas-training",
                "prk-rus-military-advisers", "prk-syr-kornet"):  # M1, M2, M3/M4, M6, M11
        assert rid in routes
    found = evidence(routes[GAZA_FOUND_ROUTE], "supports")
    assert any("Akiva Tor" in (e.get("said_by") or "") and "destroy" in e["claim"] for e in found)  # M5
    assert any(e["source"] == "anon-alleged-nk-arms-hamas-attack" and "7 October" in e["claim"] for e in found)  # M7
    assert any("Palestine Islamic Organization" in e["claim"] for e in found)  # M8
    assert any(e["source"] == "minhas-think-tank-journal" and "2014" in e["claim"] for e in found)  # M9
    hamas_training = {e["source"] for e in evidence(routes["prk-gaza-hamas-training"])}
    assert hamas_training == {"ramani-38north", "minhas-think-tank-journal"}  # M3 and M4


# -- evidence and sources -----------------------------------------------------------------------------------
def test_sources_are_the_five_articles_as_they_show_themselves(dataset):
    sources = dataset["sources"]
    for source_id, expected in ARTICLES.items():
        for field, value in expected.items():
            assert sources[source_id][field] == value, (source_id, field)


def test_every_undated_source_says_why_in_its_note(dataset):
    for source_id, source in dataset["sources"].items():
        if source["published"] is None:
            assert source.get("note"), source_id
    # the date the page prints is kept as a caveat, not as the publication date
    assert "Monday, June 24, 2024" in dataset["sources"]["minhas-think-tank-journal"]["note"]


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
            assert set(item.get("weapons", [])) <= set(route["properties"]["weapons"]), route["id"]


def test_every_route_has_supporting_evidence_from_a_registered_source(routes, dataset):
    for route in routes.values():
        assert any(e["source"] in dataset["sources"] for e in evidence(route, "supports")), route["id"]


def test_corroborated_routes_have_two_sources_that_share_no_reporting(routes, dataset):
    sources = dataset["sources"]
    corroborated = [r for r in routes.values() if r["properties"]["status"] == "corroborated"]
    assert corroborated
    for route in corroborated:
        ids = sorted({e["source"] for e in evidence(route, "supports")})
        pairs = [(a, b) for a in ids for b in ids if a < b and not lineage(a, sources) & lineage(b, sources)]
        assert pairs, f"{route['id']}: supporting sources {ids} share their reporting"


def test_quotes_are_the_verified_ones(routes):
    quotes = {(item["source"], item["quote"]) for r in routes.values() for item in evidence(r) if item.get("quote")}
    assert quotes == VERIFIED_QUOTES, "a new or changed quote: check it against its article, then pin it here"


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


def test_claims_do_not_copy_the_articles(routes):
    for route in routes.values():
        for item in evidence(route):
            for run in COPIED_RUNS:
                assert normalise(run) not in normalise(item["claim"]), (route["id"], run)


def test_the_hamas_israel_slip_is_not_a_claim(routes):
    for route in routes.values():
        assert not (route["properties"]["supplier"] == "Israel" or route["properties"]["recipient"] == "Israel")
        for item in evidence(route):
            assert "deal between Hamas and Israel" not in item["claim"]
            assert "agreement between Hamas and Israel" not in item["claim"]


def test_said_by_names_who_made_the_claim(routes):
    said = {e.get("said_by") or "" for r in routes.values() for e in evidence(r)}
    for who in ["Akiva Tor", "Joint Chiefs of Staff", "KCNA", "Bruce Bechtol", "National Intelligence Service",
                "John Kirby", "UN Panel of Experts", "Radio Free Asia"]:
        assert any(who in s for s in said), who


# -- route structure ----------------------------------------------------------------------------------------
def test_routes_follow_the_data_model(routes, places):
    for route_id, route in routes.items():
        props = route["properties"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", route_id)
        geometry = route["geometry"]  # null until built from the waypoints; then it must join them
        if geometry is not None:
            lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
            ids = place_ids(route)
            for end, place_id in ((lines[0][0], ids[0]), (lines[-1][-1], ids[-1])):
                lon, lat = places[place_id]["geometry"]["coordinates"]
                assert abs(end[1] - lat) <= 0.1 and min(abs(end[0] - lon), abs(abs(end[0] - lon) - 360)) <= 0.1
        assert props.get("kind", "arms") in KINDS
        assert props["status"] in STATUSES
        assert props.get("outcome", "unknown") in OUTCOMES
        assert len(props["waypoints"]) >= 2
        assert len(props["legs"]) == len(props["waypoints"]) - 1, route_id
        assert all(leg["mode"] in MODES for leg in props["legs"])
        start, end = model.period_years(route)
        assert start is None or end is None or start <= end
        for item in evidence(route):
            assert all(0 <= i < len(props["legs"]) for i in item.get("legs", []))
        assert "→" in props["name"]


def test_every_place_a_route_names_is_in_the_gazetteer(routes, places):
    for route in routes.values():
        for value in every_waypoint(route):
            assert model.place_id(value) in places, (route["id"], value)


def test_each_weapon_of_a_route_of_several_is_named_by_an_item(routes):
    """Where a route carries several systems, the card can say which item speaks to which; a payment
    lists what the money was for, which no item delivers."""
    for route in routes.values():
        carried = set(route["properties"]["weapons"])
        if len(carried) > 1 and route["properties"]["kind"] != "payment":
            assert named_weapons(route) == carried, route["id"]


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


def test_names_no_article_uses_are_marked_and_unused(routes, weapons):
    """Scud-B (Hwasong-5) and the alias Scud-C stay for SIPRI imports and users' data, marked as not
    from the articles; no bundled route uses them. Bechtol's "tanks" are not "main battle tanks", and his
    "shoulder-fired missiles" are not assumed to be air-defence weapons."""
    assert "not named in the five bundled articles" in weapons["scud-b"]["description"].casefold()
    assert "not used in the articles" in weapons["hwasong-6"]["description"]
    used = {w for r in routes.values() for w in r["properties"]["weapons"]}
    assert "scud-b" not in used
    assert "main battle" not in json.dumps(weapons).casefold()
    assert "manpads" not in weapons
    assert weapons[weapon_id("shoulder-fired missiles", weapons)]["category"] == "other"


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


# -- places inside places, and the names people type (issue 15) -----------------------------------------------
GAZA_ROUTES = ["prk-irn-sdn-egy-gaza", "prk-gaza-weapons-found", "prk-gaza-bulsae-2-nasser-brigades"]


def test_gaza_names_the_gaza_strip_as_the_articles_use_the_word(gazetteer):
    assert gazetteer.resolve("Gaza").id == "gaza-strip"
    assert gazetteer.resolve("Gaza City").id == "gaza-city"


def test_the_places_inside_the_named_areas_are_marked_and_only_those(places, gazetteer):
    within = {pid: f["properties"]["within"] for pid, f in places.items() if "within" in f["properties"]}
    assert within == {"rafah-gaza": ["gaza-strip"], "gaza-city": ["gaza-strip"]}  # (the Egyptian crossing is not)
    assert gazetteer.inside("gaza-strip") == {"gaza-strip", "rafah-gaza", "gaza-city"}
    assert gazetteer.inside("south-lebanon") == {"south-lebanon"}  # (no bundled place lies south of the Litani)
    assert gazetteer.within_problems() == []


def test_every_bundled_place_is_a_place_as_the_schema_defines_it(places):
    from routes.schema import errors

    assert {pid: [e.message for e in errors("place", f)] for pid, f in places.items() if errors("place", f)} == {}


def _listed(*args):
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["list", "-f", "json", *args])
    return result.exit_code, ([r["id"] for r in json.loads(result.stdout)] if result.exit_code == 0 else result.stderr)


def test_place_gaza_and_place_gaza_strip_find_the_routes_through_the_strip():
    assert _listed("--place", "Gaza") == (0, GAZA_ROUTES)
    assert _listed("--place", "Gaza Strip") == (0, GAZA_ROUTES)  # (the stand-ins for Hamas do not count)
    assert _listed("--place", "Gaza City") == (1, "error: no routes match place Gaza City\n")


def test_place_gaza_strip_finds_a_route_ending_at_rafah(write_dataset):
    from conftest import make_collection, make_route

    route = make_route("fx-to-rafah", waypoints=["prk", "rafah-gaza"], legs=[{"mode": "unknown"}])
    route["geometry"] = None
    path = str(write_dataset(make_collection([route])))
    assert _listed("-d", path, "--place", "Gaza Strip") == (0, ["fx-to-rafah"])
    assert _listed("-d", path, "--place", "Gaza") == (0, ["fx-to-rafah"])
    assert _listed("-d", path, "--place", "Palestine") == (0, ["fx-to-rafah"])


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--actor", "Hizbollah"], 2, ("error: unknown actor 'Hizbollah': no route names it as supplier, recipient or "
                                   "intermediary; did you mean: Hezbollah?\n")),
    (["--actor", "Hezbollah", "--kind", "payment"], 1, "error: no routes match actor Hezbollah, kind payment\n"),
    (["--weapon", "AK-47"], 2, "error: unknown weapon system 'AK-47'\n"),  # (it said "tank")
    (["--weapon", "kornett"], 2, "error: unknown weapon system 'kornett'; did you mean: Kornet?\n"),
    (["--weapon", "Scud-D"], 2, ("error: unknown weapon system 'Scud-D'; did you mean: Scud missile (variant not "
                                 "stated), Scud-B, Scud-C?\n")),
    (["--place", "port sudn"], 2, "error: unknown place 'port sudn'; did you mean: port-sudan?\n"),
])
def test_the_suggestions_for_the_names_people_mistype_are_worth_reading(args, code, message):
    assert _listed(*args) == (code, message)
