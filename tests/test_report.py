"""routes.report: footnotes numbered by first citation, one bibliography entry per source, hostile text escaped."""

from __future__ import annotations

import copy
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from conftest import make_collection, make_route, place_feature
from routes import model, report, style
from routes.dataset import load_dataset
from routes.errors import UsageError
from routes.select import Filters

HOSTILE_CLAIM = 'Seen <script>alert("x")</script> | *loud* _quiet_ [click](javascript:alert(1)) `code` ![i](http://x/i.png)'
HOSTILE_TITLE = "<img src=x onerror=alert(1)> Analysis | [x](javascript:void(0))"


def sources():
    base = copy.deepcopy(make_collection()["sources"])
    base["fx-court"] = {"title": HOSTILE_TITLE, "author": "J. <b>Judge</b>", "publisher": "Fixture Court",
                        "published": "2022-05-01", "url": "https://example.org/court", "kind": "court",
                        "reliability": "A", "derived_from": []}
    base["fx-uncited"] = {"title": "Not cited here", "author": None, "publisher": None, "published": None,
                          "url": "https://example.org/uncited", "kind": "other", "reliability": "F",
                          "derived_from": []}
    return base


@pytest.fixture
def dataset(write_dataset):
    first = make_route("fx-first", evidence=[
        {"source": "fx-analysis", "claim": "Analysts traced the crates.", "stance": "supports", "credibility": 3},
        {"source": "fx-news", "claim": HOSTILE_CLAIM, "stance": "supports", "credibility": 2,
         "quote": "They came <i>by sea</i>."},
    ])
    second = make_route("fx-second", waypoints=("fx-bandar-abbas", "fx-damascus", "fx-beirut"), weapons=["fx-rocket"],
                        recipient="Hezbollah", name="Second | route <u>", evidence=[
        {"source": "fx-news", "claim": "Reported again.", "stance": "supports", "credibility": 3},
        {"source": "fx-court", "claim": "The court found no shipment.", "stance": "disputes", "credibility": 2,
         "said_by": "Presiding *judge*"},
        {"source": "fx-analysis", "claim": "Denied by the ministry.", "stance": "disputes", "credibility": 4},
    ])
    dataset = load_dataset([write_dataset(make_collection([first, second], sources=sources()))])
    # validation refuses such a URL in a file; a report must stay safe for data built in memory too
    dataset.sources["fx-court"]["url"] = "javascript:alert(document.cookie)"
    return dataset


def test_sources_are_numbered_in_order_of_first_citation(dataset):
    content = report.build(dataset)
    assert [(s.number, s.id) for s in content.sources] == [(1, "fx-analysis"), (2, "fx-news"), (3, "fx-court")]
    footnotes = [(c.route_id, c.footnote) for r in content.routes for c in r.claims]
    assert footnotes == [("fx-first", 1), ("fx-first", 2), ("fx-second", 2), ("fx-second", 3), ("fx-second", 1)]


def test_disputing_statements_say_who_said_what(dataset):
    disputes = report.build(dataset).disputes
    assert [(d.route_id, d.claim, d.footnote) for d in disputes] == [
        ("fx-second", "The court found no shipment.", 3), ("fx-second", "Denied by the ministry.", 1)]


def test_only_http_links_are_links():
    # (the rule is routes.encode.link_url, shared with the map, show and KML: tests/test_links.py)
    assert report._html_link("https://example.org/a?b=1&c") == (
        '<a href="https://example.org/a?b=1&amp;c" rel="noopener noreferrer">https://example.org/a?b=1&amp;c</a>')
    assert report._md_link("HTTP://example.org/(x)") == "[HTTP://example.org/(x)](HTTP://example.org/%28x%29)"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//example.org", "https://", "file:///etc/passwd"):
        assert report._html_link(bad).endswith("(not an http(s) link)")
    assert report._html_link(None) == "no URL"


class Page(HTMLParser):
    """What a browser would build from the HTML: tags, links, and the text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "a":
            self.links.append(attrs.get("href"))
        if attrs.get("id"):
            self.ids.append(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_self_contained_with_every_section(dataset, tmp_path):
    out = tmp_path / "report.html"
    written = report.write_report(dataset, out, filters=Filters(weapons=("FX-7", "fx-rocket")), title="Fixture report",
                                  today=date(2025, 1, 2))
    assert written == [out]
    page = Page(out.read_text(encoding="utf-8"))
    text = " ".join("".join(page.text).split())
    for heading in ("Map", "Routes", "Evidence by route", "Disputing statements", "Sources"):
        assert heading in text
    assert "Selection: weapon Fixture RPG or Fixture Rocket (2 routes)" in text
    assert "Generated by arms-routes" in text and "on 2025-01-02" in text
    assert "svg" in page.tags and "script" not in page.tags
    assert "North Korea → Iran → Hezbollah" in text
    assert "reported (disputed)" in text


def test_html_footnotes_point_into_the_bibliography(dataset, tmp_path):
    out = tmp_path / "report.html"
    report.write_report(dataset, out, include_map=False)
    html_text = out.read_text(encoding="utf-8")
    page = Page(html_text)
    cited = [href for href in page.links if href.startswith("#source-")]
    assert cited == ["#source-1", "#source-2", "#source-2", "#source-3", "#source-1",  # claims by route
                     "#source-3", "#source-1"]  # disputing statements
    assert [i for i in page.ids if i.startswith("source-")] == ["source-1", "source-2", "source-3"]
    assert "Not cited here" not in html_text
    assert "svg" not in page.tags


def test_html_escapes_everything_and_links_only_http(dataset, tmp_path):
    out = tmp_path / "report.html"
    report.write_report(dataset, out, include_map=False)
    html_text = out.read_text(encoding="utf-8")
    page = Page(html_text)
    assert not {"script", "img", "i", "b", "u"} & set(page.tags)
    assert all(href.startswith(("#", "https://", "http://")) for href in page.links)
    assert "https://example.org/report" in page.links
    text = "".join(page.text)
    assert HOSTILE_CLAIM in text
    assert HOSTILE_TITLE in text
    assert "javascript:alert(document.cookie) (not an http(s) link)" in text
    assert "Content-Security-Policy" in html_text


def test_html_map_is_inline_svg_without_prolog(dataset, tmp_path):
    out = tmp_path / "report.html"
    report.write_report(dataset, out)
    html_text = out.read_text(encoding="utf-8")
    assert "<?xml" not in html_text and "<!DOCTYPE svg" not in html_text
    assert re.search(r'<svg [^>]*role="img"', html_text)
    assert "Evidence status (line pattern)" in html_text


def test_markdown_has_the_same_content_and_a_map_beside_it(dataset, tmp_path):
    out = tmp_path / "report.md"
    written = report.write_report(dataset, out, title="Fixture report")
    assert written == [out, tmp_path / "report-map.png"]
    assert (tmp_path / "report-map.png").read_bytes()[:4] == b"\x89PNG"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Fixture report\n")
    assert "![Map of the selected routes](report-map.png)" in text
    for heading in ("## Routes", "## Evidence by route", "## Disputing statements", "## Sources"):
        assert heading in text
    sources = re.findall(r"^(\d+)\. .*\(`([a-z0-9-]+)`\)$", text.split("## Sources")[1], re.M)
    assert sources == [("1", "fx-analysis"), ("2", "fx-news"), ("3", "fx-court")]
    assert "**disputed by Presiding \\*judge\\***" in text


def test_markdown_without_map(dataset, tmp_path):
    out = tmp_path / "report.md"
    assert report.write_report(dataset, out, include_map=False) == [out]
    assert "## Map" not in out.read_text(encoding="utf-8")
    assert not (tmp_path / "report-map.png").exists()


def test_markdown_escapes_data_so_it_cannot_inject(dataset, tmp_path):
    markdown_it = pytest.importorskip("markdown_it")
    out = tmp_path / "report.md"
    report.write_report(dataset, out, include_map=False)
    text = out.read_text(encoding="utf-8")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
    page = Page(rendered)
    assert not {"script", "img", "i", "b", "u", "del"} & set(page.tags)
    assert page.tags.count("em") == 3, "only the three source titles are in italics"
    assert page.tags.count("strong") == 4, "only 'Disputes' (twice) and who disputes (twice) are bold"
    assert all(href.startswith(("http://", "https://")) for href in page.links)
    assert "https://example.org/report" in page.links
    shown = "".join(page.text)
    assert HOSTILE_CLAIM in shown
    assert HOSTILE_TITLE in shown
    table = rendered.split("<table>")[1].split("</table>")[0]
    assert table.count("<tr>") == 3, "a | in a route name must not split the table"


def test_md_escape_keeps_text_readable():
    assert report.md_escape("U.S. said: 5-10 rockets (approx.)") == "U.S. said: 5-10 rockets (approx.)"
    assert report.md_escape("a|b *c* _d_ [e] <f> `g` ~h~ $i") == r"a\|b \*c\* \_d\_ \[e\] \<f\> \`g\` \~h\~ \$i"
    assert report.md_escape("two\nlines\n# heading") == "two lines # heading"


def test_unknown_suffix_is_a_usage_error(dataset, tmp_path):
    with pytest.raises(UsageError, match=r"\.html or \.md"):
        report.write_report(dataset, tmp_path / "report.pdf")
    assert list(tmp_path.iterdir()) == [tmp_path / "routes.geojson"]


# -- honest uncertainty: a report says no more than the sources do ----------------------------------------

IRAN = {"place": "fx-bandar-abbas", "stand_in": True, "stands_for": "Iran", "precision": "country"}
SUDAN = {"place": "fx-port-sudan", "stand_in": True, "stands_for": "Sudan", "precision": "country"}
CAVEAT = "The printed date is only the page's display date; <b>published</b> is left null."
LEG_NOTE = "No source names the route | *nor* the <i>ports</i>."


def with_waypoints(route, waypoints):
    route["properties"]["waypoints"] = list(waypoints)
    route["geometry"] = None
    return route


@pytest.fixture
def honest(write_dataset):
    shipment = with_waypoints(make_route(
        "fx-honest", waypoints=("fx-nampo", "fx-bandar-abbas", "fx-port-sudan"), name="Honest shipment",
        legs=[{"mode": "unknown", "note": LEG_NOTE}, {"mode": "sea", "path": "documented", "passages": ["Bab-el-Mandeb"]}],
        period={"start": {"year": 1999, "approximate": True}, "end": {"year": 1999, "approximate": True}},
        outcome="attempted", notes="Route notes: the 1999 date is approximate.", evidence=[
            {"source": "fx-news", "claim": "Crates crossed the Red Sea.", "stance": "supports", "credibility": 3,
             "legs": [1], "weapons": ["fx-rpg"], "note": "Only the sea leg is described."},
            {"source": "fx-analysis", "claim": "Analysts saw the crates.", "stance": "supports", "credibility": 3},
            {"source": "fx-news", "claim": "Pyongyang called it a fabrication.", "stance": "disputes",
             "credibility": 4, "dispute": "denial", "said_by": "North Korea"},
            {"source": "fx-analysis", "claim": "Could not confirm the shipment.", "stance": "disputes",
             "credibility": 4, "dispute": "non-confirmation", "said_by": "John Kirby"},
        ]), ["fx-nampo", IRAN, "fx-port-sudan"])
    payment = with_waypoints(make_route("fx-payment", waypoints=("fx-gaza", "fx-pyongyang"), kind="payment",
                                        weapons=[], legs=[{"mode": "unknown"}], outcome="delivered",
                                        period={"start": None, "end": None}), ["fx-gaza", "fx-pyongyang"])
    stopped = with_waypoints(make_route("fx-stopped", waypoints=("fx-nampo", "fx-rafah"), legs=[{"mode": "sea"}],
                                        outcome="interdicted", interdicted={**SUDAN, "date": "2014", "note": "seized"}),
                             ["fx-nampo", "fx-rafah"])
    stopped["properties"]["intended_waypoints"] = [IRAN]
    collection = make_collection([shipment, payment, stopped])
    collection["sources"]["fx-news"]["note"] = CAVEAT
    collection["places"].append(place_feature("fx-syr", "Fixture Syria", "SYR", "country", 38.5, 35.0, []))
    return load_dataset([write_dataset(collection)])


STAND_IN_IRAN = "≈ Iran — stand-in for Iran: the sources name only the country (drawn at Fixture Bandar Abbas)"


def test_a_route_entry_says_what_the_sources_give(honest):
    entry = report.build(honest).routes[0]
    assert entry.path == ["Fixture Nampo", "≈ Iran", "Fixture Port Sudan"]
    assert entry.places == [STAND_IN_IRAN]
    assert entry.legs == [
        f"Fixture Nampo → ≈ Iran: mode not reported; {model.PATH_LABELS['schematic']}. Note: {LEG_NOTE}",
        f"≈ Iran → Fixture Port Sudan: by sea; {model.PATH_LABELS['documented']}; through Bab-el-Mandeb.",
    ]
    assert entry.period == "c. 1999"
    assert entry.outcome_text == "attempted: not reported delivered"
    assert entry.status_text == "reported (by a credible outlet or official, not corroborated); disputed"
    assert entry.independence_text == ("2 independent supporting sources "
                                       "(enough for corroborated; the dataset grades it reported)")
    first = entry.claims[0]
    assert first.about == "the leg ≈ Iran → Fixture Port Sudan; Fixture RPG"
    assert entry.claims[1].about is None
    assert first.note == "Only the sea leg is described."


def test_interdiction_and_intended_places_say_what_they_stand_for(honest):
    entry = report.build(honest).routes[2]
    assert entry.interdicted == "at ≈ Sudan, 2014 (seized)"
    assert entry.intended == ["≈ Iran"]
    assert entry.places == ["≈ Sudan — stand-in for Sudan: the sources name only the country "
                            "(drawn at Fixture Port Sudan)", STAND_IN_IRAN]


def test_status_words_never_contradict_the_count(honest):
    entries = report.build(honest).routes
    assert entries[1].independence_text == "1 independent supporting source"
    assert entries[1].kind_text == style.KIND_WORDS["payment"]
    assert entries[1].outcome_text == "delivered: the sources report a delivery"
    entries[1].status = "corroborated"  # (validation refuses this in a file; data built in memory may have it)
    assert entries[1].independence_text == "1 independent supporting source (corroborated needs two)"
    for entry in entries:
        assert "one credible underlying source" not in entry.status_text
        meaning = style.STATUS_LABELS[entry.status].split(": ", 1)[1]
        assert meaning in entry.status_text


def test_html_report_carries_places_legs_disputes_and_caveats(honest, tmp_path):
    out = tmp_path / "report.html"
    report.write_report(honest, out, filters=Filters(since=1995))
    page = Page(out.read_text(encoding="utf-8"))
    assert not {"script", "b", "i"} & set(page.tags)
    text = " ".join("".join(page.text).split())
    for expected in (
        "Path: Fixture Nampo → ≈ Iran → Fixture Port Sudan", STAND_IN_IRAN, LEG_NOTE, "mode not reported",
        model.PATH_LABELS["schematic"], model.PATH_LABELS["documented"], "through Bab-el-Mandeb",
        "Period: c. 1999", f"Kind: {style.KIND_WORDS['arms']}",
        "Outcome: attempted: not reported delivered", f"Kind: {style.KIND_WORDS['payment']}",
        "Status: reported (by a credible outlet or official, not corroborated); disputed",
        "Evidence: 2 independent supporting sources", "Notes: Route notes: the 1999 date is approximate.",
        "Speaks to: the leg ≈ Iran → Fixture Port Sudan; Fixture RPG", "Note: Only the sea leg is described.",
        "Disputes (denied by North Korea)", "Disputes (not confirmed by John Kirby)",
        "denied by North Korea: Pyongyang called it a fabrication.",
        "Interdicted: at ≈ Sudan, 2014 (seized)", "Reportedly headed for: ≈ Iran",
        f"Caveat: {CAVEAT}", "the time filter let through 1 route of unknown date",
    ):
        assert expected in text, expected
    # the map inline draws the stand-in as the report names it
    assert "≈ Iran" in out.read_text(encoding="utf-8").split("<figure>")[1].split("</figure>")[0]


def test_markdown_report_carries_the_same_and_stays_escaped(honest, tmp_path):
    markdown_it = pytest.importorskip("markdown_it")
    out = tmp_path / "report.md"
    report.write_report(honest, out, include_map=False)
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(out.read_text(encoding="utf-8"))
    page = Page(rendered)
    assert not {"script", "b", "i"} & set(page.tags)
    assert page.tags.count("em") == 2, "only the two source titles are in italics"
    text = " ".join("".join(page.text).split())
    for expected in (
        "Path: Fixture Nampo → ≈ Iran → Fixture Port Sudan", STAND_IN_IRAN, LEG_NOTE, "Period: c. 1999",
        "grade B3: Crates crossed the Red Sea. [1] Speaks to: the leg ≈ Iran → Fixture Port Sudan; Fixture RPG.",
        "Outcome: attempted: not reported delivered", "Notes: Route notes: the 1999 date is approximate.",
        "Disputes (denied by North Korea)", "not confirmed by John Kirby", "Note: Only the sea leg is described.",
        f"Caveat: {CAVEAT}", "Interdicted: at ≈ Sudan, 2014 (seized)",
    ):
        assert expected in text, expected
    legs = rendered.split("<p>Legs:</p>")[1].split("</ol>")[0]
    assert legs.count("<li>") == 2


def test_a_dispute_without_a_speaker_names_its_source(write_dataset):
    route = make_route("fx-quiet", evidence=[
        {"source": "fx-news", "claim": "Seen.", "stance": "supports", "credibility": 3},
        {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes", "credibility": 4, "dispute": "denial"},
        {"source": "fx-analysis", "claim": "Doubted.", "stance": "disputes", "credibility": 4}])
    content = report.build(load_dataset([write_dataset(make_collection([route]))]))
    by_number = {s.number: s for s in content.sources}
    assert [report._disputed_by(c, by_number) for c in content.disputes] == [
        "a denial, reported by A. Analyst", "disputed by A. Analyst"]


def test_a_country_the_sources_name_is_described_as_coarse(write_dataset):
    route = make_route("fx-country", waypoints=("fx-nampo", "fx-damascus"), legs=[{"mode": "air"}])
    route["properties"]["waypoints"], route["geometry"] = ["fx-nampo", "fx-syr"], None
    collection = make_collection([route])
    collection["places"].append(place_feature("fx-syr", "Fixture Syria", "SYR", "country", 38.5, 35.0, []))
    entry = report.build(load_dataset([write_dataset(collection)])).routes[0]
    assert entry.path == ["Fixture Nampo", "Fixture Syria"]
    assert entry.places == ["Fixture Syria: the sources name only the country; drawn at a representative point"]


@pytest.mark.parametrize("legs, weapons, expected", [
    ([0], [], "the leg Fixture Nampo → Fixture Bandar Abbas"),
    ([0, 1], ["fx-rpg"], "every leg; Fixture RPG"),
    ([1, 7], [], "the legs Fixture Bandar Abbas → Fixture Port Sudan, leg 7"),
    ([], [], None),
])
def test_what_an_evidence_item_speaks_to(write_dataset, legs, weapons, expected):
    dataset = load_dataset([write_dataset(make_collection([make_route("fx-about")]))])
    # (set in memory: validation refuses a leg that is not there, data built in memory may have one)
    dataset.routes[0]["properties"]["evidence"][0].update(legs=legs, weapons=weapons)
    assert report.build(dataset).routes[0].claims[0].about == expected


# -- documented trade: flows, their deals, and the deals that could not be placed ---------------------
REGISTER = {"fx-register": {"title": "Fixture register", "author": None, "publisher": "Fixture Institute",
                            "published": "2026", "url": None, "kind": "dataset", "reliability": "B",
                            "derived_from": []}}


def deal(route_id, waypoints=("fx-nampo", "fx-bandar-abbas"), tiv=None, units=None, start=2000, end=2001,
         comments="A deal."):
    return make_route(route_id, waypoints=waypoints, legs=[{"mode": "unknown"}], period={"start": start, "end": end},
                      notes="A summary.", sipri={"designation": route_id.upper(), "description": "tank",
                                                 "number_ordered": units, "number_delivered": units,
                                                 "delivery_years": [end], "uncertain": ["number_ordered"],
                                                 "tiv": {"delivered": tiv, "total_order": tiv}},
                      evidence=[{"source": "fx-register", "claim": comments, "stance": "supports", "credibility": 2}])


def no_place(deal_id, reason="supplier is unknown", comments="Probably second-hand"):
    return {"id": deal_id, "supplier": "unknown supplier(s)", "recipient": "Fixture Iran", "weapons": ["fx-rpg"],
            "period": {"start": 2007, "end": 2008}, "reason": reason, "source": "fx-register",
            "sipri": {"designation": "Mi-17", "description": "transport helicopter", "number_ordered": 6,
                      "order_year": 2007, "uncertain": ["order_year"], "delivery_years": [2008],
                      "tiv": {"delivered": 17.4, "total_order": 17.4}, "status": "Second hand", "comments": comments}}


@pytest.fixture
def trade(write_dataset):
    curated = make_route("fx-claim", waypoints=("fx-nampo", "fx-bandar-abbas"), name="The claim")
    routes = [deal("fx-d1", tiv=100, units=10), deal("fx-d2", tiv=300, units=None, start=1999),
              deal("fx-d3", ("fx-nampo", "fx-damascus"), units=200, comments=HOSTILE_CLAIM),
              deal("fx-d4", ("fx-bandar-abbas", "fx-nampo"), tiv=50, units=1), curated]
    doc = make_collection(routes, {**REGISTER, **copy.deepcopy(make_collection()["sources"])})
    doc["unplaced"] = [no_place("fx-u1"), no_place("fx-u2", "recipient is a multinational organisation (NATO), "
                                                            "not a place", comments=HOSTILE_CLAIM)]
    return load_dataset([write_dataset(doc)])


def rows_of(page: str, cls: str) -> list[list[str]]:
    """The cells of each body row of the table of a class, as a reader sees them (entities decoded)."""
    import html as html_module

    table = re.search(rf'<table class="{cls}">(.*?)</table>', page, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    return [[html_module.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_report_sums_the_deals_into_one_row_per_flow_sorted_by_the_measure(trade):
    content = report.build(trade, flows=True)
    flows = content.trade.flows
    assert [(f.supplier, f.recipient, f.deals) for f in flows] == [
        ("North Korea", "Hamas", 2), ("North Korea", "Hamas", 1), ("North Korea", "Hamas", 1)]
    assert [f.totals[0] for f in flows] == [("tiv-delivered", 400, 0), ("tiv-delivered", 50, 0),
                                            ("tiv-delivered", None, 1)]
    assert flows[0].period == "1999–2001"
    assert [r.id for r in flows[0].rows] == ["fx-d1", "fx-d2"]  # its deals, exactly, in the order of the data
    assert [r.id for r in content.routes] == ["fx-claim"]  # the curated route keeps its own section
    by_units = report.build(trade, flows={"enabled": True, "measure": "units"}).trade
    assert [f.totals[2][1] for f in by_units.flows] == [200, 10, 1]
    assert by_units.sorted_by == "number of units delivered"


def test_html_report_tables_flows_deals_and_the_deals_that_could_not_be_placed(trade, tmp_path):
    page = (report.write_report(trade, tmp_path / "r.html", flows=True)[0]).read_text(encoding="utf-8")
    assert rows_of(page, "trade") == [
        ["North Korea → Hamas", "2", "400.0", "400.0", "10 (1 deal not given)", "1999–2001"],
        ["North Korea → Hamas", "1", "50.0", "50.0", "1", "2000–2001"],
        ["North Korea → Hamas", "1", "not given", "not given", "200", "2000–2001"]]
    deals = rows_of(page, "deals")
    assert len(deals) == 4 and [d[-1] for d in deals] == ["fx-d1", "fx-d2", "fx-d4", "fx-d3"]
    assert deals[0][1:7] == ["FX-D1 (tank)", "Anti-tank weapons", "10?", "10", "", "2001"]  # SIPRI's "?" kept
    assert deals[3][10] == HOSTILE_CLAIM  # comments, as written, escaped
    unplaced = rows_of(page, "unplaced")
    assert [(u[0], u[1], u[-1]) for u in unplaced] == [
        ("unknown supplier(s)", "Fixture Iran", "supplier is unknown"),
        ("unknown supplier(s)", "Fixture Iran", "recipient is a multinational organisation (NATO), not a place")]
    assert unplaced[0][2:8] == ["Mi-17 (transport helicopter)", "Anti-tank weapons", "6", "", "2007?", "2008"]
    assert "<script>" not in page and 'id="trade"' in page and 'id="unplaced"' in page
    assert 'id="route-fx-claim"' in page and 'id="route-fx-d1"' not in page  # no evidence section per deal
    assert "Selection: all routes (4 documented deals in 3 flows; 1 route one by one; 2 deals that could not be " \
           "placed)" in page
    assert '<g id="flows">' in page  # the map draws the same flows
    footnote = next(s.number for s in report.build(trade, flows=True).sources if s.id == "fx-register")
    assert f'<a href="#source-{footnote}">' in page.split('id="trade"')[1].split("</p>")[0]


def test_a_large_selection_says_how_many_deals_each_flow_sums_instead_of_listing_them(trade, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.setattr(report, "MAX_LISTED_DEALS", 3)
    page = (report.write_report(trade, tmp_path / "r.html", flows=True)[0]).read_text(encoding="utf-8")
    assert len(rows_of(page, "trade")) == 3 and 'class="deals"' not in page
    assert "The 4 deals are not listed one by one: a report lists them for a selection of at most 3 deals." in page
    monkeypatch.setattr(report, "MAX_UNPLACED_ROWS", 1)
    page = (report.write_report(trade, tmp_path / "r.html", flows=True)[0]).read_text(encoding="utf-8")
    assert len(rows_of(page, "unplaced")) == 1 and "The first 1 are listed" in page


def test_markdown_report_has_the_same_tables_escaped(trade, tmp_path):
    written = report.write_report(trade, tmp_path / "r.md", flows=True, include_map=False)
    text = written[0].read_text(encoding="utf-8")
    assert "## Documented trade" in text and "## Deals that could not be placed" in text
    assert "| North Korea → Hamas | 2 | 400.0 | 400.0 | 10 (1 deal not given) | 1999–2001 |" in text
    assert text.count("| unknown supplier(s) | Fixture Iran |") == 2
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
    page = Page(rendered)
    assert not {"script", "img", "i", "b", "u", "del"} & set(page.tags)
    assert all(href.startswith(("http://", "https://")) for href in page.links)
    assert HOSTILE_CLAIM in "".join(page.text)
    tables = rendered.split("<table>")[1:]
    # routes, flows, deals, unplaced: a | in a comment does not split a row
    assert [t.split("</table>")[0].count("<tr>") for t in tables] == [2, 4, 5, 3]


def test_without_flows_every_deal_is_a_route_with_its_evidence(trade, tmp_path):
    content = report.build(trade, flows=False)
    assert content.trade is None and len(content.routes) == 5
    assert content.unplaced_total == 2  # (the deals that could not be placed are tabled all the same)


def test_a_selection_of_deals_only_says_so_where_the_routes_would_be(trade, tmp_path):
    deals = trade.select(route=["fx-d1", "fx-d4"])
    page = report.write_report(deals, tmp_path / "r.html", flows=True, include_map=False)[0].read_text(encoding="utf-8")
    routes = page.split('<h2 id="routes">Routes</h2>')[1].split("<h2")[0]
    assert "<table" not in routes and "Every route of this selection is a deal of a dataset source" in routes
    assert 'id="evidence"' not in page and len(rows_of(page, "trade")) == 2
    text = report.write_report(deals, tmp_path / "r.md", flows=True, include_map=False)[0].read_text(encoding="utf-8")
    assert "| Route | Weapons |" not in text and "## Evidence by route" not in text
