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
