"""`arms-routes render`: which routes it draws, where it writes, and how it fails."""

from __future__ import annotations

import json
import re

import pytest

from cli import app
from conftest import make_collection, make_route
from routes.render.payload import routes_of


@pytest.fixture
def data(write_dataset):
    routes = [make_route("fx-gaza", weapons=["fx-rpg"]),
              make_route("fx-lebanon", waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"],
                         weapons=["fx-rocket"], recipient="Hezbollah", status="alleged")]
    return str(write_dataset(make_collection(routes)))


def route_ids(path) -> list[str]:
    page = path.read_text(encoding="utf-8")
    payload = json.loads(re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S).group(1))
    return [r["id"] for r in routes_of(payload)]


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
    result = runner.invoke(app, ["render", "-d", data, "--weapon", "Fixture RPGG", "-o", str(out)])
    assert result.exit_code == 2
    assert "unknown weapon system 'Fixture RPGG'" in result.stderr
    assert "did you mean: Fixture RPG" in result.stderr
    assert not out.exists()


def test_filter_matching_nothing_exits_1_and_writes_nothing(runner, data, tmp_path):
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["render", "-d", data, "--actor", "hezbollah", "--weapon", "fx-rpg", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no routes match weapon Fixture RPG, actor hezbollah"
    assert not out.exists()


@pytest.mark.parametrize("name", ["map.pdf", "map.jpg", "map"])
def test_other_output_formats_exit_2_naming_html_png_and_svg(runner, data, tmp_path, name):
    result = runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: cannot render a map to '{name}': give an output file ending in .html "
                                     "(an interactive map), .png or .svg (a static image)")
    assert list(tmp_path.glob("map.*")) == []


def test_unknown_tiles_exit_2_listing_the_choices(runner, data, tmp_path):
    result = runner.invoke(app, ["render", "-d", data, "--tiles", "nonsense", "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown tile set 'nonsense'; choose one of osm, carto-light, carto-dark, "
                                    "topo, satellite, none")
    assert not (tmp_path / "map.html").exists()


@pytest.mark.parametrize(("tiles", "host"), [(None, "tile.openstreetmap.org"), ("osm", "tile.openstreetmap.org"),
                                             ("carto-light", "basemaps.cartocdn.com/light_all"),
                                             ("carto-dark", "basemaps.cartocdn.com/dark_all"),
                                             ("topo", "tile.opentopomap.org"), ("satellite", "World_Imagery"),
                                             ("CartoDB.Positron", "basemaps.cartocdn.com/light_all")])
def test_tiles_pick_the_background(runner, data, tmp_path, tiles, host):
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["render", "-d", data, "-o", str(out), *(["--tiles", tiles] if tiles else [])])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count("L.tileLayer(") == 1 and host in page
    assert "{apikey}" not in page  # none of the choices needs a key


def test_offline_with_web_tiles_exits_2(runner, data, tmp_path):
    result = runner.invoke(app, ["render", "-d", data, "--offline", "--tiles", "osm", "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 2
    assert "--offline draws the bundled country outlines instead of web tiles, so --tiles osm cannot apply" in result.stderr
    assert not (tmp_path / "map.html").exists()


def test_tiles_none_draws_no_tile_layer(runner, data, tmp_path):
    out = tmp_path / "map.html"
    assert runner.invoke(app, ["render", "-d", data, "--tiles", "none", "-o", str(out)]).exit_code == 0
    assert "L.tileLayer" not in out.read_text(encoding="utf-8")


def test_output_folder_missing_is_a_clear_error(runner, data, tmp_path):
    result = runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / "no" / "such" / "map.html")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'no' / 'such' / 'map.html'}: cannot open the folder to write in")


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
    assert "Example:\n    arms-routes render --weapon F-7 -o f7.html\n" in result.stdout


# -- static images ---------------------------------------------------------------------------------

def png_size(path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_png_output_is_a_print_sized_image(runner, data, tmp_path):
    out = tmp_path / "map.png"
    result = runner.invoke(app, ["render", "-d", data, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (2 routes)"
    width, height = png_size(out)
    assert width == 2000 and width >= 1600 and height > 400


def test_width_and_dpi_size_the_png(runner, data, tmp_path):
    from PIL import Image

    out = tmp_path / "small.png"
    result = runner.invoke(app, ["render", "-d", data, "-o", str(out), "--width", "1000", "--dpi", "100"])
    assert result.exit_code == 0, result.output
    assert png_size(out)[0] == 1000
    with Image.open(out) as image:
        assert round(image.info["dpi"][0]) == 100


def test_svg_output_carries_the_legend_as_text(runner, data, tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "map.svg"
    result = runner.invoke(app, ["render", "-d", data, "--weapon", "FX-122", "-o", str(out), "--title", "Rockets"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (1 route)"
    root = ET.fromstring(out.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for expected in ["Rockets", "Evidence status (line pattern)", "Artillery and rockets",
                     "direction; hollow: not reported"]:
        assert expected in texts, expected
    assert any(t.startswith("alleged") for t in texts) and any(t.startswith("confirmed") for t in texts)
    assert "Anti-tank weapons" not in texts  # only the selected route's category


@pytest.mark.parametrize("name", ["map.png", "map.svg"])
def test_image_matching_nothing_exits_1_and_writes_nothing(runner, data, tmp_path, name):
    result = runner.invoke(app, ["render", "-d", data, "--actor", "hezbollah", "--weapon", "fx-rpg", "-o",
                                 str(tmp_path / name)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no routes match weapon Fixture RPG, actor hezbollah"
    assert list(tmp_path.glob("map.*")) == []


def test_images_are_byte_identical_twice(runner, data, tmp_path):
    for name in ("a.png", "b.png", "a.svg", "b.svg"):
        assert runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


@pytest.mark.parametrize(("name", "options", "message"), [
    ("map.html", ["--width", "1600"], "error: --width applies to .png and .svg images only, not to 'map.html'"),
    ("map.html", ["--width", "1600", "--dpi", "300"], "error: --width and --dpi apply to .png and .svg images only"),
    ("map.html", ["--dpi", "300", "--embed"], "error: --dpi applies to .png and .svg images only"),
    ("map.html", ["--height", "500"], "error: --height applies to --embed fragments only"),
    ("map.png", ["--embed"], "error: --embed applies to .html maps only, not to 'map.png'"),
    ("map.svg", ["--tiles", "osm"], "error: --tiles applies to .html maps only, not to 'map.svg'"),
    ("map.png", ["--height", "500"], "error: --height applies to .html maps only"),
    ("map.png", ["--width", "100"], "error: --width 100 is out of range; give 400 to 16000 pixels"),
    ("map.png", ["--dpi", "5"], "error: --dpi 5 is out of range; give 50 to 1200 dots per inch"),
    ("map.html", ["--embed", "--height", "50"], "error: --height 50 is out of range; give 200 to 4000 pixels"),
])
def test_options_that_cannot_apply_exit_2_and_write_nothing(runner, data, tmp_path, name, options, message):
    result = runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / name), *options])
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert list(tmp_path.glob("map.*")) == []


def test_offline_makes_no_difference_to_an_image(runner, data, tmp_path):
    for name, options in (("a.png", []), ("b.png", ["--offline"])):
        assert runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / name), *options]).exit_code == 0
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


# -- --offline and --embed -------------------------------------------------------------------------

URL = re.compile(r"https?://[^\s\"'<>)\\]+")
# The only addresses an offline page may contain: none of them is fetched. SVG's namespace, Leaflet's
# attribution link, and the fixture's source URL (a link in a route's card).
INERT_URLS = {"http://www.w3.org/2000/svg", "https://leafletjs.com", "https://example.org/report"}


def assert_requests_nothing(page: str) -> None:
    assert set(URL.findall(page)) <= INERT_URLS, set(URL.findall(page)) - INERT_URLS
    # nothing that loads: no element with a remote source, no script setting one (a link to click is fine)
    assert not re.search(r"""<(script|link|img|iframe|source|video|audio|embed|object|image|use|input)\b[^>]*"""
                         r"""\b(src|href|srcset|data|poster)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"""\.(src|href)\s*=\s*["'](https?:)?//""", page)
    assert not re.search(r"url\(\s*[\"']?\s*(https?:)?//", page, re.I)
    assert "@import" not in page and "url(images/" not in page
    assert "L.tileLayer" not in page and "sourceMappingURL" not in page


def test_offline_page_names_no_address_it_would_fetch(runner, data, tmp_path):
    out = tmp_path / "offline.html"
    result = runner.invoke(app, ["render", "-d", data, "--offline", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert_requests_nothing(page)
    assert "Leaflet 1.9.4" in page and "data:image/png;base64," in page  # Leaflet and its images inlined
    assert '"basemap":{"type":"FeatureCollection"' in page  # the Natural Earth outlines


def test_offline_embed_names_no_address_it_would_fetch(runner, data, tmp_path):
    out = tmp_path / "fragment.html"
    assert runner.invoke(app, ["render", "-d", data, "--offline", "--embed", "-o", str(out)]).exit_code == 0
    assert_requests_nothing(out.read_text(encoding="utf-8"))


def test_offline_tiles_none_drops_the_country_outlines(runner, data, tmp_path):
    out = tmp_path / "plain.html"
    assert runner.invoke(app, ["render", "-d", data, "--offline", "--tiles", "none", "-o", str(out)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert '"basemap":null' in page and "L.tileLayer" not in page


@pytest.mark.parametrize("options", [["--offline"], ["--embed"], ["--embed", "--offline"],
                                     ["--embed", "--offline", "--height", "450", "--tiles", "none"],
                                     ["--embed", "--tiles", "carto-dark"]])
def test_every_mode_is_byte_identical_twice(runner, data, tmp_path, options):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        result = runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / folder / "map.html"), *options])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "one" / "map.html").read_bytes() == (tmp_path / "two" / "map.html").read_bytes()


def test_embed_writes_a_fragment_not_a_page(runner, data, tmp_path):
    out = tmp_path / "fragment.html"
    result = runner.invoke(app, ["render", "-d", data, "--embed", "--height", "450", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (2 routes)"
    fragment = out.read_text(encoding="utf-8")
    assert not re.search(r"<!DOCTYPE|<html|<head|<body|</html|</head|</body|<title|<meta", fragment, re.I)
    assert "height:450px" in fragment
    assert route_ids(out) == ["fx-gaza", "fx-lebanon"]


def test_the_offline_check_catches_an_online_page(runner, data, tmp_path):
    for name, options in (("page.html", []), ("fragment.html", ["--embed"])):
        out = tmp_path / name
        assert runner.invoke(app, ["render", "-d", data, "-o", str(out), *options]).exit_code == 0
        with pytest.raises(AssertionError):
            assert_requests_nothing(out.read_text(encoding="utf-8"))


# -- --flows, --flow-width, --flow-scale, --flow-curve ----------------------------------------------
@pytest.fixture
def trade(write_dataset):
    """Deals of a dataset source over two pairs (60 deals: past the FLOW_THRESHOLD) and a curated route."""
    register = {"fx-register": {"title": "Fixture register", "kind": "dataset", "reliability": "B"}}

    def deal(i, waypoints, tiv):
        return make_route(f"fx-deal-{i}", waypoints=waypoints, legs=[{"mode": "unknown"}],
                          sipri={"tiv": {"delivered": tiv}, "number_delivered": 1},
                          evidence=[{"source": "fx-register", "claim": "A deal.", "stance": "supports",
                                     "credibility": 2}])

    routes = [deal(i, ("fx-nampo", "fx-bandar-abbas"), 10) for i in range(50)]
    routes += [deal(i, ("fx-nampo", "fx-damascus"), 1_000) for i in range(50, 60)]
    routes.append(make_route("fx-claim"))
    return str(write_dataset(make_collection(routes, {**register, **make_collection()["sources"]})))


def flow_widths(svg_path) -> list[float]:
    svg = svg_path.read_text(encoding="utf-8")
    group = re.search(r'<g id="flows">(.*?)</g>', svg, re.S)
    return [float(w) for w in re.findall(r"stroke-width: ([0-9.]+)", group.group(1))] if group else []


def test_deals_are_drawn_as_flows_by_default_past_the_threshold_and_one_by_one_with_no_flows(runner, trade, tmp_path):
    out = tmp_path / "map.svg"
    result = runner.invoke(app, ["render", "-d", trade, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out} (61 routes)"
    assert len(flow_widths(out)) == 2  # two pairs
    assert "60 documented deals summed in 2 flows · 1 route drawn one by one" in out.read_text(encoding="utf-8")
    result = runner.invoke(app, ["render", "-d", trade, "--no-flows", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert flow_widths(out) == []
    result = runner.invoke(app, ["render", "-d", trade, "--weapon", "fx-rpg", "--since", "2009", "--flows",
                                 "--route", "fx-deal-1", "--route", "fx-claim", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(flow_widths(out)) == 1  # --flows sums even one deal; the filters apply first


@pytest.mark.parametrize(("options", "order"), [
    ([], "damascus-first"),                                   # by TIV: 10 × 1,000 against 50 × 10
    (["--flow-width", "deals"], "bandar-abbas-first"),        # by number: 50 against 10
])
def test_the_width_follows_the_measure_asked_for(runner, trade, tmp_path, options, order):
    from routes import flows
    from routes.render.image import _flow_pt

    out = tmp_path / "map.svg"
    result = runner.invoke(app, ["render", "-d", trade, *options, "-o", str(out)])
    assert result.exit_code == 0, result.output
    measure = options[1] if options else "tiv-delivered"
    scale = flows.Scale.of(measure)
    widest, other = (10_000, 500) if measure == "tiv-delivered" else (50, 10)
    assert flow_widths(out) == [pytest.approx(_flow_pt(scale.width(widest)), abs=0.01),
                                pytest.approx(_flow_pt(scale.width(other)), abs=0.01)], order


def test_an_auto_scale_and_a_log_curve_are_said_in_the_legend(runner, trade, tmp_path):
    from routes import flows
    from routes.render.image import _flow_pt

    out = tmp_path / "map.svg"
    result = runner.invoke(app, ["render", "-d", trade, "--flow-scale", "auto", "--flow-curve", "log",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert flow_widths(out)[0] == pytest.approx(_flow_pt(flows.MAX_WIDTH), abs=0.01)
    import xml.etree.ElementTree as ET

    shown = " ".join("".join(t.itertext()) for t in ET.parse(out).iter("{http://www.w3.org/2000/svg}text"))
    assert "(logarithmic scale, this map)" in shown and "(this map's widest flow)" in shown


def test_an_html_map_takes_the_flow_options_too(runner, trade, tmp_path):
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["render", "-d", trade, "--flows", "--flow-width", "units", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_an_html_writer_that_draws_flows_gets_the_options_and_one_that_does_not_is_not_handed_them(
        trade, tmp_path, monkeypatch):
    import routes.render as render
    from routes.dataset import load_dataset
    from routes.flows import FlowOptions

    given = {}

    def page_with_flows(dataset, *, title=None, filters=None, offline=False, tiles=None, flows=None):
        given["flows"] = flows
        return "<html></html>"

    monkeypatch.setattr(render, "map_page", page_with_flows)
    options = FlowOptions(True, "units", "log", auto=True)
    render.render_map(load_dataset([trade]), tmp_path / "map.html", flows=options)
    assert given["flows"] == options
    render.render_map(load_dataset([trade]), tmp_path / "map.html", flows=False)
    assert given["flows"] == FlowOptions(enabled=False)  # (what a caller gives, as FlowOptions)
    assert render.flow_keyword(lambda dataset, *, title=None: "", options) == {}
