"""routes.render.image: static PNG and SVG maps, drawn without a browser."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from conftest import make_collection, make_route, place_feature
from routes import style
from routes.dataset import load_dataset
from routes.errors import RoutesError, UsageError
from routes.render.image import DEFAULT_WIDTH, image_bytes, render_image
from routes.select import Filters

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def dataset(write_dataset):
    disputed = make_route("fx-disputed", waypoints=("fx-pyongyang", "fx-damascus", "fx-beirut"), weapons=["fx-rocket"],
                          name="Rocket route $5m <b>bold</b>", status="alleged",
                          evidence=[{"source": "fx-news", "claim": "Shipped.", "stance": "supports", "credibility": 3},
                                    {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes",
                                     "credibility": 4}])
    disputed["geometry"] = None
    stopped = make_route("fx-stopped", interdicted={"place": "fx-port-sudan", "date": "2014", "note": "seized"},
                         outcome="interdicted", status="confirmed",
                         evidence=[{"source": "fx-news", "claim": "Seized.", "stance": "supports", "credibility": 1}])
    return load_dataset([write_dataset(make_collection([stopped, disputed]))])


@pytest.fixture
def countries(tmp_path):
    """A tiny basemap: one square 'country' around the Red Sea."""
    path = tmp_path / "countries.geojson"
    square = [[[30.0, 10.0], [45.0, 10.0], [45.0, 25.0], [30.0, 25.0], [30.0, 10.0]]]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Squareland", "iso_a3": "SQR"},
         "geometry": {"type": "Polygon", "coordinates": square}}]}), encoding="utf-8")
    return path


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def svg_groups(svg: bytes) -> set[str]:
    return {g.get("id") for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("id")}


def test_png_is_a_valid_print_sized_image(dataset, tmp_path):
    from PIL import Image

    out = render_image(dataset, tmp_path / "map.png")
    assert out == tmp_path / "map.png"
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        assert image.width == DEFAULT_WIDTH >= 1600
        assert 0.5 * image.width < image.height < 1.3 * image.width
        assert image.info.get("dpi", (200, 200))[0] == pytest.approx(200, abs=1)
        colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert _rgb(style.CATEGORY_COLOURS["anti-tank"]) in colours
    assert _rgb(style.CATEGORY_COLOURS["artillery-rockets"]) in colours


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def test_width_and_dpi_set_the_pixel_size(dataset, tmp_path):
    from PIL import Image

    render_image(dataset, tmp_path / "small.png", width=1000, dpi=100)
    with Image.open(tmp_path / "small.png") as image:
        assert image.width == 1000
        assert image.info["dpi"][0] == pytest.approx(100, abs=1)


def test_svg_has_title_selection_and_legend_as_real_text(dataset, tmp_path):
    out = render_image(dataset, tmp_path / "map.svg", title="Fixture routes",
                       filters=Filters(since=2010, min_status="alleged"))
    texts = svg_texts(out.read_bytes())
    assert "Fixture routes" in texts
    assert "Selection: since 2010, status alleged or stronger · 2 routes, 1 disputed" in texts
    for label in ("Weapon category (first weapon)", "anti-tank", "artillery-rockets", "Evidence status",
                  "alleged", "reported", "corroborated", "confirmed", "direction of transfer",
                  style.DISPUTED_LABEL, style.INTERDICTION_LABEL):
        assert label in texts, label
    assert any(t.startswith("Routes: arms-routes dataset") for t in texts)
    assert "Fixture Port Sudan" in texts


def test_svg_draws_routes_arrows_and_markers(dataset, tmp_path):
    svg = image_bytes(dataset, "svg", width=1200, dpi=100)
    groups = svg_groups(svg)
    assert {"routes-alleged", "routes-confirmed", "arrows", "disputed", "disputed-markers", "interdictions",
            "places"} <= groups
    text = svg.decode("utf-8")
    assert f"stroke: {style.CATEGORY_COLOURS['anti-tank']}" in text
    assert "stroke-dasharray" in text


def test_route_text_is_shown_as_written(dataset):
    hostile = "<script>alert(1)</script> & $x$"
    svg = image_bytes(dataset, "svg", title=hostile, width=800, dpi=100)
    assert hostile in svg_texts(svg)
    assert b"<script" not in svg


def test_same_data_gives_the_same_bytes(dataset):
    assert image_bytes(dataset, "svg", width=800, dpi=100) == image_bytes(dataset, "svg", width=800, dpi=100)
    assert image_bytes(dataset, "png", width=800, dpi=100) == image_bytes(dataset, "png", width=800, dpi=100)


def test_basemap_is_drawn_from_the_countries_file(dataset, countries, tmp_path):
    with_map = image_bytes(dataset, "svg", width=800, dpi=100, basemap=countries)
    assert "basemap" in svg_groups(with_map)
    without = image_bytes(dataset, "svg", width=800, dpi=100, basemap=tmp_path / "missing.geojson")
    assert "basemap" not in svg_groups(without)
    assert "routes-confirmed" in svg_groups(without)


def test_bundled_countries_make_the_basemap(dataset):
    from routes import paths

    if not paths.bundled_countries().is_file():
        pytest.skip("data/geo/countries.geojson is not there yet")
    assert "basemap" in svg_groups(image_bytes(dataset, "svg", width=800, dpi=100))


def test_a_route_across_the_pacific_is_drawn_across_it(write_dataset, countries):
    collection = make_collection([make_route("fx-pacific", waypoints=("fx-nampo", "fx-caracas"))])
    collection["places"].append(place_feature("fx-caracas", "Fixture Caracas", "VEN", "city", -66.9, 10.5, []))
    collection["features"][0]["geometry"] = None
    dataset = load_dataset([write_dataset(collection)])
    svg = image_bytes(dataset, "svg", width=1000, dpi=100, basemap=countries)
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    # across the Pacific, the two ends sit near the map's edges: Nampo left, Caracas right
    labels = {("".join(t.itertext())): float(t.get("x")) for t in root.iter(f"{SVG}text")}
    assert labels["Fixture Nampo"] < width * 0.3
    assert labels["Fixture Caracas"] > width * 0.7


def test_unknown_suffix_is_a_usage_error(dataset, tmp_path):
    with pytest.raises(UsageError, match=r"\.png or \.svg"):
        render_image(dataset, tmp_path / "map.jpg")
    assert not (tmp_path / "map.jpg").exists()


@pytest.mark.parametrize("width, dpi", [(10, 200), (100000, 200), (2000, 5), (2000, 5000)])
def test_out_of_range_size_is_a_usage_error(dataset, tmp_path, width, dpi):
    with pytest.raises(UsageError, match="out of range"):
        render_image(dataset, tmp_path / "map.png", width=width, dpi=dpi)
    assert not (tmp_path / "map.png").exists()


def test_missing_folder_is_a_clear_error(dataset, tmp_path):
    with pytest.raises(RoutesError, match="cannot write"):
        render_image(dataset, tmp_path / "missing" / "map.png", width=800, dpi=100)


def test_an_empty_selection_still_draws_a_map(dataset):
    svg = image_bytes(dataset.with_routes([]), "svg", width=800, dpi=100)
    assert any("0 routes" in t for t in svg_texts(svg))


def test_a_long_title_is_wrapped_not_cut(dataset):
    title = " ".join(f"word{i}" for i in range(40))
    texts = svg_texts(image_bytes(dataset, "svg", title=title, width=800, dpi=100))
    title_lines = [t for t in texts if t.startswith("word")]
    assert len(title_lines) > 1
    assert " ".join(title_lines) == title
