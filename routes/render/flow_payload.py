"""The documented trade of a map's payload: the deals of a dataset source (routes.flows) carried
compactly, for static/arms-routes-flows.js to sum per supplier → recipient pair in the page (so the
filter panel and the time window re-aggregate them), and the deals that could not be placed, for its
table beside the map. `payload.build_payload` puts them in; `payload.split_cards` moves what only
cards show (`CARDS`) to the block the page reads when a card is first opened.

The payload's "flows" (null on a map without deals drawn as flows):

- "points": [lat, lon, label, country] per place a pair starts or ends at (POINT_FIELDS);
- "pairs": one row per supplier → recipient pair (PAIR_FIELDS), in the order of their first deal
  (`flows.aggregate`'s): its two points, the names `flows.aggregate` gives it, and the lists of
  positions (in "lists") of the actors, places and sources the panel's filters test, in the panel's
  tables (payload.panel_tables: "actors", "places", "sources");
- "deal_fields", "deals": one row per deal (DEAL_FIELDS), in the order of the data: its pair, its
  years as the time rule tests them (`model.period_years`, null unknown; "approximate": 1 the start,
  2 the end, 3 both), its value of the measure the widths follow (null where it gives none; left out
  for "deals", which is 1 each), its weapon systems (a position in "weapon_sets"), and where they
  differ from the most common ("common") or from the pair's: status, kind, disputed, actors, places,
  sources (positions in "lists"), names ([supplier, recipient] in "names");
- "weapon_sets": positions in panel.weapons.ids; "weapon_boxes": per set, the positions in
  "categories" of its category boxes (`style.route_categories`);
- "scale": the width rule (`flows.Scale`: measure, curve, reference, auto, min and max width), its
  legend ([value, width] per reference value, `Scale.legend`), `Scale.describe()`, the measure in
  words and its unit; "arc": how a flow's arc is drawn (`flows.FLOW_BOW`, `FLOW_BOW_MAX`,
  `FLOW_ARC_STEP`, `image.WORLD_SPAN`), so the page draws the arcs the PNG and SVG draw;
- "colour", "ink", "opacity": `style.FLOW_COLOUR`, `FLOW_INK`, `FLOW_OPACITY`; "label": `style.FLOW_LABEL`.

The cards block's "flows": "id_prefix" and "ids" (each deal's route id, without the prefix all share),
"card_fields", per field the texts it takes ("values": position 0 is none) and per deal a row of
positions ("rows"): SIPRI's figures as `flows.deal_facts` writes them, "?" kept, and its period
(`model.period_text`). The payload's "unplaced" is the number of deals that could not be placed
(`Dataset.unplaced`); the cards block's "unplaced" their rows (UNPLACED_FIELDS, texts).

Every text is plain text from the data; the script puts it on the page with textContent.
"""

from __future__ import annotations

import os
from collections import Counter

from .. import flows as flow_rules
from .. import model, style
from ..dataset import Dataset

POINT_FIELDS = ("lat", "lon", "label", "country")
PAIR_FIELDS = ("origin", "destination", "supplier", "recipient", "actors", "places", "sources")
DEAL_FIELDS = ("pair", "start", "end", "value", "weapons", "approximate", "status", "kind", "disputed", "actors",
               "places", "sources", "names")
CARD_FIELDS = ("designation", "description", "ordered", "delivered", "ordered_in", "delivered_in", "tiv_unit",
               "tiv_order", "tiv_delivered", "status", "comments", "period")
UNPLACED_FIELDS = ("id", "supplier", "recipient", "designation", "description", "ordered", "delivered", "ordered_in",
                   "delivered_in", "tiv_unit", "tiv_order", "tiv_delivered", "status", "comments", "reason", "period")
ROUND = 4  # decimals of a point's coordinates (as the payload's markers)
CARDS = ("flows", "unplaced")  # what the cards block carries of documented trade (payload.split_cards)


def flow_payload(dataset: Dataset, deals: list[dict], options: flow_rules.FlowOptions, panel: dict,
                 deal_panel: dict, categories: list[dict], statuses: list[dict]) -> tuple[dict, dict]:
    """The payload's "flows" and the cards block's "flows" for the `deals` of `dataset` (a selection).

    `panel` is the payload's panel (payload.panel_tables: the positions of weapon systems, actors,
    places and sources), `deal_panel` its per-route lists for the deals ("years", "route_actors",
    "route_places", "route_sources", in the order of `deals`); `categories` and `statuses` the
    payload's.
    """
    from .image import WORLD_SPAN  # (a world map's span, as the PNG and SVG draw it)

    flows = flow_rules.aggregate(deals)
    scale = options.scale(flows)
    weapon_at = {weapon_id: i for i, weapon_id in enumerate(panel["weapons"]["ids"])}
    category_at = {c["id"]: i for i, c in enumerate(categories)}
    status_at = {s["id"]: i for i, s in enumerate(statuses)}
    kinds = list(model.KINDS)
    lists: dict[tuple, int] = {}
    weapon_sets: dict[tuple, int] = {}
    weapon_boxes: list[list[int]] = []
    names: dict[tuple, int] = {}
    points: dict[str, int] = {}
    point_rows: list[list] = []

    def listed(values) -> int | None:
        key = tuple(values or ())
        return lists.setdefault(key, len(lists))

    def point(place_id: str) -> int:
        if place_id not in points:
            w = model.waypoint(place_id, dataset.places)
            points[place_id] = len(point_rows)
            point_rows.append([round(w.lat, ROUND), round(w.lon, ROUND), w.label, w.country or None] if w
                              else [0.0, 0.0, place_id, None])
        return points[place_id]

    # each deal's pair, in the order of the pairs' first deals (flows.aggregate's), and the pairs' rows
    pair_of: dict[int, int] = {}
    pair_rows: list[list] = []
    at = {id(deal): i for i, deal in enumerate(deals)}
    for flow in flows:
        first = at[id(flow.deals[0])]
        pair_rows.append([point(flow.origin), point(flow.destination), flow.supplier, flow.recipient,
                          listed(deal_panel["route_actors"][first]), listed(deal_panel["route_places"][first]),
                          listed(deal_panel["route_sources"][first])])
        for deal in flow.deals:
            pair_of[id(deal)] = len(pair_rows) - 1
    common_status = Counter(model.status(d) for d in deals).most_common(1)[0][0] if deals else "reported"
    common_kind = Counter(model.kind(d) for d in deals).most_common(1)[0][0] if deals else "arms"
    measure = options.measure
    rows, cards = [], _Cards(CARD_FIELDS)
    for i, deal in enumerate(deals):
        if id(deal) not in pair_of:  # (no two places to draw between: tabled as unplaced would be)
            continue
        p = model.props(deal)
        pair = pair_rows[pair_of[id(deal)]]
        years = deal_panel["years"][i] or [None, None]
        weapons = tuple(weapon_at[w] for w in p.get("weapons") or [] if isinstance(w, str) and w in weapon_at)
        if weapons not in weapon_sets:
            weapon_sets[weapons] = len(weapon_sets)
            boxes = style.route_categories(deal, dataset.weapons)
            weapon_boxes.append([category_at[c] for c in boxes] if boxes else [category_at[None]])
        status, kind = model.status(deal), model.kind(deal)
        actors = listed(deal_panel["route_actors"][i])
        places = listed(deal_panel["route_places"][i])
        sources = listed(deal_panel["route_sources"][i])
        supplier = str(p.get("supplier") or flows_end(p, 0))
        recipient = str(p.get("recipient") or flows_end(p, -1))
        named = None if (supplier, recipient) == (pair[2], pair[3]) else names.setdefault((supplier, recipient),
                                                                                            len(names))
        rows.append(_row([  # in the order of DEAL_FIELDS
            pair_of[id(deal)], years[0], years[1],
            None if measure == "deals" else _number(flow_rules.deal_value(deal, measure)),
            weapon_sets[weapons],
            years[2] if len(years) > 2 else None,
            None if status == common_status or status not in status_at else status_at[status],
            None if kind == common_kind or kind not in kinds else kinds.index(kind),
            1 if model.is_disputed(deal) else None,
            None if actors == pair[4] else actors,
            None if places == pair[5] else places,
            None if sources == pair[6] else sources,
            named,
        ]))
        cards.add(deal.get("id"), _card_facts(deal, p))
    words, unit = flow_rules.MEASURES[measure]
    main = {
        "points": point_rows, "point_fields": list(POINT_FIELDS),
        "pairs": pair_rows, "pair_fields": list(PAIR_FIELDS),
        "deals": rows, "deal_fields": list(DEAL_FIELDS),
        "lists": [list(key) for key in lists],
        "weapon_sets": [list(key) for key in weapon_sets], "weapon_boxes": weapon_boxes,
        "names": [list(key) for key in names],
        "common": {"status": status_at.get(common_status), "kind": kinds.index(common_kind) if common_kind in kinds else 0},
        "kinds": kinds,
        "scale": {"measure": measure, "curve": scale.curve, "reference": scale.reference, "auto": scale.auto,
                  "min": flow_rules.MIN_WIDTH, "max": flow_rules.MAX_WIDTH, "words": words, "unit": unit,
                  "legend": [list(entry) for entry in scale.legend()], "describe": scale.describe()},
        "arc": {"bow": flow_rules.FLOW_BOW, "bow_max": flow_rules.FLOW_BOW_MAX, "step": flow_rules.FLOW_ARC_STEP,
                "world_span": WORLD_SPAN},
        "colour": style.FLOW_COLOUR, "ink": style.FLOW_INK, "opacity": style.FLOW_OPACITY, "label": style.FLOW_LABEL,
        "total": len(rows),
    }
    return main, cards.finish()


def flows_end(p: dict, at: int) -> str:
    """A deal's first or last place id, for a deal that names no supplier or recipient."""
    ids = model.place_ids(p.get("waypoints"))
    return str(ids[at]) if ids else ""


def unplaced_cards(dataset: Dataset) -> dict | None:
    """The cards block's "unplaced": the deals of `dataset.unplaced` as rows of UNPLACED_FIELDS; None
    without any."""
    unplaced = getattr(dataset, "unplaced", None) or []
    if not unplaced:
        return None
    cards = _Cards(UNPLACED_FIELDS)
    for record in unplaced:
        facts = _card_facts(record, record)
        facts.update(id=str(record.get("id") or ""), supplier=str(record.get("supplier") or ""),
                     recipient=str(record.get("recipient") or ""), reason=str(record.get("reason") or ""))
        cards.add(None, facts)
    return cards.finish()


def flow_bounds(main: dict) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the pairs' points as their arcs join them (each destination the
    shorter way round in longitude from its origin), or None without pairs."""
    points = main["points"]
    lats, lons = [], []
    for row in main["pairs"]:
        (y0, x0), (y1, x1) = points[row[0]][:2], points[row[1]][:2]
        x1 = x1 + 360.0 * round((x0 - x1) / 360.0)
        lats += [y0, y1]
        lons += [x0, x1]
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


class _Cards:
    """Rows of texts, each field's texts listed once ("values", position 0 none) and referred to by position."""

    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields
        self.values: dict[str, dict[str, int]] = {name: {"": 0} for name in fields}
        self.ids: list[str] = []
        self.rows: list[list] = []

    def add(self, route_id, facts: dict[str, str]) -> None:
        if route_id is not None:
            self.ids.append(str(route_id))
        row = []
        for name in self.fields:
            table = self.values[name]
            text = facts.get(name) or ""
            row.append(table.setdefault(text, len(table)) or None)
        self.rows.append(_row(row))

    def finish(self) -> dict:
        out = {"card_fields": list(self.fields), "values": {name: list(table) for name, table in self.values.items()},
               "rows": self.rows}
        if self.ids:
            prefix = os.path.commonprefix(self.ids)
            out["id_prefix"] = prefix
            out["ids"] = [i[len(prefix):] for i in self.ids]
        return out


def _card_facts(deal: dict, p: dict) -> dict[str, str]:
    """`flows.deal_facts` of a deal, with its TIV per unit (written by the same rule) and its period."""
    facts = flow_rules.deal_facts(deal)
    record = p.get("sipri") if isinstance(p.get("sipri"), dict) else {}
    tiv = record.get("tiv") if isinstance(record.get("tiv"), dict) else {}
    facts["tiv_unit"] = flow_rules.deal_facts({"sipri": {"tiv": {"delivered": tiv.get("per_unit")}}})["tiv_delivered"]
    facts["period"] = model.period_text({"properties": p})
    return facts


def _number(value: float | None):
    """A value as the payload writes it: an integer as one ("17" not "17.0"), None as null; any other
    exactly (the page sums the values in the order `flows.Flow.total` does, to the same total)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _row(values: list) -> list:
    while values and values[-1] is None:
        values.pop()
    return values
