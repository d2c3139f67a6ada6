"""arms-routes: map alleged arms-transfer routes with the evidence for each claim.

The Python API (docs/python.md)::

    import routes
    f7 = routes.load().select(weapon="F-7", since=2014)   # the CLI's filters, by name
    f7.explore()                       # a folium.Map; shown inline in Jupyter
    f7.to_geodataframe(by="leg")       # a GeoDataFrame, EPSG:4326
    f7.evidence_table()                # a DataFrame, one row per evidence item

Names are imported when first used, so that `import routes` stays quick. (`routes.select` and
`routes.validate` are the modules of those names: select with the method ``Dataset.select`` or
``routes.select.select(data, weapon="F-7")``; check files with `routes.check`.)
"""

__version__ = "0.1.0"

__all__ = [
    "load", "check", "Filters", "Dataset", "explore", "to_geodataframe", "evidence_table",
    "render_map", "write_report", "export_routes",
    "RoutesError", "UsageError", "InvalidDataset", "NoRoutesMatch", "__version__",
]

_WHERE = {
    "load": "api", "check": "api", "Filters": "select", "Dataset": "dataset",
    "explore": "render.notebook", "to_geodataframe": "frames", "evidence_table": "frames",
    "render_map": "render", "write_report": "report", "export_routes": "export",
    "RoutesError": "errors", "UsageError": "errors", "InvalidDataset": "errors", "NoRoutesMatch": "errors",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'routes' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
