"""`arms-routes fmt`: rewrite, --check for CI, --rebuild-geometry, and the errors a user can cause."""

from __future__ import annotations

import json

from cli import app
from conftest import make_collection, make_route


def unformatted(write_dataset, name="routes.geojson"):
    return write_dataset(json.dumps(make_collection()), name=name)


def test_fmt_rewrites_a_file_once(runner, write_dataset):
    path = unformatted(write_dataset)
    data = json.loads(path.read_text(encoding="utf-8"))
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 0
    assert result.stdout == f"formatted {path}\n"
    assert json.loads(path.read_text(encoding="utf-8")) == data
    again = runner.invoke(app, ["fmt", str(path)])
    assert again.exit_code == 0
    assert again.stdout == f"{path} was already formatted\n"


def test_check_names_the_unformatted_file_and_exits_1(runner, write_dataset):
    path = unformatted(write_dataset)
    tidy = write_dataset(make_collection(), name="tidy.geojson")
    assert runner.invoke(app, ["fmt", str(tidy)]).exit_code == 0
    before = path.read_bytes()
    result = runner.invoke(app, ["fmt", "--check", str(tidy), str(path)])
    assert result.exit_code == 1
    assert result.stdout == f"{path}\n"
    assert path.read_bytes() == before


def test_check_is_silent_and_exits_0_when_formatted(runner, write_dataset):
    path = unformatted(write_dataset)
    runner.invoke(app, ["fmt", str(path)])
    result = runner.invoke(app, ["fmt", "--check", str(path)])
    assert result.exit_code == 0
    assert result.stdout == ""


def test_unparseable_json_is_one_line_error(runner, write_dataset):
    path = write_dataset('{"type": "FeatureCollection",\n  "features": [}\n')
    before = path.read_bytes()
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}:2: not valid JSON")
    assert result.stderr.count("\n") == 1
    assert path.read_bytes() == before


def test_a_file_with_validation_errors_is_still_formatted(runner, write_dataset):
    path = write_dataset(json.dumps(make_collection([make_route(status="certain")])))
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 0
    assert '"status": "certain"' in path.read_text(encoding="utf-8")


def test_rebuild_geometry_reports_built_and_kept_routes(runner, write_dataset):
    null = make_route("fx-null", waypoints=("fx-bandar-abbas", "fx-port-sudan"))
    null["geometry"] = None
    drawn = make_route("fx-drawn", waypoints=("fx-bandar-abbas", "fx-port-sudan"),
                       legs=[{"mode": "sea", "geometry": "hand-drawn"}])
    path = write_dataset(make_collection([null, drawn]))
    result = runner.invoke(app, ["fmt", "--rebuild-geometry", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"formatted {path}",
        f"{path}: built the geometry of 1 route",
        f"{path}: kept the hand-drawn geometry of fx-drawn (--force replaces it)",
    ]
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
    forced = runner.invoke(app, ["fmt", "--rebuild-geometry", "--force", str(path)])
    assert forced.exit_code == 0
    assert f"{path}: built the geometry of 2 routes" in forced.stdout


def test_option_mistakes_exit_2(runner, write_dataset, tmp_path):
    path = write_dataset()
    force = runner.invoke(app, ["fmt", "--force", str(path)])
    assert force.exit_code == 2
    assert force.stderr == "error: --force only applies with --rebuild-geometry\n"
    both = runner.invoke(app, ["fmt", "--check", "--rebuild-geometry", str(path)])
    assert both.exit_code == 2
    assert both.stderr == "error: --check cannot be combined with --rebuild-geometry\n"
    missing = runner.invoke(app, ["fmt", str(tmp_path / "missing.geojson")])
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr


def test_fmt_orders_the_keys_of_waypoint_objects_and_period_bounds(runner, write_dataset):
    route = make_route("fx-uncertain", period={"start": {"approximate": True, "year": 2009}, "end": None})
    route["properties"]["waypoints"][0] = {"stands_for": "North Korea", "stand_in": True, "place": "fx-nampo"}
    route["geometry"] = None
    path = write_dataset(make_collection([route]))
    assert runner.invoke(app, ["fmt", "--check", str(path)]).exit_code == 1
    result = runner.invoke(app, ["fmt", "--rebuild-geometry", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"formatted {path}\n{path}: built the geometry of 1 route\n"
    text = path.read_text(encoding="utf-8")
    assert '{"place": "fx-nampo", "stand_in": true, "stands_for": "North Korea"}' in text
    assert '"start": {"year": 2009, "approximate": true}' in text
    assert runner.invoke(app, ["fmt", "--check", str(path)]).exit_code == 0
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0
