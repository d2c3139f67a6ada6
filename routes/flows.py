"""Documented trade as flows: the deals of a dataset source (the SIPRI Arms Transfers Database), summed
per supplier → recipient pair, with a width that says how much.

A deal is a route every supporting evidence item of which cites a source of kind "dataset" (what
`arms-routes import-sipri` writes). Deals are records of documented trade, counted by the thousand:
drawn one by one they are a hairball, summed per pair they answer "who arms whom, and how much". An
alleged route is a claim: it is never summed, merged or bundled, and is always drawn on its own, on
top (`is_deal` is false for any route with one curated source).

Widths follow one fixed scale per measure by default (`REFERENCE`: the value drawn at the widest), so
two maps, of two decades or two weapon systems, compare honestly; `auto` scales to the widest flow of
the map instead, and says so in its legend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import model
from .errors import UsageError

if TYPE_CHECKING:  # (not imported to run: the CLI reads this module's choices for its --help)
    from .dataset import Dataset

# What a flow's width measures: name -> (words for the legend, the unit of its values).
MEASURES = {
    "tiv-delivered": ("SIPRI TIV of delivered weapons", "million TIV"),
    "tiv-order": ("SIPRI TIV of the whole order", "million TIV"),
    "deals": ("number of deals", "deals"),
    "units": ("number of units delivered", "units"),
}
DEFAULT_MEASURE = "tiv-delivered"
CURVES = ("sqrt", "log")
DEFAULT_CURVE = "sqrt"
# The scale of the widths: the same on every map ("fixed", the default), or this map's widest flow ("auto").
SCALES = ("fixed", "auto")
# The value drawn at MAX_WIDTH on the fixed scale of each measure: about the largest pair total of the
# whole SIPRI register from 1950 on (the largest, the United States to Saudi Arabia, is about 68,000
# million TIV over 75 years; the largest of one decade about 25,000), so no map of it clips much.
REFERENCE = {"tiv-delivered": 50_000.0, "tiv-order": 50_000.0, "deals": 400.0, "units": 100_000.0}
# Reference values the width legend prints, per measure (those at or below the scale's reference).
LEGEND_VALUES = {"tiv-delivered": (10, 100, 1_000, 10_000, 50_000), "tiv-order": (10, 100, 1_000, 10_000, 50_000),
                 "deals": (1, 10, 50, 100, 400), "units": (10, 100, 1_000, 10_000, 100_000)}
MIN_WIDTH = 1.5  # px: a flow of 0 or unknown volume is still seen, and its card says why
MAX_WIDTH = 22.0  # px
# A flow's arc, the same in the PNG, the SVG and the page (routes.render.image._bowed, arms-routes-flows.js):
FLOW_BOW = 0.15  # how far an arc bows to its right, as a share of the distance between its ends...
FLOW_BOW_MAX = 8.0  # ...but at most this many degrees: a flow across an ocean is nearly straight
FLOW_ARC_STEP = 3.0  # an arc has a vertex about every this many degrees of its length (5 to 33 in all)
@dataclass(frozen=True)
class FlowOptions:
    """How a map draws deals: as flows or not (`enabled`: True, False, or None for "from
    FLOW_THRESHOLD deals on"), width by which measure, on which curve, fixed or `auto` scale."""

    enabled: bool | None = None
    measure: str = DEFAULT_MEASURE
    curve: str = DEFAULT_CURVE
    auto: bool = False

    def __post_init__(self) -> None:
        Scale(self.measure, self.curve, REFERENCE.get(self.measure, 1.0))  # (checks the names)

    @classmethod
    def of(cls, value: FlowOptions | bool | dict | None = None) -> FlowOptions:
        """Options from what a caller gives as `flows=`: None (the default: flows from FLOW_THRESHOLD
        deals on), True or False (flows or not), a dict of the fields (``{"measure": "deals"}``) or
        FlowOptions themselves."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if isinstance(value, bool):
            return cls(enabled=value)
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(cls.__dataclass_fields__))
            if unknown:
                raise UsageError(f"unknown flow option {unknown[0]!r}; give {', '.join(cls.__dataclass_fields__)}")
            return cls(**value)
        raise UsageError(f"flows must be True, False, None, a dict or FlowOptions, not {type(value).__name__}")

    def scale(self, flows: list[Flow] = ()) -> Scale:
        """The width scale of these options for a map of `flows` (which only an `auto` scale looks at)."""
        return Scale.of(self.measure, self.curve, auto=self.auto, flows=flows)


# From this many deals in a selection they are drawn as flows unless asked otherwise (`split`): below
# it, a map of a few deals reads well line by line, and each line is a deal a reader can click.
FLOW_THRESHOLD = 50


@dataclass
class Flow:
    """The deals of one supplier → recipient pair: where it runs, who, and how much."""

    origin: str  # place ids of the supplier's and the recipient's points
    destination: str
    supplier: str
    recipient: str
    deals: list[dict] = field(default_factory=list)  # the routes (features), in the order of the data

    def total(self, measure: str) -> float | None:
        """The sum of a measure over the deals that give it; None when none does."""
        values = [v for v in (deal_value(d, measure) for d in self.deals) if v is not None]
        return sum(values) if values else None

    def unknown(self, measure: str) -> int:
        """How many deals do not give the measure (SIPRI leaves the TIV of some deals empty)."""
        return sum(1 for d in self.deals if deal_value(d, measure) is None)

    def period(self) -> dict:
        """The span of its deals as a route's period: from the earliest start to the latest end
        (`model.period_years`: SIPRI's "?" years as the year given), a bound approximate only when every
        deal that gives that year marks it so; None where no deal gives one. `model.period_text`
        writes it "c. 1990–2003"."""
        bounds = [model.period(d) for d in self.deals]
        return {"start": _extreme([b[0] for b in bounds], min), "end": _extreme([b[1] for b in bounds], max)}


def _extreme(bounds: list, pick):
    years = [model.bound_year(b) for b in bounds]
    known = [y for y in years if y is not None]
    if not known:
        return None
    year = pick(known)
    exact = any(not model.bound_approximate(b) for b, y in zip(bounds, years) if y == year)
    return year if exact else {"year": year, "approximate": True}


def by_volume(flows: list[Flow], measure: str) -> list[Flow]:
    """Flows from the largest total of a measure to the smallest (those that give none last), then by
    supplier and recipient: the order of tables and of drawing (the widest underneath)."""
    def key(flow: Flow):
        total = flow.total(measure)
        return (total is None, -(total or 0.0), flow.supplier, flow.recipient)
    return sorted(flows, key=key)


def is_deal(route: dict, sources: dict[str, dict]) -> bool:
    """Whether a route is a record of documented trade: every supporting evidence item cites a source
    of kind "dataset" (and there is one). Any curated source makes it a claim, drawn on its own."""
    items = model.evidence(route, "supports")
    if not items:
        return False
    for item in items:
        source = sources.get(item.get("source")) if isinstance(item.get("source"), str) else None
        if not isinstance(source, dict) or source.get("kind") != "dataset":
            return False
    return True


def split(dataset: Dataset, flows: bool | None = None) -> tuple[list[dict], list[dict]]:
    """The routes of `dataset` to draw one by one, and the deals to draw as flows.

    `flows` True draws every deal as flows, False draws none so (every route one by one), None (the
    default) draws deals as flows when the selection has FLOW_THRESHOLD of them or more. Curated
    routes are always drawn one by one.
    """
    deals = [r for r in dataset.routes if is_deal(r, dataset.sources)]
    if flows is False or (flows is None and len(deals) < FLOW_THRESHOLD) or not deals:
        return list(dataset.routes), []
    ids = {id(r) for r in deals}
    return [r for r in dataset.routes if id(r) not in ids], deals


def aggregate(deals: list[dict]) -> list[Flow]:
    """The flows of some deals, one per (first waypoint, last waypoint) pair, in the order of the
    pair's first deal; each keeps its deals in the order of the data."""
    found: dict[tuple[str, str], Flow] = {}
    for deal in deals:
        p = model.props(deal)
        ids = model.place_ids(p.get("waypoints"))
        if len(ids) < 2 or not all(isinstance(i, str) for i in (ids[0], ids[-1])):
            continue
        key = (ids[0], ids[-1])
        flow = found.get(key)
        if flow is None:
            flow = found[key] = Flow(key[0], key[1], str(p.get("supplier") or key[0]), str(p.get("recipient") or key[1]))
        flow.deals.append(deal)
    return list(found.values())


def deal_value(route: dict, measure: str) -> float | None:
    """One deal's value of a measure: its SIPRI TIV of delivered weapons or of the order (million), 1
    for "deals", its number of units delivered; None when the record does not give it."""
    if measure == "deals":
        return 1.0
    record = model.props(route).get("sipri")
    record = record if isinstance(record, dict) else {}
    if measure == "units":
        value = record.get("number_delivered")
    else:
        tiv = record.get("tiv") if isinstance(record.get("tiv"), dict) else {}
        value = tiv.get("delivered" if measure == "tiv-delivered" else "total_order")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Scale:
    """How wide a flow is drawn for a value: `MIN_WIDTH` + (`MAX_WIDTH` - `MIN_WIDTH`) × f(x), x the
    value over the reference (at most 1), f the square root ("sqrt": four times the volume is twice
    the width) or log10(1 + value) / log10(1 + reference) ("log": every tenfold step about the same
    width more, for long tails);
    0 or not given is MIN_WIDTH, and the flow's card says which."""

    measure: str = DEFAULT_MEASURE
    curve: str = DEFAULT_CURVE
    reference: float = REFERENCE[DEFAULT_MEASURE]
    auto: bool = False

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise UsageError(f"unknown flow measure {self.measure!r}; give one of {', '.join(MEASURES)}")
        if self.curve not in CURVES:
            raise UsageError(f"unknown flow scale {self.curve!r}; give one of {', '.join(CURVES)}")

    @classmethod
    def of(cls, measure: str = DEFAULT_MEASURE, curve: str = DEFAULT_CURVE, *, auto: bool = False,
           flows: list[Flow] = ()) -> Scale:
        """The fixed scale of a measure, or with `auto` one whose widest is the widest of `flows`."""
        if measure not in MEASURES:
            raise UsageError(f"unknown flow measure {measure!r}; give one of {', '.join(MEASURES)}")
        reference = REFERENCE[measure]
        if auto:
            totals = [t for t in (f.total(measure) for f in flows) if t]
            reference = max(totals) if totals else reference
        return cls(measure, curve, float(reference), auto)

    def fraction(self, value: float | None) -> float:
        if not value or value <= 0:
            return 0.0
        if self.curve == "sqrt":
            return math.sqrt(min(value / self.reference, 1.0))
        return min(math.log10(1 + value) / math.log10(1 + self.reference), 1.0)

    def width(self, value: float | None) -> float:
        return round(MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * self.fraction(value), 2)

    def legend(self) -> list[tuple[float, float]]:
        """(value, width) pairs for a printed width legend: round reference values up to the scale's."""
        values = [v for v in LEGEND_VALUES[self.measure] if v <= self.reference]
        if self.auto or not values or values[-1] != self.reference:
            values.append(self.reference)
        return [(v, self.width(v)) for v in dict.fromkeys(values)]

    def describe(self) -> str:
        """E.g. "width: SIPRI TIV of delivered weapons, square-root scale, 22 px = 50,000 million TIV (fixed)"."""
        words, unit = MEASURES[self.measure]
        curve = "square-root" if self.curve == "sqrt" else "logarithmic"
        which = "this map's widest flow" if self.auto else "fixed, the same on every map"
        return (f"width: {words}, {curve} scale, {MAX_WIDTH:g} px = {self.reference:,.0f} {unit} ({which}); "
                f"{MIN_WIDTH:g} px: 0 or not given")


def deal_facts(deal: dict, weapons=None) -> dict[str, str]:
    """A deal as the cells of a table (a flow's card, a report): a route of a dataset source, or a
    record of a dataset's `unplaced` list. SIPRI's figures as it gives them, its "?" kept on an
    uncertain number or year ("170?", "1990?", "1991; 1992?"); "" where it gives none.

    Keys: designation, description, category (the id of its first weapon system's category, with
    `weapons`, a routes.weapons.Taxonomy), ordered, delivered, ordered_in, delivered_in,
    tiv_delivered, tiv_order (million), status, comments.
    """
    p = deal["properties"] if isinstance(deal.get("properties"), dict) else deal  # (a route, or an unplaced deal)
    record = p.get("sipri") if isinstance(p.get("sipri"), dict) else {}
    uncertain = set(record.get("uncertain") or ())
    marked = set(record.get("approximate_delivery_years") or ())
    tiv = record.get("tiv") if isinstance(record.get("tiv"), dict) else {}

    def figure(value, mark: bool = False, year: bool = False) -> str:
        if value is None or isinstance(value, bool):
            return ""
        if isinstance(value, int):
            text = str(value) if year else f"{value:,}"
        else:
            text = f"{value:,.6g}" if isinstance(value, float) else str(value)
        return text + ("?" if mark else "")

    comments = record.get("comments")
    if comments is None and p.get("notes"):  # (import-sipri puts SIPRI's comments in the claim, its summary in notes)
        claims = [item.get("claim") for item in model.evidence({"properties": p})]
        comments = next((c for c in claims if isinstance(c, str)), None)
    listed = [w for w in p.get("weapons") or [] if isinstance(w, str)]
    return {
        "designation": str(record.get("designation") or ""),
        "description": str(record.get("description") or ""),
        "category": weapons.category(listed[0]) if weapons is not None and listed else "",
        "ordered": figure(record.get("number_ordered"), "number_ordered" in uncertain),
        "delivered": figure(record.get("number_delivered"), "number_delivered" in uncertain),
        "ordered_in": figure(record.get("order_year"), "order_year" in uncertain, year=True),
        "delivered_in": "; ".join(figure(y, y in marked, year=True) for y in record.get("delivery_years") or []),
        "tiv_delivered": figure(tiv.get("delivered")),
        "tiv_order": figure(tiv.get("total_order")),
        "status": str(record.get("status") or ""),
        "comments": str(comments or ""),
    }
