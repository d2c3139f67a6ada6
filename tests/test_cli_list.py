import csv
import io
import json

import pytest

from cli import app
from conftest import make_collection, make_route


@pytest.fixture
def data(write_dataset):
    routes = [make_route("fx-gaza", weapons=["fx-rpg"]),
              make_route("fx-lebanon", waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"],
                         weapons=["fx-rocket"], recipient="Hezbollah", status="alleged")]
    return str(write_dataset(make_collection(routes)))


def test_table_lists_every_route(runner, data):
    result = runner.invoke(app, ["list", "-d", data])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "STATUS", "PERIOD", "WEAPONS", "NAME"]
    assert lines[1].startswith("fx-gaza ") and "reported" in lines[1]
    assert lines[2].startswith("fx-lebanon ") and "alleged" in lines[2]


def test_json_has_the_promised_fields(runner, data):
    result = runner.invoke(app, ["list", "-d", data, "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["fx-gaza", "fx-lebanon"]
    assert {"id", "name", "weapons", "status", "waypoints"} <= set(rows[0])
    assert rows[1]["waypoints"] == ["fx-bandar-abbas", "fx-damascus", "fx-beirut"]
    assert rows[1]["countries"] == ["IRN", "SYR", "LBN"]


def test_csv(runner, data):
    result = runner.invoke(app, ["list", "-d", data, "-f", "csv", "--weapon", "FX-122"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in rows] == ["fx-lebanon"]


@pytest.mark.parametrize("weapon", ["fx-rpg", "FX-7", "fx7", "Fixture RPG"])
def test_weapon_aliases_give_the_same_list(runner, data, weapon):
    result = runner.invoke(app, ["list", "-d", data, "-w", weapon, "-f", "json"])
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)] == ["fx-gaza"]


def test_unknown_weapon_is_bad_usage_with_suggestions(runner, data):
    result = runner.invoke(app, ["list", "-d", data, "--weapon", "Fixture RPGG"])
    assert result.exit_code == 2
    assert "unknown weapon system 'Fixture RPGG'; did you mean: Fixture RPG" in result.stderr


def test_no_match_exits_one(runner, data):
    result = runner.invoke(app, ["list", "-d", data, "--actor", "Hezbollah", "--weapon", "fx-rpg"])
    assert result.exit_code == 1
    assert "error: no routes match weapon Fixture RPG, actor Hezbollah" in result.stderr


def test_wrong_option_value_is_usage_error(runner, data):
    assert runner.invoke(app, ["list", "-d", data, "--min-status", "rumoured"]).exit_code == 2
    assert runner.invoke(app, ["list", "-d", data, "--since", "soon"]).exit_code == 2
    assert runner.invoke(app, ["list", "--data", "/nonexistent.geojson"]).exit_code == 2


def test_invalid_data_file_exits_one_naming_route_and_field(runner, write_dataset):
    path = write_dataset(make_collection([make_route("fx-bad", status="rumoured")]))
    result = runner.invoke(app, ["list", "-d", str(path)])
    assert result.exit_code == 1
    assert f"error: {path}:" in result.stderr and ": fx-bad: status: " in result.stderr
    assert "Traceback" not in result.output


def test_csv_cells_cannot_become_formulas(runner, write_dataset):
    path = write_dataset(make_collection([make_route("fx-a", name="=HYPERLINK(\"http://x\")")]))
    result = runner.invoke(app, ["list", "-d", str(path), "-f", "csv"])
    assert "'=HYPERLINK" in result.stdout


def test_bundled_dataset_lists(runner):
    result = runner.invoke(app, ["list", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) >= 10


@pytest.fixture
def uncertain(write_dataset):
    disputed = make_route("fx-disputed", period={"start": {"year": 2009, "approximate": True}, "end": None},
                          evidence=[{"source": "fx-news", "claim": "Shipped.", "stance": "supports", "credibility": 3},
                                    {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes",
                                     "credibility": 6, "dispute": "denial", "said_by": "KCNA"}])
    disputed["properties"]["waypoints"][0] = {"place": "fx-nampo", "stand_in": True, "stands_for": "North Korea"}
    plain = make_route("fx-plain", waypoints=["fx-damascus", "fx-beirut"])
    return str(write_dataset(make_collection([disputed, plain])))


def test_table_marks_disputed_routes_and_writes_approximate_years(runner, uncertain):
    result = runner.invoke(app, ["list", "-d", uncertain])
    assert result.exit_code == 0, result.output
    header, disputed, plain = result.stdout.splitlines()
    assert disputed.split("  ")[0] == "fx-disputed"
    assert " reported (disputed)  c. 2009–?  fx-rpg " in disputed
    assert " reported             2009–2014  fx-rpg " in plain


def test_csv_has_a_disputed_column(runner, uncertain):
    result = runner.invoke(app, ["list", "-d", uncertain, "-f", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["id", "status", "period", "weapons", "name", "disputed"]
    assert [(r["id"], r["status"], r["disputed"], r["period"]) for r in rows] == [
        ("fx-disputed", "reported", "yes", "c. 2009–?"), ("fx-plain", "reported", "no", "2009–2014")]


def test_json_keeps_waypoints_as_ids_and_adds_stand_ins_and_the_period_as_written(runner, uncertain):
    result = runner.invoke(app, ["list", "-d", uncertain, "-f", "json"])
    assert result.exit_code == 0, result.output
    disputed, plain = json.loads(result.stdout)
    assert disputed["waypoints"] == ["fx-nampo", "fx-bandar-abbas", "fx-port-sudan"]
    assert disputed["countries"] == ["PRK", "IRN", "SDN"]
    assert disputed["disputed"] is True and plain["disputed"] is False
    assert disputed["stand_ins"] == [{"waypoint": 0, "place": "fx-nampo", "stands_for": "North Korea"}]
    assert disputed["period"] == {"start": {"year": 2009, "approximate": True}, "end": None}
    assert (disputed["period_text"], disputed["period_approximate"]) == ("c. 2009–?", ["start"])
    assert disputed["leg_paths"] == ["plausible", "plausible"] and plain["stand_ins"] == []


@pytest.mark.parametrize(("args", "found"), [
    (["--since", "2015"], ["fx-disputed"]),          # its end is unknown: open
    (["--until", "2008"], []),                        # it starts c. 2009, which counts as 2009
    (["--until", "2009"], ["fx-disputed", "fx-plain"]),
])
def test_time_filters_count_an_approximate_year_as_its_year_and_an_unknown_one_as_open(runner, uncertain, args,
                                                                                      found):
    result = runner.invoke(app, ["list", "-d", uncertain, "-f", "json", *args])
    if not found:
        assert result.exit_code == 1 and "no routes match until 2008" in result.stderr
    else:
        assert result.exit_code == 0, result.output
        assert [r["id"] for r in json.loads(result.stdout)] == found


def test_a_control_character_in_a_name_is_shown_not_run(runner, write_dataset):
    path = write_dataset(make_collection([make_route("fx-a", name="Gone\x1b[2K\rfake")]))
    result = runner.invoke(app, ["list", "-d", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\r" not in result.stdout
    assert "Gone\\x1b[2K\\x0dfake" in result.stdout


# -- "did you mean" only where it is worth reading; places inside places --------------------------------------
def test_an_actor_no_route_names_is_bad_usage_with_the_closest_actor(runner, data):
    result = runner.invoke(app, ["list", "-d", data, "--actor", "Hizbollah"])
    assert result.exit_code == 2
    assert result.stderr == ("error: unknown actor 'Hizbollah': no route names it as supplier, recipient or "
                             "intermediary; did you mean: Hezbollah?\n")
    assert result.stdout == ""


def test_a_weapon_name_with_another_number_suggests_nothing_accidental(runner, write_dataset):
    collection = make_collection([make_route("fx-a")])
    collection["weapons"].append({"id": "fx-tank", "name": "Fixture tank", "aliases": ["tank"], "category": "other"})
    result = runner.invoke(app, ["list", "-d", str(write_dataset(collection)), "--weapon", "AK-47"])
    assert result.exit_code == 2
    assert result.stderr == "error: unknown weapon system 'AK-47'\n"  # (it suggested "tank": two shared letters)


def test_a_region_lists_the_route_that_ends_at_a_place_inside_it(runner, write_dataset):
    collection = make_collection([make_route("fx-to-rafah", waypoints=["fx-nampo", "fx-rafah-strip"]),
                                  make_route("fx-elsewhere", waypoints=["fx-nampo", "fx-rafah"])])
    collection["places"] += [
        {"type": "Feature", "id": "fx-strip", "properties": {"name": "Fixture Strip", "aliases": ["Fixture Gaza Strip"],
                                                             "country": "PSE", "kind": "region"},
         "geometry": {"type": "Point", "coordinates": [34.35, 31.42]}},
        {"type": "Feature", "id": "fx-rafah-strip", "properties": {"name": "Fixture Rafah (Strip)", "aliases": [],
                                                                   "country": "PSE", "kind": "city",
                                                                   "within": ["fx-strip"]},
         "geometry": {"type": "Point", "coordinates": [34.24, 31.3]}}]
    for route in collection["features"]:
        route["geometry"] = None
    path = str(write_dataset(collection))
    result = runner.invoke(app, ["list", "-d", path, "--place", "fixture gaza strip", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["fx-to-rafah"]
    result = runner.invoke(app, ["list", "-d", path, "--place", "Fixture Strp"])
    assert result.exit_code == 2 and "unknown place 'Fixture Strp'; did you mean: fx-strip" in result.stderr


def test_json_names_the_data_file_without_its_folders(runner, tmp_path, monkeypatch):
    # (every output names a data file so: tests/test_file_names.py)
    folder = tmp_path / "private" / "leads"
    folder.mkdir(parents=True)
    path = folder / "routes.geojson"
    path.write_text(json.dumps(make_collection()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for given in (str(path), "private/leads/routes.geojson"):
        result = runner.invoke(app, ["list", "-d", given, "--format", "json"])
        assert result.exit_code == 0
        assert [row["file"] for row in json.loads(result.stdout)] == ["routes.geojson"]
        assert "private" not in result.stdout
