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

from . import model
from .dataset import Dataset
from .errors import UsageError

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
# The value drawn at MAX_WIDTH on the fixed scale of each measure: about the largest pair total of the
# whole SIPRI register from 1950 on (the largest, the United States to Saudi Arabia, is about 68,000
# million TIV over 75 years; the largest of one decade about 25,000), so no map of it clips much.
REFERENCE = {"tiv-delivered": 50_000.0, "tiv-order": 50_000.0, "deals": 400.0, "units": 100_000.0}
# Reference values the width legend prints, per measure (those at or below the scale's reference).
LEGEND_VALUES = {"tiv-delivered": (10, 100, 1_000, 10_000, 50_000), "tiv-order": (10, 100, 1_000, 10_000, 50_000),
                 "deals": (1, 10, 50, 100, 400), "units": (10, 100, 1_000, 10_000, 100_000)}
MIN_WIDTH = 1.5  # px: a flow of 0 or unknown volume is still seen, and its card says why
MAX_WIDTH = 22.0  # px
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
           flows: list[Flow] = ()) -> "Scale":
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
