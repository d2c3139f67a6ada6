"""`arms-routes report`: an evidence report as HTML or Markdown for the selected routes."""

from __future__ import annotations

import pytest

from cli import app
from conftest import make_collection, make_route


@pytest.fixture
def data(write_dataset):
    routes = [make_route("fx-gaza"),
              make_route("fx-lebanon", waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"],
                         weapons=["fx-rocket"], recipient="Hezbollah", status="alleged",
                         evidence=[{"source": "fx-analysis", "claim": "Disputed by the ministry.",
                                    "stance": "disputes", "credibility": 4, "said_by": "Ministry"},
                                   {"source": "fx-news", "claim": "Seen at the port.", "stance": "supports",
                                    "credibility": 3}])]
    return str(write_dataset(make_collection(routes)))


def test_html_report(runner, data, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "-d", data, "-o", str(out), "--title", "Fixture evidence"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (2 routes)"
    text = out.read_text(encoding="utf-8")
    assert "<h1>Fixture evidence</h1>" in text
    assert "<svg " in text
    assert "<strong>disputed by Ministry</strong>: Disputed by the ministry." in text
    assert '<li id="source-1" value="1">[1] <cite>Fixture News Report</cite>.' in text
    assert '<li id="source-2" value="2">[2] A. Analyst. <cite>Fixture Analysis</cite>.' in text


def test_markdown_report_writes_the_map_beside_it(runner, data, tmp_path):
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["report", "-d", data, "--actor", "Hezbollah", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out}, {tmp_path / 'report-map.png'} (1 route)"
    text = out.read_text(encoding="utf-8")
    assert "Selection: actor Hezbollah (1 route)" in text
    assert "fx-gaza" not in text
    assert (tmp_path / "report-map.png").stat().st_size > 10_000


def test_no_map(runner, data, tmp_path):
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["report", "-d", data, "--no-map", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (2 routes)"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md", "routes.geojson"]


def test_unknown_suffix_exits_2(runner, data, tmp_path):
    result = runner.invoke(app, ["report", "-d", data, "-o", str(tmp_path / "report.pdf")])
    assert result.exit_code == 2
    assert "report.pdf" in result.stderr and ".html or .md" in result.stderr
    assert not (tmp_path / "report.pdf").exists()


def test_output_is_required(runner, data):
    result = runner.invoke(app, ["report", "-d", data])
    assert result.exit_code == 2
    assert "--output" in result.output


def test_no_match_exits_1_and_writes_nothing(runner, data, tmp_path):
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["report", "-d", data, "--since", "2020", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no routes match since 2020"
    assert not out.exists() and not (tmp_path / "report-map.png").exists()


def test_unknown_route_exits_2(runner, data, tmp_path):
    result = runner.invoke(app, ["report", "-d", data, "--route", "fx-gazza", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "unknown route 'fx-gazza'" in result.stderr and "fx-gaza" in result.stderr


def test_missing_folder_exits_1(runner, data, tmp_path):
    out = tmp_path / "missing" / "report.html"
    result = runner.invoke(app, ["report", "-d", data, "--no-map", "-o", str(out)])
    assert result.exit_code == 1
    assert "report.html: cannot open the folder to write in" in result.stderr
    assert "Traceback" not in result.output


def test_the_report_map_colours_by_the_weapon_asked_for_and_counts_undated_routes(runner, write_dataset, tmp_path):
    from routes import style

    both = make_route("fx-both", weapons=["fx-rpg", "fx-rocket"], period={"start": None, "end": 2015})
    data = str(write_dataset(make_collection([both])))
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "-d", data, "--weapon", "FX-122", "--since", "2010", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    figure = text.split("<figure>")[1].split("</figure>")[0]
    assert f"stroke: {style.CATEGORY_COLOURS['artillery-rockets']}" in figure
    assert f"stroke: {style.CATEGORY_COLOURS['anti-tank']}" not in figure
    assert "Selection: weapon Fixture Rocket, since 2010 (1 route)" in text
    result = runner.invoke(app, ["report", "-d", data, "--until", "2012", "--no-map", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "the time filter let through 1 route of unknown date" in out.read_text(encoding="utf-8")


def test_report_takes_the_flow_options(runner, write_dataset, tmp_path):
    register = {"fx-register": {"title": "Fixture register", "kind": "dataset", "reliability": "B"}}

    def deal(i, waypoints, units):
        return make_route(f"fx-deal-{i}", waypoints=waypoints, sipri={"number_delivered": units},
                          evidence=[{"source": "fx-register", "claim": "A deal.", "stance": "supports",
                                     "credibility": 2}])

    data = write_dataset(make_collection([deal(1, ("fx-nampo", "fx-damascus"), 5),
                                          deal(2, ("fx-nampo", "fx-bandar-abbas"), 50)], register))
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["report", "-d", str(data), "--flows", "--flow-width", "units", "--no-map",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "sorted by number of units delivered" in text
    flows = text.split("## Documented trade")[1].split("### The deals of each flow")[0]
    rows = [line for line in flows.splitlines() if line.startswith("| North Korea → Hamas |")]
    assert [row.split(" | ")[4] for row in rows] == ["50", "5"]  # the units column, largest first
    result = runner.invoke(app, ["report", "-d", str(data), "--no-flows", "--no-map", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "## Documented trade" not in out.read_text(encoding="utf-8")
