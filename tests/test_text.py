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
    # disagree. validate.py and errors.py are still to be converted (their owners are elsewhere).
    import io
    import re
    import tokenize
    from pathlib import Path

    ending = re.compile(r"""['"]s['"] if """)
    in_words = re.compile(r"[a-z]\(s\)")  # "source(s)" in a text (not http(s), not Year(s), a SIPRI column)
    root = Path(__file__).resolve().parents[1] / "routes"
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name in ("validate.py", "errors.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            words = token.string.replace("http(s)", "").replace("Year(s)", "")
            if token.type == tokenize.STRING and in_words.search(words) or ending.search(token.line):
                found.append(f"{path.relative_to(root)}:{token.start[0]}")
    assert sorted(set(found)) == []
