"""routes.render.image: static PNG and SVG maps, drawn without a browser."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from conftest import make_collection, make_route, place_feature
from routes import model, style
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
    shown = " ".join(texts)  # a legend row's words may be wrapped over several text lines
    for label in ("Colour: weapon category", "Anti-tank weapons", "Artillery and rockets",
                  "Evidence status (line pattern)", *style.STATUS_LABELS.values(), style.DISPUTED_LABEL,
                  style.INTERDICTION_LABEL, *model.PATH_LABELS.values(), style.ARROW_FILLED_LABEL,
                  style.ARROW_HOLLOW_LABEL, *style.WAYPOINT_LABELS.values()):
        assert label in shown, label
    assert "one credible underlying source" not in shown and "direction of transfer" not in shown
    assert "colour of the category of its first weapon system" in shown
    assert any(t.startswith("Routes: arms-routes dataset") for t in texts)
    assert "Fixture Port Sudan" in texts


def test_svg_draws_routes_arrows_and_markers(dataset, tmp_path):
    svg = image_bytes(dataset, "svg", width=1200, dpi=100)
    groups = svg_groups(svg)
    assert {"routes-alleged-plausible", "routes-confirmed-plausible", "disputed", "disputed-markers",
            "interdictions", "places-site"} <= groups
    assert "arrows-hollow" in groups and "arrows-filled" not in groups  # neither route is reported delivered
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
    assert "routes-confirmed-plausible" in svg_groups(without)


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
    with pytest.raises(RoutesError, match="cannot open the folder to write in"):
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


# -- honest uncertainty: what the sources give of each place, path, outcome ----------------------------

IRAN = {"place": "fx-bandar-abbas", "stand_in": True, "stands_for": "Iran", "precision": "country"}


def honest_route(route_id, waypoints, **props):
    """A route without geometry (great-circle legs) whose waypoints may be objects."""
    route = make_route(route_id, waypoints=[model.place_id(w) for w in waypoints], **props)
    route["properties"]["waypoints"] = list(waypoints)
    route["geometry"] = None
    return route


def honest_dataset(write_dataset, *routes):
    collection = make_collection(list(routes))
    collection["places"].append(place_feature("fx-syr", "Fixture Syria", "SYR", "country", 38.5, 35.0, []))
    return load_dataset([write_dataset(collection)])


def group_styles(svg: bytes, gid: str) -> list[dict[str, str]]:
    """The style of each path drawn in the SVG group `gid`, as {property: value}."""
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("id") == gid:
            # a shape drawn many times is a <path id> in <defs>, drawn by <use> elements with the style
            drawn = [e for e in group.iter() if e.tag == f"{SVG}use" or (e.tag == f"{SVG}path" and not e.get("id"))]
            return [dict(part.split(": ", 1) for part in (e.get("style") or "").split("; ") if part) for e in drawn]
    return []


def test_a_stand_in_is_a_dashed_ring_labelled_with_what_it_stands_for(write_dataset):
    dataset = honest_dataset(write_dataset, honest_route("fx-standin", ["fx-nampo", IRAN, "fx-port-sudan"]))
    svg = image_bytes(dataset, "svg", width=1000, dpi=100)
    texts = svg_texts(svg)
    assert "≈ Iran" in texts
    assert "Fixture Bandar Abbas" not in texts, "a stand-in is labelled with what the sources name"
    rings = [s for s in group_styles(svg, "places-stand-in") if s.get("stroke") == "#333333"]
    assert rings and all(s["fill"] == "none" and "stroke-dasharray" in s for s in rings)
    dots = group_styles(svg, "places-site")
    assert dots and all(s.get("fill") == "#333333" for s in dots if "fill" in s)
    assert {"Fixture Nampo", "Fixture Port Sudan"} <= set(texts)


def test_a_country_point_is_a_solid_ring_with_its_name(write_dataset):
    dataset = honest_dataset(write_dataset, honest_route("fx-country", ["fx-nampo", "fx-syr"], legs=[{"mode": "air"}]))
    svg = image_bytes(dataset, "svg", width=1000, dpi=100)
    assert "Fixture Syria" in svg_texts(svg)
    rings = group_styles(svg, "places-area")
    assert rings and all(s["fill"] == "none" and "stroke-dasharray" not in s for s in rings)
    assert "places-stand-in" not in svg_groups(svg)


def test_a_place_that_is_a_stand_in_on_one_route_and_named_on_another_gets_both(write_dataset):
    dataset = honest_dataset(write_dataset, honest_route("fx-standin", ["fx-nampo", IRAN]),
                             honest_route("fx-named", ["fx-bandar-abbas", "fx-damascus"]))
    svg = image_bytes(dataset, "svg", width=1000, dpi=100)
    assert {"≈ Iran", "Fixture Bandar Abbas"} <= set(svg_texts(svg))
    assert {"places-stand-in", "places-site"} <= svg_groups(svg)


def test_an_interdiction_at_a_stand_in_is_labelled_as_one(write_dataset):
    stopped = honest_route("fx-stopped", ["fx-nampo", "fx-bandar-abbas"], outcome="interdicted",
                           interdicted={"place": "fx-port-sudan", "stand_in": True, "stands_for": "Sudan",
                                        "precision": "country", "date": "2014"})
    svg = image_bytes(honest_dataset(write_dataset, stopped), "svg", width=1000, dpi=100)
    assert "≈ Sudan" in svg_texts(svg) and "Fixture Port Sudan" not in svg_texts(svg)
    assert {"interdictions", "places-stand-in"} <= svg_groups(svg)


def test_a_schematic_leg_is_fainter_and_a_documented_one_wider_than_a_plausible_one(write_dataset):
    route = honest_route("fx-legs", ["fx-nampo", "fx-bandar-abbas", "fx-port-sudan", "fx-rafah"],
                         legs=[{"mode": "unknown"}, {"mode": "sea"}, {"mode": "land", "path": "documented"}],
                         evidence=[{"source": "fx-news", "claim": "Through the tunnels.", "stance": "supports",
                                    "credibility": 3, "legs": [2]}])
    svg = image_bytes(honest_dataset(write_dataset, route), "svg", width=1000, dpi=100)
    schematic, = group_styles(svg, "routes-reported-schematic")
    plausible, = group_styles(svg, "routes-reported-plausible")
    documented, = group_styles(svg, "routes-reported-documented")
    assert float(schematic["stroke-opacity"]) == style.PATH_OPACITY["schematic"] < float(plausible["stroke-opacity"])
    assert float(documented.get("stroke-opacity", 1)) == style.PATH_OPACITY["documented"]
    assert float(documented["stroke-width"]) > float(plausible["stroke-width"]) == float(schematic["stroke-width"])
    # the status pattern is the same on every leg: path and status are separate channels
    assert schematic["stroke-dasharray"] == plausible["stroke-dasharray"] == documented["stroke-dasharray"]
    # the schematic leg's arrowhead is as faint as its line
    hollow = group_styles(svg, "arrows-hollow")
    assert sorted(float(s.get("stroke-opacity", 1)) for s in hollow) == [0.45, 0.9, 1.0]


def test_a_leg_with_its_own_status_keeps_its_pattern(write_dataset):
    route = honest_route("fx-mixed", ["fx-nampo", "fx-bandar-abbas", "fx-port-sudan"],
                         legs=[{"mode": "sea", "status": "alleged"}, {"mode": "sea"}])
    groups = svg_groups(image_bytes(honest_dataset(write_dataset, route), "svg", width=1000, dpi=100))
    assert {"routes-alleged-plausible", "routes-reported-plausible"} <= groups


def test_a_payment_is_not_drawn_in_a_weapon_category_colour(write_dataset):
    payment = honest_route("fx-payment", ["fx-gaza", "fx-pyongyang"], kind="payment", weapons=["fx-rocket"])
    svg = image_bytes(honest_dataset(write_dataset, payment), "svg", width=1000, dpi=100)
    strokes = {s["stroke"] for gid in svg_groups(svg) if gid.startswith("routes-") for s in group_styles(svg, gid)}
    assert strokes == {style.KIND_COLOURS["payment"]}
    assert style.KIND_COLOURS["payment"] not in style.CATEGORY_COLOURS.values()
    shown = " ".join(svg_texts(svg))
    assert style.KIND_LABELS["payment"] in shown and "Artillery and rockets" not in shown
    assert "Colour: weapon category, or what moved" in shown


def test_a_map_made_with_weapon_colours_by_the_matched_weapon(write_dataset):
    both = honest_route("fx-both", ["fx-bandar-abbas", "fx-damascus"], weapons=["fx-rpg", "fx-rocket"])
    dataset = honest_dataset(write_dataset, both)

    def strokes(filters):
        svg = image_bytes(dataset, "svg", width=1000, dpi=100, filters=filters)
        return {s["stroke"] for s in group_styles(svg, "routes-reported-plausible")}, " ".join(svg_texts(svg))

    colours, shown = strokes(None)
    assert colours == {style.CATEGORY_COLOURS["anti-tank"]} and "Anti-tank weapons" in shown
    colours, shown = strokes(Filters(weapons=("FX-122",)))
    assert colours == {style.CATEGORY_COLOURS["artillery-rockets"]}
    assert "Artillery and rockets" in shown and "Anti-tank weapons" not in shown
    assert "This map is made for weapon Fixture Rocket." in shown
    colours, _ = strokes(Filters(categories=("artillery-rockets",)))
    assert colours == {style.CATEGORY_COLOURS["artillery-rockets"]}


def test_arrowheads_are_filled_only_where_a_delivery_is_reported(write_dataset):
    delivered = honest_route("fx-delivered", ["fx-nampo", "fx-bandar-abbas"], outcome="delivered")
    attempted = honest_route("fx-attempted", ["fx-damascus", "fx-beirut"], outcome="attempted", weapons=["fx-rocket"])
    svg = image_bytes(honest_dataset(write_dataset, delivered, attempted), "svg", width=1000, dpi=100)
    filled, = group_styles(svg, "arrows-filled")
    hollow, = group_styles(svg, "arrows-hollow")
    assert filled["fill"] == style.CATEGORY_COLOURS["anti-tank"]
    assert hollow["fill"] == "#ffffff" and hollow["stroke"] == style.CATEGORY_COLOURS["artillery-rockets"]
    assert {"legend-arrow-filled", "legend-arrow-hollow"} <= svg_groups(svg)


def test_the_title_says_how_many_undated_routes_a_time_filter_let_through(write_dataset):
    undated = honest_route("fx-undated", ["fx-nampo", "fx-bandar-abbas"], period={"start": None, "end": None})
    dated = honest_route("fx-dated", ["fx-damascus", "fx-beirut"], period={"start": 2012, "end": 2014})
    dataset = honest_dataset(write_dataset, undated, dated)
    shown = " ".join(svg_texts(image_bytes(dataset, "svg", width=1000, dpi=100, filters=Filters(since=2010))))
    assert "The time filter let through 1 route of unknown date" in shown
    shown = " ".join(svg_texts(image_bytes(dataset, "svg", width=1000, dpi=100, filters=Filters(actors=("Hamas",)))))
    assert "unknown date" not in shown


def test_an_uncertain_map_gives_the_same_bytes(write_dataset):
    dataset = honest_dataset(write_dataset, honest_route("fx-standin", ["fx-nampo", IRAN, "fx-port-sudan"]),
                             honest_route("fx-payment", ["fx-gaza", "fx-pyongyang"], kind="payment"))
    assert image_bytes(dataset, "svg", width=800, dpi=100) == image_bytes(dataset, "svg", width=800, dpi=100)
    assert image_bytes(dataset, "png", width=800, dpi=100) == image_bytes(dataset, "png", width=800, dpi=100)


def test_the_legend_fits_under_the_map(write_dataset, tmp_path):
    """No legend text runs past the map's right edge or into the credit line."""
    import matplotlib

    from routes.render import image

    dataset = honest_dataset(write_dataset, honest_route("fx-standin", ["fx-nampo", IRAN, "fx-port-sudan"]),
                             honest_route("fx-payment", ["fx-gaza", "fx-pyongyang"], kind="payment"),
                             honest_route("fx-training", ["fx-beirut", "fx-pyongyang"], kind="training", weapons=[]))
    with matplotlib.rc_context(image._RC):
        figure = image._draw(dataset, "Fixture", None, 1000, 100, tmp_path / "no-basemap.geojson")
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        legend = next(a for a in figure.axes if a.get_gid() == "legend")
        frame = legend.get_window_extent(renderer)
        credit = next(t for t in figure.texts if t.get_gid() == "credit").get_window_extent(renderer)
        assert len(legend.texts) > 20
        for text in legend.texts:
            box = text.get_window_extent(renderer)
            assert box.x1 <= frame.x1 + 1 and box.y0 >= credit.y1, text.get_text()


def test_one_name_for_stand_ins_side_by_side_but_each_far_one_named(write_dataset):
    def korea(place):
        return {"place": place, "stand_in": True, "stands_for": "North Korea", "precision": "country"}

    dataset = honest_dataset(write_dataset, honest_route("fx-a", [korea("fx-nampo"), IRAN]),
                             honest_route("fx-b", [korea("fx-pyongyang"), "fx-damascus"]),
                             honest_route("fx-c", ["fx-beirut", {**korea("fx-rafah")}]))
    texts = svg_texts(image_bytes(dataset, "svg", width=1000, dpi=100))
    assert texts.count("≈ North Korea") == 2, "Nampo and Pyongyang share one name; Rafah, far off, has its own"


# -- documented trade as flows (routes.flows) ----------------------------------------------------------
REGISTER = {"fx-register": {"title": "Fixture register", "kind": "dataset", "reliability": "B"}}


def deal(route_id, waypoints=("fx-nampo", "fx-bandar-abbas"), tiv=None, units=None, start=2000, **props):
    return make_route(route_id, waypoints=waypoints, legs=[{"mode": "unknown"}], period={"start": start, "end": start},
                      outcome="delivered", sipri={"designation": route_id, "number_delivered": units,
                                                  "tiv": {"delivered": tiv, "total_order": tiv}},
                      evidence=[{"source": "fx-register", "claim": "A deal.", "stance": "supports", "credibility": 2}],
                      **props)


def trade(write_dataset, routes, extra_places=(), unplaced=()):
    doc = make_collection(routes, {**REGISTER, **make_collection()["sources"]})
    doc["places"] += [place_feature(*p) for p in extra_places]
    if unplaced:
        doc["unplaced"] = list(unplaced)
    return load_dataset([write_dataset(doc)])


def flow_paths(svg: bytes, gid: str = "flows") -> list[ET.Element]:
    group = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("id") == gid)
    return list(group.iter(f"{SVG}path"))


def stroke_width(path: ET.Element) -> float:
    return float(path.get("style").split("stroke-width: ")[1].split(";")[0])


@pytest.fixture
def deals(write_dataset):
    """Three pairs: Nampo → Bandar Abbas (three deals), Nampo → Damascus (one, of unknown TIV), Bandar
    Abbas → Nampo (one, the other way); and a curated route along the first pair."""
    curated = make_route("fx-claim", waypoints=("fx-nampo", "fx-bandar-abbas"))
    return trade(write_dataset, [
        deal("fx-d1", tiv=100, units=10), deal("fx-d2", tiv=300, units=5), deal("fx-d3", tiv=5_000, units=1),
        deal("fx-d4", ("fx-nampo", "fx-damascus"), tiv=None, units=200), deal("fx-d5", ("fx-bandar-abbas", "fx-nampo"),
                                                                             tiv=50, start=2015), curated])


def test_one_flow_is_drawn_per_supplier_recipient_pair_and_the_curated_route_on_its_own(deals):
    from routes.flows import FlowOptions

    svg = image_bytes(deals, "svg", flows=FlowOptions(enabled=True))
    assert len(flow_paths(svg)) == 3  # the distinct pairs of the five deals
    assert len(flow_paths(svg, "flow-arrows")) == 3  # each flow shows its direction
    # the curated route along the first pair is never summed: it is a route of its own, drawn on top
    assert len(flow_paths(svg, "routes-reported-plausible")) == 1
    texts = svg_texts(svg)
    assert "Selection: all routes · 5 documented deals summed in 3 flows · 1 route drawn one by one" in texts
    assert "Documented trade: 5 deals summed in 3 flows, one per supplier → recipient pair" in texts


def test_the_widths_follow_the_measure_on_the_fixed_scale(deals):
    from routes import flows
    from routes.flows import FlowOptions
    from routes.render.image import _flow_pt

    tiv = flows.Scale.of("tiv-delivered")
    drawn = [stroke_width(p) for p in flow_paths(image_bytes(deals, "svg", flows=True))]
    # the widest first (underneath): 5,400 million TIV, then 50, then the pair whose TIV is not given
    assert drawn == [pytest.approx(_flow_pt(tiv.width(v)), abs=0.01) for v in (5_400, 50, None)]
    assert drawn[-1] == pytest.approx(_flow_pt(flows.MIN_WIDTH), abs=0.01)  # not given: seen all the same
    by_units = [stroke_width(p) for p in flow_paths(image_bytes(deals, "svg", flows=FlowOptions(True, "units")))]
    units = flows.Scale.of("units")
    assert by_units == [pytest.approx(_flow_pt(units.width(v)), abs=0.01) for v in (200, 16, None)]


def test_a_fixed_scale_draws_a_flow_as_wide_on_every_map_and_auto_makes_the_widest_the_widest(deals):
    from routes import flows
    from routes.flows import FlowOptions
    from routes.render.image import _flow_pt

    alone = deals.select(since=2010)  # only Bandar Abbas → Nampo, 50 million TIV
    fixed_all = [stroke_width(p) for p in flow_paths(image_bytes(deals, "svg", flows=True))]
    [fixed_alone] = [stroke_width(p) for p in flow_paths(image_bytes(alone, "svg", flows=True))]
    assert fixed_alone == fixed_all[1]
    [auto_alone] = [stroke_width(p) for p in flow_paths(image_bytes(alone, "svg", flows=FlowOptions(True, auto=True)))]
    assert auto_alone == pytest.approx(_flow_pt(flows.MAX_WIDTH), abs=0.01)
    assert auto_alone > fixed_alone


def test_the_width_legend_prints_the_reference_values_and_the_scale_in_words(deals):
    from routes import flows
    from routes.flows import FlowOptions

    shown = " ".join(svg_texts(image_bytes(deals, "svg", flows=True)))
    assert "Width: SIPRI TIV of delivered weapons (square-root scale)" in shown
    for words in ("0 or not given", "10 million TIV", "1,000 million TIV", "50,000 million TIV"):
        assert words in shown, words
    assert flows.Scale.of("tiv-delivered").describe()[1:] in shown
    assert "direction: from the supplier to the recipient" in shown
    assert "Alleged routes are never summed" in shown
    logged = " ".join(svg_texts(image_bytes(deals, "svg", flows=FlowOptions(True, "deals", "log", auto=True))))
    assert "Width: number of deals (logarithmic scale, this map)" in logged and "3 deals" in logged
    assert "this map's widest flow" in logged


def test_deals_are_drawn_one_by_one_below_the_threshold_or_when_asked(deals, monkeypatch):
    from routes import flows

    assert "flows" not in svg_groups(image_bytes(deals, "svg"))  # 5 deals: under FLOW_THRESHOLD
    monkeypatch.setattr(flows, "FLOW_THRESHOLD", 5)
    assert len(flow_paths(image_bytes(deals, "svg"))) == 3
    assert "flows" not in svg_groups(image_bytes(deals, "svg", flows=False))
    assert "Selection: all routes · 6 routes" in svg_texts(image_bytes(deals, "svg", flows=False))


def test_deals_that_could_not_be_placed_are_counted_under_the_title(write_dataset):
    unplaced = [{"id": f"fx-u{i}", "supplier": "unknown supplier(s)", "recipient": "Fixture Iran", "weapons": [],
                 "period": {"start": 2000, "end": 2001}, "reason": "supplier is unknown", "source": "fx-register"}
                for i in range(2)]
    dataset = trade(write_dataset, [deal("fx-d1", tiv=1)], unplaced=unplaced)
    shown = " ".join(svg_texts(image_bytes(dataset, "svg", flows=True)))
    assert "2 deals could not be placed (the supplier or recipient has no place: an unknown supplier, a " \
           "multinational organisation); see the report." in shown
    assert "could not be placed" not in " ".join(svg_texts(image_bytes(dataset.select(weapon="Fixture RPG"), "svg")))


def test_a_world_of_flows_is_one_world_and_a_flow_across_the_pacific_comes_back_from_the_other_edge(write_dataset):
    lima, tokyo = ("fx-lima", "Fixture Lima", "PER", "city", -77.03, -12.05, []), \
        ("fx-tokyo", "Fixture Tokyo", "JPN", "city", 139.69, 35.69, [])
    pacific, atlantic = deal("fx-pacific", ("fx-tokyo", "fx-lima")), deal("fx-atlantic", ("fx-lima", "fx-rafah"))
    pacific["geometry"] = atlantic["geometry"] = None
    dataset = trade(write_dataset, [pacific, atlantic], extra_places=[lima, tokyo])
    svg = image_bytes(dataset, "svg", flows=True)
    assert len(flow_paths(svg)) == 3  # the Pacific flow from both edges of the map
    assert len(flow_paths(svg, "flow-arrows")) == 2


def test_a_map_of_flows_gives_the_same_bytes(deals):
    assert image_bytes(deals, "svg", flows=True, width=800, dpi=100) == \
        image_bytes(deals, "svg", flows=True, width=800, dpi=100)
    assert image_bytes(deals, "png", flows=True, width=800, dpi=100) == \
        image_bytes(deals, "png", flows=True, width=800, dpi=100)
