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
from routes.dataset import edit_lock, write_atomic
from routes.errors import WriteConflict

from conftest import ROOT, make_collection


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
