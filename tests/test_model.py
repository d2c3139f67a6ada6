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


def test_groups_merge_when_a_later_source_links_them():
    sources = {"a": {}, "b": {}, "c": {"derived_from": ["a", "b"]}}
    assert model.independent_groups(["a", "b", "c"], sources) == [["a", "b", "c"]]


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


def test_supporting_sources_keep_their_order_and_repeats():
    r = route("paper-a", "court", "paper-a")
    r["properties"]["evidence"] += [{"source": "wire", "stance": "disputes"}, {"source": 7, "stance": "supports"}]
    assert model.supporting_sources(r) == ["paper-a", "court", "paper-a"]


def test_lineages_are_worked_out_once_for_many_calls():
    lineages = {}
    ids = ["blog", "court", "paper-b"]
    assert model.independent_groups(ids, SOURCES, lineages) == model.independent_groups(ids, SOURCES)
    assert model.independent_groups(ids, SOURCES) == [["court"], ["blog", "paper-b"]]
    assert lineages == {"blog": {"blog", "paper-a", "wire"}, "court": {"court"}, "paper-b": {"paper-b", "wire"}}
    lineages["court"] = {"court", "wire"}  # a kept lineage is used as it is
    assert model.independent_groups(ids, SOURCES, lineages) == [["blog", "court", "paper-b"]]


def test_lineage_of_broken_sources_stops_where_the_data_does():
    sources = {"a": "not an object", "b": {"derived_from": [["x"], 3, "a", None]}, "c": {"derived_from": 7}}
    assert model.lineage("b", sources) == {"b", "a"}
    assert model.lineage("c", sources) == {"c"}
    assert model.independent_groups(["a", "b", "c"], sources) == [["a", "b"], ["c"]]
