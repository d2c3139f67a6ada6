"""routes.encode: data text made safe for a terminal and a spreadsheet."""

import csv
import io

from routes.encode import csv_writer, for_csv_cell, for_terminal


def test_terminal_text_shows_control_sequences_instead_of_running_them():
    assert for_terminal("Hamas\x1b[2J\x1b]8;;http://x\x07link") == "Hamas\\x1b[2J\\x1b]8;;http://x\\x07link"
    assert for_terminal("abc\u202edcba") == "abc\\u202edcba"  # a bidi override cannot reorder what follows
    assert for_terminal("a\x9b31m") == "a\\x9b31m"  # the one-byte CSI
    assert for_terminal("line one\nline\ttwo — Gaza → Rafah") == "line one\nline\ttwo — Gaza → Rafah"
    assert for_terminal(7) == "7"


def test_a_csv_cell_never_starts_a_formula_and_a_cr_never_starts_a_row():
    assert for_csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert for_csv_cell("  \r\n@SUM(A1)") == "'  \r\n@SUM(A1)"
    assert for_csv_cell("-95.7129") == "-95.7129" and for_csv_cell("-1e5") == "-1e5"
    assert for_csv_cell("-5 dead") == "'-5 dead"
    assert for_csv_cell("North Korea") == "North Korea"
    out = io.StringIO()
    csv_writer(out).writerow(["a\rb", for_csv_cell("x\r=cmd()"), "plain"])
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows == [["a\rb", "x\r=cmd()", "plain"]]
