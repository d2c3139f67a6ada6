"""The JSON Schema of a dataset (transfers.schema.json), shared by editors and the validator."""

from __future__ import annotations

import functools
import json

from .. import paths


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(paths.schema_file().read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=None)
def validator(definition: str | None = None):
    """A compiled validator for the whole dataset, or for one of its `$defs` (route, source, ...)."""
    from jsonschema import Draft202012Validator

    root = schema()
    if definition is None:
        return Draft202012Validator(root)
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": root["$defs"]})
