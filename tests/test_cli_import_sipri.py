"""`arms-routes import-sipri`: a SIPRI export becomes a dataset that validate, list and render accept."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from cli import app
from conftest import ROOT, WEAPONS

HEADER = ["Recipient", "Supplier", "Year of order", " ", "Number ordered", " ", "Weapon designation",
          "Weapon description", "Number delivered", " ", "Year(s) of delivery", "status", "Comments",
          "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"]
ROWS = [
    ["Iran", "North Korea", "1987", "", "100", "?", "R-17 Elbrus", "surface-to-surface missile", "100", "?",
     "1987; 1988", "New", "Incl assembly from kits in Iran", "1.25", "125", "125"],
    ["Iran", "North Korea", "1986", "", "20", "?", "Koksan 170mm", "self-propelled gun", "20", "?",
     "1987; 1988", "New", "Possibly via Türkiye", "1.25", "25", "25"],
    ["Hezbollah (Lebanon)*", "Iran", "2006", "?", "100", "?", "Kornet", "anti-tank missile", "100", "?", "2006",
     "New", "", "0.01", "1", "1"],
    ["Afghanistan", "unknown supplier(s)", "2007", "?", "6", "", "Mi-17", "transport helicopter", "6", "", "2008",
     "Second hand", "Probably second-hand;\nfinanced by a third party", "2.9", "17.4", "17.4"],
    ["Somalia", "unknown supplier(s)", "2010", "?", "2", "", "Mi-8", "transport helicopter", "2", "", "2010",
     "Second hand", "", "1", "2", "2"],
    ["NATO**", "United States", "1978", "", "18", "", "E-3A Sentry", "AEW&C aircraft", "18", "", "1982", "New", "",
     "100", "1800", "1800"],
]
TAXONOMY = [*WEAPONS,
            {"id": "kornet", "name": "Kornet", "aliases": ["Kornet ATGM"], "category": "anti-tank"},
            {"id": "scud-b", "name": "Scud-B", "aliases": ["Hwasong-5"], "category": "ballistic-missiles",
             "family": "scud"}]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """A small bundled-data folder, so that these tests do not depend on the real taxonomy and gazetteer."""
    folder = tmp_path / "data"
    (folder / "geo").mkdir(parents=True)
    (folder / "weapons.json").write_text(json.dumps(TAXONOMY), encoding="utf-8")
    (folder / "geo" / "places.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    shutil.copy(ROOT / "data" / "geo" / "sipri-countries.json", folder / "geo" / "sipri-countries.json")
    monkeypatch.setenv("ARMS_ROUTES_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def export(tmp_path):
    buffer = io.StringIO(newline="")
    buffer.write("Source: SIPRI Arms Transfers Database (c) SIPRI.\nData generated: 18 May 2026 2:29:20 PM\n")
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *ROWS])
    path = tmp_path / "trade-register.csv"
    path.write_bytes(buffer.getvalue().encode("latin-1"))
    return path


def test_import_writes_a_dataset_and_counts_rejects_on_stderr(runner, export, tmp_path):
    out = tmp_path / "sipri.geojson"
    result = runner.invoke(app, ["import-sipri", str(export), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out}: 3 routes and 3 unplaced deals from 6 deals (trade-register "
                                    "layout, Latin-1")
    assert ("could not place 3 of 6 rows on the map (kept in the dataset's unplaced deals, which maps and reports "
            "table; --rejects FILE writes them with their reasons):") in result.stderr
    assert "  2  supplier is unknown\n" in result.stderr
    assert "  1  recipient is a multinational organisation (NATO), not a place\n" in result.stderr
    assert "rejected" not in result.stderr  # (no row is malformed)
    assert "mapping deals" in result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert len(written["features"]) == 3
    assert [(d["supplier"], d["recipient"], d["reason"]) for d in written["unplaced"]] == [
        ("unknown supplier(s)", "Afghanistan", "supplier is unknown"),
        ("unknown supplier(s)", "Somalia", "supplier is unknown"),
        ("United States", "NATO", "recipient is a multinational organisation (NATO), not a place")]


def test_rejects_file_holds_the_original_rows_and_a_reason(runner, export, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(app, ["import-sipri", str(export), "-o", str(tmp_path / "s.geojson"),
                                 "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert f"; written to {rejects}):" in result.stderr
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == [*HEADER, "reason"]
    assert rows[1:] == [[*ROWS[3], "supplier is unknown"], [*ROWS[4], "supplier is unknown"],
                        [*ROWS[5], "recipient is a multinational organisation (NATO), not a place"]]
    assert f"(kept in the dataset's unplaced deals, which maps and reports table; written to {rejects}):" \
        in result.stderr


def test_import_validate_list_and_render(runner, export, tmp_path):
    out = tmp_path / "sipri.geojson"
    assert runner.invoke(app, ["import-sipri", str(export), "-o", str(out)]).exit_code == 0
    checked = runner.invoke(app, ["validate", "--strict", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "ok: 0 errors, 0 warnings in 1 file (3 routes, 3 unplaced deals)" in checked.output

    listed = runner.invoke(app, ["list", "-d", str(out), "--weapon", "Koksan 170mm", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    [route] = json.loads(listed.stdout)
    assert route["name"] == "North Korea → Iran: 20 Koksan 170mm (1986)"

    scud = runner.invoke(app, ["list", "-d", str(out), "--weapon", "Scud", "--format", "json"])
    assert scud.exit_code == 0, scud.output
    assert [r["name"] for r in json.loads(scud.stdout)] == ["North Korea → Iran: 100 R-17 Elbrus (1987)"]

    hezbollah = runner.invoke(app, ["list", "-d", str(out), "--actor", "Hezbollah", "--place", "Lebanon",
                                    "--format", "json"])
    assert hezbollah.exit_code == 0, hezbollah.output
    assert [r["name"] for r in json.loads(hezbollah.stdout)] == ["Iran → Hezbollah: 100 Kornet (c. 2006)"]

    html = tmp_path / "scud.html"
    rendered = runner.invoke(app, ["render", "-d", str(out), "--weapon", "Scud", "-o", str(html)])
    assert rendered.exit_code == 0, rendered.output
    assert rendered.stdout.strip() == f"wrote {html} (1 route)"
    assert "R-17 Elbrus" in html.read_text(encoding="utf-8")


def test_unknown_layout_is_exit_1_and_writes_nothing(runner, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Country,Year,Value\nIran,1990,3\n", encoding="utf-8")
    out = tmp_path / "sipri.geojson"
    result = runner.invoke(app, ["import-sipri", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: not a SIPRI export this tool knows")
    assert "Expected the trade-register columns Recipient, Supplier, Year of order" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_nothing_mappable_is_exit_1_with_the_rejects_written(runner, tmp_path):
    path = tmp_path / "unknown.csv"
    path.write_text(csv_text([HEADER, ROWS[3]]), encoding="utf-8")
    out, rejects = tmp_path / "sipri.geojson", tmp_path / "rejects.csv"
    result = runner.invoke(app, ["import-sipri", str(path), "-o", str(out), "--rejects", str(rejects)])
    assert result.exit_code == 1
    assert f"error: {path}: no deal could be mapped (1 rows rejected; wrote them with their reasons to {rejects}); " \
        "no dataset was written" in result.stderr
    assert not out.exists()
    assert rejects.read_text(encoding="utf-8").splitlines()[1].startswith('"Afghanistan","unknown supplier(s)"')


def test_output_over_the_export_is_refused(runner, export):
    named = export.rename(export.with_suffix(".json"))  # (an export saved as .json, imported to itself)
    before = named.read_bytes()
    result = runner.invoke(app, ["import-sipri", str(named), "-o", str(named)])
    assert result.exit_code == 1
    assert "--output is one of the files this command reads" in result.stderr
    assert named.read_bytes() == before


@pytest.mark.parametrize("name", ["sipri.csv", "sipri.kml", "sipri"])
def test_an_output_that_is_not_geojson_is_exit_2_in_one_line_and_writes_nothing(runner, export, tmp_path, name):
    out = tmp_path / name
    result = runner.invoke(app, ["import-sipri", str(export), "-o", str(out), "--rejects", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert result.stderr == (f"error: cannot write the dataset as {name!r}: import-sipri writes GeoJSON, so the "
                             "file name must end in .geojson or .json (e.g. sipri.geojson)\n")
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "trade-register.csv"]  # (data: the fixture's)


@pytest.mark.parametrize("name", ["sipri.json", "SIPRI.GEOJSON"])
def test_a_json_output_is_written(runner, export, tmp_path, name):
    result = runner.invoke(app, ["import-sipri", str(export), "-o", str(tmp_path / name)])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / name).read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_unplaced_deals_follow_the_filters_into_exports(runner, export, tmp_path):
    """The unplaced deals are the dataset's, filtered as routes are where a filter applies to a deal."""
    out = tmp_path / "sipri.geojson"
    assert runner.invoke(app, ["import-sipri", str(export), "-o", str(out)]).exit_code == 0

    def exported(*args):
        target = tmp_path / "export.geojson"
        result = runner.invoke(app, ["export", "-d", str(out), "-o", str(target), *args])
        assert result.exit_code == 0, result.output
        collection = json.loads(target.read_text(encoding="utf-8"))
        checked = runner.invoke(app, ["validate", "--strict", str(target)])
        assert checked.exit_code == 0, checked.output
        return [d["recipient"] for d in collection.get("unplaced", [])]

    assert exported() == ["Afghanistan", "Somalia", "NATO"]
    assert exported("--weapon", "Mi-8", "--weapon", "Kornet") == ["Somalia"]
    # an actor only an unplaced deal names is known (and the routes of the other actor are exported)
    assert exported("--actor", "United States", "--actor", "Hezbollah") == ["NATO"]
    assert exported("--until", "2008") == ["Afghanistan", "NATO"]
    assert exported("--place", "Iran") == []  # (a filter on the path leaves out deals without one)


def test_missing_export_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(app, ["import-sipri", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_empty_export_is_exit_1(runner, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = runner.invoke(app, ["import-sipri", str(path), "-o", str(tmp_path / "s.geojson")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {path}: file is empty; expected a CSV export of the SIPRI Arms " \
                                    "Transfers Database"


def csv_text(rows):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def test_fixed_rejects_file_imports_again(runner, export, tmp_path):
    rejects = tmp_path / "rejects.csv"
    assert runner.invoke(app, ["import-sipri", str(export), "-o", str(tmp_path / "a.geojson"),
                               "--rejects", str(rejects)]).exit_code == 0
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(rejects.read_text(encoding="utf-8").replace("unknown supplier(s)", "Russia"), encoding="utf-8")
    out = tmp_path / "fixed.geojson"
    result = runner.invoke(app, ["import-sipri", str(fixed), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {out}: 2 routes and 1 unplaced deal from 3 deals")
    routes = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [r["properties"]["name"] for r in routes] == ["Russia → Afghanistan: 6 Mi-17 (c. 2007)",
                                                        "Russia → Somalia: 2 Mi-8 (c. 2010)"]
    assert routes[0]["properties"]["evidence"][0]["claim"] == "Probably second-hand;\nfinanced by a third party"


def test_sipri_question_marks_on_years_are_approximate_and_the_time_filters_count_them_as_their_year(
        runner, tmp_path):
    rows = [
        # ordered c. 1995, delivered 1996 and c. 1999
        ["Iran", "North Korea", "1995", "?", "10", "", "Koksan 170mm", "self-propelled gun", "10", "", "1996; 1999?",
         "New", "", "1", "10", "10"],
        # ordered in 2001, nothing delivered: the period is open at its end
        ["Syria", "North Korea", "2001", "", "5", "", "R-17 Elbrus", "surface-to-surface missile", "", "", "",
         "New", "", "1", "5", ""],
    ]
    buffer = io.StringIO(newline="")
    buffer.write("Data generated: 18 May 2026 2:29:20 PM\n")
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    export = tmp_path / "years.csv"
    export.write_text(buffer.getvalue(), encoding="utf-8")
    out = tmp_path / "sipri.geojson"
    assert runner.invoke(app, ["import-sipri", str(export), "-o", str(out)]).exit_code == 0
    checked = runner.invoke(app, ["validate", "--strict", str(out)])
    assert checked.exit_code == 0, checked.output

    def listed(*args):
        result = runner.invoke(app, ["list", "-d", str(out), "-f", "json", *args])
        return [r["recipient"] for r in json.loads(result.stdout)] if result.exit_code == 0 else result.exit_code

    routes = runner.invoke(app, ["list", "-d", str(out), "-f", "json"])
    periods = {r["recipient"]: (r["period"], r["period_text"]) for r in json.loads(routes.stdout)}
    assert periods == {"Iran": ({"start": {"year": 1995, "approximate": True}, "end": {"year": 1999, "approximate": True}},
                                "c. 1995–c. 1999"),
                       "Syria": ({"start": 2001, "end": None}, "2001–?")}
    assert listed("--since", "1999") == ["Iran", "Syria"]    # c. 1999 counts as 1999
    assert listed("--since", "2000") == ["Syria"]            # and not as 2000; Syria's end is unknown: open
    assert listed("--until", "1995") == ["Iran"]             # c. 1995 counts as 1995
    assert listed("--until", "1994") == 1                    # none: "no routes match"
    table = runner.invoke(app, ["list", "-d", str(out)])
    assert "c. 1995–c. 1999" in table.stdout and "2001–?" in table.stdout
