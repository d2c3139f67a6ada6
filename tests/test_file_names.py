"""No output names the folders a data file is kept in: a shared CSV, KML, GeoPackage, GeoJSON, map,
report or `list --format json` names a data file by its name only (summary.data_file_name)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from cli import app
from conftest import make_collection, make_route

SECRET = "secret-investigation-2024"


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / SECRET / "leads"
    folder.mkdir(parents=True)
    path = folder / "routes.geojson"
    path.write_text(json.dumps(make_collection([make_route("fx-a"), make_route("fx-b")])), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["out.csv", "out.kml", "out.gpkg", "out.geojson", "out.html", "out.svg",
                                  "report.html", "report.md"])
def test_no_output_holds_the_path_of_the_data_file(runner, data, tmp_path, name):
    command = "report" if name.startswith("report") else "render" if name[-4:] in ("html", ".svg") else "export"
    out = tmp_path / name
    result = runner.invoke(app, [command, "-d", str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    content = out.read_bytes()
    assert SECRET.encode() not in content and str(tmp_path).encode() not in content
    if name == "out.csv":
        assert {row["file"] for row in csv.DictReader(io.StringIO(content.decode("utf-8")))} == {"routes.geojson"}
    if name == "out.kml":
        assert content.count(b'<SimpleData name="file">routes.geojson</SimpleData>') == 2
    if name == "out.gpkg":
        with sqlite3.connect(out) as db:
            assert db.execute("select distinct file from routes").fetchall() == [("routes.geojson",)]


def test_list_and_show_name_the_file_only(runner, data):
    for args in (["list", "--format", "json"], ["list", "--format", "csv"], ["show", "fx-a", "--format", "json"],
                 ["show", "fx-a", "--format", "csv"]):
        result = runner.invoke(app, [*args, "-d", str(data)])
        assert result.exit_code == 0 and SECRET not in result.stdout, args
    rows = json.loads(runner.invoke(app, ["list", "--format", "json", "-d", str(data)]).stdout)
    assert [row["file"] for row in rows] == ["routes.geojson", "routes.geojson"]
