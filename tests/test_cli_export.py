"""`arms-routes export`: the suffix picks the format; filters as everywhere; nothing written on failure."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cli import app
from conftest import make_collection, make_route


@pytest.fixture
def data(write_dataset):
    routes = [make_route("fx-gaza"),
              make_route("fx-lebanon", waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"],
                         weapons=["fx-rocket"], recipient="Hezbollah", status="alleged")]
    routes[1]["geometry"] = None
    return str(write_dataset(make_collection(routes)))


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".kml", ".gpkg"])
def test_each_format_is_written(runner, data, tmp_path, suffix):
    out = tmp_path / f"exported{suffix}"  # (routes.geojson is the input: export refuses to write over it)
    result = runner.invoke(app, ["export", "-d", data, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (2 routes)"
    assert out.stat().st_size > 0


@pytest.mark.parametrize("suffix", [".kml", ".gpkg"])
def test_gdal_formats_hold_the_selected_route_ids(runner, data, tmp_path, suffix):
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / f"hezbollah{suffix}"
    result = runner.invoke(app, ["export", "-d", data, "--actor", "Hezbollah", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert list(pyogrio.read_dataframe(out, layer="routes")["id"]) == ["fx-lebanon"]


def test_round_trip_export_validate_list(runner, data, tmp_path):
    out = tmp_path / "round.geojson"
    assert runner.invoke(app, ["export", "-d", data, "-o", str(out)]).exit_code == 0
    checked = runner.invoke(app, ["validate", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "0 errors" in checked.output
    listed = runner.invoke(app, ["list", "-d", str(out), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    original = runner.invoke(app, ["list", "-d", data, "--format", "json"])
    assert [r["id"] for r in json.loads(listed.stdout)] == [r["id"] for r in json.loads(original.stdout)]
    assert json.loads(out.read_text(encoding="utf-8"))["features"][1]["geometry"]["type"] == "LineString"


def test_round_trip_renders_the_same_routes(runner, data, tmp_path):
    from routes.dataset import load_dataset
    from routes.render.image import image_bytes
    from routes.style import category_colour

    out = tmp_path / "round.geojson"
    assert runner.invoke(app, ["export", "-d", data, "--route", "fx-lebanon", "-o", str(out)]).exit_code == 0
    again = load_dataset([out])
    assert [r["id"] for r in again.routes] == ["fx-lebanon"]
    svg = image_bytes(again, "svg", width=800, dpi=100).decode("utf-8")
    assert "1 route" in svg and category_colour("artillery-rockets") in svg  # drawn in its category's colour


def test_evidence_csv(runner, data, tmp_path):
    out = tmp_path / "evidence.csv"
    result = runner.invoke(app, ["export", "-d", data, "--evidence", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (2 evidence items)"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["route_id"], r["source"], r["grade"]) for r in rows] == [("fx-gaza", "fx-news", "B3"),
                                                                        ("fx-lebanon", "fx-news", "B3")]


def test_filters_narrow_the_export(runner, data, tmp_path):
    out = tmp_path / "rpg.csv"
    result = runner.invoke(app, ["export", "-d", data, "--weapon", "FX-7", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))] == ["fx-gaza"]


def test_unknown_suffix_exits_2_and_lists_the_formats(runner, data, tmp_path):
    out = tmp_path / "routes.xlsx"
    result = runner.invoke(app, ["export", "-d", data, "-o", str(out)])
    assert result.exit_code == 2
    assert "routes.xlsx" in result.stderr and ".geojson, .csv, .kml, .gpkg" in result.stderr
    assert not out.exists()


def test_evidence_with_another_format_exits_2(runner, data, tmp_path):
    out = tmp_path / "routes.kml"
    result = runner.invoke(app, ["export", "-d", data, "--evidence", "-o", str(out)])
    assert result.exit_code == 2
    assert "--evidence works with a .csv or .parquet output only" in result.stderr
    assert not out.exists()


def test_output_is_required(runner, data):
    result = runner.invoke(app, ["export", "-d", data])
    assert result.exit_code == 2
    assert "--output" in result.output


def test_no_match_exits_1_and_writes_nothing(runner, data, tmp_path):
    out = tmp_path / "none.geojson"
    result = runner.invoke(app, ["export", "-d", data, "--actor", "Hezbollah", "--weapon", "fx-rpg", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no routes match weapon Fixture RPG, actor Hezbollah"
    assert not out.exists()


def test_unknown_weapon_exits_2(runner, data, tmp_path):
    result = runner.invoke(app, ["export", "-d", data, "--weapon", "FX-8", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "unknown weapon system 'FX-8'" in result.stderr


@pytest.mark.parametrize("name", ["routes.gpkg", "routes.csv", "routes.kml", "routes.geojson"])
def test_missing_folder_exits_1_with_the_path(runner, data, tmp_path, name):
    # (every format through the one atomic write: the same message for each)
    out = tmp_path / "missing" / name
    result = runner.invoke(app, ["export", "-d", data, "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {out}: cannot open the folder to write in: No such file or directory\n"
    assert "Traceback" not in result.output


def test_invalid_data_exits_1_and_writes_nothing(runner, write_dataset, tmp_path):
    bad = write_dataset(make_collection([make_route(status="certain")]), name="bad.geojson")
    out = tmp_path / "routes.csv"
    result = runner.invoke(app, ["export", "-d", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "bad.geojson" in result.stderr and "status" in result.stderr
    assert not out.exists()
