"""Evidence reports: the map, a table of routes, every claim with its footnote, the sources, the disputes.

One self-contained HTML file (the map inline as SVG, no scripts) or Markdown (the map as a PNG beside it),
plain enough to paste into an analyst's own report. Every claim carries a footnote [n] that points to
source n of the numbered bibliography; sources are numbered in the order they are first cited.
A report says no more than the sources do: each place the sources do not name exactly says what it
stands for, each leg its mode and how much of its path the sources give, each route its kind, outcome,
period ("c. 1999") and status in words beside its count of independent sources, each disputing item
who disputes and how, each source its caveats.
Everything that comes from the data is escaped; only http(s) URLs become links.

Documented trade (the deals of a dataset source, such as a SIPRI import) is reported as the map draws
it (routes.flows): a table of flows, one row per supplier → recipient pair with its deals counted and
summed, its deals listed one by one only in a selection of at most `MAX_LISTED_DEALS` deals; and a
table of the deals that could not be placed. Curated routes keep their evidence sections.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

from . import __version__, model, style
from .dataset import Dataset, refuse_input, write_all_atomic, write_atomic
from .encode import link_url
from .errors import UsageError
from .summary import data_file_name
from .text import noun, plural

REPORT_FORMATS = (".html", ".md")
DEFAULT_TITLE = "Arms-transfer routes: evidence report"
SOURCE_KINDS = {
    "news": "news report", "analysis": "analysis", "official": "official statement", "court": "court record",
    "un_report": "UN report", "dataset": "dataset", "other": "other",
}
# What moved, what became of it, and how, in words (the kinds as docs/data-model.md defines them).
KIND_TEXT = style.KIND_WORDS  # (one wording for cards, reports and legends)
OUTCOME_TEXT = model.OUTCOME_LABELS
MODE_TEXT = model.MODE_LABELS
# A report lists the deals of its flows one by one up to this many (a SIPRI import holds 30,000):
# past it, each flow says how many deals it sums, and the reader selects fewer or exports them.
MAX_LISTED_DEALS = 500
MAX_UNPLACED_ROWS = 2000  # rows of the table of deals that could not be placed; the rest are counted
# The totals of each flow, in the order of the table's columns: (measure, heading, decimals).
TRADE_COLUMNS = (("tiv-delivered", "TIV of deliveries (million)", 1), ("tiv-order", "TIV of orders (million)", 1),
                 ("units", "Units delivered", 0))


def report_format(output: Path) -> str:
    """The report format a file name asks for, or a `UsageError` listing the suffixes we write."""
    suffix = Path(output).suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise UsageError(f"cannot write a report as {Path(output).name!r}: the file name must end in "
                         f"{' or '.join(REPORT_FORMATS)}")
    return suffix


def map_file_for(output: Path) -> Path:
    """Where a Markdown report's map image goes: beside it, e.g. report.md -> report-map.png."""
    output = Path(output)
    return output.with_name(f"{output.stem}-map.png")


def write_report(
    dataset: Dataset,
    output: Path,
    *,
    filters=None,
    title: str | None = None,
    include_map: bool = True,
    today: date | None = None,
    flows=None,
) -> list[Path]:
    """Write the evidence report for a selection, as `arms-routes report` does.

    Parameters
    ----------
    dataset : Dataset
        A dataset or a selection; its description heads the report.
    output : Path
        .html (one self-contained page, its map inline) or .md (its map a PNG beside it, `map_file_for`).
    filters : Filters, optional
        Select from `dataset` first.
    title : str, optional
        Default: from the selection.
    include_map : bool, default True
        Leave the map out when false.
    today : date, optional
        The date the report says it was made (default: today).
    flows : FlowOptions, bool or None, optional
        Whether the deals of a dataset source are summed into flows, on the map and in the "Documented
        trade" section, and by which measure they are sorted and drawn (`routes.flows.FlowOptions.of`;
        default: from `routes.flows.FLOW_THRESHOLD` deals on).

    Returns
    -------
    list of Path
        The files written: the report and its map are written together, both or (when either cannot
        be written) neither. Neither may be one of the files the report is made from.

    Examples
    --------
    >>> import routes, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in routes.load().select(actor="Hezbollah").report(folder / "hezbollah.md")]
    ['hezbollah.md', 'hezbollah-map.png']
    """
    from .select import selection

    output = Path(output)
    suffix = report_format(output)
    dataset = selection(dataset, filters)
    filters = dataset.filters
    with_map = include_map and bool(dataset.routes)
    refuse_input(output, dataset.files)
    if suffix == ".md" and with_map:
        refuse_input(map_file_for(output), dataset.files, option="the map beside the report")
    content = build(dataset, filters=filters, title=title, today=today, flows=flows)
    if suffix == ".html":
        map_svg = None
        if with_map:
            from .render.image import image_bytes

            map_svg = inline_svg(image_bytes(dataset, "svg", title=content.title, filters=filters, flows=flows))
        write_atomic(output, as_html(content, map_svg))
        return [output]
    if not with_map:
        write_atomic(output, as_markdown(content, None))
        return [output]
    from .render.image import image_bytes

    image = map_file_for(output)
    png = image_bytes(dataset, "png", title=content.title, filters=filters, flows=flows)
    write_all_atomic([(image, png), (output, as_markdown(content, image.name))])
    return [output, image]


# -- what a report says, whatever its format -----------------------------------------------------------
@dataclass
class Claim:
    route_id: str
    route_name: str
    stance: str
    claim: str
    quote: str | None
    said_by: str | None
    grade: str
    footnote: int | None
    dispute: str | None = None  # the kind of disagreement (model.DISPUTES), on a disputing item
    about: str | None = None  # the legs and weapon systems it speaks to: "the leg A → ≈ Iran; Kornet"
    repeats: str | None = None  # the sources it relays, by title (model.relays_text)
    note: str | None = None


@dataclass
class RouteEntry:
    id: str
    name: str
    weapons: list[str]
    actors: list[str]
    path: list[str]  # the waypoints' labels: a stand-in as "≈ Iran"
    period: str
    status: str
    disputed: bool
    kind: str
    outcome: str | None
    independent_sources: int
    interdicted: str | None = None
    claims: list[Claim] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # each place not named exactly: "≈ Iran — stand-in for Iran: ..."
    legs: list[str] = field(default_factory=list)  # each leg: its ends, mode, path in words, note
    intended: list[str] = field(default_factory=list)
    notes: str | None = None

    @property
    def kind_text(self) -> str:
        return KIND_TEXT.get(self.kind, self.kind)

    @property
    def outcome_text(self) -> str:
        return OUTCOME_TEXT.get(self.outcome or "unknown", str(self.outcome))

    @property
    def status_text(self) -> str:
        """The status and what it means: "reported (by a credible outlet or official, not corroborated)"."""
        label = style.STATUS_LABELS.get(self.status)
        meaning = label.split(": ", 1)[1] if label else "not a status this tool knows"
        return f"{self.status} ({meaning})" + ("; disputed" if self.disputed else "")

    @property
    def independence_text(self) -> str:
        """The count of independent supporting sources, and how it stands to the status."""
        n = self.independent_sources
        text = plural(n, "independent supporting source")
        if not model.status_allows(self.status, n):
            text += " (corroborated needs two)"
        elif n >= 2 and model.STATUS_RANK.get(self.status, 0) < model.STATUS_RANK["corroborated"]:
            text += f" (enough for corroborated; the dataset grades it {self.status})"
        return text


@dataclass
class SourceEntry:
    number: int
    id: str
    author: str | None
    title: str
    publisher: str | None
    published: str | None
    url: str | None
    kind: str | None
    reliability: str | None
    repeats: list[str]
    known: bool
    note: str | None = None  # caveats a reader should see wherever the source is cited


@dataclass
class DealRow:
    """One deal of documented trade as a table row (`flows.deal_facts`), with its pair and, for a deal
    that could not be placed, why."""

    id: str
    supplier: str
    recipient: str
    facts: dict[str, str]
    footnote: int | None = None
    reason: str | None = None

    @property
    def what(self) -> str:
        """"Mi-17 (transport helicopter)"."""
        designation, description = self.facts["designation"], self.facts["description"]
        return f"{designation} ({description})" if designation and description else designation or description


@dataclass
class FlowEntry:
    """The deals of one supplier → recipient pair, summed: one row of the trade table."""

    supplier: str
    recipient: str
    deals: int
    totals: list[tuple[str, float | None, int]]  # (measure, total or None, how many deals do not give it)
    period: str
    rows: list[DealRow] = field(default_factory=list)  # its deals, when the report lists them


@dataclass
class Trade:
    """The "Documented trade" section: the flows, sorted by the measure the map's widths follow."""

    measure: str
    flows: list[FlowEntry]
    deals: int
    listed: bool  # whether each flow's deals are listed one by one (at most MAX_LISTED_DEALS)
    footnotes: list[int]  # the sources the deals cite, by number

    @property
    def sorted_by(self) -> str:
        from .flows import MEASURES

        return MEASURES[self.measure][0]


@dataclass
class Content:
    title: str
    selection: str
    generated: str
    routes: list[RouteEntry]
    sources: list[SourceEntry]
    trade: Trade | None = None
    unplaced: list[DealRow] = field(default_factory=list)
    unplaced_total: int = 0  # deals that could not be placed, tabled or not (MAX_UNPLACED_ROWS)

    @property
    def disputes(self) -> list[Claim]:
        return [c for r in self.routes for c in r.claims if c.stance == "disputes"]


def build(dataset: Dataset, *, filters=None, title: str | None = None, today: date | None = None,
          flows=None) -> Content:
    """The report's content: routes with their claims, footnotes numbered by first citation, the
    documented trade as flows (`flows`, as `write_report` takes it) and the deals that could not be
    placed, the sources."""
    from . import flows as flow_rules
    from .select import selection, undated

    dataset = selection(dataset, filters)
    filters = dataset.filters
    options = flow_rules.FlowOptions.of(flows)
    one_by_one, deals = flow_rules.split(dataset, options.enabled)
    numbers: dict[str, int] = {}
    routes = []
    for route in one_by_one:
        p = model.props(route)
        name = str(p.get("name") or route.get("id"))
        stops = model.waypoints(route, dataset.places)
        labels = [w.label if w else str(model.place_id(v)) for w, v in zip(stops, p.get("waypoints") or [])]
        entry = RouteEntry(
            id=str(route.get("id")), name=name,
            weapons=[_weapon_name(dataset, w) for w in p.get("weapons") or []],
            actors=[str(a) for a in [p.get("supplier") or "?", *(p.get("intermediaries") or []), p.get("recipient") or "?"]],
            path=labels, period=model.period_text(route), status=str(p.get("status") or "alleged"),
            disputed=model.is_disputed(route), kind=model.kind(route), outcome=p.get("outcome"),
            independent_sources=dataset.independent_sources(route),
            interdicted=_interdiction(dataset, p), notes=str(p["notes"]) if p.get("notes") else None,
        )
        intended = [model.waypoint(w, dataset.places) for w in p.get("intended_waypoints") or []]
        entry.intended = [w.label if w else str(model.place_id(v)) for w, v in zip(intended, p.get("intended_waypoints") or [])]
        stopped = p.get("interdicted") if isinstance(p.get("interdicted"), dict) else None
        for w in [*stops, model.waypoint(stopped, dataset.places) if stopped else None, *intended]:
            text = None if w is None or w.exact else f"{w.label} — {w.describe()}" if w.stand_in else w.describe()
            if text and text not in entry.places:
                entry.places.append(text)
        for i, leg in enumerate(model.legs(route)):
            entry.legs.append(_leg_text(leg, labels[i], labels[i + 1]))
        for item in model.evidence(route):
            source_id = item.get("source")
            footnote = numbers.setdefault(source_id, len(numbers) + 1) if isinstance(source_id, str) else None
            entry.claims.append(Claim(
                route_id=entry.id, route_name=name, stance=str(item.get("stance") or "supports"),
                claim=str(item.get("claim") or ""), quote=item.get("quote"), said_by=item.get("said_by"),
                grade=model.grade(item, dataset.sources), footnote=footnote,
                dispute=item.get("dispute") if item.get("stance") == "disputes" else None,
                about=_speaks_to(dataset, item, labels), note=str(item["note"]) if item.get("note") else None,
                repeats=model.relays_text(item, dataset.sources),
            ))
        routes.append(entry)
    trade = _trade(dataset, deals, options, numbers) if deals else None
    unplaced = [_deal_row(dataset, deal, numbers, reason=str(deal.get("reason") or "")) for deal in
                dataset.unplaced[:MAX_UNPLACED_ROWS]]
    sources = []
    for source_id, number in numbers.items():
        source = dataset.sources.get(source_id)
        s = source if isinstance(source, dict) else {}
        sources.append(SourceEntry(
            number=number, id=source_id, author=s.get("author"), title=str(s.get("title") or source_id),
            publisher=s.get("publisher"), published=s.get("published"), url=s.get("url"), kind=s.get("kind"),
            reliability=s.get("reliability"), repeats=[str(x) for x in s.get("derived_from") or []],
            known=isinstance(source, dict), note=str(s["note"]) if s.get("note") else None,
        ))
    described = dataset.description
    counted = [plural(len(routes), "route")]
    if trade:
        counted = [f"{plural(trade.deals, 'documented deal')} in {plural(len(trade.flows), 'flow')}",
                   *([f"{plural(len(routes), 'route')} one by one"] if routes else [])]
    if dataset.unplaced:
        counted.append(f"{plural(len(dataset.unplaced), 'deal')} that could not be placed")
    selection = f"{described} ({'; '.join(counted)})"
    unknown = undated(dataset, filters)
    if unknown:
        selection += (f"; the time filter let through {plural(unknown, 'route')} of unknown "
                      "date (a period it cannot test counts as open)")
    files = ", ".join(data_file_name(p) for p in dataset.files) or "the bundled dataset"
    when = (today or date.today()).isoformat()
    return Content(
        title=title or DEFAULT_TITLE, selection=selection,
        generated=f"Generated by arms-routes {__version__} from {files} on {when}.",
        routes=routes, sources=sources, trade=trade, unplaced=unplaced, unplaced_total=len(dataset.unplaced),
    )


def _cite(numbers: dict[str, int], source_id: object) -> int | None:
    return numbers.setdefault(source_id, len(numbers) + 1) if isinstance(source_id, str) else None


def _trade(dataset: Dataset, deals: list[dict], options, numbers: dict[str, int]) -> Trade:
    """The flows of the deals (`flows.aggregate`), sorted by the options' measure (`flows.by_volume`),
    each with its totals, its years and, in a small selection, its deals."""
    from . import flows as flow_rules

    listed = len(deals) <= MAX_LISTED_DEALS
    footnotes = list(dict.fromkeys(n for deal in deals for item in model.evidence(deal, "supports")
                                   if (n := _cite(numbers, item.get("source"))) is not None))
    entries = []
    for flow in flow_rules.by_volume(flow_rules.aggregate(deals), options.measure):
        entries.append(FlowEntry(
            supplier=flow.supplier, recipient=flow.recipient, deals=len(flow.deals),
            totals=[(m, flow.total(m), flow.unknown(m)) for m, _, _ in TRADE_COLUMNS],
            period=model.period_text({"properties": {"period": flow.period()}}),
            rows=[_deal_row(dataset, deal, numbers) for deal in flow.deals] if listed else []))
    return Trade(options.measure, entries, len(deals), listed, footnotes)


def _deal_row(dataset: Dataset, deal: dict, numbers: dict[str, int], reason: str | None = None) -> DealRow:
    """A deal (a route, or an unplaced record with its `reason`) as a table row, its source footnoted."""
    p = model.props(deal) if isinstance(deal.get("properties"), dict) else deal
    source = deal.get("source") if reason is not None else next(
        (item.get("source") for item in model.evidence(deal, "supports")), None)
    return DealRow(id=str(deal.get("id")), supplier=str(p.get("supplier") or "?"),
                   recipient=str(p.get("recipient") or "?"), facts=_facts(dataset, deal),
                   footnote=_cite(numbers, source), reason=reason)


def _facts(dataset: Dataset, deal: dict) -> dict[str, str]:
    from .flows import deal_facts
    from .render.payload import category_label

    facts = deal_facts(deal, dataset.weapons)
    facts["category"] = category_label(facts["category"]) if facts["category"] else ""
    return facts


def _total_text(total: float | None, unknown: int, decimals: int) -> str:
    """A flow's total as a table cell: "1,234.5", "1,234.5 (3 deals not given)", "not given"."""
    if total is None:
        return "not given"
    text = f"{total:,.{decimals}f}"
    return text + (f" ({plural(unknown, 'deal')} not given)" if unknown else "")


def _weapon_name(dataset: Dataset, weapon_id: object) -> str:
    return str((dataset.weapons.get(weapon_id) or {}).get("name") or weapon_id)


def _leg_text(leg: dict, start: str, end: str) -> str:
    """A leg in words: "Nampo → ≈ Iran: by sea; path plausible for the reported mode (...); status
    alleged; through Bab-el-Mandeb. Note: ..."."""
    parts = [MODE_TEXT.get(leg.get("mode", "unknown"), f"by {leg.get('mode')}"), model.PATH_LABELS[model.leg_path(leg)]]
    if leg.get("status"):
        parts.append(f"status {leg['status']}")
    if isinstance(leg.get("passages"), list) and leg["passages"]:
        parts.append(f"through {', '.join(map(str, leg['passages']))}")
    text = f"{start} → {end}: {'; '.join(parts)}."
    return text + (f" Note: {leg['note']}" if leg.get("note") else "")


def _speaks_to(dataset: Dataset, item: dict, labels: list[str]) -> str | None:
    """The legs and weapon systems an evidence item speaks to, in words: "the leg Nampo → ≈ Iran;
    Kornet", "the legs A → B, B → C", "every leg; Katyusha, Grad"; None when it names neither."""
    legs = [leg for leg in item.get("legs") or []]
    count = len(labels) - 1
    named = [f"{labels[leg]} → {labels[leg + 1]}" if isinstance(leg, int) and not isinstance(leg, bool)
             and 0 <= leg < count else f"leg {leg}" for leg in legs]
    parts = []
    if count > 1 and sorted(set(legs)) == list(range(count)):
        parts.append("every leg")
    elif named:
        parts.append(f"the {noun(len(named), 'leg')} {', '.join(named)}")
    weapons = [_weapon_name(dataset, w) for w in item.get("weapons") or []]
    if weapons:
        parts.append(", ".join(weapons))
    return "; ".join(parts) or None


def _interdiction(dataset: Dataset, p: dict) -> str | None:
    stop = p.get("interdicted")
    if not isinstance(stop, dict):
        return None
    place = model.waypoint(stop, dataset.places)
    text = f"at {place.label if place else stop.get('place') or 'an unknown place'}"
    if stop.get("date"):
        text += f", {stop['date']}"
    if stop.get("note"):
        text += f" ({stop['note']})"
    return text


def _who(claim: Claim, sources: dict[int, SourceEntry]) -> str:
    if claim.said_by:
        return str(claim.said_by)
    source = sources.get(claim.footnote)
    if source is None:
        return "unknown"
    return str(source.author or source.publisher or source.title)


def _disputed_by(claim: Claim, sources: dict[int, SourceEntry]) -> str:
    """Who disputes and how: "denied by North Korea", "not confirmed by John Kirby"; without a
    speaker, the kind of dispute and the source that reports it ("a denial, reported by A. Analyst");
    without either, the source ("disputed by A. Analyst")."""
    if claim.said_by:
        return model.dispute_text({"dispute": claim.dispute, "said_by": claim.said_by})
    if claim.dispute in model.DISPUTES:
        return f"{model.dispute_text({'dispute': claim.dispute})}, reported by {_who(claim, sources)}"
    return f"disputed by {_who(claim, sources)}"


def _status(entry: RouteEntry) -> str:
    return entry.status + (" (disputed)" if entry.disputed else "")


def _details(entry: RouteEntry) -> list[tuple[str, str]]:
    """What a report says of a route before its legs and evidence, as (heading, text) pairs."""
    details = [("Path", " → ".join(entry.path)), ("Kind", entry.kind_text), ("Outcome", entry.outcome_text),
               ("Period", entry.period), ("Status", entry.status_text), ("Evidence", entry.independence_text)]
    if entry.interdicted:
        details.append(("Interdicted", entry.interdicted))
    if entry.intended:
        details.append(("Reportedly headed for", " → ".join(entry.intended)))
    return details


def _source_facts(source: SourceEntry) -> list[str]:
    facts = []
    if source.kind:
        facts.append(f"kind: {SOURCE_KINDS.get(source.kind, source.kind)}")
    if source.reliability:
        meaning = model.RELIABILITY.get(source.reliability)
        facts.append(f"reliability: {source.reliability}" + (f" ({meaning})" if meaning else ""))
    if source.repeats:
        facts.append(f"repeats: {', '.join(source.repeats)}")
    if not source.known:
        facts.append("not in the dataset's sources")
    return facts


# -- the tables of documented trade, as text cells (each format escapes them its own way) ------------
TRADE_HEAD = ("Supplier → recipient", "Deals", *(heading for _, heading, _ in TRADE_COLUMNS), "Years")
DEAL_HEAD = ("Supplier → recipient", "Deal", "Category", "Ordered", "Delivered", "Year of order",
             "Years of delivery", "TIV of deliveries (million)", "TIV of the order (million)", "Status", "Comments",
             "Id")
UNPLACED_HEAD = ("Supplier", "Recipient", "Deal", "Category", "Ordered", "Delivered", "Year of order",
                 "Years of delivery", "TIV of deliveries (million)", "TIV of the order (million)", "Status",
                 "Comments", "Why it has no place")


def _trade_cells(trade: Trade) -> list[list[str]]:
    decimals = {measure: places for measure, _, places in TRADE_COLUMNS}
    return [[f"{f.supplier} → {f.recipient}", f"{f.deals:,}",
             *(_total_text(total, unknown, decimals[measure]) for measure, total, unknown in f.totals), f.period]
            for f in trade.flows]


def _deal_cells(row: DealRow) -> list[str]:
    f = row.facts
    return [f"{row.supplier} → {row.recipient}", row.what, f["category"], f["ordered"], f["delivered"],
            f["ordered_in"], f["delivered_in"], f["tiv_delivered"], f["tiv_order"], f["status"], f["comments"], row.id]


def _unplaced_cells(row: DealRow) -> list[str]:
    f = row.facts
    return [row.supplier, row.recipient, row.what, f["category"], f["ordered"], f["delivered"], f["ordered_in"],
            f["delivered_in"], f["tiv_delivered"], f["tiv_order"], f["status"], f["comments"], row.reason or ""]


def _trade_intro(trade: Trade) -> str:
    return (f"{plural(trade.deals, 'deal')} of documented trade, summed per supplier → recipient pair into "
            f"{plural(len(trade.flows), 'flow')} as the map draws them, sorted by {trade.sorted_by}. A total "
            "counts the deals that give the figure, and says how many do not; SIPRI's trend-indicator values "
            "(TIV) measure the volume of transfers, not their price. Every deal is a record of the source; "
            "none is a claim of this dataset's authors.")


def _not_listed(trade: Trade) -> str:
    return (f"The {trade.deals:,} deals are not listed one by one: a report lists them for a selection of at most "
            f"{MAX_LISTED_DEALS:,} deals. Select fewer (--weapon, --actor, --since, --until), or export them: "
            "`arms-routes export -o deals.csv` with the same filters writes one row per deal.")


def _unplaced_intro(content: Content) -> str:
    text = (f"{plural(content.unplaced_total, 'deal')} of the selection name a supplier or recipient that has no "
            "place (an unknown supplier, a multinational organisation): the map does not draw them.")
    if content.unplaced_total > len(content.unplaced):
        text += (f" The first {len(content.unplaced):,} are listed; `arms-routes export -o deals.geojson` with "
                 "the same filters keeps them all.")
    return text


def _unplaced_footnotes(content: Content) -> list[int]:
    return list(dict.fromkeys(r.footnote for r in content.unplaced if r.footnote is not None))


# -- HTML --------------------------------------------------------------------------------------------
_ALL_TRADE = ("Every route of this selection is a deal of a dataset source: they are summed under Documented "
              "trade below. Routes of curated sources are never summed; a selection that holds some lists them here.")
_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#555;margin:.1rem 0}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
figure{margin:1rem 0}figure svg{width:100%;height:auto}.disputes{color:#9c1060;font-weight:600}
.about,.note,.caveat{color:#444}.about,.note{font-size:.92rem}
.grade{font-family:monospace}ol.sources{list-style:none;padding-left:0}blockquote{margin:.2rem 0 .2rem 1rem;color:#444}
.wide{overflow-x:auto}table.deals,table.unplaced{font-size:.8rem}table.deals td,table.unplaced td{min-width:3.5rem}
""".strip()


def inline_svg(svg: bytes) -> str:
    """An SVG file's markup for placing inside HTML: no XML prolog or DOCTYPE, scaled to the page width."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    return re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1role="img" aria-label="Map of the selected routes"',
                  text, count=1)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _html_link(url: object) -> str:
    good = link_url(url)
    if good:
        return f'<a href="{_e(good)}" rel="noopener noreferrer">{_e(good)}</a>'
    if url:
        return f"{_e(url)} (not an http(s) link)"
    return "no URL"


def _html_footnote(claim: Claim) -> str:
    return _html_notes([claim.footnote] if claim.footnote is not None else [])


def _html_notes(numbers: list[int]) -> str:
    return "".join(f'<sup><a href="#source-{n}">[{n}]</a></sup>' for n in numbers)


def _html_table(head, rows: list[list[str]], cls: str) -> list[str]:
    """A table of text cells, in a box that scrolls sideways when its columns are wider than the page."""
    return ['<div class="wide">', f'<table class="{cls}">',
            "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead>",
            "<tbody>", *("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows),
            "</tbody>", "</table>", "</div>"]


def _html_trade(content: Content) -> list[str]:
    out = []
    trade = content.trade
    if trade:
        out += ['<h2 id="trade">Documented trade</h2>', f"<p>{_e(_trade_intro(trade))}{_html_notes(trade.footnotes)}</p>",
                *_html_table(TRADE_HEAD, _trade_cells(trade), "trade")]
        if trade.listed:
            out += ['<h3 id="trade-deals">The deals of each flow</h3>',
                    *_html_table(DEAL_HEAD, [_deal_cells(r) for f in trade.flows for r in f.rows], "deals")]
        else:
            out.append(f"<p>{_e(_not_listed(trade))}</p>")
    if content.unplaced_total:
        out += ['<h2 id="unplaced">Deals that could not be placed</h2>',
                f"<p>{_e(_unplaced_intro(content))}{_html_notes(_unplaced_footnotes(content))}</p>",
                *_html_table(UNPLACED_HEAD, [_unplaced_cells(r) for r in content.unplaced], "unplaced")]
    return out


def as_html(content: Content, map_svg: str | None = None) -> str:
    """The report as one self-contained HTML page (no scripts, nothing fetched)."""
    by_number = {s.number: s for s in content.sources}
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(content.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{_e(content.title)}</h1>",
        f'<p class="meta">Selection: {_e(content.selection)}</p>',
        f'<p class="meta">{_e(content.generated)}</p>',
    ]
    if map_svg:
        out += ['<h2 id="map">Map</h2>', f"<figure>{map_svg}</figure>"]
    out.append('<h2 id="routes">Routes</h2>')
    if content.trade and not content.routes:
        out.append(f"<p>{_e(_ALL_TRADE)}</p>")
    else:
        out += ["<table>", "<thead><tr><th>Route</th><th>Weapons</th><th>Actors</th><th>Period</th><th>Status</th>"
                "<th>Independent sources</th></tr></thead>", "<tbody>"]
        for r in content.routes:
            out.append(
                f'<tr><td><a href="#route-{_e(r.id)}">{_e(r.name)}</a><br><code>{_e(r.id)}</code></td>'
                f"<td>{_e(', '.join(r.weapons) or 'none listed')}</td><td>{_e(' → '.join(r.actors))}</td>"
                f"<td>{_e(r.period)}</td><td>{_e(_status(r))}</td><td>{r.independent_sources}</td></tr>")
        out += ["</tbody>", "</table>"]
    out += _html_trade(content)
    if content.routes or not content.trade:
        out.append('<h2 id="evidence">Evidence by route</h2>')
    for r in content.routes:
        out.append(f'<h3 id="route-{_e(r.id)}">{_e(r.name)} <code>{_e(r.id)}</code></h3>')
        out.append("<p>" + "<br>".join(f"{_e(k)}: {_e(v)}" for k, v in _details(r)) + "</p>")
        if r.places:
            out += ["<p>Places the sources do not name exactly:</p>", '<ul class="places">',
                    *(f"<li>{_e(text)}</li>" for text in r.places), "</ul>"]
        if r.legs:
            out += ["<p>Legs:</p>", '<ol class="legs">', *(f"<li>{_e(text)}</li>" for text in r.legs), "</ol>"]
        if r.notes:
            out.append(f'<p class="notes">Notes: {_e(r.notes)}</p>')
        out += ["<p>Evidence items:</p>", '<ol class="evidence">']
        for c in r.claims:
            if c.stance == "disputes":
                stance = f'<span class="disputes">Disputes</span> ({_e(_disputed_by(c, by_number))})'
                said = ""
            else:
                stance = "Supports"
                said = f" — said by {_e(c.said_by)}" if c.said_by else ""
            quote_html = f"<blockquote>“{_e(c.quote)}”</blockquote>" if c.quote else ""
            about_html = f'<div class="about">Speaks to: {_e(c.about)}</div>' if c.about else ""
            note_html = f'<div class="note">Note: {_e(c.note)}</div>' if c.note else ""
            repeats_html = f'<div class="about">Repeats: {_e(c.repeats)}</div>' if c.repeats else ""
            out.append(f'<li>{stance}, grade <span class="grade">{_e(c.grade)}</span>: '
                       f"{_e(c.claim)}{said}{_html_footnote(c)}{quote_html}{about_html}{repeats_html}{note_html}</li>")
        out.append("</ol>")
    out.append('<h2 id="disputes">Disputing statements</h2>')
    if content.disputes:
        out.append("<ul>")
        for c in content.disputes:
            quote_html = f" “{_e(c.quote)}”" if c.quote else ""
            out.append(f'<li><a href="#route-{_e(c.route_id)}">{_e(c.route_name)}</a>: '
                       f"<strong>{_e(_disputed_by(c, by_number))}</strong>: {_e(c.claim)}{quote_html}"
                       f"{_html_footnote(c)}</li>")
        out.append("</ul>")
    else:
        out.append("<p>No source in this selection disputes these routes.</p>")
    out += ['<h2 id="sources">Sources</h2>', '<ol class="sources">']
    for s in content.sources:
        parts = [_e(s.author) + "." if s.author else "", f"<cite>{_e(s.title)}</cite>.",
                 (_e(s.publisher) + ", " if s.publisher else "") + (_e(s.published) if s.published else "no date") + ".",
                 _html_link(s.url) + ".", _e("; ".join(_source_facts(s))) + ".",
                 f'<span class="caveat">Caveat: {_e(s.note)}</span>' if s.note else ""]
        out.append(f'<li id="source-{s.number}" value="{s.number}">[{s.number}] '
                   + " ".join(p for p in parts if p) + f" <code>{_e(s.id)}</code></li>")
    out += ["</ol>", "</body>", "</html>", ""]
    return "\n".join(out)


# -- Markdown ----------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")


def md_escape(value: object) -> str:
    """Text that Markdown shows as written: no links, HTML, emphasis or table breaks; one line."""
    text = " ".join(("" if value is None else str(value)).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


# A link target keeps every character a URL may hold but the parentheses (which end it in Markdown);
# the rest (non-ASCII letters, `{`, `|` ...) is percent-encoded, as a browser would.
_MD_LINK_SAFE = ":/?#[]@!$&'*+,;=%-._~"


def _md_link(url: object) -> str:
    good = link_url(url)
    if good:
        return f"[{md_escape(good)}]({quote(good, safe=_MD_LINK_SAFE)})"
    if url:
        return f"{md_escape(url)} (not an http(s) link)"
    return "no URL"


def _md_footnote(claim: Claim) -> str:
    return f" \\[{claim.footnote}\\]" if claim.footnote is not None else ""


def _md_notes(numbers: list[int]) -> str:
    return "".join(f" \\[{n}\\]" for n in numbers)


def _md_table(head, rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(md_escape(h) for h in head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows), ""]


def _md_trade(content: Content) -> list[str]:
    out = []
    trade = content.trade
    if trade:
        out += ["## Documented trade", "", md_escape(_trade_intro(trade)) + _md_notes(trade.footnotes), "",
                *_md_table(TRADE_HEAD, _trade_cells(trade))]
        if trade.listed:
            out += ["### The deals of each flow", "",
                    *_md_table(DEAL_HEAD, [_deal_cells(r) for f in trade.flows for r in f.rows])]
        else:
            out += [md_escape(_not_listed(trade)), ""]
    if content.unplaced_total:
        out += ["## Deals that could not be placed", "",
                md_escape(_unplaced_intro(content)) + _md_notes(_unplaced_footnotes(content)), "",
                *_md_table(UNPLACED_HEAD, [_unplaced_cells(r) for r in content.unplaced])]
    return out


def as_markdown(content: Content, map_name: str | None = None) -> str:
    """The report as Markdown; the map (when given) is an image file beside the report."""
    by_number = {s.number: s for s in content.sources}
    out = [f"# {md_escape(content.title)}", "", f"Selection: {md_escape(content.selection)}  ",
           md_escape(content.generated), ""]
    if map_name:
        out += ["## Map", "", f"![Map of the selected routes]({quote(map_name)})", ""]
    out += ["## Routes", ""]
    if content.trade and not content.routes:
        out += [md_escape(_ALL_TRADE), ""]
    else:
        out += ["| Route | Weapons | Actors | Period | Status | Independent sources |", "|---|---|---|---|---|---|"]
        for r in content.routes:
            out.append(f"| {md_escape(r.name)} (`{r.id}`) | {md_escape(', '.join(r.weapons) or 'none listed')} | "
                       f"{md_escape(' → '.join(r.actors))} | {md_escape(r.period)} | {md_escape(_status(r))} | "
                       f"{r.independent_sources} |")
        out.append("")
    out += _md_trade(content)
    if content.routes or not content.trade:
        out += ["## Evidence by route", ""]
    for r in content.routes:
        details = [f"{k}: {md_escape(v)}" for k, v in _details(r)]
        out += [f"### {md_escape(r.name)} (`{r.id}`)", "", "  \n".join(details), ""]
        if r.places:
            out += ["Places the sources do not name exactly:", "", *(f"- {md_escape(t)}" for t in r.places), ""]
        if r.legs:
            out += ["Legs:", "", *(f"{i}. {md_escape(t)}" for i, t in enumerate(r.legs, start=1)), ""]
        if r.notes:
            out += [f"Notes: {md_escape(r.notes)}", ""]
        out += ["Evidence items:", ""]
        for i, c in enumerate(r.claims, start=1):
            if c.stance == "disputes":
                stance, said = f"**Disputes** ({md_escape(_disputed_by(c, by_number))})", ""
            else:
                stance, said = "Supports", f" — said by {md_escape(c.said_by)}" if c.said_by else ""
            quote_text = f" “{md_escape(c.quote)}”" if c.quote else ""
            about = f" Speaks to: {md_escape(c.about)}." if c.about else ""
            note_text = f" Note: {md_escape(c.note)}" if c.note else ""
            repeats = f" Repeats: {md_escape(c.repeats)}." if c.repeats else ""
            out.append(f"{i}. {stance}, grade {md_escape(c.grade)}: {md_escape(c.claim)}{said}"
                       f"{quote_text}{_md_footnote(c)}{about}{repeats}{note_text}")
        out.append("")
    out += ["## Disputing statements", ""]
    if content.disputes:
        for c in content.disputes:
            quote_text = f" “{md_escape(c.quote)}”" if c.quote else ""
            out.append(f"- {md_escape(c.route_name)} (`{c.route_id}`): **{md_escape(_disputed_by(c, by_number))}**: "
                       f"{md_escape(c.claim)}{quote_text}{_md_footnote(c)}")
    else:
        out.append("No source in this selection disputes these routes.")
    out += ["", "## Sources", ""]
    for s in content.sources:
        parts = [md_escape(s.author) + "." if s.author else "", f"*{md_escape(s.title)}*.",
                 (md_escape(s.publisher) + ", " if s.publisher else "") + (md_escape(s.published) if s.published
                                                                           else "no date") + ".",
                 _md_link(s.url) + ".", md_escape("; ".join(_source_facts(s))) + ".",
                 f"Caveat: {md_escape(s.note)}" if s.note else "", f"(`{s.id}`)"]
        out.append(f"{s.number}. " + " ".join(p for p in parts if p))
    out.append("")
    return "\n".join(out)
