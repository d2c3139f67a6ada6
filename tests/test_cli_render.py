"""`arms-routes render`: which routes it draws, where it writes, and how it fails."""

from __future__ import annotations

import json
import re

import pytest

from cli import app
from conftest import make_collection, make_route


@pytest.fixture
def data(write_dataset):
    routes = [make_route("fx-gaza", weapons=["fx-rpg"]),
              make_route("fx-lebanon", waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"],
                         weapons=["fx-rocket"], recipient="Hezbollah", status="alleged")]
    return str(write_dataset(make_collection(routes)))


def route_ids(path) -> list[str]:
    page = path.read_text(encoding="utf-8")
    payload = json.loads(re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S).group(1))
    return [r["id"] for r in payload["routes"]]


def test_default_output_is_map_html(runner, data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["render", "-d", data])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "wrote map.html (2 routes)"
    assert route_ids(tmp_path / "map.html") == ["fx-gaza", "fx-lebanon"]


def test_filters_output_and_title(runner, data, tmp_path):
    out = tmp_path / "rockets.html"
    result = runner.invoke(app, ["render", "-d", data, "--weapon", "FX-122", "-o", str(out), "--title", "Rockets"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (1 route)"
    assert route_ids(out) == ["fx-lebanon"]
    assert "<title>Rockets</title>" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("option", [["--actor", "hezbollah"], ["--category", "artillery-rockets"],
                                    ["--place", "SYR"], ["--min-status", "alleged", "--route", "fx-lebanon"],
                                    ["--since", "2010", "--until", "2012", "--route", "fx-lebanon"]])
def test_every_shared_filter_selects(runner, data, tmp_path, option):
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["render", "-d", data, "-o", str(out), *option])
    assert result.exit_code == 0, result.output
    assert route_ids(out) == ["fx-lebanon"]


def test_weapon_id_name_and_alias_give_the_same_map(runner, data, tmp_path):
    pages = []
    for i, name in enumerate(["fx-rpg", "FX RPG", "Fixture RPG", "fx7"]):
        out = tmp_path / f"map{i}.html"
        result = runner.invoke(app, ["render", "-d", data, "--weapon", name, "-o", str(out)])
        assert result.exit_code == 0, result.output
        pages.append(out.read_bytes())
    assert all(page == pages[0] for page in pages)
    assert b"<title>Alleged arms-transfer routes \xe2\x80\x94 weapon Fixture RPG (1 route)</title>" in pages[0]


def test_two_renders_are_byte_identical(runner, data, tmp_path):
    for name in ("a.html", "b.html"):
        assert runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_unknown_weapon_exits_2_with_the_closest_names(runner, data, tmp_path):
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["render", "-d", data, "--weapon", "FX-8", "-o", str(out)])
    assert result.exit_code == 2
    assert "unknown weapon system 'FX-8'" in result.stderr
    assert "did you mean: FX-7" in result.stderr
    assert not out.exists()


def test_filter_matching_nothing_exits_1_and_writes_nothing(runner, data, tmp_path):
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["render", "-d", data, "--actor", "nobody", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no routes match actor nobody"
    assert not out.exists()


@pytest.mark.parametrize("name", ["map.png", "map.pdf"])
def test_other_output_formats_exit_2(runner, data, tmp_path, name):
    result = runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert f"cannot render a map to '{name}': give an output file ending in .html" in result.stderr
    assert list(tmp_path.glob("map.*")) == []


def test_unknown_tiles_exit_2(runner, data, tmp_path):
    result = runner.invoke(app, ["render", "-d", data, "--tiles", "nonsense", "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 2
    assert "unknown tile set 'nonsense'" in result.stderr
    assert not (tmp_path / "map.html").exists()


def test_tiles_none_draws_no_tile_layer(runner, data, tmp_path):
    out = tmp_path / "map.html"
    assert runner.invoke(app, ["render", "-d", data, "--tiles", "none", "-o", str(out)]).exit_code == 0
    assert "L.tileLayer" not in out.read_text(encoding="utf-8")


def test_output_folder_missing_is_a_clear_error(runner, data, tmp_path):
    result = runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / "no" / "such" / "map.html")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'no' / 'such' / 'map.html'}: cannot write here")


def test_dataset_with_a_javascript_url_is_refused(runner, write_dataset, tmp_path):
    collection = make_collection([make_route(name="<script>alert(1)</script>")])
    collection["sources"]["fx-news"]["url"] = "javascript:alert(1)"
    result = runner.invoke(app, ["render", "-d", str(write_dataset(collection)), "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 1
    assert "only http:// and https:// addresses are allowed" in result.stderr
    assert not (tmp_path / "map.html").exists()


def test_help_names_the_example(runner):
    result = runner.invoke(app, ["render", "--help"])
    assert result.exit_code == 0
    assert "Example: arms-routes render --weapon F-7 -o f7.html" in result.stdout
