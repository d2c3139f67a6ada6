"""routes.sipri: SIPRI Arms Transfers Database exports (both layouts, any encoding) become valid datasets."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import WEAPONS
from routes import sipri
from routes.errors import DataFileError, RoutesError, UsageError
from routes.fmt import geojson_text
from routes.gazetteer import Gazetteer, Place
from routes.names import normalise
from routes.validate import validate_document
from routes.weapons import Taxonomy

TRADE_HEADER = ["Recipient", "Supplier", "Year of order", " ", "Number ordered", " ", "Weapon designation",
                "Weapon description", "Number delivered", " ", "Year(s) of delivery", "status", "Comments",
                "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"]
PREAMBLE = [
    "Transfers of major conventional arms from All countries  to All countries . Deals with deliveries made for "
    "the year range 'Not specified' to 'Not specified' ",
    "A '?' in a column indicates uncertain data.",
    "",
    "Source: SIPRI Arms Transfers Database (c) SIPRI.",
    "Data generated: 18 May 2026 2:29:20 PM",
]
NK_IRAN = ["Iran", "North Korea", "1990", "", "170", "?", "Hwasong-6", "surface-to-surface missile", "170", "?",
           "1991; 1992; 1993", "New", "Including assembly from kits in Iran", "1.25", "212.5", "212.5"]
T55 = ["Viet Nam", "Soviet Union", "1978", "?", "500", "?", "T-55", "tank", "500", "", "1979; 1980",
       "Second hand", "Second-hand;\naid, with spares", "0.5", "250", "250"]
HEZBOLLAH = ["Hezbollah (Lebanon)*", "Iran", "2006", "?", "100", "?", "Kornet", "anti-tank missile", "100", "?",
             "2006", "New", "", "0.01", "1", "1"]
UNKNOWN_SUPPLIER = ["Afghanistan", "unknown supplier(s)", "2007", "?", "6", "", "Mi-17", "transport helicopter",
                    "6", "", "2008", "Second hand", "Probably second-hand", "2.9", "17.4", "17.4"]
NATO = ["NATO**", "United States", "1978", "", "18", "", "E-3A Sentry", "AEW&C aircraft", "18", "", "1982",
        "New", "", "100", "1800", "1800"]
ALIZE = ["India", "France", "1960", "", "12", "", "Alizé", "anti-submarine aircraft", "12", "", "1961",
         "New", "", "4", "48", "48"]
ROWS = [NK_IRAN, T55, HEZBOLLAH, UNKNOWN_SUPPLIER, NATO, ALIZE]

DELIVERY_HEADER = ["SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description",
                   "Armament category", "Order date", "Order date is estimate", "Numbers delivered",
                   "Numbers delivered is estimate", "Delivery year", "Delivery year is estimate", "Status",
                   "SIPRI estimate", "TIV deal unit", "TIV delivery values", "Local production"]


def delivery(deal_id, year, delivered, supplier="North Korea", recipient="Iran", designation="Hwasong-6",
             description="surface-to-surface missile", category="Missiles", estimate="No"):
    return [deal_id, supplier, recipient, designation, description, category, "1990", "No", str(delivered),
            estimate, str(year), "No", "New", "No", "1.25", str(delivered * 1.25), "No"]


DELIVERY_ROWS = [delivery("12345", 1991, 50), delivery("12345", 1992, 60), delivery("12345", 1993, 60, estimate="Yes"),
                 delivery("20001", 2008, 6, supplier="unknown supplier(s)", recipient="Afghanistan",
                          designation="Mi-17", description="transport helicopter", category="Aircraft"),
                 delivery("20001", 2009, 4, supplier="unknown supplier(s)", recipient="Afghanistan",
                          designation="Mi-17", description="transport helicopter", category="Aircraft")]

TAXONOMY = [*WEAPONS,
            {"id": "kornet", "name": "Kornet", "aliases": ["Kornet ATGM"], "category": "anti-tank"},
            {"id": "scud-b", "name": "Scud-B", "aliases": ["Hwasong-5"], "category": "ballistic-missiles",
             "family": "scud"},
            {"id": "hwasong-6", "name": "Hwasong-6", "aliases": ["Scud-C"], "category": "ballistic-missiles",
             "family": "scud"},
            {"id": "grad", "name": "Grad rockets", "aliases": ["Grad"], "category": "artillery-rockets"}]


def csv_text(header, rows, preamble=()):
    buffer = io.StringIO(newline="")
    for line in preamble:
        buffer.write(line + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.fixture
def taxonomy():
    return Taxonomy(TAXONOMY)


@pytest.fixture
def write_export(tmp_path):
    def write(rows=ROWS, *, header=TRADE_HEADER, preamble=PREAMBLE, encoding="latin-1", name="export.csv"):
        path = tmp_path / name
        path.write_bytes(csv_text(header, rows, preamble).encode(encoding))
        return path
    return write


def convert(path, taxonomy, **kwargs):
    return sipri.convert(sipri.read_export(path), taxonomy=taxonomy, **kwargs)


def route_of(result, supplier, recipient):
    found = [f for f in result.dataset["features"]
             if f["properties"]["supplier"] == supplier and f["properties"]["recipient"] == recipient]
    assert len(found) == 1, [f["properties"]["name"] for f in result.dataset["features"]]
    return found[0]


# -- reading -------------------------------------------------------------------------------------
def test_trade_register_in_latin1_with_its_preamble(write_export, taxonomy):
    result = convert(write_export(), taxonomy)
    assert result.export.layout is sipri.TRADE_REGISTER
    assert result.export.encoding.startswith("Latin-1")
    assert result.export.generated == "2026-05-18"
    assert result.routes == 4
    assert [r.reason for r in result.unplaced] == [
        "supplier is unknown", "recipient is a multinational organisation (NATO), not a place"]
    assert result.rejects == []
    alize = route_of(result, "France", "India")
    assert alize["properties"]["sipri"]["designation"] == "Alizé"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252"])
@pytest.mark.parametrize("preamble", [PREAMBLE, ()], ids=["preamble", "no-preamble"])
def test_every_encoding_and_preamble_gives_the_same_routes(write_export, taxonomy, encoding, preamble):
    reference = convert(write_export(name="ref.csv"), taxonomy).dataset
    result = convert(write_export(encoding=encoding, preamble=preamble), taxonomy)
    assert [f["id"] for f in result.dataset["features"]] == [f["id"] for f in reference["features"]]
    assert route_of(result, "France", "India")["properties"]["weapons"] == \
        route_of(convert(write_export(name="ref.csv"), taxonomy), "France", "India")["properties"]["weapons"]
    assert result.dataset["weapons"] == reference["weapons"]
    if encoding == "utf-8-sig":
        assert result.export.encoding == "UTF-8 with byte-order mark"


def test_semicolon_separated_resave_is_read(tmp_path, taxonomy):
    path = tmp_path / "resaved.csv"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([TRADE_HEADER, NK_IRAN])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = convert(path, taxonomy)
    assert route_of(result, "North Korea", "Iran")["properties"]["sipri"]["delivery_years"] == [1991, 1992, 1993]


def test_line_breaks_inside_quoted_comments(write_export, taxonomy):
    path = write_export([T55, UNKNOWN_SUPPLIER])
    result = convert(path, taxonomy)
    t55 = route_of(result, "Soviet Union", "Viet Nam")
    assert t55["properties"]["evidence"][0]["claim"] == "Second-hand;\naid, with spares"
    # the deal after the two-line row knows its own line: preamble, header, then T55 over two lines
    assert result.unplaced[0].rows[0][0] == len(PREAMBLE) + 1 + 2 + 1
    assert path.read_text(encoding="latin-1").splitlines()[result.unplaced[0].rows[0][0] - 1].startswith("Afghanistan")


def test_a_trade_register_deal_becomes_one_route(write_export, taxonomy):
    result = convert(write_export(), taxonomy)
    route = route_of(result, "North Korea", "Iran")
    p = route["properties"]
    assert re.fullmatch(r"sipri-[0-9a-f]{10}", route["id"])
    assert p["name"] == "North Korea → Iran: 170 Hwasong-6 (1990)"
    # states the bundled gazetteer holds are drawn at its points (one point per country beside the bundled routes)
    assert p["waypoints"] == ["prk", "irn"]
    places = {f["id"]: f for f in result.dataset["places"]}
    assert places["prk"]["properties"]["name"] == "North Korea" and "country-prk" not in places
    assert route["geometry"]["coordinates"][0] == pytest.approx([127.5101, 40.3399], abs=1e-4)
    assert p["weapons"] == ["hwasong-6"]  # SIPRI's designation is a name in the taxonomy
    assert p["period"] == {"start": 1990, "end": 1993}
    assert p["status"] == "reported" and p["outcome"] == "delivered"
    assert p["evidence"] == [{"source": "sipri-at-database", "claim": "Including assembly from kits in Iran",
                              "stance": "supports", "credibility": 2}]  # `?` flags doubt figures, not the deal
    assert p["notes"] == ("SIPRI lists an order by Iran from North Korea of about 170 Hwasong-6 "
                          "(surface-to-surface missile) in 1990; delivered: 170 in 1991–1993.")
    assert p["sipri"] == {
        "designation": "Hwasong-6", "description": "surface-to-surface missile", "order_year": 1990,
        "number_ordered": 170, "number_delivered": 170, "delivery_years": [1991, 1992, 1993],
        "uncertain": ["number_ordered", "number_delivered"], "status": "New",
        "tiv": {"per_unit": 1.25, "total_order": 212.5, "delivered": 212.5}}
    geometry = route["geometry"]
    assert geometry["type"] == "LineString"
    assert geometry["coordinates"][0] == [127.5101, 40.3399] and geometry["coordinates"][-1] == [53.688, 32.4279]
    assert 10 < len(geometry["coordinates"]) < 40  # a point every ~200 km (geometry.ARC_STEP_KM) over ~6,500 km


def test_sipri_is_registered_once_as_a_dataset_source(write_export, taxonomy):
    dataset = convert(write_export(), taxonomy).dataset
    assert list(dataset["sources"]) == ["sipri-at-database"]
    source = dataset["sources"]["sipri-at-database"]
    assert source["kind"] == "dataset" and source["reliability"] == "B" and source["published"] == "2026-05-18"
    assert {e["source"] for f in dataset["features"] for e in f["properties"]["evidence"]} == {"sipri-at-database"}


@pytest.mark.parametrize("comments, credibility", [
    ("Supplier uncertain", 3), ("Second-hand; supplier possibly Bulgaria or delivered via Bulgaria", 3),
    ("Recipient uncertain (reported as 'state in Middle East')", 3), ("Probably second-hand; aid", 2),
    ("Designation uncertain", 2),
])
def test_comments_doubting_the_supplier_or_recipient_lower_the_credibility(write_export, taxonomy, comments,
                                                                           credibility):
    row = [*NK_IRAN[:12], comments, *NK_IRAN[13:]]
    route = route_of(convert(write_export([row]), taxonomy), "North Korea", "Iran")
    assert route["properties"]["evidence"][0]["credibility"] == credibility


def test_deal_without_comments_gets_a_summary_claim_of_credibility_2(write_export, taxonomy):
    route = route_of(convert(write_export([ALIZE]), taxonomy), "France", "India")
    assert route["properties"]["evidence"][0]["credibility"] == 2
    assert route["properties"]["evidence"][0]["claim"] == (
        "SIPRI lists an order by India from France of 12 Alizé (anti-submarine aircraft) in 1960; delivered: 12 in 1961.")
    assert "notes" not in route["properties"]


def test_undelivered_order_has_an_open_end_and_no_outcome(write_export, taxonomy):
    pending = ["Iran", "Russia", "2023", "", "24", "", "Su-35", "fighter aircraft", "", "", "", "New", "", "40", "960", ""]
    route = route_of(convert(write_export([pending]), taxonomy), "Russia", "Iran")
    assert route["properties"]["period"] == {"start": 2023, "end": None}
    assert "outcome" not in route["properties"]
    assert route["properties"]["sipri"]["number_delivered"] is None
    assert route["properties"]["evidence"][0]["claim"].endswith("no deliveries listed.")


def test_non_state_recipient_is_the_actor_at_a_place_in_its_country(write_export, taxonomy):
    route = route_of(convert(write_export(), taxonomy), "Iran", "Hezbollah")
    assert route["properties"]["waypoints"] == ["irn", "lbn"]
    assert route["properties"]["sipri"]["recipient"] == "Hezbollah (Lebanon)*"
    assert "supplier" not in route["properties"]["sipri"]  # only names that differ from the route's
    assert route["properties"]["weapons"] == ["kornet"]


def test_historic_states_and_sipri_spellings_have_places(write_export, taxonomy):
    result = convert(write_export(), taxonomy)
    route = route_of(result, "Soviet Union", "Viet Nam")
    assert route["properties"]["waypoints"] == ["region-soviet-union", "country-vnm"]
    places = {p["id"]: p for p in result.dataset["places"]}
    assert places["region-soviet-union"]["properties"]["kind"] == "region"
    assert places["region-soviet-union"]["properties"]["country"] == "RUS"
    assert "Viet Nam" in places["country-vnm"]["properties"]["aliases"]
    assert sorted(places) == sorted({w for f in result.dataset["features"] for w in f["properties"]["waypoints"]})


@pytest.mark.parametrize("name, actor, place", [
    ("Syria rebels*", "Syria rebels", "country-syr"),
    ("Fixture Front (Chad)*", "Fixture Front", "country-tcd"),
    ("PRC (Israel/Palestine)*", "Popular Resistance Committees", "gaza-strip"),
    ("Hamas (Palestine)*", "Hamas", "gaza-strip"),
    ("Libya GNC", "Libya GNC", "country-lby"),
    ("Libya GNC*", "Libya GNC", "country-lby"),
    ("Libya HoR", "House of Representatives", "region-eastern-libya"),
    ("Somaliland", "Somaliland", "region-somaliland"),
    ("UAE", "UAE", "country-are"),
    ("Turkiye", "Turkiye", "country-tur"),
    ("East Germany (GDR)", "East Germany (GDR)", "region-east-germany"),
])
def test_names_map_to_actors_and_places(name, actor, place):
    assert sipri.Countries.load().party(name, "recipient") == sipri.Party(actor, place)


@pytest.mark.parametrize("name, reason", [
    ("unknown supplier(s)", "supplier is unknown"),
    ("Unknown supplier(s)", "supplier is unknown"),  # (SIPRI's names in any case)
    ("unknown rebel group*", "supplier is an unnamed rebel group"),
    ("Fixture Union**", "supplier is a multinational organisation (Fixture Union), not a place"),
    ("Atlantis", "supplier 'Atlantis' has no place (add it to data/geo/sipri-countries.json)"),
    ("Nowhere rebels*", "supplier 'Nowhere rebels*' is a non-state actor in no known country"),
])
def test_names_without_a_place_give_a_reason(name, reason):
    assert sipri.Countries.load().party(name, "supplier").startswith(reason)


# -- deals that cannot be placed, and rows that are no deal ---------------------------------------
def test_deals_without_a_place_are_kept_in_the_dataset_with_their_reason(write_export, taxonomy):
    result = convert(write_export(), taxonomy)
    assert result.unplaced_counts() == [("recipient is a multinational organisation (NATO), not a place", 1),
                                        ("supplier is unknown", 1)]
    unknown, nato = result.dataset["unplaced"]
    assert unknown == {
        "id": unknown["id"], "supplier": "unknown supplier(s)", "recipient": "Afghanistan",
        "weapons": ["sipri-mi-17"], "period": {"start": {"year": 2007, "approximate": True}, "end": 2008},
        "reason": "supplier is unknown", "source": "sipri-at-database",
        "sipri": {"designation": "Mi-17", "description": "transport helicopter", "order_year": 2007,
                  "number_ordered": 6, "number_delivered": 6, "delivery_years": [2008], "uncertain": ["order_year"],
                  "status": "Second hand", "tiv": {"per_unit": 2.9, "total_order": 17.4, "delivered": 17.4},
                  "comments": "Probably second-hand"}}
    assert re.fullmatch(r"sipri-[0-9a-f]{10}", unknown["id"])
    # a name SIPRI marks as an organisation is the actor without its marks; SIPRI's own name is kept
    assert (nato["supplier"], nato["recipient"], nato["sipri"]["recipient"]) == ("United States", "NATO", "NATO**")
    assert {w["id"] for w in result.dataset["weapons"]} >= {"sipri-mi-17", "sipri-e-3a-sentry"}
    assert result.dataset["sipri_import"]["unplaced"] == 2


def test_rows_that_are_not_a_route_go_to_the_rejects_file_whole_with_their_reason(write_export, taxonomy):
    result = convert(write_export([*ROWS, NK_IRAN[:9]]), taxonomy)
    rows = list(csv.reader(io.StringIO(sipri.rejects_csv(result))))
    assert rows[0] == [*TRADE_HEADER, "reason"]
    assert rows[1] == [*UNKNOWN_SUPPLIER, "supplier is unknown"]
    assert rows[2][:-1] == NATO
    assert rows[3] == [*NK_IRAN[:9], "malformed row: 9 columns where the header has 16"]
    assert len(rows) == 4


def test_every_deal_is_a_route_an_unplaced_deal_or_a_reject(write_export, taxonomy):
    result = convert(write_export([*ROWS, NK_IRAN[:9]]), taxonomy)
    assert (result.routes, result.unplaced_rows, result.rejected_rows) == (4, 2, 1)
    assert result.routes + result.unplaced_rows + result.rejected_rows == len(ROWS) + 1
    assert len(result.dataset["unplaced"]) == len(result.unplaced)
    ids = [f["id"] for f in result.dataset["features"]] + [d["id"] for d in result.dataset["unplaced"]]
    assert len(ids) == len(set(ids))


def test_a_deal_without_a_designation_or_a_supplier_is_a_reject_not_an_unplaced_deal(write_export, taxonomy):
    nameless = [*NK_IRAN[:6], "", "", *NK_IRAN[8:]]
    no_supplier = ["Iran", "", *NK_IRAN[2:]]
    result = convert(write_export([NK_IRAN, nameless, no_supplier]), taxonomy)
    assert result.unplaced == [] and "unplaced" not in result.dataset
    assert [r.reason for r in result.rejects] == ["no weapon designation or description", "supplier is empty"]


def test_a_row_with_missing_columns_is_rejected_not_guessed(write_export, taxonomy):
    result = convert(write_export([NK_IRAN, NK_IRAN[:9]]), taxonomy)
    assert result.routes == 1
    assert result.rejects[0].reason == "malformed row: 9 columns where the header has 16"


def test_both_unmappable_parties_are_named(write_export, taxonomy):
    row = ["unknown rebel group*", "unknown supplier(s)", *NK_IRAN[2:]]
    result = convert(write_export([row]), taxonomy)
    assert result.unplaced[0].reason == "supplier is unknown; recipient is an unnamed rebel group"
    assert result.dataset["unplaced"][0]["recipient"] == "unknown rebel group"


# -- the per-delivery layout ---------------------------------------------------------------------
def test_per_delivery_rows_of_one_deal_merge_into_one_route(write_export, taxonomy):
    result = convert(write_export(DELIVERY_ROWS, header=DELIVERY_HEADER, preamble=["SIPRI export", ""],
                                  encoding="utf-8-sig"), taxonomy)
    assert result.export.layout is sipri.PER_DELIVERY
    assert result.routes == 1
    route = result.dataset["features"][0]
    assert route["id"] == "sipri-deal-12345"
    p = route["properties"]
    assert p["period"] == {"start": 1990, "end": 1993}
    assert p["weapons"] == ["hwasong-6"]
    assert p["sipri"]["deal_id"] == "12345"
    assert p["sipri"]["number_delivered"] == 170
    assert p["sipri"]["delivery_years"] == [1991, 1992, 1993]
    assert p["sipri"]["uncertain"] == ["number_delivered"]
    assert p["sipri"]["armament_category"] == "Missiles"
    assert p["sipri"]["tiv"] == {"per_unit": 1.25, "delivered": 212.5}
    assert p["evidence"][0]["claim"] == ("SIPRI lists an order by Iran from North Korea of Hwasong-6 "
                                         "(surface-to-surface missile) in 1990; delivered: 170 in 1991–1993.")
    # the unknown supplier's deal is not placed, and both of its rows go to the rejects file
    assert [len(r.rows) for r in result.unplaced] == [2] and result.rejects == []
    assert result.unplaced_counts() == [("supplier is unknown", 2)]
    [deal] = result.dataset["unplaced"]
    assert deal["id"] == "sipri-deal-20001" and deal["sipri"]["number_delivered"] == 10
    assert len(list(csv.reader(io.StringIO(sipri.rejects_csv(result))))) == 3


def test_per_delivery_row_that_contradicts_its_deal_is_rejected(write_export, taxonomy):
    rows = [delivery("7", 1991, 5), delivery("7", 1992, 5, recipient="Syria"), delivery("7", 1991, 5)]
    result = convert(write_export(rows, header=DELIVERY_HEADER, preamble=()), taxonomy)
    assert result.routes == 1
    assert result.dataset["features"][0]["properties"]["sipri"]["number_delivered"] == 5
    assert [r.reason for r in result.rejects] == [
        "row of deal 7 gives another recipient than its first row (line 2)",
        "deal 7 lists delivery year 1991 twice (first at line 2)"]


# -- layouts that are not known ------------------------------------------------------------------
def test_unknown_layout_names_the_columns_of_each_layout(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Country,Year,Value\nIran,1990,3\n", encoding="utf-8")
    with pytest.raises(RoutesError) as error:
        sipri.read_export(path)
    message = str(error.value)
    assert message.startswith(f"{path}: not a SIPRI export this tool knows")
    assert "Recipient, Supplier, Year of order" in message and "SIPRI AT Database ID, Supplier" in message
    assert "'Country,Year,Value'" in message


def test_header_missing_a_column_says_which(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text(csv_text([c for c in TRADE_HEADER if c != "Number delivered"], []), encoding="utf-8")
    with pytest.raises(RoutesError, match=r"line 1 looks like a SIPRI trade-register header but lacks the "
                                          r"column Number delivered"):
        sipri.read_export(path)


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"PK\x03\x04\x00\x00binary", "binary content"),
])
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        sipri.read_export(path)


# -- weapons -------------------------------------------------------------------------------------
@pytest.mark.parametrize("description, category", [
    ("surface-to-surface missile", "ballistic-missiles"), ("anti-tank missile", "anti-tank"),
    ("portable surface-to-air missile", "air-defence"), ("multiple rocket launcher", "artillery-rockets"),
    ("armoured personnel carrier", "armour-vehicles"), ("tank destroyer", "armour-vehicles"),
    ("armoured engineer vehicle", "armour-vehicles"), ("aircraft carrier", "ships"), ("patrol boat", "ships"),
    ("fighter/ground-attack aircraft", "aircraft"), ("transport helicopter", "aircraft"),
    ("air-search radar", "sensors"), ("anti-radar missile", "missiles"), ("anti-ship missile", "missiles"),
    ("turbofan", "engines"), ("aircraft engine", "engines"), ("one-way attack drone", "drones"),
    ("guided bomb", "munitions"), ("anti-submarine torpedo", "naval-weapons"),
    ("anti-aircraft gun turret", "air-defence"), ("infantry fighting vehicle turret", "armour-vehicles"),
])
def test_categories_from_sipri_descriptions(description, category):
    assert sipri.category_of(description) == category


def test_armament_category_decides_when_the_description_does_not():
    assert sipri.category_of("gizmo", "Naval weapons") == "naval-weapons"
    assert sipri.category_of("gizmo") == "other"


def test_unknown_designations_are_carried_by_the_dataset(write_export, taxonomy):
    dataset = convert(write_export(), taxonomy).dataset
    weapons = {w["id"]: w for w in dataset["weapons"]}
    assert weapons["sipri-t-55"] == {"id": "sipri-t-55", "name": "T-55", "aliases": [], "category": "armour-vehicles",
                                     "description": "SIPRI: tank"}
    assert route_of(convert(write_export(), taxonomy), "France", "India")["properties"]["weapons"] == ["sipri-alize"]
    assert not {"kornet", "hwasong-6"} & set(weapons)  # bundled systems are not repeated


def test_designation_of_two_kinds_of_thing_becomes_two_systems_of_one_family(write_export, taxonomy):
    boat = ["Iran", "Soviet Union", "1970", "", "2", "", "Osa", "missile boat", "2", "", "1971", "New", "", "5", "10", "10"]
    sam = ["Iraq", "Soviet Union", "1980", "", "8", "", "Osa", "mobile surface-to-air missile system", "8", "",
           "1981", "New", "", "5", "40", "40"]
    result = convert(write_export([boat, sam]), taxonomy)
    weapons = {w["id"]: w for w in result.dataset["weapons"]}
    assert weapons["sipri-osa-ships"]["name"] == "Osa (missile boat)"
    assert weapons["sipri-osa-air-defence"]["name"] == "Osa (mobile surface-to-air missile system)"
    extended = taxonomy.copy().extend(result.dataset["weapons"])
    assert sorted(extended.resolve("Osa")) == ["sipri-osa-air-defence", "sipri-osa-ships"]
    assert extended.resolve("Osa (missile boat)") == ["sipri-osa-ships"]


def test_platform_named_like_a_bundled_weapon_is_not_that_weapon(write_export, taxonomy):
    boat = ["Iran", "Soviet Union", "1970", "", "2", "", "Grad", "patrol boat", "2", "", "1971", "New", "", "5", "10", "10"]
    result = convert(write_export([boat]), taxonomy)
    [weapon] = result.dataset["weapons"]
    assert weapon["id"] == "sipri-grad-ships" and weapon["name"] == "Grad (patrol boat)"
    assert "family" not in weapon  # `--weapon Grad` keeps meaning the bundled rockets


def test_designation_naming_a_bundled_system_in_one_word_maps_to_it(write_export, taxonomy):
    launcher = [*NK_IRAN[:6], "Hwasong-5 TEL", "surface-to-surface missile launcher", *NK_IRAN[8:]]
    grad = [*NK_IRAN[:6], "BM-21 Grad 122mm", "multiple rocket launcher", *NK_IRAN[8:]]
    result = convert(write_export([launcher, grad]), taxonomy)
    assert [f["properties"]["weapons"] for f in result.dataset["features"]] == [["scud-b"], ["grad"]]
    assert result.dataset["weapons"] == []


def test_sipri_scud_designations_join_the_scud_family(write_export, taxonomy):
    elbrus = [*NK_IRAN[:6], "R-17 Elbrus", "surface-to-surface missile", *NK_IRAN[8:]]
    result = convert(write_export([elbrus]), taxonomy)
    [weapon] = result.dataset["weapons"]
    assert weapon["name"] == "R-17 Elbrus" and weapon["family"] == "scud"
    extended = taxonomy.copy().extend(result.dataset["weapons"])
    assert sorted(extended.resolve("Scud")) == ["hwasong-6", "scud-b", "sipri-r-17-elbrus"]


def test_own_weapon_names_are_unique_after_normalisation(write_export, taxonomy):
    rows = [ALIZE, [*ALIZE[:6], "ALIZE", "anti-submarine aircraft", *ALIZE[8:]],
            [*ALIZE[:6], "Type-63 107mm", "multiple rocket launcher", *ALIZE[8:]],
            [*ALIZE[:6], "Type 63 107mm", "multiple rocket launcher", *ALIZE[8:]]]
    dataset = convert(write_export(rows), taxonomy).dataset
    keys = [normalise(n) for w in dataset["weapons"] for n in (w["name"], *w["aliases"])]
    assert len(keys) == len(set(keys)) == 2
    known = {normalise(n) for s in TAXONOMY for n in (s["id"], s["name"], *s["aliases"])}
    assert not known & set(keys)


# -- the dataset as a whole ----------------------------------------------------------------------
def test_the_dataset_is_valid_with_no_warnings(write_export, taxonomy):
    rows = [*ROWS, ["Samoa", "Fiji", "2010", "", "1", "", "Pacific-class", "patrol boat", "1", "", "2011",
                    "New", "", "5", "5", "5"]]
    dataset = convert(write_export(rows), taxonomy).dataset
    text = geojson_text(dataset, layout="lines")
    report = validate_document(json.loads(text), "sipri.geojson", text=text, weapons=taxonomy, places=Gazetteer())
    assert report.ok and report.problems == [], [str(p) for p in report.problems]


def test_a_route_across_the_antimeridian_is_split(write_export, taxonomy):
    row = ["Samoa", "Fiji", "2010", "", "1", "", "Pacific-class", "patrol boat", "1", "", "2011", "New", "", "5", "5", "5"]
    geometry = convert(write_export([row]), taxonomy).dataset["features"][0]["geometry"]
    assert geometry["type"] == "MultiLineString"
    first, second = geometry["coordinates"]
    assert first[-1][0] == 180.0 and second[0][0] == -180.0 and first[-1][1] == second[0][1]


def test_route_ids_are_stable_and_unique(write_export, taxonomy):
    first = convert(write_export([NK_IRAN, T55, NK_IRAN]), taxonomy).dataset["features"]
    again = convert(write_export([NK_IRAN, T55, NK_IRAN], name="again.csv", encoding="utf-8"), taxonomy)
    ids = [f["id"] for f in first]
    assert ids == [f["id"] for f in again.dataset["features"]]
    assert ids[2] == ids[0] + "-2"


def test_progress_is_reported_up_to_the_total(write_export, taxonomy):
    calls = []
    convert(write_export(), taxonomy, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4, 4)


def test_the_dataset_is_written_one_route_per_line(write_export, taxonomy):
    dataset = convert(write_export(), taxonomy).dataset
    text = geojson_text(dataset, layout="lines")
    assert json.loads(text) == dataset
    route_lines = [line for line in text.splitlines() if line.lstrip().startswith('{"type":"Feature","id":"sipri-')]
    assert len(route_lines) == 4


def test_import_writes_the_dataset_and_the_rejects(write_export, taxonomy, tmp_path):
    out, rejects = tmp_path / "sipri.geojson", tmp_path / "rejects.csv"
    result = sipri.import_sipri(write_export(), out, rejects=rejects, taxonomy=taxonomy)
    assert json.loads(out.read_text(encoding="utf-8"))["features"][0]["id"] == result.dataset["features"][0]["id"]
    assert out.read_text(encoding="utf-8") == geojson_text(result.dataset, layout="lines")  # the one writer
    assert rejects.read_text(encoding="utf-8").splitlines()[0].endswith(',"reason"')
    summary, lines = sipri.describe(result)
    assert summary.startswith(f"wrote {out}: 4 routes and 2 unplaced deals from 6 deals (trade-register layout")
    assert lines[0] == (f"could not place 2 of 6 rows on the map (kept in the dataset's unplaced deals, which maps "
                        f"and reports table; written to {rejects}):")
    assert lines[1:] == ["  1  recipient is a multinational organisation (NATO), not a place",
                         "  1  supplier is unknown"]


def test_import_refuses_to_overwrite_the_export(write_export, taxonomy):
    path = write_export(name="export.json")
    before = path.read_bytes()
    with pytest.raises(RoutesError, match="--output is one of the files this command reads"):
        sipri.import_sipri(path, path, taxonomy=taxonomy)
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["sipri.csv", "sipri.geojson.txt", "sipri"])
def test_an_output_that_is_not_geojson_is_refused_before_anything_is_read(tmp_path, name):
    out = tmp_path / name
    with pytest.raises(UsageError, match=rf"cannot write the dataset as '{re.escape(name)}': import-sipri writes "
                                         r"GeoJSON, so the file name must end in \.geojson or \.json"):
        sipri.import_sipri(tmp_path / "no-such-export.csv", out)
    assert not out.exists()


def test_import_with_nothing_mappable_writes_no_dataset(write_export, taxonomy, tmp_path):
    out = tmp_path / "sipri.geojson"
    with pytest.raises(RoutesError, match=r"no deal could be mapped \(2 rows rejected; run again with --rejects"):
        sipri.import_sipri(write_export([UNKNOWN_SUPPLIER, NATO]), out, taxonomy=taxonomy)
    assert not out.exists()


# -- the table of SIPRI names --------------------------------------------------------------------
def test_country_table_places_are_valid_and_their_names_unique():
    countries = sipri.Countries.load()
    seen: dict[str, str] = {}
    for place_id, place in countries.places.items():
        assert re.fullmatch(r"(country|region)-[a-z0-9]+(-[a-z0-9]+)*", place_id) or place_id == "gaza-strip"
        assert re.fullmatch(r"[A-Z]{3}", place["country"])
        assert -180 <= place["lon"] <= 180 and -90 <= place["lat"] <= 90
        assert round(place["lon"], 4) == place["lon"] and round(place["lat"], 4) == place["lat"]
        for name in (place["name"], *place["aliases"]):
            assert seen.setdefault(normalise(name), place_id) == place_id, name
    for name, entry in countries.names.items():
        assert ("reject" in entry) != ("place" in entry), name
        assert entry.get("place", "country-afg") in countries.places, name


def test_country_table_ids_are_the_bundled_gazetteers_only_for_the_same_place():
    try:
        bundled = Gazetteer.load()
    except DataFileError:
        pytest.skip("no bundled gazetteer yet")
    countries = sipri.Countries.load()
    shared = {p.id for p in bundled} & set(countries.places)
    assert shared == {"gaza-strip"}  # (so that `--place "Gaza Strip"` names one place, not two)
    for place_id in shared:
        assert Place.from_feature(countries.feature(place_id)) == bundled.get(place_id)


def test_a_place_the_bundled_gazetteer_holds_is_written_as_it_defines_it(write_export, taxonomy):
    hamas = ["Hamas (Palestine)*", "Iran", "2010", "?", "10", "", "Fajr-5", "artillery rocket", "10", "", "2011",
             "New", "", "0.1", "1", "1"]
    moved = Gazetteer([Place("gaza-strip", "Gaza Strip", "PSE", "region", 34.3, 31.4, ("Gaza Strip", "Gaza"))])
    result = convert(write_export([hamas]), taxonomy, gazetteer=moved)
    assert result.dataset["features"][0]["properties"]["waypoints"] == ["country-irn", "gaza-strip"]
    [gaza] = [p for p in result.dataset["places"] if p["id"] == "gaza-strip"]
    assert Place.from_feature(gaza) == moved.get("gaza-strip")


# -- SIPRI's `?` on years: approximate period bounds ----------------------------------------------------------
def trade_row(order="1990", order_flag="", deliveries="1991; 1992; 1993", designation="Hwasong-6"):
    return ["Iran", "North Korea", order, order_flag, "170", "", designation, "surface-to-surface missile", "170", "",
            deliveries, "New", "", "1.25", "212.5", "212.5"]


@pytest.mark.parametrize(("row", "period"), [
    (trade_row(), {"start": 1990, "end": 1993}),
    (trade_row(order_flag="?"), {"start": {"year": 1990, "approximate": True}, "end": 1993}),
    (trade_row(deliveries="1991; 1992?; 1993?"), {"start": 1990, "end": {"year": 1993, "approximate": True}}),
    # the first delivery comes before the order: the start is that year, marked as SIPRI marks it
    (trade_row(order="1992", deliveries="1991?; 1993"), {"start": {"year": 1991, "approximate": True}, "end": 1993}),
    # a year one column gives exactly is exact, though another column marks it uncertain
    (trade_row(order="1991", order_flag="?", deliveries="1991; 1992"), {"start": 1991, "end": 1992}),
    (trade_row(order_flag="?", deliveries=""), {"start": {"year": 1990, "approximate": True}, "end": None}),
], ids=["exact", "order-uncertain", "last-delivery-uncertain", "delivery-before-order", "one-exact-column",
        "no-deliveries"])
def test_trade_register_question_marks_on_years_become_approximate_bounds(write_export, taxonomy, row, period):
    result = convert(write_export([row]), taxonomy)
    [route] = result.dataset["features"]
    assert route["properties"]["period"] == period


def test_uncertain_delivery_years_are_kept_in_sipris_own_figures(write_export, taxonomy):
    result = convert(write_export([trade_row(order_flag="?", deliveries="1991; 1992?; 1993?")]), taxonomy)
    p = result.dataset["features"][0]["properties"]
    assert p["sipri"]["delivery_years"] == [1991, 1992, 1993]
    assert p["sipri"]["approximate_delivery_years"] == [1992, 1993]
    assert p["sipri"]["uncertain"] == ["order_year", "delivery_years"]
    assert p["name"] == "North Korea → Iran: 170 Hwasong-6 (c. 1990)"
    summary = p.get("notes") or p["evidence"][0]["claim"]  # (the plain sentence, when SIPRI has no comment)
    assert "in 1991–c. 1993" in summary and "in about 1990" in summary


def approximate_delivery(deal_id, year, *, order_estimate="No", year_estimate="No", order="1990"):
    return [deal_id, "North Korea", "Iran", "Hwasong-6", "surface-to-surface missile", "Missiles", order,
            order_estimate, "50", "No", str(year), year_estimate, "New", "No", "1.25", "62.5", "No"]


def test_per_delivery_estimates_of_order_and_delivery_years_become_approximate_bounds(write_export, taxonomy):
    rows = [approximate_delivery("1", 1991, order_estimate="Yes"), approximate_delivery("1", 1993, order_estimate="Yes",
                                                                                         year_estimate="Yes"),
            approximate_delivery("2", 1989, year_estimate="Yes"), approximate_delivery("2", 1992)]
    result = convert(write_export(rows, header=DELIVERY_HEADER, preamble=()), taxonomy)
    periods = {f["properties"]["sipri"]["deal_id"]: f["properties"]["period"] for f in result.dataset["features"]}
    assert periods == {"1": {"start": {"year": 1990, "approximate": True}, "end": {"year": 1993, "approximate": True}},
                       "2": {"start": {"year": 1989, "approximate": True}, "end": 1992}}


def test_a_dataset_with_approximate_years_validates(write_export, taxonomy):
    result = convert(write_export([trade_row(order_flag="?", deliveries="1991; 1993?")]), taxonomy)
    text = geojson_text(result.dataset, layout="lines")
    report = validate_document(json.loads(text), "sipri.geojson", text=text, weapons=taxonomy, places=Gazetteer())
    assert report.ok, [str(p) for p in report.errors]
