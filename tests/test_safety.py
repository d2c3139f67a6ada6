"""Trust under hostile files and concurrent edits: what is written where, and what is refused.

(See docs/safety.md for what the tool guarantees.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cli import app
from conftest import ROOT, make_collection
from routes.dataset import edit_lock, write_atomic
from routes.errors import WriteConflict


def test_a_write_through_a_symbolic_link_updates_its_target_and_keeps_the_link(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "team.geojson"
    target.write_text("old\n")
    link = tmp_path / "mine.geojson"
    link.symlink_to(target)

    write_atomic(link, "new\n")

    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in shared.iterdir()) == ["team.geojson"]  # no temporary file left


def test_a_hard_linked_file_is_rewritten_for_every_link(tmp_path):
    first = tmp_path / "a.geojson"
    first.write_text("old\n")
    second = tmp_path / "b.geojson"
    os.link(first, second)

    write_atomic(first, "new content\n")

    assert second.read_text() == "new content\n"
    assert os.stat(first).st_ino == os.stat(second).st_ino and os.stat(first).st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.geojson", "b.geojson"]


def test_a_write_keeps_the_files_permissions(tmp_path):
    path = tmp_path / "private.geojson"
    path.write_text("old\n")
    path.chmod(0o600)
    write_atomic(path, "new\n")
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_write_refuses_a_file_changed_since_it_was_read(tmp_path):
    path = tmp_path / "d.geojson"
    path.write_text("theirs\n")
    with pytest.raises(WriteConflict, match="changed on disk"):
        write_atomic(path, "mine\n", expected_digest="0" * 64)
    assert path.read_text() == "theirs\n"


def test_the_edit_lock_is_reentrant_and_keeps_other_writers_out(tmp_path):
    path = tmp_path / "d.geojson"
    order = []
    with edit_lock(path):
        with edit_lock(path):  # the same thread may take it again
            write_atomic(path, "one\n")  # (which takes it too)

        def other():
            with edit_lock(path, timeout=10):
                order.append("other")

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(0.3)
        order.append("first")  # the other writer is still waiting
    thread.join(10)
    assert order == ["first", "other"]


def test_a_lock_held_too_long_gives_a_clear_conflict(tmp_path):
    path = tmp_path / "d.geojson"
    failure = []
    with edit_lock(path):
        def other():
            try:
                with edit_lock(path, timeout=0.2):
                    pass
            except WriteConflict as exc:
                failure.append(str(exc))

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(10)
    assert failure and "another arms-routes command has been writing in" in failure[0]


def _invoke_with_deadline(runner, args, seconds=20):
    """Run a command in a thread so that a regression (a command waiting on a pipe) fails instead of hanging."""
    result = []
    thread = threading.Thread(target=lambda: result.append(runner.invoke(app, args)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"`arms-routes {' '.join(args)}` did not finish in {seconds} s"
    return result[0]


@pytest.mark.parametrize("command", [["validate", "{path}"], ["list", "-d", "{path}"], ["fmt", "{path}"],
                                     ["add-source", "x-src", "--title", "T", "-d", "{path}"]])
def test_a_named_pipe_is_refused_at_once(runner, tmp_path, command):
    pipe = tmp_path / "routes.geojson"
    os.mkfifo(pipe)
    result = _invoke_with_deadline(runner, [part.format(path=pipe) for part in command])
    assert result.exit_code == 1, result.output
    assert "is not a regular file" in result.output
    assert "Traceback" not in result.output


def test_a_number_beyond_double_range_is_refused_with_its_line(runner, write_dataset, tmp_path):
    path = write_dataset()
    text = path.read_text().replace('"name": "Route', '"weight": 1e400, "name": "Route', 1)
    path.write_text(text)
    line = text[:text.index("1e400")].count("\n") + 1

    result = runner.invoke(app, ["validate", str(path)])

    assert result.exit_code == 1, result.output
    assert f"{path}:{line}: -: file: the number 1e400 is beyond the range of a double" in result.output
    for command in (["fmt", str(path)], ["show", "fx-route", "-d", str(path), "--format", "json"]):
        before = path.read_bytes()
        result = runner.invoke(app, command)
        assert result.exit_code == 1 and "1e400" in result.output and ": Infinity" not in result.output
        assert path.read_bytes() == before


def test_many_adds_at_once_keep_every_route_they_report(tmp_path):
    path = tmp_path / "shared.geojson"
    collection = make_collection([])
    path.write_text(json.dumps(collection))
    count = 8
    processes = [subprocess.Popen(
        [sys.executable, str(ROOT / "cli.py"), "add", f"route-{i}", "--via", "fx-nampo > fx-gaza",
         "--supplier", "A", "--recipient", "B", "--source", "fx-news", "--claim", f"Claim {i}.",
         "--weapon", "fx-rpg", "-d", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path) for i in range(count)]
    outputs = [p.communicate(timeout=120) + (p.returncode,) for p in processes]

    reported = [i for i, (out, _err, code) in enumerate(outputs) if code == 0 and f"added route route-{i}" in out]
    ids = [f["id"] for f in json.loads(path.read_text())["features"]]
    assert sorted(ids) == sorted(f"route-{i}" for i in reported)
    assert len(reported) == count, [err for _out, err, code in outputs if code]  # none had to give up


def test_render_never_writes_over_its_own_input(runner, write_dataset, tmp_path):
    path = write_dataset()
    link = tmp_path / "map.html"
    link.symlink_to(path)
    before = path.read_bytes()

    result = runner.invoke(app, ["render", "-d", str(path), "-o", str(link)])

    assert result.exit_code == 1, result.output
    assert "is the same file as one of the files this command reads" in result.output
    assert path.read_bytes() == before and link.is_symlink()


def test_a_second_file_may_not_move_a_place_another_file_uses(runner, write_dataset):
    from conftest import PLACES, make_route, place_feature

    first = write_dataset(name="first.geojson")
    moved = [place_feature(*p) for p in PLACES]
    moved[1]["geometry"]["coordinates"] = [0.0, -80.0]  # fx-nampo, in Antarctica
    second = make_collection([make_route("other-route", waypoints=("fx-damascus", "fx-beirut"))])
    second["places"] = moved
    second_path = write_dataset(second, name="second.geojson")

    result = runner.invoke(app, ["list", "-d", str(first), "-d", str(second_path)])

    assert result.exit_code == 1, result.output
    assert f"error: {second_path}: places.fx-nampo: redefines the place 'fx-nampo' (Fixture Nampo, PRK, at -80, 0)" \
        in result.output
    assert f"which {first} defines as (Fixture Nampo, PRK, at 38.73, 125.395)" in result.output
    alone = runner.invoke(app, ["list", "-d", str(second_path)])  # on its own, a file's places are its own
    assert alone.exit_code == 0, alone.output


# -- many writers of one file --------------------------------------------------------------------------
def _run(*args, cwd):
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cwd)


def test_many_writers_of_every_kind_at_once_lose_nothing(tmp_path):
    """adds, add-sources, add-places and fmt on one file at once: each waits its turn, every one succeeds,
    and everything each reported is in the file."""
    path = tmp_path / "shared.geojson"
    path.write_text(json.dumps(make_collection([])))
    processes = []
    for i in range(6):
        processes.append(("route", f"route-{i}", _run(
            "add", f"route-{i}", "--via", "fx-nampo > fx-gaza", "--supplier", "A", "--recipient", "B",
            "--source", "fx-news", "--claim", f"Claim {i}.", "-d", path, cwd=tmp_path)))
        processes.append(("source", f"src-{i}", _run("add-source", f"src-{i}", "--title", f"Source {i}", "-d", path,
                                                     cwd=tmp_path)))
        processes.append(("place", f"pl-{i}", _run("add-place", f"pl-{i}", "--name", f"Place {i}", "--country", "IRN",
                                                   "--lat", "27", "--lon", str(56 + i / 10), "-d", path, cwd=tmp_path)))
        processes.append(("fmt", None, _run("fmt", path, cwd=tmp_path)))
    results = [(kind, item, *process.communicate(timeout=180), process.returncode)
               for kind, item, process in processes]

    failures = [(kind, item, err) for kind, item, _out, err, code in results if code != 0]
    assert failures == []
    doc = json.loads(path.read_text())
    assert sorted(f["id"] for f in doc["features"]) == [f"route-{i}" for i in range(6)]
    assert {f"src-{i}" for i in range(6)} <= set(doc["sources"])
    assert sorted(p["id"] for p in doc["places"] if p["id"].startswith("pl-")) == [f"pl-{i}" for i in range(6)]
    for _kind, item, out, _err, _code in results:
        assert item is None or f" {item} " in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.geojson"]  # no temporary file left
    validated = subprocess.run([sys.executable, str(ROOT / "cli.py"), "validate", str(path)], capture_output=True,
                               text=True)
    assert validated.returncode == 0, validated.stdout


def test_an_edit_waits_for_another_writer_then_adds_to_what_it_wrote(runner, write_dataset):
    path = write_dataset()
    started = threading.Event()
    outcome = []

    def other_writer():
        result = runner.invoke(app, ["add-source", "later-src", "--title", "Later", "-d", str(path)])
        outcome.append(result)

    with edit_lock(path):  # (as another arms-routes command would hold it)
        thread = threading.Thread(target=other_writer)
        thread.start()
        started.wait(0.3)
        assert not outcome  # waiting for the lock
        doc = json.loads(path.read_text())
        doc["sources"]["first-src"] = {"title": "First", "kind": "news", "reliability": "C"}
        write_atomic(path, json.dumps(doc))
    thread.join(20)
    assert outcome and outcome[0].exit_code == 0, outcome[0].output if outcome else "no result"
    assert {"first-src", "later-src"} <= set(json.loads(path.read_text())["sources"])


# -- links and permissions through the commands ---------------------------------------------------------
@pytest.mark.parametrize("command", [["fmt", "{path}"], ["add-source", "linked-src", "--title", "T", "-d", "{path}"]])
def test_fmt_and_add_through_a_symbolic_link_write_the_shared_target(runner, write_dataset, tmp_path, command):
    shared = tmp_path / "team"
    shared.mkdir()
    target = write_dataset(name="team/routes.geojson")
    target.chmod(0o640)
    link = tmp_path / "mine.geojson"
    link.symlink_to(target)
    before = target.read_text()

    result = runner.invoke(app, [part.format(path=link) for part in command])

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() != before
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in shared.iterdir()) == ["routes.geojson"]


def test_add_keeps_a_hard_linked_dataset_one_file(runner, write_dataset, tmp_path):
    path = write_dataset()
    other = tmp_path / "backup-link.geojson"
    os.link(path, other)

    result = runner.invoke(app, ["add-source", "linked-src", "--title", "T", "-d", str(path)])

    assert result.exit_code == 0, result.output
    assert os.stat(path).st_ino == os.stat(other).st_ino and "linked-src" in other.read_text()


# -- no command writes over one of its own inputs -------------------------------------------------------
@pytest.mark.parametrize("command, option", [
    (["export", "-d", "{data}", "-w", "fx-rpg", "-o", "{out}"], "--output"),
    (["report", "-d", "{data}", "-o", "{out}"], "--output"),
    (["render", "-d", "{data}", "-o", "{out}"], "--output"),
])
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_no_command_writes_over_its_own_input(runner, write_dataset, tmp_path, command, option, how):
    data = write_dataset(name="own.geojson")
    suffix = {"export": ".geojson", "report": ".md", "render": ".html"}[command[0]]
    out = data if how == "same" else tmp_path / f"out{suffix}"
    if how == "symlink":
        out.symlink_to(data)
    elif how == "hardlink":
        os.link(data, out)
    if command[0] != "export" and how == "same":
        out = tmp_path / f"own{suffix}"  # (report and render refuse a .geojson output by its suffix)
        os.link(data, out)
    before = data.read_bytes()

    result = runner.invoke(app, [part.format(data=data, out=out) for part in command])

    assert result.exit_code == 1, result.output
    assert f"{option} is " in result.stderr and "one of the files this command reads" in result.stderr
    assert "writing it would replace that file. Choose another file" in result.stderr
    assert data.read_bytes() == before


def test_a_markdown_report_never_puts_its_map_over_an_input(runner, write_dataset, tmp_path):
    data = write_dataset(name="r-map.png")  # (the map of r.md would be r-map.png)
    before = data.read_bytes()
    result = runner.invoke(app, ["report", "-d", str(data), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 1, result.output
    assert "the map beside the report is one of the files this command reads" in result.stderr
    assert data.read_bytes() == before and not (tmp_path / "r.md").exists()


# -- files that belong together: all or none ------------------------------------------------------------
def test_files_written_together_are_all_written_or_none(tmp_path):
    from routes.dataset import write_all_atomic
    from routes.errors import RoutesError

    report, image = tmp_path / "r.md", tmp_path / "r-map.png"
    report.write_text("old report\n")
    blocked = tmp_path / "blocked"
    blocked.mkdir()  # a folder where the second file should go: it cannot be written
    with pytest.raises(RoutesError, match="is a folder"):
        write_all_atomic([(report, "new report\n"), (blocked, b"png")])
    assert report.read_text() == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "r.md"]

    write_all_atomic([(image, b"png"), (report, "new report\n")])
    assert report.read_text() == "new report\n" and image.read_bytes() == b"png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "r-map.png", "r.md"]


def test_files_written_together_are_put_back_when_a_rename_fails(tmp_path, monkeypatch):
    from routes import dataset
    from routes.errors import RoutesError

    first, second = tmp_path / "a.geojson", tmp_path / "b.csv"
    first.write_text("old a\n")
    real = dataset._commit

    def failing(pending):
        if pending.target.name == "b.csv":
            raise RoutesError("cannot write: disk on fire", path=pending.path)
        real(pending)

    monkeypatch.setattr(dataset, "_commit", failing)
    with pytest.raises(RoutesError, match="disk on fire"):
        dataset.write_all_atomic([(first, "new a\n"), (second, "new b\n")])
    assert first.read_text() == "old a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.geojson"]


def test_a_failed_markdown_report_leaves_neither_file(runner, write_dataset, tmp_path):
    data = write_dataset()
    (tmp_path / "r-map.png").mkdir()  # the map cannot be written there
    result = runner.invoke(app, ["report", "-d", str(data), "-o", str(tmp_path / "r.md")])
    assert result.exit_code == 1, result.output
    assert f"error: {tmp_path / 'r-map.png'}: is a folder; give the name of a file to write" in result.stderr
    assert not (tmp_path / "r.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r-map.png", "routes.geojson"]


def test_a_failed_write_to_an_unwritable_folder_changes_nothing(runner, write_dataset, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes in a read-only folder")
    data = write_dataset()
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "r.md").write_text("old\n")
    locked.chmod(0o555)
    try:
        result = runner.invoke(app, ["report", "-d", str(data), "-o", str(locked / "r.md")])
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 1 and "cannot write here" in result.stderr
    assert sorted(p.name for p in locked.iterdir()) == ["r.md"] and (locked / "r.md").read_text() == "old\n"


# -- numbers: what a double cannot hold is refused or said ----------------------------------------------
def test_a_number_a_double_rounds_is_warned_of_and_fmt_says_what_it_wrote(runner, write_dataset):
    path = write_dataset()
    text = path.read_text().replace('"name": "Route', '"tiv": 0.123456789012345678901, "name": "Route', 1)
    path.write_text(text)
    line = text[:text.index("0.1234567890")].count("\n") + 1

    checked = runner.invoke(app, ["validate", str(path)])
    formatted = runner.invoke(app, ["fmt", str(path)])

    assert checked.exit_code == 0, checked.output
    assert (f"{path}:{line}: -: number: warning: 0.123456789012345678901 has more digits than a double holds, "
            "which reads it as 0.12345678901234568, so `arms-routes fmt`") in checked.stdout
    assert formatted.exit_code == 0, formatted.output
    assert (f"note: line {line}: 0.123456789012345678901 has more digits than a double holds, which reads it as "
            "0.12345678901234568, and the file now says 0.12345678901234568") in formatted.stdout
    assert '"tiv": 0.12345678901234568' in path.read_text()


def test_a_whole_number_written_as_a_decimal_reads_as_the_whole_number(runner, write_dataset, tmp_path):
    path = write_dataset()
    text = path.read_text().replace('"start": 2009', '"start": 2009.0').replace('"credibility": 3', '"credibility": 3.0')
    path.write_text(text)

    checked = runner.invoke(app, ["validate", str(path)])
    shown = runner.invoke(app, ["show", "fx-route", "-d", str(path)])
    listed = runner.invoke(app, ["list", "-d", str(path), "--format", "json"])
    exported = tmp_path / "out.csv"
    runner.invoke(app, ["export", "-d", str(path), "--evidence", "-o", str(exported)])
    formatted = runner.invoke(app, ["fmt", str(path)])

    assert checked.exit_code == 0
    assert ": fx-route: period.start: warning: 2009.0 is a whole number written as a decimal; write 2009" \
        in checked.stdout
    assert "period:         2009–2014" in shown.stdout and "[supports, B3]" in shown.stdout
    assert "2009.0" not in shown.stdout and "B3.0" not in shown.stdout
    assert json.loads(listed.stdout)[0]["period"] == {"start": 2009, "end": 2014}
    assert '"B3"' in exported.read_text() and "B3.0" not in exported.read_text()
    assert formatted.exit_code == 0 and '"start": 2009,' in path.read_text() and "2009.0" not in path.read_text()


# -- more of what docs/safety.md promises ---------------------------------------------------------------
def test_writers_of_different_files_in_one_folder_take_turns(tmp_path):
    order = []
    with edit_lock(tmp_path / "a.geojson"):
        def other():
            with edit_lock(tmp_path / "b.geojson", timeout=10):
                order.append("b")

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(0.3)
        order.append("a")
    thread.join(10)
    assert order == ["a", "b"]


def test_an_output_that_is_a_named_pipe_is_refused_without_waiting(runner, write_dataset, tmp_path):
    data = write_dataset()
    pipe = tmp_path / "out.csv"
    os.mkfifo(pipe)
    result = _invoke_with_deadline(runner, ["export", "-d", str(data), "-o", str(pipe)])
    assert result.exit_code == 1
    assert f"error: {pipe}: is not a regular file (a named pipe, device or socket); give the name of a file to write" \
        in result.stderr


def test_an_interrupted_write_leaves_the_file_as_it_was_and_no_temporary_file(tmp_path, monkeypatch):
    from routes import dataset

    path = tmp_path / "d.geojson"
    path.write_text("old\n")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(dataset.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.geojson"]


def test_a_hard_linked_file_that_cannot_be_rewritten_in_place_names_the_complete_new_content(tmp_path, monkeypatch):
    from routes import dataset
    from routes.errors import RoutesError

    path, other = tmp_path / "a.geojson", tmp_path / "b.geojson"
    path.write_text("old\n")
    os.link(path, other)

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(dataset, "open", refused, raising=False)
    with pytest.raises(RoutesError, match="cannot rewrite this hard-linked file in place") as caught:
        write_atomic(path, "new\n")
    kept = str(caught.value).rsplit("complete in ", 1)[1]
    assert Path(kept).read_text() == "new\n" and path.read_text() == "old\n" and other.read_text() == "old\n"


def test_rebuilding_a_route_whose_waypoints_are_one_place_writes_a_file_that_validates(runner, write_dataset):
    from conftest import make_route

    route = make_route("fx-same", waypoints=("fx-gaza", "fx-gaza"), legs=[{"mode": "unknown"}])
    route["geometry"] = None
    path = write_dataset(make_collection([route]))

    rebuilt = runner.invoke(app, ["fmt", "--rebuild-geometry", str(path)])
    checked = runner.invoke(app, ["validate", str(path)])

    assert rebuilt.exit_code == 0, rebuilt.output
    assert checked.exit_code == 0, checked.output
    assert len(json.loads(path.read_text())["features"][0]["geometry"]["coordinates"]) == 2
