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
        if current in seen:
            continue
        seen.add(current)
        stack.extend((sources.get(current) or {}).get("derived_from") or [])
    return seen


def independent_groups(source_ids: list[str], sources: dict[str, dict]) -> list[list[str]]:
    """Group sources that share any underlying reporting; each group counts once as independent.

    Two sources are independent only when neither derives from the other and they do not both
    repeat a common source.
    """
    groups: list[tuple[set[str], list[str]]] = []
    for source_id in dict.fromkeys(source_ids):
        ancestry = lineage(source_id, sources)
        joined = [g for g in groups if g[0] & ancestry]
        merged_lineage, merged_members = set(ancestry), []
        for g in joined:
            merged_lineage |= g[0]
            merged_members += g[1]
            groups.remove(g)
        groups.append((merged_lineage, merged_members + [source_id]))
    return [members for _, members in groups]


def independent_sources(route: dict, sources: dict[str, dict]) -> int:
    """How many independent sources support the route."""
    ids = [e["source"] for e in evidence(route, "supports") if isinstance(e.get("source"), str)]
    return len(independent_groups(ids, sources))


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
