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
    from jsonschema import Draft7Validator

    return Draft7Validator(_subschema(definition))


def _subschema(definition: str | None) -> dict:
    root = schema()
    if definition is None:
        return root
    return {"$ref": f"#/$defs/{definition}", "$defs": root["$defs"]}


@functools.lru_cache(maxsize=None)
def _compiled(definition: str | None):
    import fastjsonschema

    def refuse(uri: str):
        raise ValueError(f"the dataset schema must not refer outside itself: {uri}")

    return fastjsonschema.compile(_subschema(definition), handlers={"http": refuse, "https": refuse})


def errors(definition: str | None, instance: object) -> list:
    """Every schema error of `instance` against a definition (jsonschema errors, with paths).

    A compiled validator answers first, so valid data, the common case, is checked quickly; only
    invalid data goes through jsonschema, which lists every error with its path.
    """
    import fastjsonschema

    try:
        _compiled(definition)(instance)
        return []
    except fastjsonschema.JsonSchemaException:
        return list(validator(definition).iter_errors(instance))
