"""Hostile SIPRI exports: `import-sipri` never crashes, never writes a dataset `validate` refuses, never
writes a formula into --rejects, and leaves nothing behind when it fails.

(See docs/safety.md; the export's layout is as in tests/test_cli_import_sipri.py.)
"""

from __future__ import annotations

import csv
import io
import json

from test_cli_import_sipri import HEADER, ROWS, csv_text, data_dir  # noqa: F401 (data_dir: the small bundled data)

from cli import app


def _export(tmp_path, rows, preamble: str = "") -> object:
    path = tmp_path / "export.csv"
    path.write_text(preamble + csv_text([HEADER, *rows]), encoding="utf-8")
    return path


def _validates(runner, path) -> None:
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_a_text_over_the_limit_is_cut_with_a_mark_and_kept_whole_and_the_dataset_validates(runner, tmp_path):
    comments = "Delivered via a third country. " * 5000  # 155,000 characters
    designation = "D" * 30000
    row = [*ROWS[0]]
    row[HEADER.index("Comments")] = comments
    row[HEADER.index("Weapon designation")] = designation
    out = tmp_path / "sipri.geojson"

    result = runner.invoke(app, ["import-sipri", str(_export(tmp_path, [row])), "-o", str(out)])

    assert result.exit_code == 0, result.output
    _validates(runner, out)
    route = json.loads(out.read_text(encoding="utf-8"))["features"][0]["properties"]
    claim = route["evidence"][0]["claim"]
    assert len(claim) == 20000 and claim.endswith(
        f"[…] (cut at 20,000 of its {len(comments.strip()):,} characters; the whole text is in sipri.comments)")
    assert route["sipri"]["comments"] == comments.strip()
    assert len(route["name"]) == 20000 and "the whole text is in sipri.designation" in route["name"]
    assert route["sipri"]["designation"] == designation


def test_a_field_over_128_kib_before_the_header_is_read(runner, tmp_path):
    preamble = '"' + "x" * 200_000 + '"\n'
    out = tmp_path / "sipri.geojson"
    result = runner.invoke(app, ["import-sipri", str(_export(tmp_path, ROWS[:3], preamble)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    _validates(runner, out)


def test_a_quote_left_open_before_the_header_is_no_header_and_no_crash(runner, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('"never closed\n' + "x" * 200_000 + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import-sipri", str(path), "-o", str(tmp_path / "out.geojson")])
    assert result.exit_code == 1
    assert "not a SIPRI export this tool knows: no header row" in result.stderr
    assert not (tmp_path / "out.geojson").exists()


def test_rejects_never_hold_a_live_formula_and_keep_every_row_whole(runner, tmp_path):
    hostile = [*ROWS[3]]
    hostile[HEADER.index("Comments")] = '=HYPERLINK("http://evil.example","click")\r@SUM(A1)'
    hostile[HEADER.index("Recipient")] = "+Afghanistan"
    out, rejects = tmp_path / "sipri.geojson", tmp_path / "rejects.csv"

    result = runner.invoke(app, ["import-sipri", str(_export(tmp_path, [ROWS[0], hostile])), "-o", str(out),
                                 "--rejects", str(rejects)])

    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(rejects.read_bytes().decode("utf-8"), newline="")))
    assert len(rows) == 2  # the header and the one rejected row: the CR did not start another
    row = dict(zip(rows[0], rows[1]))
    assert row["Comments"] == '\'=HYPERLINK("http://evil.example","click")\r@SUM(A1)'
    assert row["Recipient"] == "'+Afghanistan"


def test_a_failed_import_leaves_neither_of_its_files(runner, tmp_path):
    out = tmp_path / "out-folder.geojson"
    out.mkdir()  # the dataset cannot be written there
    rejects = tmp_path / "rejects.csv"

    result = runner.invoke(app, ["import-sipri", str(_export(tmp_path, ROWS)), "-o", str(out),
                                 "--rejects", str(rejects)])

    assert result.exit_code == 1
    assert f"error: {out}: is a folder; give the name of a file to write" in result.stderr
    assert not rejects.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["export.csv", "out-folder.geojson"]


def test_import_never_writes_over_its_export_through_a_link(runner, tmp_path):
    export = _export(tmp_path, ROWS)
    link = tmp_path / "link.geojson"  # (a dataset's name: the link, not the suffix, is what is refused)
    link.symlink_to(export)
    before = export.read_bytes()

    for option in ("-o", "--rejects"):
        args = ["import-sipri", str(export), "-o", str(tmp_path / "x.geojson"), option, str(link)]
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert "is the same file as one of the files this command reads" in result.stderr
    assert export.read_bytes() == before and not (tmp_path / "x.geojson").exists()


def test_many_deals_of_one_identity_get_distinct_ids_quickly(runner, tmp_path):
    import time

    out = tmp_path / "sipri.geojson"
    started = time.perf_counter()
    result = runner.invoke(app, ["import-sipri", str(_export(tmp_path, [ROWS[0]] * 12000)), "-o", str(out)])
    seconds = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    ids = [f["id"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    assert len(set(ids)) == 12000 and ids[1] == f"{ids[0]}-2" and ids[-1] == f"{ids[0]}-12000"
    assert seconds < 6, f"import took {seconds:.1f} s"  # (trying -2, -3, ... from the start each time: 9 s; now 1.5)
