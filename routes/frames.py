"""The routes and their evidence as pandas tables: a GeoDataFrame by route or by leg, and a DataFrame of
evidence items, with the columns the exports write (`routes.export.ROUTE_FIELDS`, `EVIDENCE_FIELDS`).

In these tables a list stays a list (``weapons`` is ``["f-7", "bulsae-2"]``, not "f-7; bulsae-2" as
in CSV) and an unknown value is missing (``<NA>``): nothing is filled in that the data does not give.
"""

from __future__ import annotations

from . import model
from .dataset import Dataset
from .errors import UsageError

BY = ("route", "leg")
# The columns of a table by leg, before the geometry: the leg's own, then those of the route it belongs
# to (`routes.export.ROUTE_FIELDS` but its id, which is `route_id` here, and its status, `route_status`).
LEG_OWN_FIELDS = ("route_id", "leg", "from_place", "to_place", "from_name", "to_name", "mode", "path", "status",
                  "note")


def _leg_fields() -> tuple[str, ...]:
    from .export import ROUTE_FIELDS

    route = tuple("route_status" if f == "status" else f for f in ROUTE_FIELDS if f != "id")
    return (*LEG_OWN_FIELDS, *route, "sources")
# What an evidence table adds to EVIDENCE_FIELDS from the source it cites.
SOURCE_FIELDS = ("source_kind", "source_reliability", "source_author")
_YEARS = ("period_start", "period_end")


def to_geodataframe(dataset: Dataset, by: str = "route"):
    """The routes of `dataset` as a `geopandas.GeoDataFrame` in EPSG:4326.

    Parameters
    ----------
    dataset : Dataset
        A dataset or a selection.
    by : {"route", "leg"}, default "route"
        "route": one row per route, the columns of `routes.export.ROUTE_FIELDS` and ``sources`` (the
        ids it cites), its line as written, or great-circle legs between its waypoints when it has none.
        "leg": one row per leg between two waypoints: the leg's own columns (`LEG_OWN_FIELDS`; ``leg``
        counts from 0, as `arms-routes add --evidence-legs` does; ``status`` is the leg's), then its
        route's (the export columns, the route's status as ``route_status``), its line as the map
        draws it (simplified to about 2 km); a route whose line cannot be cut at its waypoints gives
        one row with ``leg`` missing.

    Returns
    -------
    geopandas.GeoDataFrame
        In the order of the data; lists stay lists, an unknown value (a year, a text) is ``<NA>``.

    Examples
    --------
    >>> import routes
    >>> legs = routes.load().select(route="prk-irn-sdn-egy-gaza").to_geodataframe(by="leg")
    >>> legs["leg"].tolist()
    [0, 1, 2, 3]
    >>> legs.crs.to_string()
    'EPSG:4326'
    """
    if by not in BY:
        raise UsageError(f"by must be one of {', '.join(map(repr, BY))}, not {by!r}")
    return _by_route(dataset) if by == "route" else _by_leg(dataset)


def evidence_table(dataset: Dataset):
    """Every evidence item of the routes of `dataset`, one row per item.

    Parameters
    ----------
    dataset : Dataset
        A dataset or a selection.

    Returns
    -------
    pandas.DataFrame
        The columns of `routes.export.EVIDENCE_FIELDS` (``route_id``, ``item`` numbered from 1 within
        its route, ``stance``, ``claim``, ``source``, ``source_title``, ``url``, ``grade`` ...) and
        `SOURCE_FIELDS` (the cited source's kind, reliability and author), in the order of the data.

    Examples
    --------
    >>> import routes
    >>> table = routes.load().select(route="prk-irn-sdn-egy-gaza").evidence_table()
    >>> sorted(set(table["stance"]))
    ['disputes', 'supports']
    """
    import pandas

    from .export import EVIDENCE_FIELDS, evidence_rows

    rows = evidence_rows(dataset)
    for row in rows:
        source = dataset.sources.get(row["source"]) if isinstance(row["source"], str) else None
        source = source if isinstance(source, dict) else {}
        row.update(source_kind=source.get("kind"), source_reliability=source.get("reliability"),
                   source_author=source.get("author"))
    columns = [*EVIDENCE_FIELDS, *SOURCE_FIELDS]
    frame = pandas.DataFrame(rows, columns=columns)
    return _unknown_as_na(frame.astype({"item": "Int64"})) if len(frame) else frame


def _by_route(dataset: Dataset):
    import geopandas
    from shapely.geometry import shape

    from .export import ROUTE_FIELDS, built_geometry, route_rows

    records, geometries = [], []
    for route, row in zip(dataset.routes, route_rows(dataset)):
        record = {f: row.get(f) for f in ROUTE_FIELDS}
        record["sources"] = _cited(route)
        records.append(record)
        geometry = built_geometry(route, dataset.places)
        geometries.append(shape(geometry) if geometry else None)
    frame = geopandas.GeoDataFrame(records, columns=[*ROUTE_FIELDS, "sources"], geometry=geometries,
                                   crs="EPSG:4326")
    return _unknown_as_na(_whole_numbers(frame, (*_YEARS, "independent_sources", "evidence_count")))


def _by_leg(dataset: Dataset):
    import geopandas
    from shapely.geometry import LineString, MultiLineString

    from .export import route_rows
    from .geometry import split_antimeridian
    from .render.lines import decode, route_legs

    fields = _leg_fields()
    drawn, _ = route_legs(dataset)
    records, geometries = [], []
    for route, legs, row in zip(dataset.routes, drawn, route_rows(dataset)):
        p = model.props(route)
        ids = model.place_ids(p.get("waypoints"))
        declared = model.legs(route)
        statuses = model.leg_statuses(route)
        common = {("route_status" if f == "status" else f): v for f, v in row.items() if f != "id"}
        common["sources"] = _cited(route)
        next_index = 0
        for leg, line in zip(legs, decode([leg.coords for leg in legs])):
            index = None
            if leg.pair is not None:
                index = next((i for i in range(next_index, len(ids) - 1) if (ids[i], ids[i + 1]) == leg.pair), None)
            if index is not None:
                next_index = index + 1
                spec = declared[index] if index < len(declared) else {}
                a, b = (dataset.places.get(i) for i in leg.pair)
                own = {"route_id": route.get("id"), "leg": index, "from_place": leg.pair[0], "to_place": leg.pair[1],
                       "from_name": a.name if a else None, "to_name": b.name if b else None,
                       "mode": spec.get("mode", "unknown"), "path": model.leg_path(spec),
                       "status": statuses[index] if index < len(statuses) else p.get("status"),
                       "note": spec.get("note")}
            else:
                own = {"route_id": route.get("id"), "leg": None, "from_place": None, "to_place": None,
                       "from_name": None, "to_name": None, "mode": None, "path": leg.path, "status": leg.status,
                       "note": None}
            records.append({**own, **common})
            parts = split_antimeridian(line) if len(line) >= 2 else []
            geometries.append(None if not parts else LineString(parts[0]) if len(parts) == 1
                              else MultiLineString(parts))
    frame = geopandas.GeoDataFrame(records, columns=list(fields), geometry=geometries, crs="EPSG:4326")
    return _unknown_as_na(_whole_numbers(frame, ("leg", *_YEARS, "independent_sources", "evidence_count")))


def _cited(route: dict) -> list[str]:
    return list(dict.fromkeys(e["source"] for e in model.evidence(route) if isinstance(e.get("source"), str)))


def _unknown_as_na(frame):
    """Text columns as pandas' "string" dtype, so that every unknown text reads ``<NA>`` (not NaN in one
    column and None in the next); columns of lists, numbers, flags and geometry stay as they are."""
    import pandas

    for column in frame.columns:
        values = frame[column]
        if column == getattr(frame, "_geometry_column_name", None) or not len(values):
            continue
        if pandas.api.types.is_string_dtype(values.dtype) or values.dtype == object:
            present = values.dropna()
            if len(present) == 0 or all(isinstance(v, str) for v in present):
                frame[column] = values.astype("string")
    return frame


def _whole_numbers(frame, columns):
    """Columns of whole numbers that may be unknown as pandas' nullable integers (2014, not 2014.0)."""
    return frame.astype({c: "Int64" for c in columns}) if len(frame) else frame
