"""The JSON Schema of a dataset (transfers.schema.json), shared by editors and the validator."""

from __future__ import annotations

import copy
import functools
import hashlib
import json

from .. import paths


@functools.lru_cache(maxsize=1)
def _text() -> bytes:
    return paths.schema_file().read_bytes()


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(_text().decode("utf-8"))


def digest() -> str:
    """A fingerprint of the schema this process validates with (see routes.cache)."""
    return hashlib.sha256(_text()).hexdigest()


@functools.cache
def validator(definition: str | None = None, trusted: tuple[str, ...] = ()):
    """A compiled validator for the whole dataset, or for one of its `$defs` (route, source, ...).

    `trusted` names members of the instance that the validator leaves unchecked (see `errors`).
    """
    from jsonschema import Draft7Validator

    return Draft7Validator(_subschema(definition, trusted))


def _subschema(definition: str | None, trusted: tuple[str, ...] = ()) -> dict:
    root = schema()
    if definition is None:
        return _trust(root, trusted)
    defs = root["$defs"]
    if trusted:
        defs = {**defs, definition: _trust(defs[definition], trusted)}
    return {"$ref": f"#/$defs/{definition}", "$defs": defs}


def _trust(definition: dict, trusted: tuple[str, ...]) -> dict:
    """The definition with the named members of its properties allowed to hold anything."""
    if not trusted:
        return definition
    return {**definition, "properties": {**definition.get("properties", {}), **{name: {} for name in trusted}}}


@functools.cache
def _compiled(definition: str | None, trusted: tuple[str, ...] = ()):
    import fastjsonschema

    def refuse(uri: str):
        raise ValueError(f"the dataset schema must not refer outside itself: {uri}")

    return fastjsonschema.compile(_gate_schema(definition, trusted), handlers={"http": refuse, "https": refuse})


def errors(definition: str | None, instance: object, *, trusted: tuple[str, ...] = ()) -> list:
    """Every schema error of `instance` against a definition (jsonschema errors, with paths).

    A compiled validator answers first, so valid data, the common case, is checked quickly; only
    invalid data goes through jsonschema, which lists every error with its path. `trusted` names
    members of the instance that the caller has already proved valid (the geometry of a route, say),
    which neither validator looks at again.
    """
    import fastjsonschema

    try:
        _compiled(definition, trusted)(instance)
        return []
    except fastjsonschema.JsonSchemaException:
        return list(validator(definition, trusted).iter_errors(instance))


# -- the compiled gate ---------------------------------------------------------------------------
# The gate accepts exactly what the schema accepts, but is compiled from an equivalent form that
# fastjsonschema runs quickly: each `$ref` written out in place (a generated call per reference
# formats a name for every array item, valid or not), and "X or null" as one type list instead of
# a oneOf (a oneOf tries every branch and raises inside each branch that fails). The published
# schema keeps its readable form, and jsonschema's errors, which users see, come from it.

# The keywords of draft-07 that constrain only values of one JSON type, so they hold for null.
_TYPE_KEYWORDS = {
    "string": {"pattern", "minLength", "maxLength", "format"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"},
    "array": {"items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains"},
    "object": {"properties", "required", "additionalProperties", "patternProperties", "propertyNames",
               "minProperties", "maxProperties", "dependencies"},
}
_TYPE_KEYWORDS["integer"] = _TYPE_KEYWORDS["number"]
_ANNOTATIONS = {"title", "description", "default", "examples", "$comment"}
_NULL = {"type": "null"}
_SCHEMA_MAPS = {"properties", "patternProperties", "dependencies", "definitions", "$defs"}
_LITERALS = {"enum", "const", "default", "examples", "required"}


def _gate_schema(definition: str | None, trusted: tuple[str, ...] = ()) -> dict:
    """The schema the compiled gate checks: `_subschema` in an equivalent form that runs quicker."""
    root = schema()
    defs = root["$defs"]
    start = {key: value for key, value in root.items() if key != "$defs"} if definition is None else defs[definition]
    gate = _trust(_simplify(start, defs, ()), trusted)
    if '"$ref"' in json.dumps(gate):  # a recursive reference stays one; otherwise the definitions would
        gate["$defs"] = defs          # only swell the generated code, which quotes each schema it checks
    return gate


def _simplify(node, defs: dict, expanding: tuple[str, ...]):
    """A copy of `node` with local references written out and nullable oneOf/anyOf as type lists."""
    if isinstance(node, list):
        return [_simplify(item, defs, expanding) for item in node]
    if not isinstance(node, dict):
        return copy.deepcopy(node)
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref[len("#/$defs/"):]
        if name in defs and name not in expanding:  # in draft-07 a $ref's siblings are ignored
            return _simplify(defs[name], defs, expanding + (name,))
        return dict(node)  # a recursive reference stays a reference
    out = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _simplify(sub, defs, expanding) for name, sub in value.items()}
        elif key in _LITERALS:
            out[key] = copy.deepcopy(value)
        else:
            out[key] = _simplify(value, defs, expanding)
    return _nullable(out)


def _nullable(node: dict) -> dict:
    """A oneOf/anyOf of branches that each accept other JSON types (`{"oneOf": [X, {"type": "null"}]}`,
    a year or an object, ...) as one schema: the types listed together and each branch's keywords,
    which hold only for values of its own types. Left as it is when that would not mean the same."""
    for keyword in ("oneOf", "anyOf"):
        branches = node.get(keyword)
        if not (isinstance(branches, list) and len(branches) >= 2) or set(node) - _ANNOTATIONS != {keyword}:
            continue
        merged: dict = {}
        types: list[str] = []
        for branch in branches:
            kinds = branch.get("type") if isinstance(branch, dict) else None
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if not (isinstance(kinds, list) and kinds and all(k in _TYPE_KEYWORDS or k == "null" for k in kinds)):
                break
            allowed = set().union(*(_TYPE_KEYWORDS.get(k, set()) for k in kinds)) | _ANNOTATIONS
            if not set(branch) - {"type"} <= allowed:
                break  # a keyword that also holds for other types (enum, not, ...) would then apply to them
            families = {"number" if k == "integer" else k for k in kinds}
            if families & {"number" if t == "integer" else t for t in types}:
                break  # branches that overlap in type: one value could match both
            if set(branch) & set(merged) - {"type"} - _ANNOTATIONS:
                break
            merged.update((k, v) for k, v in branch.items() if k != "type")
            types += kinds
        else:
            return {**{k: v for k, v in node.items() if k != keyword}, **merged, "type": types}
    return node
