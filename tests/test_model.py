from routes import model

SOURCES = {
    "wire": {"derived_from": []},
    "paper-a": {"derived_from": ["wire"]},
    "paper-b": {"derived_from": ["wire"]},
    "blog": {"derived_from": ["paper-a"]},
    "court": {"derived_from": []},
}


def route(*source_ids, stance="supports"):
    return {"properties": {"evidence": [{"source": s, "stance": stance} for s in source_ids]}}


def test_sources_repeating_one_report_count_once():
    assert model.independent_sources(route("paper-a", "paper-b", "blog", "wire"), SOURCES) == 1


def test_unrelated_sources_are_independent():
    assert model.independent_sources(route("paper-a", "court"), SOURCES) == 2


def test_a_source_repeating_two_unrelated_sources_does_not_merge_them():
    # Independence is pairwise (docs/data-model.md): c repeats a and b, but a and b share nothing.
    sources = {"a": {}, "b": {}, "c": {"derived_from": ["a", "b"]}}
    assert model.independent_set(["a", "b", "c"], sources) == ["a", "b"]
    assert model.independent_set(["c", "a", "b"], sources) == ["a", "b"]
    assert model.independent_sources(route("c", "a", "b"), sources) == 2


def test_the_audit_case_minhas_repeating_bechtol_keeps_the_hezbollah_tunnels_at_two():
    # dataset-audit §3.5: mark Minhas as repeating Bechtol and the 2014 report; Ramani (2014 report)
    # and the anonymous page (Bechtol) share nothing, so two independent sources remain.
    sources = {
        "bechtol": {}, "deal-2014": {},
        "ramani": {"derived_from": ["deal-2014"]},
        "anon": {"derived_from": ["bechtol"]},
        "minhas": {"derived_from": ["deal-2014", "bechtol"]},
    }
    assert model.independent_sources(route("ramani", "ramani", "anon", "minhas"), sources) == 2
    assert model.independent_sources(route("anon", "minhas"), sources) == 1  # the Hamas tunnels: both Bechtol
    assert model.independent_sources(route("ramani", "minhas"), sources) == 1


def test_the_largest_set_wins_over_the_first_found():
    # a clashes with b and c, which do not clash: {b, c} beats {a}
    sources = {"x": {}, "y": {}, "a": {"derived_from": ["x", "y"]}, "b": {"derived_from": ["x"]},
               "c": {"derived_from": ["y"]}}
    assert model.independent_set(["a", "b", "c"], sources) == ["b", "c"]
    # a chain: each shares with the next only
    chain = {"s1": {}, "s2": {}, "s3": {}, "p": {"derived_from": ["s1", "s2"]}, "q": {"derived_from": ["s2", "s3"]}}
    assert model.independent_set(["s1", "p", "s2", "q", "s3"], chain) == ["s1", "s2", "s3"]
    assert model.independent_set(["p", "q", "s3"], chain) == ["p", "s3"]


def test_many_unrelated_sources_count_each():
    sources = {f"s{i}": {} for i in range(40)}
    sources["echo"] = {"derived_from": ["s0"]}
    assert model.independent_sources(route(*sources), sources) == 40


def test_disputing_items_do_not_count_as_support():
    r = route("court")
    r["properties"]["evidence"].append({"source": "wire", "stance": "disputes"})
    assert model.independent_sources(r, SOURCES) == 1
    assert model.is_disputed(r)


def test_lineage_tolerates_cycles():
    assert model.lineage("a", {"a": {"derived_from": ["b"]}, "b": {"derived_from": ["a"]}}) == {"a", "b"}


def test_grade_combines_source_reliability_and_item_credibility():
    assert model.grade({"source": "s", "credibility": 2}, {"s": {"reliability": "B"}}) == "B2"
    assert model.grade({"source": "missing", "credibility": 6}, {}) == "F6"


def test_period_text():
    assert model.period_text({"properties": {"period": {"start": 2009, "end": 2009}}}) == "2009"
    assert model.period_text({"properties": {"period": {"start": 2014, "end": None}}}) == "2014–?"
    assert model.period_text({"properties": {"period": {"start": None, "end": None}}}) == "unknown"
    approximate = {"year": 1999, "approximate": True}
    assert model.period_text({"properties": {"period": {"start": approximate, "end": 2004}}}) == "c. 1999–2004"
    assert model.period_text({"properties": {"period": {"start": approximate, "end": approximate}}}) == "c. 1999"
    assert model.period_text({"properties": {"period": {"start": {"year": 2001}, "end": None}}}) == "2001–?"
    assert model.period_years({"properties": {"period": {"start": approximate, "end": None}}}) == (1999, None)


def test_waypoints_say_how_the_sources_locate_them():
    from routes.gazetteer import Gazetteer, Place

    places = Gazetteer([Place("nampo", "Nampo", "PRK", "port", 125.4, 38.7),
                        Place("irn", "Iran", "IRN", "country", 53.7, 32.4),
                        Place("gaza-strip", "Gaza Strip", "PSE", "region", 34.3, 31.4),
                        Place("rafah", "Rafah", "PSE", "city", 34.2, 31.3, precision="area")])
    exact, stand_in, country, area, coarse = (model.waypoint(w, places) for w in (
        "nampo", {"place": "nampo", "stand_in": True, "stands_for": "North Korea", "precision": "country"},
        "irn", "gaza-strip", "rafah"))
    assert exact.exact and exact.label == "Nampo" and exact.describe() == "" and exact.drawn_as == "site"
    assert not stand_in.exact and stand_in.label == "≈ North Korea" and stand_in.drawn_as == "stand-in"
    assert stand_in.describe() == "stand-in for North Korea: the sources name only the country (drawn at Nampo)"
    assert country.precision == "country" and country.drawn_as == "area" and not country.exact
    assert area.precision == "area" and "the sources name only the area" in area.describe()
    assert coarse.precision == "area"  # the gazetteer's own precision wins over its kind
    bare = model.waypoint({"place": "nampo", "stand_in": True, "stands_for": "Hezbollah"}, places)
    assert bare.precision is None and bare.describe() == \
        "stand-in for Hezbollah: the sources do not name this place (drawn at Nampo)"
    assert model.waypoint("nowhere", places) is None


def test_leg_path_follows_the_mode_unless_given():
    assert model.leg_path({"mode": "unknown"}) == "schematic"
    assert model.leg_path({"mode": "sea"}) == "plausible"
    assert model.leg_path({"mode": "land", "path": "documented"}) == "documented"
    assert model.leg_path({}) == "schematic"
    assert model.legs({"properties": {"waypoints": ["a", "b", "c"], "legs": [{"mode": "sea"}]}}) == \
        [{"mode": "sea"}, {"mode": "unknown"}]


def test_dispute_text_tells_a_denial_from_a_non_confirmation():
    assert model.dispute_text({"dispute": "denial", "said_by": "North Korea"}) == "denied by North Korea"
    assert model.dispute_text({"dispute": "non-confirmation", "said_by": "John Kirby"}) == "not confirmed by John Kirby"
    assert model.dispute_text({"said_by": "KCNA"}) == "disputed by KCNA"
    assert model.dispute_text({}) == "disputed"


def test_supporting_sources_keep_their_order_and_repeats():
    r = route("paper-a", "court", "paper-a")
    r["properties"]["evidence"] += [{"source": "wire", "stance": "disputes"}, {"source": 7, "stance": "supports"}]
    assert model.supporting_sources(r) == ["paper-a", "court", "paper-a"]


def test_lineages_are_worked_out_once_for_many_calls():
    lineages = {}
    ids = ["blog", "court", "paper-b"]
    assert model.independent_set(ids, SOURCES, lineages) == model.independent_set(ids, SOURCES)
    assert model.independent_set(ids, SOURCES) == ["blog", "court"]
    assert lineages == {"blog": {"blog", "paper-a", "wire"}, "court": {"court"}, "paper-b": {"paper-b", "wire"}}
    lineages["court"] = {"court", "wire"}  # a kept lineage is used as it is
    assert model.independent_set(ids, SOURCES, lineages) == ["blog"]


def test_lineage_of_broken_sources_stops_where_the_data_does():
    sources = {"a": "not an object", "b": {"derived_from": [["x"], 3, "a", None]}, "c": {"derived_from": 7}}
    assert model.lineage("b", sources) == {"b", "a"}
    assert model.lineage("c", sources) == {"c"}
    assert model.independent_set(["a", "b", "c"], sources) == ["a", "c"]


def test_what_one_claim_relays_does_not_tie_the_sources_other_claims():
    # dataset-audit §3.5: three articles share the 2014 deal report, but that report says nothing of
    # the 2009 Thai seizure; recorded on the items that repeat it (relays), not on the whole source.
    sources = {"deal-2014": {}, "ramani": {}, "minhas": {}, "anon": {}}
    seizure = {"properties": {"evidence": [
        {"source": "ramani", "stance": "supports"}, {"source": "minhas", "stance": "supports"},
        {"source": "anon", "stance": "supports"}]}}
    deal = {"properties": {"evidence": [
        {"source": "ramani", "stance": "supports", "relays": ["deal-2014"]},
        {"source": "minhas", "stance": "supports", "relays": ["deal-2014"]},
        {"source": "anon", "stance": "supports", "relays": ["deal-2014", "anon"]}]}}
    assert model.independent_sources(seizure, sources) == 3
    assert model.independent_sources(deal, sources) == 1
    assert model.supporting_sources(deal)[2] == ("anon", "deal-2014")  # (its own source is not relayed)
    assert model.key_lineage(("anon", "deal-2014"), sources) == {"anon", "deal-2014"}
    # the same source on two items still counts once
    mixed = {"properties": {"evidence": [{"source": "ramani", "stance": "supports"},
                                          {"source": "ramani", "stance": "supports", "relays": ["deal-2014"]}]}}
    assert model.independent_sources(mixed, sources) == 1


def test_the_largest_set_is_exact_on_small_tangles_and_quick_on_large_ones():
    import itertools
    import random

    rng = random.Random(12)
    for _ in range(300):  # against brute force: the size is the largest
        n = rng.randint(1, 9)
        roots = [f"r{i}" for i in range(5)]
        sources = {r: {} for r in roots}
        for i in range(n):
            sources[f"s{i}"] = {"derived_from": rng.sample(roots, rng.randint(0, 2))}
        ids = [f"s{i}" for i in range(n)]
        best = max(len(c) for k in range(n + 1) for c in itertools.combinations(ids, k)
                   if all(not (model.lineage(a, sources) & model.lineage(b, sources)) for a, b in itertools.combinations(c, 2)))
        chosen = model.independent_set(ids, sources)
        assert len(chosen) == best, (sources, chosen)
        assert all(not (model.lineage(a, sources) & model.lineage(b, sources)) for a, b in itertools.combinations(chosen, 2))
    # 60 pairs of sources, each pair repeating a report of its own: 60, at once (it once doubled with each pair)
    pairs = {}
    for i in range(60):
        pairs[f"report-{i}"] = {}
        pairs[f"a-{i}"] = {"derived_from": [f"report-{i}"]}
        pairs[f"b-{i}"] = {"derived_from": [f"report-{i}"]}
    assert model.independent_sources(route(*(s for s in pairs if not s.startswith("report"))), pairs) == 60
