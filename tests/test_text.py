"""routes.text: counts of things in words, written one way everywhere."""

from routes.text import noun, plural


def test_a_count_takes_the_singular_only_for_one():
    assert plural(1, "route") == "1 route"
    assert plural(0, "route") == "0 routes"
    assert plural(3, "route") == "3 routes"
    assert plural(2, "ally", "allies") == "2 allies"
    assert plural(1, "ally", "allies") == "1 ally"


def test_the_noun_alone_follows_the_same_rule():
    assert noun(1, "leg") == "leg" and noun(2, "leg") == "legs" and noun(0, "leg") == "legs"
    assert noun(2, "it", "them") == "them"


def test_the_library_words_its_counts_with_plural():
    # A second rule, however small ("route{'s' if n != 1 else ''}", "source(s)"), is how outputs come to
    # disagree.
    import io
    import re
    import tokenize
    from pathlib import Path

    ending = re.compile(r"""['"]s['"] if """)
    in_words = re.compile(r"[a-z]\(s\)")  # "source(s)" in a text (not http(s), not Year(s), a SIPRI column)
    root = Path(__file__).resolve().parents[1] / "routes"
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            words = token.string.replace("http(s)", "").replace("Year(s)", "")
            if token.type == tokenize.STRING and in_words.search(words) or ending.search(token.line):
                found.append(f"{path.relative_to(root)}:{token.start[0]}")
    assert sorted(set(found)) == []


# -- ids made of names ------------------------------------------------------------------------------------
def test_an_id_is_what_the_schema_calls_a_slug():
    import json

    from routes import paths
    from routes.text import MAX_ID_LENGTH, SLUG

    schema = json.loads(paths.schema_file().read_text(encoding="utf-8"))
    assert SLUG.pattern == schema["$defs"]["slug"]["pattern"]
    assert MAX_ID_LENGTH == schema["$defs"]["slug"]["maxLength"]


def test_is_slug():
    from routes.text import is_slug

    assert is_slug("prk-irn-syr") and is_slug("f7") and is_slug("a" * 200)
    for bad in ("PRK", "a--b", "-a", "a-", "a b", "", "a" * 201, None, 7, "ä"):
        assert not is_slug(bad), bad


def test_slug_of_a_name_is_an_id():
    from routes.text import is_slug, slug

    assert slug("Qassam-1 (Ezz al-Din)") == "qassam-1-ezz-al-din"
    assert slug("Sanaʽa – Hodeidah") == "sanaa-hodeidah"
    assert slug("  --F-7--  ") == "f-7"
    assert slug("北朝鮮") == ""
    assert slug("x" * 150 + " y", 120) == "x" * 120
    assert slug("ab " * 100, 9) == "ab-ab-ab"  # never ends in a hyphen where it is cut
    for name in ("Qassam-1 (Ezz al-Din)", "Sanaʽa – Hodeidah", "ab " * 100, "Ü" * 300):
        assert is_slug(slug(name)), name


def test_the_ids_import_sipri_and_add_make_follow_the_rule():
    from routes import edit, sipri
    from routes.errors import UsageError
    from routes.text import slug

    assert sipri._slug("T-72M1 (Ural)") == slug("T-72M1 (Ural)", 120)
    import pytest

    with pytest.raises(UsageError, match="not a valid route id"):
        edit._slug("a--b", "route", "ROUTE-ID")
    assert edit._slug("a-b", "route", "ROUTE-ID") == "a-b"
