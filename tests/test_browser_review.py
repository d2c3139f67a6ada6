"""The map tools of issue 16 as a reviewer found them (headless Debian Chromium, network blocked): a card
opened from a link fills in its evidence and lands on screen in the link's view, the title's count never
contradicts the panel's, waypoints and category counts follow the filters, the panel fits a low map, the
panel's messages are the CLI's, and the small things (placeholders, the chooser's swatches, scrolling
regions a keyboard reaches, controls named after their map, the page without Leaflet)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from conftest import COORDS, api_eval, frames, make_collection, make_route
from routes.dataset import load_dataset
from routes.names import closest, normalise
from routes.render import render_map

pytestmark = pytest.mark.browser

CLAIMS = [f"Fixture claim {i}: crates of grenades were unloaded at the port." for i in range(1, 9)]
EVIDENCE = [{"source": "fx-news", "claim": claim, "stance": "supports", "credibility": 3} for claim in CLAIMS]


def route(route_id: str, waypoints: list[str], **props) -> dict:
    props.setdefault("legs", [{"mode": "sea"} for _ in waypoints[1:]])
    feature = make_route(route_id, waypoints=waypoints, **props)
    feature["geometry"]["coordinates"] = [COORDS[w] for w in waypoints]
    return feature


ROUTES = [
    # its longest leg (Nampo -> Bandar Abbas) lies far from where it ends, in Gaza
    route("fx-long", ["fx-nampo", "fx-bandar-abbas", "fx-port-sudan", "fx-gaza"], name="Nampo to Gaza",
          evidence=EVIDENCE),
    route("fx-lebanon", ["fx-bandar-abbas", "fx-damascus", "fx-beirut"], name="Rockets to Beirut",
          weapons=["fx-rocket"], supplier="Iran", recipient="Hezbollah", intermediaries=["Syria"], status="alleged",
          legs=[{"mode": "land"}, {"mode": "land"}]),
    route("fx-sudan", ["fx-pyongyang", "fx-port-sudan"], name="RPGs to Sudan", recipient="Sudan", intermediaries=[],
          outcome="interdicted", interdicted={"place": "fx-port-sudan", "date": "2012", "note": "Seized."}),
    route("fx-rafah", ["fx-port-sudan", "fx-rafah", "fx-gaza"], name="Through Rafah", weapons=["fx-rpg", "fx-rocket"],
          supplier="Iran", intermediaries=["Egypt"], legs=[{"mode": "land"}, {"mode": "land"}]),
    route("fx-train", ["fx-damascus", "fx-beirut"], name="Training in Beirut", kind="training", weapons=[],
          supplier="Syria", recipient="Hezbollah", intermediaries=[], legs=[{"mode": "land"}]),
]
ALL = ["fx-long", "fx-lebanon", "fx-sudan", "fx-rafah", "fx-train"]


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "routes.geojson"
    path.write_text(json.dumps(make_collection(ROUTES), indent=2) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def map_file(data_file) -> Path:
    return render_map(load_dataset([data_file]), data_file.with_name("map.html"), offline=True)


def open_map(page, url: str, count: int = 1) -> None:
    page.goto(url)
    page.wait_for_function(f"window.armsRoutes && Object.keys(window.armsRoutes).length === {count}")
    frames(page)


def visible(page) -> list[str]:
    return api_eval(page, "(api) => api.visibleRoutes()")


def type_into(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    frames(page)


def listed(data_file: Path, *options: str) -> list[str]:
    result = CliRunner().invoke(app, ["list", "-d", str(data_file), "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def cli_error(data_file: Path, *options: str) -> str:
    result = CliRunner().invoke(app, ["list", "-d", str(data_file), *options])
    assert result.exit_code == 2, result.output
    return result.output


def inside(box: dict, outer: dict, slack: float = 0.5) -> bool:
    return (box["x"] >= outer["x"] - slack and box["y"] >= outer["y"] - slack and
            box["x"] + box["width"] <= outer["x"] + outer["width"] + slack and
            box["y"] + box["height"] <= outer["y"] + outer["height"] + slack)


def view(page) -> list[float]:
    return api_eval(page, """(api) => { const c = api.map.getCenter();
        return [Math.round(c.lat * 100) / 100, Math.round(c.lng * 100) / 100, api.map.getZoom()]; }""")


def card_box(page) -> dict:
    return page.locator(".leaflet-popup").bounding_box()


def map_box(page) -> dict:
    return page.locator(".folium-map").first.bounding_box()


# -- 1. a card opened from a link has its evidence ---------------------------------------------------

def test_a_card_opened_from_a_link_fills_in_its_evidence(page, map_file):
    open_map(page, map_file.resolve().as_uri() + "#map.r=fx-long")
    card = page.locator(".leaflet-popup .arms-routes-card")
    card.wait_for()
    page.wait_for_function("() => document.querySelectorAll('.leaflet-popup .arms-routes-evidence').length === 8",
                           timeout=3000)
    assert CLAIMS[0] in card.inner_text() and CLAIMS[-1] in card.inner_text()
    assert "Still loading" not in card.inner_text()
    assert page.locator(".leaflet-popup h4", has_text="Evidence (8)").count() == 1
    assert page.errors == []


def test_an_embedded_card_opened_from_a_link_fills_in_its_evidence(page, data_file, tmp_path):
    out = tmp_path / "f.html"
    result = CliRunner().invoke(app, ["render", "-d", str(data_file), "--embed", "--offline", "-o", str(out)])
    assert result.exit_code == 0, result.output
    host = tmp_path / "host.html"
    host.write_text(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Host</title></head>"
                    f"<body><h1>Host</h1>{out.read_text(encoding='utf-8')}</body></html>", encoding="utf-8")
    open_map(page, host.resolve().as_uri() + "#f.r=fx-long")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-popup .arms-routes-evidence').length === 8",
                           timeout=3000)
    assert "Still loading" not in page.locator(".leaflet-popup").inner_text()
    assert page.errors == []


# -- 2. a card restored from a link is on screen, in the link's view ----------------------------------

def test_a_card_from_a_link_with_a_view_opens_on_screen_in_that_view(page, map_file):
    # (the README's example: the card of a route whose longest leg is far from the view)
    open_map(page, map_file.resolve().as_uri() + "#map.r=fx-long&map.v=31.5,34.45,7")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-popup .arms-routes-evidence').length === 8")
    page.wait_for_timeout(400)
    assert inside(card_box(page), map_box(page)), (card_box(page), map_box(page))
    assert view(page) == [31.5, 34.45, 7]
    assert page.errors == []


def test_a_clicked_card_comes_back_where_it_was_after_a_reload(page, map_file):
    open_map(page, map_file.resolve().as_uri() + "#map.w=FX-7&map.v=27,48,5")
    point = api_eval(page, """(api) => {
        const ring = api.routeLayers['fx-long']._rings[1];   // Bandar Abbas -> Port Sudan
        const p = api.map.layerPointToContainerPoint(ring[0].add(ring[ring.length - 1].subtract(ring[0]).multiplyBy(0.3)));
        const box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector(".leaflet-popup")
    if page.locator(".leaflet-popup .arms-routes-choice").count():
        page.locator(".leaflet-popup button.arms-routes-pick", has_text="Nampo to Gaza").click()
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    page.wait_for_timeout(600)  # (the card pans into view, the URL follows)
    before_box, before_view = card_box(page), view(page)
    assert inside(before_box, map_box(page))
    assert "map.r=fx-long" in page.url
    page.reload()
    page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 1")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-popup .arms-routes-evidence').length === 8")
    page.wait_for_timeout(400)
    after = card_box(page)
    assert inside(after, map_box(page)), after
    assert view(page) == before_view
    assert abs(after["x"] - before_box["x"]) <= 2 and abs(after["y"] - before_box["y"]) <= 2
    assert page.errors == []


# -- 3. the title's count follows the panel -----------------------------------------------------------

def route_counts(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\((\d[\d,]*) routes?\)", text)]


def test_the_title_never_counts_other_routes_than_the_panel(page, map_file, data_file):
    open_map(page, map_file.resolve().as_uri())
    type_into(page, "Weapon system", "FX-122")
    expected = listed(data_file, "--weapon", "FX-122")
    assert visible(page) == expected and len(expected) == 2
    title = page.locator(".arms-routes-title-text").inner_text()
    caption = page.locator(".arms-routes-list-caption").inner_text()
    for text in (title, caption):
        assert all(n == len(expected) for n in route_counts(text)), text
    assert page.locator(".arms-routes-panel-count").inner_text() == "2 of 5 routes"
    assert "2 of 5 routes shown" in page.locator(".arms-routes-title").inner_text()


# -- 4. waypoints and the category boxes follow the filters ---------------------------------------------

def drawn_places(page) -> list[str]:
    return sorted(api_eval(page, """(api) => {
        const names = [];
        api.waypoints.eachLayer(l => { if (l.place && l._map) names.push(l.place.label); });
        return [...new Set(names)];
    }"""))


def box_labels(page) -> list[str]:
    return page.eval_on_selector_all("label.arms-routes-category", "ls => ls.map(l => l.textContent.trim())")


def test_waypoints_and_category_counts_follow_the_filters(page, map_file):
    open_map(page, map_file.resolve().as_uri())
    assert len(drawn_places(page)) == 8
    assert "Anti-tank weapons (3)" in box_labels(page)
    type_into(page, "Actor", "Hezbollah")
    assert visible(page) == ["fx-lebanon", "fx-train"]
    assert drawn_places(page) == ["Fixture Bandar Abbas", "Fixture Beirut", "Fixture Damascus"]
    # the place names of hidden waypoints go too (they fade out)
    page.wait_for_timeout(400)
    labels = page.eval_on_selector_all(".arms-routes-label", "ls => ls.filter(l => l.offsetParent).map(l => l.textContent)")
    assert all(any(name in label for name in drawn_places(page)) for label in labels) and labels, labels
    assert api_eval(page, "(api) => api.interdictions.getLayers().filter(l => l._map).length") == 0
    boxes = box_labels(page)
    assert "Anti-tank weapons (0 of 3)" in boxes and "Artillery and rockets (1 of 2)" in boxes, boxes
    assert any(label.endswith("(1)") for label in boxes if label.startswith("No weapon")), boxes
    options = page.eval_on_selector_all("#" + page.get_by_label("Category", exact=True).get_attribute("id") + " option",
                                        "os => os.map(o => o.textContent)")
    assert "Anti-tank weapons (0 of 3)" in options
    type_into(page, "Actor", "")
    assert len(drawn_places(page)) == 8 and "Anti-tank weapons (3)" in box_labels(page)
    assert api_eval(page, "(api) => api.interdictions.getLayers().filter(l => l._map).length") == 1
    assert page.errors == []


# -- 5. the panel fits a low map ------------------------------------------------------------------------

def two_fragments(data_file: Path, tmp_path: Path, heights=(600, 450), options=((), ())) -> Path:
    parts = []
    for name, height, extra in zip(("first.html", "second.html"), heights, options):
        out = tmp_path / name
        result = CliRunner().invoke(app, ["render", "-d", str(data_file), "--embed", "--offline", "--height", str(height),
                                          *extra, "-o", str(out)])
        assert result.exit_code == 0, result.output
        parts.append(out.read_text(encoding="utf-8"))
    host = tmp_path / "host.html"
    host.write_text("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Two maps</title></head><body>"
                    f"<h1>Two maps</h1>{parts[0]}<p>Between the maps.</p>{parts[1]}<p>After.</p></body></html>",
                    encoding="utf-8")
    return host


@pytest.mark.parametrize("height", [450, 300])
def test_the_panel_fits_a_low_embedded_map_and_its_count_shows(page, data_file, tmp_path, height):
    open_map(page, two_fragments(data_file, tmp_path, heights=(600, height)).resolve().as_uri(), count=2)
    second = page.locator(".arms-routes-embed").nth(1)
    second.scroll_into_view_if_needed()
    body = second.locator(".arms-routes-panel-body")
    if body.is_hidden():  # (a small map folds its panel: the button unfolds it)
        second.get_by_role("button", name="Filters").click()
    frames(page)
    outer = second.bounding_box()
    panel, count, clear = body.bounding_box(), second.locator(".arms-routes-panel-count"), \
        second.get_by_role("button", name="Clear filters")
    scale = second.locator(".leaflet-control-scale").bounding_box()
    assert inside(panel, outer), (panel, outer)
    assert panel["y"] + panel["height"] <= scale["y"], (panel, scale)  # not under the scale bar
    for element in (count, clear):  # within what the panel shows (not scrolled out of it)
        assert inside(element.bounding_box(), panel), element
    assert count.inner_text() == "5 of 5 routes"
    # scrolled to its top, then to its end: the count stays in view
    for top in (0, 10_000):
        body.evaluate("(b, top) => { b.scrollTop = top; }", top)
        assert inside(count.bounding_box(), body.bounding_box())
    assert page.errors == []


# -- 6. the panel's messages are the CLI's ----------------------------------------------------------------

def suggestion(text: str) -> str:
    return re.search(r"did you mean: [^?]+\?", text).group(0)


def error_text(page) -> str:
    return " | ".join(page.eval_on_selector_all(".arms-routes-field-error", "es => es.filter(e => !e.hidden).map(e => e.textContent)"))


def filter_words(page) -> str:
    return page.locator(".arms-routes-filter-words").inner_text()


def test_an_unknown_name_says_what_the_cli_says_and_does_not_filter(page, map_file, data_file):
    open_map(page, map_file.resolve().as_uri())
    type_into(page, "Weapon system", "Fixture Rockett")
    cli = cli_error(data_file, "--weapon", "Fixture Rockett")
    assert "unknown weapon system 'Fixture Rockett'" in error_text(page)
    assert suggestion(cli).startswith("did you mean: Fixture Rocket") and suggestion(cli) in error_text(page)
    assert "Rockett" not in filter_words(page) and visible(page) == ALL
    type_into(page, "Weapon system", "FX-7, nosuch")
    assert "unknown weapon system 'nosuch'" in error_text(page)
    assert "nosuch" not in filter_words(page) and filter_words(page) == "weapon Fixture RPG"
    assert visible(page) == listed(data_file, "--weapon", "FX-7")
    type_into(page, "Weapon system", "")
    type_into(page, "Actor", "Hezbolah")
    cli = cli_error(data_file, "--actor", "Hezbolah")
    assert "unknown actor 'Hezbolah'" in error_text(page) and suggestion(cli) in error_text(page)
    assert filter_words(page) == "all routes" and visible(page) == ALL
    type_into(page, "Actor", "Hezbolah, Sudan")
    assert filter_words(page) == "actor Sudan" and visible(page) == listed(data_file, "--actor", "Sudan")
    assert page.errors == []


def test_a_year_out_of_range_or_not_whole_is_refused_visibly(page, map_file):
    open_map(page, map_file.resolve().as_uri())
    since = page.get_by_label("From", exact=True)
    since.click()
    page.keyboard.type("1500")  # (typed, no Enter, focus stays: as a reader types)
    page.wait_for_timeout(1500)
    assert "From 1500 is out of range; give a year from 1800 to 2100" in error_text(page)
    type_into(page, "From", "2030")
    assert "since 2030" in filter_words(page)
    since.select_text()
    page.keyboard.type("2009.5")
    page.wait_for_timeout(1500)
    assert since.input_value() == "2009.5"
    assert "From 2009.5 is not a whole year" in error_text(page)
    assert "since" not in filter_words(page)  # (what the box says not, the map does not do)
    assert page.errors == []


def js_closest_cases() -> list:
    """Queries near the names of the bundled gazetteer, taxonomy and actors (and some far from them)."""
    dataset = load_dataset(None)
    rng = random.Random(16)
    places = {normalise(p.name): p.name for p in dataset.places}
    weapons = {normalise(w["name"]): w["name"] for w in dataset.weapons}
    for w in dataset.weapons:
        for alias in w.get("aliases", []):
            weapons.setdefault(normalise(alias), alias)
    actors = {}
    for r in dataset.routes:
        p = r["properties"]
        for name in (p.get("supplier"), p.get("recipient"), *(p.get("intermediaries") or [])):
            if name:
                actors.setdefault(normalise(name), name)
    cases = []
    for names in (places, weapons, actors):
        for display in list(names.values()):
            word = display
            variants = {word, word[:3], word[:5], word[1:], word[:-1], word.upper(), word + "s", word.replace("a", "e")}
            for _ in range(3):
                i = rng.randrange(max(1, len(word)))
                variants.add(word[:i] + word[i + 1:])
                variants.add(word[:i] + rng.choice("aeioukrt7") + word[i:])
                variants.add(word[:i] + rng.choice("aeioukrt7") + word[i + 1:])
            cases += [[v, names, 5] for v in sorted(variants)]
        cases += [["".join(rng.choice("abcdefgh12") for _ in range(rng.randrange(1, 12))), names, 3] for _ in range(40)]
    return cases


def test_the_maps_closest_names_are_the_clis(page, map_file):
    open_map(page, map_file.resolve().as_uri())
    cases = js_closest_cases()
    assert len(cases) > 1000
    pairs = [[query, list(names.items()), n] for query, names, n in cases]
    found = page.evaluate("(cases) => cases.map(c => window.armsRoutesFilters.closest(c[0], c[1], c[2]))", pairs)
    expected = [closest(query, names, n) for query, names, n in cases]
    wrong = [(c[0], f, e) for c, f, e in zip(cases, found, expected) if f != e]
    assert wrong == [] and sum(1 for e in expected if e) > 500


# -- 7. the small things --------------------------------------------------------------------------------

def test_the_placeholders_fit_their_boxes(page, map_file):
    open_map(page, map_file.resolve().as_uri())
    cut = page.evaluate("""() => {
        const ctx = document.createElement('canvas').getContext('2d'), out = [];
        document.querySelectorAll('.arms-routes-panel input[placeholder]').forEach(input => {
            if (!input.placeholder) return;
            const s = getComputedStyle(input);
            ctx.font = s.font;
            const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - (input.type === 'search' ? 16 : 0);
            if (ctx.measureText(input.placeholder).width > room) out.push([input.placeholder, room]);
        });
        return out;
    }""")
    assert cut == []


CROSSING = [
    route("fx-down", ["fx-beirut", "fx-port-sudan"], name="Beirut to Port Sudan", legs=[{"mode": "land"}],
          status="alleged"),
    route("fx-across", ["fx-rafah", "fx-bandar-abbas"], name="Rafah to Bandar Abbas", legs=[{"mode": "land"}],
          weapons=["fx-rocket"], evidence=EVIDENCE[:2] + [{"source": "fx-analysis", "claim": "Denied.", "stance": "disputes",
                                                           "credibility": 4, "dispute": "denial", "said_by": "Iran"}]),
]


def test_the_chooser_of_overlapping_lines_shows_each_lines_colour_and_pattern(page, write_dataset, tmp_path):
    path = render_map(load_dataset([write_dataset(make_collection(CROSSING))]), tmp_path / "x.html", offline=True)
    open_map(page, path.resolve().as_uri())
    point = api_eval(page, """(api) => {
        const a = api.routeLayers['fx-down']._rings[0], b = api.routeLayers['fx-across']._rings[0];
        const p = a[0], r = a[1].subtract(p), q = b[0], s = b[1].subtract(q), d = r.x * s.y - r.y * s.x;
        const t = ((q.x - p.x) * s.y - (q.y - p.y) * s.x) / d;
        const c = api.map.layerPointToContainerPoint(p.add(r.multiplyBy(t)));
        const box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + c.x, y: box.top + c.y};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector(".leaflet-popup .arms-routes-choice")
    samples = api_eval(page, """(api) => [...document.querySelectorAll('.leaflet-popup .arms-routes-choice button')].map(b => {
        const id = b.dataset.route, lines = b.querySelectorAll('svg line'), line = lines[lines.length - 1];
        const status = api.data.statuses.find(s => s.id === api.routeLayers[id].route.status);
        return {id, stroke: line && line.getAttribute('stroke'), colour: api.routeLayers[id].options.color,
                dash: line && (line.getAttribute('stroke-dasharray') || ''), expected: status.dash,
                halo: lines.length > 1, disputed: !!api.routeLayers[id].route.disputed};
    })""")
    assert [s["id"] for s in samples] == ["fx-down", "fx-across"]
    for s in samples:
        assert s["stroke"] == s["colour"] and s["dash"] == s["expected"] and s["halo"] == s["disputed"], s
    assert samples[0]["colour"] != samples[1]["colour"] and samples[1]["disputed"]
    assert page.errors == []


def axe_ids(page) -> list[str]:
    from axe_playwright_python.base import AXE_FILE_PATH

    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE_FILE_PATH))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"]]


def test_the_legend_and_the_card_scroll_from_the_keyboard(page, map_file):
    page.set_viewport_size({"width": 1280, "height": 560})  # (a legend taller than its room: it scrolls)
    open_map(page, map_file.resolve().as_uri())
    legend = page.locator(".arms-routes-legend")
    assert legend.evaluate("e => e.scrollHeight > e.clientHeight")
    assert "scrollable-region-focusable" not in axe_ids(page)
    api_eval(page, "(api) => { api.openCard('fx-long'); }")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-popup .arms-routes-evidence').length === 8")
    assert page.locator(".leaflet-popup-content").evaluate("e => e.scrollHeight > e.clientHeight")
    assert "scrollable-region-focusable" not in axe_ids(page)
    # (and the card's status badge reads, whatever the status: one of each, as the card draws it)
    api_eval(page, """(api) => { const badges = document.querySelector('.leaflet-popup .arms-routes-badges');
        api.data.statuses.forEach(s => { const b = document.createElement('span');
            b.className = 'arms-routes-badge arms-routes-status-' + s.id; b.textContent = s.id; badges.appendChild(b); }); }""")
    assert "color-contrast" not in axe_ids(page)
    legend.focus()
    page.keyboard.press("PageDown")
    page.wait_for_timeout(200)
    assert legend.evaluate("e => e.scrollTop") > 0
    # a card a link opens (as the map is drawn, before the keyboard access is added) is reached too
    page.goto("about:blank")
    open_map(page, map_file.resolve().as_uri() + "#map.r=fx-long")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-popup .arms-routes-evidence').length === 8")
    assert page.locator(".leaflet-popup-content").get_attribute("tabindex") == "0"
    assert "scrollable-region-focusable" not in axe_ids(page)


def test_the_controls_of_two_maps_on_a_page_name_their_map(page, data_file, tmp_path):
    host = two_fragments(data_file, tmp_path, options=(("--weapon", "FX-7"), ("--actor", "Hezbollah")))
    open_map(page, host.resolve().as_uri(), count=2)
    described = page.evaluate("""() => [...document.querySelectorAll('.arms-routes-embed')].map(box => {
        const out = {};
        box.querySelectorAll('.arms-routes-panel input, .arms-routes-panel select').forEach(control => {
            const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(x => x);
            out[control.id] = ids.map(id => { const e = document.getElementById(id); return e && box.contains(e) ? e.textContent : null; }).join(' ');
        });
        return {out, title: box.querySelector('.arms-routes-title-text').textContent};
    })""")
    for m in described:
        assert m["out"] and all(m["title"] in text for text in m["out"].values()), m
    assert described[0]["title"] != described[1]["title"]
    assert "FX-7" in described[0]["title"] or "Fixture RPG" in described[0]["title"]


def test_a_page_without_leaflet_throws_nothing_and_says_what_a_reader_can_do(page, tmp_path, data_file):
    path = render_map(load_dataset([data_file]), tmp_path / "online.html")  # Leaflet from its CDN: blocked
    page.goto(path.resolve().as_uri())
    note = page.locator(".arms-routes-no-leaflet")
    note.wait_for()
    page.wait_for_timeout(300)
    assert "or ask whoever sent it for a copy made with --offline" in note.inner_text()
    assert page.errors == []
