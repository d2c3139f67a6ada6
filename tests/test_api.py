"""The Python API as a notebook user meets it: `import routes`, load, select, explore, tables, reprs."""

from __future__ import annotations

import json
import re

import pytest

import routes
from cli import app
from conftest import make_collection, make_route
from routes.errors import NoRoutesMatch, UsageError
from routes.select import Filters

DENIAL = {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes", "credibility": 4,
          "dispute": "denial", "said_by": "North Korea"}


@pytest.fixture
def data_file(write_dataset):
    return write_dataset(make_collection([
        make_route("fx-a"),
        make_route("fx-b", weapons=["fx-rocket"], recipient="Hezbollah", period={"start": 2016, "end": 2019},
                   status="corroborated", waypoints=("fx-bandar-abbas", "fx-damascus", "fx-beirut"),
                   evidence=[{"source": "fx-news", "claim": "Seen.", "stance": "supports", "credibility": 2},
                             {"source": "fx-analysis", "claim": "Traced.", "stance": "supports", "credibility": 2}]),
        make_route("fx-c", kind="payment", weapons=[], supplier="Hamas", recipient="North Korea",
                   period={"start": None, "end": None}, status="alleged",
                   evidence=[{"source": "fx-news", "claim": "Paid.", "stance": "supports", "credibility": 3}, DENIAL]),
        make_route("fx-d", weapons=["fx-rpg", "fx-rocket"], period={"start": {"year": 2001, "approximate": True},
                                                                   "end": 2003}),
    ]))


@pytest.fixture
def data(data_file):
    return routes.load(data_file)


def test_import_routes_offers_the_api_and_only_loads_it_when_used():
    for name in ("load", "check", "Filters", "Dataset", "explore", "to_geodataframe", "evidence_table",
                 "render_map", "write_report", "export_routes", "RoutesError", "UsageError", "__version__"):
        assert name in dir(routes), name
        assert getattr(routes, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        routes.nothing  # noqa: B018


def test_a_string_filter_is_one_value_not_its_letters(data):
    assert Filters(actors="Hamas").actors == ("Hamas",)
    assert [r["id"] for r in data.select(actor="Hezbollah").routes] == ["fx-b"]
    assert [r["id"] for r in data.select(Filters(actors="Hezbollah")).routes] == ["fx-b"]
    assert [r["id"] for r in data.select(weapon="FX-7").routes] == ["fx-a", "fx-d"]
    assert [r["id"] for r in data.select(weapon=["FX-7", "FX-122"]).routes] == ["fx-a", "fx-b", "fx-d"]
    with pytest.raises(UsageError, match="must be a string or a list of strings"):
        Filters(weapons=7)


@pytest.mark.parametrize("options, argv", [
    ({}, []),
    ({"weapon": "fx7"}, ["--weapon", "fx7"]),
    ({"weapon": ["FX-122", "Fixture RPG"]}, ["--weapon", "FX-122", "--weapon", "Fixture RPG"]),
    ({"category": "anti-tank"}, ["--category", "anti-tank"]),
    ({"actor": "hamas"}, ["--actor", "hamas"]),
    ({"since": 2015}, ["--since", "2015"]),
    ({"until": 2002}, ["--until", "2002"]),
    ({"since": 2002, "until": 2010}, ["--since", "2002", "--until", "2010"]),
    ({"min_status": "reported"}, ["--min-status", "reported"]),
    ({"kind": "payment"}, ["--kind", "payment"]),
    ({"disputed": True}, ["--disputed"]),
    ({"disputed": False, "kind": ["arms"]}, ["--undisputed", "--kind", "arms"]),
    ({"place": "Fixture Damascus"}, ["--place", "Fixture Damascus"]),
    ({"place": "SYR"}, ["--place", "SYR"]),
    ({"route": ["fx-d", "fx-a"]}, ["--route", "fx-d", "--route", "fx-a"]),
])
def test_the_api_and_the_cli_select_the_same_routes(runner, data_file, options, argv):
    chosen = routes.load(data_file).select(**options)
    result = runner.invoke(app, ["list", "-d", str(data_file), "--format", "json", *argv])
    if not chosen.routes:
        assert result.exit_code == 1 and "no routes match" in result.output
        return
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.stdout)] == [r["id"] for r in chosen.routes]


def test_years_the_wrong_way_round_are_refused_by_both(runner, data_file):
    with pytest.raises(UsageError, match="since 2020 is later than until 2010"):
        routes.load(data_file).select(since=2020, until=2010)
    result = runner.invoke(app, ["list", "-d", str(data_file), "--since", "2020", "--until", "2010"])
    assert result.exit_code == 2
    assert "since 2020 is later than until 2010" in result.output
    with pytest.raises(UsageError, match="unknown filter 'weapons'.*did you mean: weapon"):
        routes.load(data_file).select(weapons="F-7")


def test_a_selection_remembers_its_words_and_everything_says_them(runner, data_file, tmp_path):
    chosen = routes.load(data_file).select(weapon="fx7")  # an alias, in another spelling
    assert chosen.description == "weapon Fixture RPG"
    assert chosen.filters == Filters(weapons=("fx7",))
    html_map = chosen.render(tmp_path / "map.html")
    svg = chosen.render(tmp_path / "map.svg")
    report = chosen.report(tmp_path / "report.html", include_map=False)[0]
    assert '"filter":"weapon Fixture RPG"' in html_map.read_text(encoding="utf-8")
    assert "weapon Fixture RPG" in svg.read_text(encoding="utf-8")
    assert "Selection: weapon Fixture RPG (2 routes)" in re.sub(r"<[^>]+>", "", report.read_text(encoding="utf-8"))
    # the CLI's words are the same
    result = runner.invoke(app, ["list", "-d", str(data_file), "-w", "fx7", "--actor", "Hezbollah"])
    assert result.exit_code == 1
    assert "no routes match weapon Fixture RPG, actor Hezbollah" in result.output
    # a selection of a selection narrows it and says both
    narrower = chosen.select(since=2002)
    assert [r["id"] for r in narrower.routes] == ["fx-a", "fx-d"]
    assert narrower.description == "weapon Fixture RPG, since 2002"


def test_filters_given_to_an_output_select_what_it_draws(data, tmp_path):
    out = routes.render_map(data, tmp_path / "map.html", filters=Filters(kinds=("payment",)))
    text = out.read_text(encoding="utf-8")
    assert '"fx-c"' in text and '"fx-a"' not in text and '"filter":"kind payment"' in text
    assert routes.export_routes(data, tmp_path / "x.csv", filters=Filters(actors=("Hezbollah",))) == 1
    with pytest.raises(NoRoutesMatch, match="no routes to draw for actor Hezbollah, kind payment"):
        routes.render_map(data, tmp_path / "none.html", filters=Filters(actors="Hezbollah", kinds="payment"))
    assert not (tmp_path / "none.html").exists()


def test_reprs_are_short_and_say_what_is_there(data):
    assert repr(data) == "<Dataset: 4 routes, 2 sources from routes.geojson>"
    assert len(data) == 4
    chosen = data.select(actor="Hezbollah")
    assert repr(chosen) == "<Selection: 1 of 4 routes (actor Hezbollah), citing 2 of 2 sources, from routes.geojson>"
    assert len(chosen) == 1
    assert repr(Filters(weapons="F-7", since=2014)) == "<Filters: weapon F-7, since 2014>"
    assert len(repr(routes.load())) < 100


def test_the_notebook_summary_is_a_small_escaped_table(write_dataset):
    hostile = make_route("fx-x", name="<script>alert(1)</script> & co")
    text = routes.load(write_dataset(make_collection([hostile]))).select()._repr_html_()
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    assert text.startswith('<div class="arms-routes-summary">') and "<table>" in text
    many = routes.load(write_dataset(make_collection([make_route(f"fx-{i}") for i in range(12)]), name="many.geojson"))
    assert many._repr_html_().count("<tr>") == 1 + 10 + 1  # header, ten routes, "… and 2 more routes"
    assert "and 2 more routes" in many._repr_html_()


def test_loading_from_python_writes_nothing_to_the_cache_unless_asked(data_file, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ARMS_ROUTES_CACHE_DIR", str(folder))
    routes.load(data_file)
    assert routes.check(data_file).ok()
    assert not folder.exists()
    routes.load(data_file, remember=True)
    assert [p for p in folder.rglob("*") if p.is_file()]


def test_explore_returns_a_folium_map_that_a_notebook_shows_as_an_iframe(data, tmp_path):
    import folium

    m = data.select(weapon="FX-7").explore()
    assert isinstance(m, folium.Map)
    shown = m._repr_html_()
    assert "<iframe srcdoc=" in shown
    assert "armsRoutesDraw" in shown and "weapon Fixture RPG" in shown
    m.save(str(tmp_path / "map.html"))
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "<title>Alleged arms-transfer routes — weapon Fixture RPG (2 routes)</title>" in page
    assert routes.explore(data, offline=True, tiles="none") is not None


def test_explore_onto_a_users_map_refuses_what_cannot_apply(data):
    import folium

    mine = folium.Map(tiles=None)
    assert routes.explore(data, m=mine) is mine
    with pytest.raises(UsageError, match="tiles and offline apply to a new map"):
        routes.explore(data, m=folium.Map(tiles=None), offline=True)
    with pytest.raises(UsageError, match="m must be a folium.Map, not str"):
        routes.explore(data, m="map")
    with pytest.raises(NoRoutesMatch):
        data.select(actor="Hezbollah", kind="payment").explore()


def test_a_geodataframe_by_route_has_the_export_columns(data):
    from routes.export import ROUTE_FIELDS

    frame = data.to_geodataframe()
    assert frame.crs.to_string() == "EPSG:4326"
    assert list(frame.columns) == [*ROUTE_FIELDS, "sources", "geometry"]
    assert list(frame["id"]) == ["fx-a", "fx-b", "fx-c", "fx-d"]
    assert frame.loc[3, "weapons"] == ["fx-rpg", "fx-rocket"]  # a list stays a list
    assert frame["period_start"].isna().tolist() == [False, False, True, False]  # unknown stays unknown
    assert int(frame.loc[1, "period_start"]) == 2016
    assert frame.loc[2, "sources"] == ["fx-news", "fx-analysis"]
    start = frame.geometry[1].coords[0]
    assert start == pytest.approx((56.28, 27.18))


def test_a_geodataframe_by_leg_has_a_row_per_leg_from_place_to_place(data):
    from shapely.geometry import Point

    from routes.export import ROUTE_FIELDS

    frame = data.to_geodataframe(by="leg")
    assert frame.crs.to_string() == "EPSG:4326"
    assert len(frame) == 4 * 2
    # the leg's own columns, then every export column of its route (its status as route_status)
    assert list(frame.columns)[:10] == ["route_id", "leg", "from_place", "to_place", "from_name", "to_name", "mode",
                                        "path", "status", "note"]
    assert set(ROUTE_FIELDS) - {"id", "status"} <= set(frame.columns) and "route_status" in frame.columns
    b = frame[frame["route_id"] == "fx-b"]
    assert list(b["leg"]) == [0, 1]
    assert list(b["from_place"]) == ["fx-bandar-abbas", "fx-damascus"]
    assert list(b["to_name"]) == ["Fixture Damascus", "Fixture Beirut"]
    assert list(b["mode"]) == ["sea", "sea"]
    first = b.geometry.iloc[0]
    assert Point(first.coords[0]).distance(Point(56.28, 27.18)) < 0.01
    assert Point(first.coords[-1]).distance(Point(36.2913, 33.5138)) < 0.01
    with pytest.raises(UsageError, match="by must be one of 'route', 'leg'"):
        data.to_geodataframe(by="waypoint")


def test_the_evidence_table_has_a_row_per_item_with_its_source(data):
    table = data.evidence_table()
    assert len(table) == sum(len(r["properties"]["evidence"]) for r in data.routes)
    c = table[table["route_id"] == "fx-c"]
    assert list(c["item"]) == [1, 2]
    assert list(c["stance"]) == ["supports", "disputes"]
    assert list(c["source_kind"]) == ["news", "analysis"]
    assert list(c["source_title"]) == ["Fixture News Report", "Fixture Analysis"]
    assert c["dispute"].iloc[1] == "denial"
    # an unknown text is <NA> in every column alike (not NaN in one, None in the next)
    import pandas

    assert c["said_by"].iloc[0] is pandas.NA and c["quote"].iloc[0] is pandas.NA
    assert table["url"].isna().tolist() == [s is None for s in (data.sources[i].get("url") for i in table["source"])]


def test_export_writes_geoparquet_that_geopandas_reads_back(runner, data_file, tmp_path):
    import geopandas
    import pandas
    import pyarrow.parquet

    out = tmp_path / "routes.parquet"
    result = runner.invoke(app, ["export", "-d", str(data_file), "--weapon", "FX-7", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "(2 routes)" in result.output
    frame = geopandas.read_parquet(out)
    assert frame.crs.to_string() == "EPSG:4326"
    assert list(frame["id"]) == ["fx-a", "fx-d"]
    assert list(frame["weapons"].iloc[1]) == ["fx-rpg", "fx-rocket"]
    assert str(frame["period_start"].dtype) == "Int64"
    geo = json.loads(pyarrow.parquet.read_metadata(out).metadata[b"geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"
    evidence = tmp_path / "evidence.parquet"
    result = runner.invoke(app, ["export", "-d", str(data_file), "--evidence", "-o", str(evidence)])
    assert result.exit_code == 0, result.output
    assert len(pandas.read_parquet(evidence)) == 6
    result = runner.invoke(app, ["export", "-d", str(data_file), "--evidence", "-o", str(tmp_path / "x.kml")])
    assert result.exit_code == 2 and "--evidence works with a .csv or .parquet output only" in result.output


@pytest.mark.parametrize("module", ["routes.api", "routes.select", "routes.frames", "routes.render.notebook",
                                    "routes.render", "routes.report", "routes.export", "routes.dataset"])
def test_the_examples_in_the_docstrings_run(module, tmp_path, monkeypatch):
    import doctest
    import importlib

    monkeypatch.chdir(tmp_path)
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0


def test_the_public_functions_have_numpydoc_docstrings():
    for name in ("load", "check", "explore", "to_geodataframe", "evidence_table", "render_map", "write_report",
                 "export_routes"):
        doc = getattr(routes, name).__doc__
        for section in ("Returns\n    -------", "Examples\n    --------"):
            assert section in doc, (name, section)
    assert "Parameters\n    ----------" in routes.select.select.__doc__


def test_a_wrong_filter_value_is_named_as_the_user_gave_it(data):
    with pytest.raises(UsageError, match="^weapon must be a string or a list of strings, not 7$"):
        data.select(weapon=7)
    import inspect

    # the filters are named in the signature, so a notebook's tab completion offers them
    assert {"weapon", "since", "disputed"} <= set(inspect.signature(data.select).parameters)


def test_places_are_described_by_the_gazetteers_names(data):
    assert data.select(place="fixture damascus").description == "place Fixture Damascus"
    assert data.select(place="syr").description == "place Syria"
