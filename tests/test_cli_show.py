import csv
import io
import json

from cli import app
from conftest import make_collection, make_route


def test_card_shows_path_actors_weapons_and_evidence(runner, write_dataset):
    route = make_route("fx-gaza", evidence=[
        {"source": "fx-news", "claim": "Shipments went through Port Sudan.", "stance": "supports", "credibility": 2,
         "quote": "Arms moved by sea."},
        {"source": "fx-analysis", "claim": "The state news agency denied it.", "stance": "disputes",
         "credibility": 6, "said_by": "KCNA"}])
    result = runner.invoke(app, ["show", "fx-gaza", "-d", str(write_dataset(make_collection([route])))])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "status:         reported (disputed); 1 independent supporting source" in out
    assert "1. Fixture Nampo (PRK)" in out and "3. Fixture Port Sudan (SDN)" in out
    assert "Fixture RPG [anti-tank] (also FX-7, Fixture Rocket Grenade)" in out
    assert "[supports, B2] Shipments went through Port Sudan." in out
    assert "[DISPUTES, C6] (KCNA) The state news agency denied it." in out
    assert "source: fx-news: Fixture News Report, Fixture Daily, 2023-10-17 <https://example.org/report>" in out


def test_json_is_the_feature_with_a_summary(runner, write_dataset):
    result = runner.invoke(app, ["show", "fx-route", "-d", str(write_dataset()), "-f", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["id"] == "fx-route" and doc["type"] == "Feature"
    assert doc["summary"]["independent_sources"] == 1


def test_unknown_route_suggests_ids(runner, write_dataset):
    result = runner.invoke(app, ["show", "fx-rout", "-d", str(write_dataset())])
    assert result.exit_code == 2
    assert "unknown route 'fx-rout'; did you mean: fx-route?" in result.stderr


# -- honest uncertainty: stand-ins, coarse places, leg paths, approximate years, disputes, caveats --------
def uncertain_route(**props):
    """A route whose first waypoint only stands in for North Korea and whose last is an area."""
    route = make_route("fx-uncertain", legs=[{"mode": "sea", "path": "documented", "note": "by ship"},
                                             {"mode": "unknown"}], **props)
    route["properties"]["waypoints"] = [
        {"place": "fx-nampo", "stand_in": True, "stands_for": "North Korea", "precision": "country",
         "note": "no port is named"},
        "fx-bandar-abbas", {"place": "fx-port-sudan", "precision": "area"}]
    return route


def uncertain_collection(**props):
    route = uncertain_route(
        period={"start": {"year": 2009, "approximate": True}, "end": 2014},
        evidence=[{"source": "fx-news", "claim": "Shipped by sea.", "stance": "supports", "credibility": 2,
                   "legs": [0], "weapons": ["fx-rpg"], "note": "the only account of the path"},
                  {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes", "credibility": 6,
                   "said_by": "KCNA", "dispute": "denial"}], **props)
    collection = make_collection([route])
    collection["sources"]["fx-analysis"]["note"] = "The printed date may be the page's display date."
    return collection


def test_card_says_what_each_waypoint_stands_for_and_how_much_of_each_leg_is_known(runner, write_dataset):
    result = runner.invoke(app, ["show", "fx-uncertain", "-d", str(write_dataset(uncertain_collection()))])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  period:         c. 2009–2014" in lines
    path = lines[lines.index("  path:") + 1:lines.index("  weapons:")]
    assert path == [
        "    1. ≈ North Korea — stand-in for North Korea: the sources name only the country (drawn at Fixture Nampo)",
        "       note: no port is named",
        "         ↓ sea; path described by a source — by ship",
        "    2. Fixture Bandar Abbas (IRN)",
        "         ↓ unknown; path not reported: the line only joins the places",
        "    3. Fixture Port Sudan: the sources name only the area; drawn at a representative point",
    ]


def test_card_gives_what_an_item_speaks_to_how_it_disputes_and_the_sources_caveats(runner, write_dataset):
    result = runner.invoke(app, ["show", "fx-uncertain", "-d", str(write_dataset(uncertain_collection()))])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    evidence = lines[lines.index("  evidence:") + 1:]
    assert evidence[:4] == [
        "    - [supports, B2] Shipped by sea.",
        "      speaks to: leg 0 (≈ North Korea → Fixture Bandar Abbas); Fixture RPG",
        "      note: the only account of the path",
        "      source: fx-news: Fixture News Report, Fixture Daily, 2023-10-17 <https://example.org/report>",
    ]
    assert evidence[4:6] == ["    - [DISPUTES, C6] (KCNA) Denied.", "      dispute: denied by KCNA"]
    assert evidence[7:] == ["  source notes:",
                            "    - fx-analysis: The printed date may be the page's display date."]


def test_card_shows_where_a_shipment_was_stopped_and_where_it_was_headed_as_stand_ins(runner, write_dataset):
    collection = uncertain_collection(outcome="interdicted", interdicted={
        "place": "fx-port-sudan", "date": "2009-12", "stand_in": True, "stands_for": "Sudan"},
        intended_waypoints=[{"place": "fx-gaza", "stand_in": True, "stands_for": "Hamas"}])
    result = runner.invoke(app, ["show", "fx-uncertain", "-d", str(write_dataset(collection))])
    assert result.exit_code == 0, result.output
    assert ("  interdicted:    at ≈ Sudan — stand-in for Sudan: the sources do not name this place "
            "(drawn at Fixture Port Sudan), 2009-12") in result.stdout.splitlines()
    assert "  reportedly headed for: ≈ Hamas — stand-in for Hamas: the sources do not name this place " \
           "(drawn at Fixture Gaza)" in result.stdout.splitlines()


def test_a_route_without_legs_shows_its_legs_as_schematic(runner, write_dataset):
    route = make_route("fx-bare")
    del route["properties"]["legs"]
    result = runner.invoke(app, ["show", "fx-bare", "-d", str(write_dataset(make_collection([route])))])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("↓ unknown; path not reported: the line only joins the places") == 2


def test_csv_and_json_carry_the_stand_ins_and_the_period_as_written(runner, write_dataset):
    path = str(write_dataset(uncertain_collection()))
    result = runner.invoke(app, ["show", "fx-uncertain", "-d", path, "-f", "csv"])
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["stand_ins"] == "fx-nampo=North Korea" and row["period"] == "c. 2009–2014"
    assert row["leg_paths"] == "documented; schematic" and row["period_approximate"] == "start"
    doc = json.loads(runner.invoke(app, ["show", "fx-uncertain", "-d", path, "-f", "json"]).stdout)
    assert doc["properties"]["waypoints"][0]["stand_in"] is True  # the feature as written
    assert doc["summary"]["waypoints"] == ["fx-nampo", "fx-bandar-abbas", "fx-port-sudan"]
    assert doc["summary"]["stand_ins"] == [{"waypoint": 0, "place": "fx-nampo", "stands_for": "North Korea"}]


def test_control_characters_in_the_data_reach_the_terminal_visible_not_raw(runner, write_dataset):
    route = make_route("fx-hostile", name="Clear\x1b[2J\x1b]8;;http://evil.example\x07link\rover\u202egnp.exe",
                       notes="bell\x07 and C1\x9b")
    result = runner.invoke(app, ["show", "fx-hostile", "-d", str(write_dataset(make_collection([route])))])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert not any(ch in out for ch in "\x1b\x07\r\x9b\u202e")
    assert "fx-hostile: Clear\\x1b[2J\\x1b]8;;http://evil.example\\x07link\\x0dover\\u202egnp.exe" in out
    assert "  notes: bell\\x07 and C1\\x9b" in out
