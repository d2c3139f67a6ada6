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
    result = runner.invoke(app, ["list", "-d", data, "--weapon", "FX-8"])
    assert result.exit_code == 2
    assert "unknown weapon system 'FX-8'; did you mean: FX-7" in result.stderr


def test_no_match_exits_one(runner, data):
    result = runner.invoke(app, ["list", "-d", data, "--actor", "Nobody"])
    assert result.exit_code == 1
    assert "error: no routes match actor Nobody" in result.stderr


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
