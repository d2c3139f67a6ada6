"""One rule for which text becomes a link (routes.encode.link_url), and every output following it:
the map card (payload and the page in a browser), the HTML and Markdown reports, `show`, KML balloons."""

from __future__ import annotations

import copy
import html
import re

import pytest

from conftest import make_collection, make_route
from routes import report, summary
from routes.dataset import Dataset
from routes.encode import link_url
from routes.export import kml_document
from routes.gazetteer import Gazetteer, Place
from routes.render import render_map
from routes.render.payload import build_payload
from routes.weapons import Taxonomy

APOSTROPHE = "https://example.org/o'brien"
SPACED = "  https://example.org/spaced  "  # what a user pasted; the schema would refuse it, a Dataset need not
NOT_LINKS = ["javascript:alert(1)", "https://example.org\\@evil.example", "https://", "http://:80/x",
             "https://example.org/a b", "https://example.org/\u202egpj.exe", "//example.org", "data:text/html,x"]


def test_the_rule():
    assert link_url(APOSTROPHE) == APOSTROPHE
    assert link_url(SPACED) == "https://example.org/spaced"
    assert link_url("HTTP://Example.org/ä?q=1#x") == "HTTP://Example.org/ä?q=1#x"
    assert link_url("http://[::1]:8080/a") == "http://[::1]:8080/a"
    for bad in [*NOT_LINKS, "https://example.org:port/", "http://[::1/", None, 3, ""]:
        assert link_url(bad) is None, bad


def _dataset() -> Dataset:
    """Three sources: an address with an apostrophe, one with spaces around it, one that is no link."""
    collection = make_collection([make_route("fx-linked", evidence=[
        {"source": "fx-a", "claim": "Claim A.", "stance": "supports", "credibility": 2},
        {"source": "fx-b", "claim": "Claim B.", "stance": "supports", "credibility": 2},
        {"source": "fx-c", "claim": "Claim C.", "stance": "supports", "credibility": 2}])])
    base = {"author": None, "publisher": "Fixture Daily", "published": "2023", "kind": "news", "reliability": "B",
            "derived_from": []}
    sources = {"fx-a": base | {"title": "Apostrophe", "url": APOSTROPHE},
               "fx-b": base | {"title": "Spaced", "url": SPACED},
               "fx-c": base | {"title": "Backslash", "url": NOT_LINKS[1]}}
    places = Gazetteer(Place.from_feature(f) for f in collection["places"])
    return Dataset(collection["features"], sources, Taxonomy(copy.deepcopy(collection["weapons"])), places)


LINKS = [APOSTROPHE, "https://example.org/spaced"]


def test_the_map_card_carries_only_addresses_that_are_links():
    sources = build_payload(_dataset())["sources"]
    assert [sources[s]["url"] for s in ("fx-a", "fx-b", "fx-c")] == [*LINKS, None]
    assert sources["fx-c"]["url_text"] == NOT_LINKS[1] and sources["fx-a"]["url_text"] is None


def test_the_reports_link_the_same_addresses(tmp_path):
    content = report.build(_dataset())
    page = report.as_html(content)
    hrefs = [html.unescape(h) for h in re.findall(r'<a href="(http[^"]*)"', page)]
    assert hrefs == LINKS
    assert html.escape(NOT_LINKS[1]) + " (not an http(s) link)" in page
    markdown = report.as_markdown(content)
    targets = re.findall(r"\]\((http[^)]*)\)", markdown)
    assert targets == LINKS  # the apostrophe is kept, not made %27


def test_show_and_kml_link_the_same_addresses():
    dataset = _dataset()
    card = summary.route_card(dataset.routes[0], dataset)
    assert f"<{APOSTROPHE}>" in card and "<https://example.org/spaced>" in card
    assert f"(address, not a web link: {NOT_LINKS[1]})" in card
    kml = kml_document(dataset).decode("utf-8")
    balloon = html.unescape(re.search(r"<description>(Route fx-linked.*?)</description>", kml, re.S).group(1))
    assert re.findall(r'<a href="([^"]*)"', balloon) == [html.escape(u, quote=True) for u in LINKS]
    assert "not a web link: " + html.escape(NOT_LINKS[1]) in balloon


def test_a_claim_that_looks_like_a_source_line_links_nothing_in_kml():
    dataset = _dataset()
    dataset.routes[0]["properties"]["evidence"][0]["claim"] = f"x\nsource: fake <{APOSTROPHE}>"
    dataset.routes[0]["properties"]["notes"] = f"source: fake <{APOSTROPHE}>"
    kml = html.unescape(kml_document(dataset).decode("utf-8"))
    assert kml.count("<a href=") == 2  # the two sources' lines, not the claim or the notes


@pytest.mark.parametrize("url", [APOSTROPHE, SPACED])
def test_the_map_links_what_the_report_links(page, tmp_path, url):
    dataset = _dataset()
    dataset.sources["fx-a"]["url"] = url
    path = render_map(dataset.with_routes(dataset.routes), tmp_path / "map.html", offline=True)
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 1")
    page.evaluate("() => { const api = Object.values(window.armsRoutes)[0]; api.openCard('fx-linked', api.map.getCenter()); }")
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    card = page.locator(".leaflet-popup .arms-routes-card")
    hrefs = [card.locator("a").nth(i).get_attribute("href") for i in range(card.locator("a").count())]
    assert hrefs == [link_url(url), "https://example.org/spaced"]
    assert "address (not a web link): " + NOT_LINKS[1] in card.inner_text()
    assert page.errors == []
