"""Documented trade as flows in the interactive map (arms-routes-flows.js), in a real browser (headless
Debian Chromium, network blocked): one flow per supplier → recipient pair of the selection, widths by
routes.flows.Scale, a flow's card listing exactly its deals (each linking to its own card), the width
legend, the filter panel's time window re-summing the flows, the deals not placed in a table, and the
curated routes drawn one by one, on top, never summed. The same filters give the flows that
`flows.aggregate` makes of `arms-routes list --format json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_flows_payload import trade_collection
from typer.testing import CliRunner

from cli import app
from conftest import frames
from routes import flows
from routes.dataset import load_dataset
from routes.select import Filters, select

pytestmark = pytest.mark.browser

CURATED = "fx-claim"


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("flows") / "trade.geojson"
    path.write_text(json.dumps(trade_collection(), indent=2) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--strict", str(path)])
    assert result.exit_code == 0, result.output
    return path


def render(data_file: Path, name: str, *options: str) -> Path:
    out = data_file.with_name(name)
    result = CliRunner().invoke(app, ["render", "-d", str(data_file), "--flows", "--offline", "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def map_file(data_file) -> Path:
    return render(data_file, "flows.html")


@pytest.fixture(scope="module")
def map_page(browser, map_file):
    """One page of the flow map; each test starts from "Clear filters" with no card open."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:")) else r.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    open_map(page, map_file)
    yield page
    context.close()


@pytest.fixture
def fresh(map_page):
    map_page.evaluate("""() => {
        Object.values(window.armsRoutes)[0].map.closePopup();
        document.querySelectorAll(".arms-routes-trade-toggle[aria-expanded=true]").forEach(b => b.click());
    }""")
    map_page.get_by_role("button", name="Clear filters").click()
    frames(map_page)
    yield map_page
    assert map_page.errors == []


def open_map(page, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 1")
    frames(page)


def visible_flows(page) -> list[dict]:
    return page.evaluate("""() => Object.values(window.armsRoutes)[0].visibleFlows()
        .map(f => ({supplier: f.supplier, recipient: f.recipient, deals: f.deals, total: f.total, width: f.width,
                    unknown: f.unknown, ids: f.ids()}))""")


def expected_flows(dataset, measure: str = flows.DEFAULT_MEASURE) -> list[dict]:
    summed = flows.by_volume(flows.aggregate(flows.split(dataset, True)[1]), measure)
    return [{"supplier": f.supplier, "recipient": f.recipient, "deals": len(f.deals), "total": f.total(measure),
             "unknown": f.unknown(measure), "ids": [d["id"] for d in f.deals]} for f in summed]


def without_widths(found: list[dict]) -> list[dict]:
    return [{k: v for k, v in f.items() if k != "width"} for f in found]


def listed(data_file: Path, *options: str) -> list[str]:
    result = CliRunner().invoke(app, ["list", "-d", str(data_file), "--format", "json", *options])
    if result.exit_code == 1 and "no routes match" in result.output:
        return []
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def flow_point(page, supplier: str, recipient: str) -> dict:
    """Where a flow's arc is on the page (its middle), after panning it to the middle of the map."""
    point = page.evaluate("""([s, r]) => {
        const api = Object.values(window.armsRoutes)[0];
        let p = api.flowPoint(s, r);
        api.map.setView(api.map.containerPointToLatLng([p.x, p.y]), api.map.getZoom(), {animate: false});
        p = api.flowPoint(s, r);
        const box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""", [supplier, recipient])
    frames(page)
    return point


def hover(page, point: dict) -> None:
    """Move the mouse onto a point, in two steps: Leaflet's canvas looks at the mouse at most every 32 ms."""
    page.mouse.move(point["x"] - 30, point["y"] - 30)
    page.wait_for_timeout(60)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(60)
    page.mouse.move(point["x"] + 0.5, point["y"])


def type_into(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")


def test_one_flow_is_drawn_per_pair_of_the_selection_and_the_curated_route_on_its_own(fresh, data_file):
    dataset = load_dataset([data_file])
    found = visible_flows(fresh)
    assert without_widths(found) == expected_flows(dataset)
    assert len(found) == 5 and sum(f["deals"] for f in found) == 9
    # the curated route is drawn one by one and is in no flow; visibleRoutes() lists only it
    assert fresh.evaluate("() => Object.values(window.armsRoutes)[0].visibleRoutes()") == [CURATED]
    assert all(CURATED not in f["ids"] for f in found)
    assert fresh.locator(".arms-routes-title .arms-routes-flow-count").inner_text() == "9 deals as 5 flows"


@pytest.mark.parametrize("options", [(), ("--flow-curve", "log"), ("--flow-width", "deals"),
                                     ("--flow-width", "units", "--flow-scale", "auto"),
                                     ("--flow-width", "tiv-order", "--flow-scale", "auto", "--flow-curve", "log")])
def test_widths_follow_the_measure_and_scale_as_routes_flows_draws_them(browser, data_file, options):
    page = browser.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:")) else r.abort())
    open_map(page, render(data_file, f"widths-{len(options)}-{'-'.join(options)}.html", *options))
    given = dict(zip(options[::2], options[1::2]))
    measure = given.get("--flow-width", flows.DEFAULT_MEASURE)
    dataset = load_dataset([data_file])
    summed = flows.aggregate(flows.split(dataset, True)[1])
    scale = flows.Scale.of(measure, given.get("--flow-curve", "sqrt"), auto=given.get("--flow-scale") == "auto",
                           flows=summed)
    found = visible_flows(page)
    assert without_widths(found) == expected_flows(dataset, measure)
    assert [f["width"] for f in found] == [scale.width(f["total"]) for f in found]
    # the page's rule is the library's for any total, not only these
    totals = [None, 0, 0.001, 0.5, 1, 2.5, 7.5, 10, 12.345, 99.99, 100, 1234.5, 4_999.95, 12_500, 49_999.99, 50_000,
              77_777.7, 10**9, 3, 4, 40, 400, 3.3, 16.875, 250.125]
    widths = page.evaluate("(totals) => totals.map(t => Object.values(window.armsRoutes)[0].flowWidth(t))", totals)
    assert widths == [scale.width(t) for t in totals]
    page.close()


def test_a_click_on_a_flow_opens_its_card_with_exactly_its_deals_each_linking_to_its_own_card(fresh, data_file):
    point = flow_point(fresh, "North Korea", "Iran")
    fresh.mouse.click(point["x"], point["y"])
    card = fresh.locator(".leaflet-popup .arms-routes-flow-card")
    card.wait_for()
    assert card.locator("h3").inner_text() == "North Korea → Iran"
    # by year, then designation: 2001, 2010, 2015, 2017
    assert card.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.deal)") == [
        "fx-d1", "fx-d2", "fx-d3", "fx-d9"]
    text = card.inner_text()
    assert "Deals (4)" in text and "4 deals" in text
    assert "57.5 million TIV (1 deal of 4 does not give it)" in text
    first = card.locator("tbody tr").first
    assert [c.inner_text() for c in first.locator("td").all()][:6] == [
        "Fixture RPG", "fixture weapon", "4?", "4", "2001", "2002; 2003?"]
    # each deal's own card, and back
    card.locator("tbody tr[data-deal='fx-d2']").get_by_role("button").click()
    deal = fresh.locator(".leaflet-popup .arms-routes-deal-card")
    deal.wait_for()
    assert deal.get_attribute("data-route") == "fx-d2"
    deal_text = deal.inner_text()
    assert "Route id\nfx-d2" in deal_text.replace("\t", "\n") and "Fixture RPG-B: North Korea → Iran" in deal_text
    assert deal.get_by_role("link", name="Fixture Arms Register").get_attribute("href") == "https://example.org/register"
    deal.get_by_role("button", name="← North Korea → Iran: all its deals").click()
    assert fresh.locator(".leaflet-popup .arms-routes-flow-card tbody tr").count() == 4


def test_a_flow_of_no_given_volume_is_drawn_at_the_least_width_and_its_card_says_why(fresh):
    found = {(f["supplier"], f["recipient"]): f for f in visible_flows(fresh)}
    assert found[("Syria", "Lebanon")]["total"] is None and found[("Syria", "Lebanon")]["width"] == flows.MIN_WIDTH
    assert found[("Iran", "Syria")]["total"] == 1000  # (one of its two deals gives 0)
    fresh.evaluate("() => { Object.values(window.armsRoutes)[0].openFlow('Syria', 'Lebanon'); }")
    text = fresh.locator(".leaflet-popup .arms-routes-flow-card").inner_text()
    assert f"{flows.MIN_WIDTH} px, the least width: no deal of it gives its SIPRI TIV of delivered weapons" in text


def test_the_width_legend_prints_the_reference_values_and_the_scale_in_words(fresh, data_file):
    scale = flows.Scale.of()
    legend = fresh.locator(".arms-routes-flow-legend")
    assert legend.is_visible()
    widths = legend.locator("[data-flow-width]").evaluate_all("rows => rows.map(r => Number(r.dataset.flowWidth))")
    assert widths == [w for _, w in scale.legend()] + [flows.MIN_WIDTH]
    text = legend.inner_text()
    for value, _ in scale.legend():
        assert f"{value:,.0f} million TIV" in text
    assert "fixed scale: the same widths on every map" in text and scale.describe() in text
    # the samples are drawn as wide as the flows of those values
    drawn = legend.locator("svg line").evaluate_all("lines => lines.map(l => Number(l.getAttribute('stroke-width')))")
    assert drawn[:len(scale.legend())] == [w for _, w in scale.legend()]


def test_an_auto_scale_says_so_in_its_legend(browser, data_file):
    page = browser.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:")) else r.abort())
    open_map(page, render(data_file, "auto.html", "--flow-scale", "auto"))
    text = page.locator(".arms-routes-flow-legend").inner_text()
    assert "auto scale: this map's widest flow is the widest" in text and "this map's widest flow" in text
    assert "1,000 million TIV" in text  # (the widest flow of this map: Iran → Syria)
    page.close()


def test_a_time_window_re_sums_the_flows(fresh, data_file):
    dataset = load_dataset([data_file])
    type_into(fresh, "From", "2010")
    type_into(fresh, "To", "2013")
    frames(fresh)
    window = select(dataset, Filters(since=2010, until=2013))
    assert without_widths(visible_flows(fresh)) == expected_flows(window)
    assert [(f["supplier"], f["recipient"], f["deals"]) for f in visible_flows(fresh)] == [
        ("Iran", "Syria", 1), ("North Korea", "Iran", 1), ("Iran", "North Korea", 1)]
    assert fresh.locator(".arms-routes-title .arms-routes-flow-count").inner_text() == "3 deals as 3 flows shown (of 9 deals)"
    # a step moves the window a year later: the flows follow
    fresh.get_by_role("button", name="Step forward a year").click()
    frames(fresh)
    assert without_widths(visible_flows(fresh)) == expected_flows(select(dataset, Filters(since=2011, until=2014)))
    assert fresh.get_by_role("button", name="Flows (3)").count() == 1


# What a reader sets in the panel, and the same filter as options of `list`.
COMBINATIONS = [
    ([("type", "Weapon system", "Fixture Rocket")], ["--weapon", "Fixture Rocket"]),
    ([("type", "Weapon system", "FX-7")], ["--weapon", "FX-7"]),
    ([("choose", "Category", "artillery-rockets")], ["--category", "artillery-rockets"]),
    ([("type", "Actor", "Syria")], ["--actor", "Syria"]),
    ([("type", "Actor", "korea, lebanon")], ["--actor", "korea", "--actor", "lebanon"]),
    ([("type", "From", "2012")], ["--since", "2012"]),
    ([("type", "To", "2005")], ["--until", "2005"]),
    ([("type", "From", "2016"), ("type", "To", "2016")], ["--since", "2016", "--until", "2016"]),
    ([("choose", "Kind", "arms")], ["--kind", "arms"]),
    ([("choose", "Minimum status", "corroborated")], ["--min-status", "corroborated"]),
    ([("type", "Weapon system", "FX-7"), ("type", "From", "2011")], ["--weapon", "FX-7", "--since", "2011"]),
]


@pytest.mark.parametrize("steps, options", COMBINATIONS, ids=[" ".join(o) for _, o in COMBINATIONS])
def test_the_flows_are_those_flows_aggregate_makes_of_list_with_the_same_filters(fresh, data_file, steps, options):
    for how, label, value in steps:
        if how == "type":
            type_into(fresh, label, value)
        else:
            fresh.get_by_label(label, exact=True).select_option(value)
    frames(fresh)
    dataset = load_dataset([data_file])
    ids = set(listed(data_file, *options))
    chosen = [r for r in dataset.routes if r["id"] in ids and flows.is_deal(r, dataset.sources)]
    expected = [(f.supplier, f.recipient, len(f.deals)) for f in flows.by_volume(flows.aggregate(chosen), "tiv-delivered")]
    found = visible_flows(fresh)
    assert [(f["supplier"], f["recipient"], f["deals"]) for f in found] == expected
    assert sorted(i for f in found for i in f["ids"]) == sorted(r["id"] for r in chosen)
    # (and the routes drawn one by one follow the same filters, as before)
    assert fresh.evaluate("() => Object.values(window.armsRoutes)[0].visibleRoutes()") == \
        [i for i in listed(data_file, *options) if i == CURATED]


def test_the_deals_not_placed_are_a_table_beside_the_map_never_lines(fresh):
    toggle = fresh.get_by_role("button", name="2 deals not on the map")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    table = fresh.locator("table.arms-routes-unplaced")
    assert table.is_visible()
    assert "2 deals not on the map" in table.locator("caption").inner_text()
    rows = [[c.inner_text() for c in row.locator("td").all()[:3]] for row in table.locator("tbody tr").all()]
    assert rows == [["unknown supplier(s)", "Iran", "supplier is unknown"],
                    ["Iran", "NATO", "recipient is a multinational organisation (NATO), not a place"]]
    found = visible_flows(fresh)
    assert not any(f["supplier"].startswith("unknown") or f["recipient"] == "NATO" for f in found)
    assert not any(i.startswith("fx-u") for f in found for i in f["ids"])
    toggle.click()
    assert not table.is_visible()


def test_curated_routes_are_drawn_on_top_of_the_flows_and_keep_their_own_card(fresh):
    stacking = fresh.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0];
        const flowsPane = api.flows.renderer._container.parentElement;
        const routesPane = api.renderer._container.parentElement;
        return {flows: Number(getComputedStyle(flowsPane).zIndex), routes: Number(getComputedStyle(routesPane).zIndex),
                siblings: flowsPane.parentElement === routesPane.parentElement};
    }""")
    assert stacking["siblings"] and stacking["flows"] < stacking["routes"]
    # a click on the curated route opens its own card, never a flow's
    point = fresh.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0];
        let p = api.routePoint('fx-claim');
        api.map.setView(api.map.containerPointToLatLng([p.x, p.y]), api.map.getZoom(), {animate: false});
        p = api.routePoint('fx-claim');
        const box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    frames(fresh)
    fresh.mouse.click(point["x"], point["y"])
    card = fresh.locator(".leaflet-popup .arms-routes-card")
    card.wait_for()
    assert card.get_attribute("data-route") == CURATED


def test_a_keyboard_reaches_every_flow_from_the_list_of_flows(fresh):
    toggle = fresh.get_by_role("button", name="Flows (5)")
    toggle.focus()
    fresh.keyboard.press("Enter")
    picks = fresh.locator(".arms-routes-trade-body .arms-routes-pick")
    assert picks.count() == 5
    assert picks.first.inner_text().startswith("Iran → Syria")  # the largest first
    picks.nth(1).focus()
    fresh.keyboard.press("Enter")
    card = fresh.locator(".leaflet-popup .arms-routes-flow-card")
    card.wait_for()
    assert card.locator("h3").inner_text() == "North Korea → Iran"


def test_a_flow_and_a_country_tell_their_totals_on_hover(fresh):
    point = flow_point(fresh, "Iran", "Syria")
    hover(fresh, point)
    tip = fresh.locator(".leaflet-tooltip.arms-routes-flow-tip")
    tip.wait_for()
    assert "Iran → Syria" in tip.inner_text() and "2 deals · 1,000 million TIV" in tip.inner_text()
    damascus = fresh.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0], p = api.map.latLngToContainerPoint([33.5138, 36.2913]);
        const box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    hover(fresh, damascus)
    fresh.wait_for_function("() => document.querySelector('.arms-routes-flow-tip').textContent.includes('Fixture Damascus')")
    text = tip.inner_text()
    assert "supplied: 1 deal to 1 recipient" in text and "received: 2 deals from 1 supplier, 1,000 million TIV" in text


def test_two_flow_maps_embedded_on_one_page_each_sum_their_own(browser, data_file, tmp_path):
    runner = CliRunner()
    parts = []
    for name, options in (("all.html", []), ("rockets.html", ["--weapon", "Fixture Rocket"])):
        out = tmp_path / name
        result = runner.invoke(app, ["render", "-d", str(data_file), "--flows", "--embed", "--offline", "-o", str(out),
                                     *options])
        assert result.exit_code == 0, result.output
        parts.append(out.read_text(encoding="utf-8"))
    page_file = tmp_path / "article.html"
    page_file.write_text("<!doctype html><html lang='en'><head><title>t</title></head><body>" + "".join(parts) +
                         "</body></html>", encoding="utf-8")
    page = browser.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:")) else r.abort())
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_file.resolve().as_uri())
    page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 2")
    frames(page)
    counts = page.evaluate("() => Object.values(window.armsRoutes).map(a => a.visibleFlows().map(f => f.deals))")
    assert sorted(counts, key=len) == [[2, 1], [2, 4, 1, 1, 1]]
    assert errors == []
    page.close()


def test_axe_finds_no_critical_violation_on_a_flow_map(fresh):
    from test_browser_access import axe_violations

    def critical(where: str) -> None:
        fresh.wait_for_timeout(300)  # (a card fades in for 200 ms: its text is measured once it is there)
        found = [v for v in axe_violations(fresh) if v["impact"] in ("critical", "serious")]
        assert found == [], f"{where}: {json.dumps(found, indent=1)}"

    critical("as it opens")
    fresh.get_by_role("button", name="Flows (5)").click()
    critical("the flows listed")
    fresh.evaluate("() => { Object.values(window.armsRoutes)[0].openFlow('North Korea', 'Iran'); }")
    fresh.locator(".leaflet-popup .arms-routes-flow-card").wait_for()
    critical("a flow's card open")
    fresh.locator(".leaflet-popup .arms-routes-deal-link").first.click()
    fresh.locator(".leaflet-popup .arms-routes-deal-card").wait_for()
    critical("a deal's card open")
    fresh.get_by_role("button", name="2 deals not on the map").click()
    critical("the deals not on the map tabled")


def test_a_flow_is_the_arc_the_png_and_svg_draw(fresh, data_file):
    from routes import model
    from routes.render.image import _bowed

    places = load_dataset([data_file]).places
    for supplier, recipient, a, b in (("North Korea", "Iran", "fx-nampo", "fx-bandar-abbas"),
                                      ("Iran", "North Korea", "fx-bandar-abbas", "fx-nampo"),
                                      ("Syria", "Lebanon", "fx-damascus", "fx-beirut")):
        line = fresh.evaluate("([s, r]) => Object.values(window.armsRoutes)[0].flowLine(s, r)", [supplier, recipient])
        expected = _bowed(model.waypoint(a, places), model.waypoint(b, places))
        assert len(line) == len(expected) >= 5
        assert all(abs(x - ex) < 1e-9 and abs(y - ey) < 1e-9 for (x, y), (ex, ey) in zip(line, expected))
    # the two ways of a pair lie apart: each bows to its own right
    there = fresh.evaluate("() => Object.values(window.armsRoutes)[0].flowLine('North Korea', 'Iran')")
    back = fresh.evaluate("() => Object.values(window.armsRoutes)[0].flowLine('Iran', 'North Korea')")
    middle = len(there) // 2
    assert abs(there[middle][1] - back[middle][1]) > 1  # degrees of latitude apart at the middle


def test_a_flows_card_follows_the_years(fresh):
    fresh.evaluate("() => { Object.values(window.armsRoutes)[0].openFlow('North Korea', 'Iran'); }")
    card = fresh.locator(".leaflet-popup .arms-routes-flow-card")
    card.wait_for()
    assert card.locator("tbody tr").count() == 4
    type_into(fresh, "From", "2010")
    frames(fresh)
    assert card.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.deal)") == ["fx-d2", "fx-d3", "fx-d9"]
    type_into(fresh, "From", "2019")  # (no deal of the pair is of those years: the card closes)
    fresh.wait_for_selector(".leaflet-popup", state="detached")
