"""The vocabulary of the data model and what can be read off one route: status, dispute, independence.

Routes stay the GeoJSON features the user wrote (plain dicts), so nothing a user adds is lost on the
way through the tool; these functions read them.
"""

from __future__ import annotations

STATUSES = ("alleged", "reported", "corroborated", "confirmed")
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
KINDS = ("arms", "technology", "training", "payment")
MODES = ("sea", "land", "air", "rail", "unknown")
STANCES = ("supports", "disputes")
SOURCE_KINDS = ("news", "analysis", "official", "court", "un_report", "dataset", "other")
OFFICIAL_KINDS = {"official", "court", "un_report"}
RELIABILITY = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
    "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true",
    4: "doubtful", 5: "improbable", 6: "truth cannot be judged",
}


def props(route: dict) -> dict:
    return route.get("properties") or {}


def kind(route: dict) -> str:
    return props(route).get("kind") or "arms"


def status(route: dict) -> str:
    return props(route).get("status", "alleged")


def evidence(route: dict, stance: str | None = None) -> list[dict]:
    items = props(route).get("evidence") or []
    return [e for e in items if stance is None or e.get("stance") == stance]


def is_disputed(route: dict) -> bool:
    """A route is disputed when any evidence item disputes it."""
    return bool(evidence(route, "disputes"))


def lineage(source_id: str, sources: dict[str, dict]) -> set[str]:
    """The source and every source it derives from, transitively (cycles are tolerated)."""
    seen: set[str] = set()
    stack = [source_id]
    while stack:
        current = stack.pop()
        if not isinstance(current, str) or current in seen:
            continue  # (an id that is not text is reported by validation; it has no lineage)
        seen.add(current)
        source = sources.get(current)
        parents = source.get("derived_from") if isinstance(source, dict) else None
        if isinstance(parents, list):
            stack.extend(parents)
    return seen


def independent_groups(source_ids: list[str], sources: dict[str, dict],
                       lineages: dict[str, set[str]] | None = None) -> list[list[str]]:
    """Group sources that share any underlying reporting; each group counts once as independent.

    Two sources are independent only when neither derives from the other and they do not both
    repeat a common source. `lineages`, when given, keeps each source's `lineage` from one call to
    the next, for many routes over the same (unchanging) sources.
    """
    groups: list[tuple[set[str], list[str]]] = []
    for source_id in dict.fromkeys(source_ids):
        if lineages is None:
            ancestry = lineage(source_id, sources)
        else:
            ancestry = lineages.get(source_id)
            if ancestry is None:
                ancestry = lineages[source_id] = lineage(source_id, sources)
        # (lineage sets may be shared with `lineages`: they are never changed in place)
        merged_lineage, merged_members, kept = ancestry, [], []
        for group in groups:
            if group[0].isdisjoint(ancestry):
                kept.append(group)
            else:
                merged_lineage = merged_lineage | group[0]
                merged_members += group[1]
        kept.append((merged_lineage, merged_members + [source_id]))
        groups = kept
    return [members for _, members in groups]


def supporting_sources(route: dict) -> list[str]:
    """The source ids of the evidence items that support the route, in their order (repeats kept)."""
    return [e["source"] for e in props(route).get("evidence") or []
            if e.get("stance") == "supports" and isinstance(e.get("source"), str)]


def independent_sources(route: dict, sources: dict[str, dict]) -> int:
    """How many independent sources support the route."""
    return len(independent_groups(supporting_sources(route), sources))


def grade(item: dict, sources: dict[str, dict]) -> str:
    """The Admiralty grade of an evidence item: source reliability and information credibility, e.g. "B2"."""
    source = sources.get(item.get("source")) or {}
    return f"{source.get('reliability', 'F')}{item.get('credibility', 6)}"


def period_text(route: dict) -> str:
    period = props(route).get("period") or {}
    start, end = period.get("start"), period.get("end")
    if start is None and end is None:
        return "unknown"
    if start == end:
        return str(start)
    return f"{start if start is not None else '?'}–{end if end is not None else '?'}"
