"""One way to write a period (model.period_text: "2014–2023", "c. 1999–2004", "?–2008"), in every output
that writes one: list (table, CSV, JSON), show, the map card, the reports, CSV/KML/GeoPackage exports."""

from __future__ import annotations

import csv
import html
import io
import json

import pytest

from cli import app
from conftest import make_collection, make_route
from routes import model, report
from routes.dataset import load_dataset
from routes.export import route_frame
from routes.render.payload import build_payload, routes_of

PERIODS = {
    "fx-plain": ({"start": 2014, "end": 2023}, "2014–2023"),
    "fx-about": ({"start": {"year": 1999, "approximate": True}, "end": 2004}, "c. 1999–2004"),
    "fx-open": ({"start": None, "end": 2008}, "?–2008"),
}


@pytest.fixture
def data(write_dataset):
    return write_dataset(make_collection([make_route(rid, period=period) for rid, (period, _) in PERIODS.items()]))


def expected(route_id: str) -> str:
    return PERIODS[route_id][1]


def test_the_rule_itself():
    for period, text in PERIODS.values():
        assert model.period_text({"properties": {"period": period}}) == text


def test_list_and_show_write_periods_as_the_map_does(runner, data):
    table = runner.invoke(app, ["list", "-d", str(data)])
    assert table.exit_code == 0
    for route_id in PERIODS:
        line = next(line for line in table.stdout.splitlines() if line.startswith(route_id))
        assert f"  {expected(route_id)}  " in line
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["list", "-d", str(data), "--format", "csv"]).stdout)))
    assert {r["id"]: r["period"] for r in rows} == {rid: expected(rid) for rid in PERIODS}
    listed = json.loads(runner.invoke(app, ["list", "-d", str(data), "--format", "json"]).stdout)
    assert {r["id"]: r["period_text"] for r in listed} == {rid: expected(rid) for rid in PERIODS}
    card = runner.invoke(app, ["show", "fx-about", "-d", str(data)]).stdout
    assert "  period:         c. 1999–2004\n" in card
    on_map = {r["id"]: r["period"] for r in routes_of(build_payload(load_dataset([data])))}
    assert on_map == {rid: expected(rid) for rid in PERIODS}


def test_reports_and_exports_write_the_same_periods(runner, data, tmp_path):
    content = report.build(load_dataset([data]))
    assert {r.id: r.period for r in content.routes} == {rid: expected(rid) for rid in PERIODS}
    page = report.as_html(content)
    markdown = report.as_markdown(content)
    for route_id in PERIODS:
        assert f"<td>{html.escape(expected(route_id))}</td>" in page
        assert f"| {expected(route_id)} |" in markdown
    out = tmp_path / "routes.csv"
    assert runner.invoke(app, ["export", "-d", str(data), "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    # the period as written, and the years as numbers for a machine (approximate: the year it gives)
    assert [(r["period"], r["period_start"], r["period_end"]) for r in rows] == [
        ("2014–2023", "2014", "2023"), ("c. 1999–2004", "1999", "2004"), ("?–2008", "", "2008")]
    kml = tmp_path / "routes.kml"
    assert runner.invoke(app, ["export", "-d", str(data), "-o", str(kml)]).exit_code == 0
    text = html.unescape(kml.read_text(encoding="utf-8"))
    for route_id in PERIODS:
        assert f"Period: {expected(route_id)}<br>" in text
    frame = route_frame(load_dataset([data]))
    assert list(frame["period"]) == [expected(rid) for rid in PERIODS]
    assert all(f"Period: {expected(rid)}\n" in d for rid, d in zip(PERIODS, frame["description"]))
