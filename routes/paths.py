"""Where the bundled data lives, from a checkout and from an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The bundled data folder: `routes/_data` in a wheel, `data/` beside the package in a checkout.

    ARMS_ROUTES_DATA_DIR points it elsewhere (a folder laid out like data/).
    """
    override = os.environ.get("ARMS_ROUTES_DATA_DIR")
    if override:
        return Path(override)
    installed = _PACKAGE / "_data"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "data"


def bundled_dataset() -> Path:
    return data_dir() / "transfers.geojson"


def bundled_weapons() -> Path:
    return data_dir() / "weapons.json"


def bundled_places() -> Path:
    return data_dir() / "geo" / "places.geojson"


def bundled_countries() -> Path:
    return data_dir() / "geo" / "countries.geojson"


def schema_file() -> Path:
    return _PACKAGE / "schema" / "transfers.schema.json"
