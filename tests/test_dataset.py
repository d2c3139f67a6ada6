import os

import pytest

from conftest import make_collection, make_route
from routes.dataset import file_digest, load_dataset, write_atomic
from routes.errors import InvalidDataset, RoutesError, WriteConflict


def test_several_files_merge_in_order(write_dataset):
    a = write_dataset(make_collection([make_route("fx-a")]), name="a.geojson")
    b = write_dataset(make_collection([make_route("fx-b")]), name="b.geojson")
    dataset = load_dataset([a, b])
    assert [r["id"] for r in dataset.routes] == ["fx-a", "fx-b"]
    assert dataset.origin == {"fx-a": a, "fx-b": b}


def test_same_route_id_in_two_files_is_an_error(write_dataset):
    a = write_dataset(make_collection([make_route("fx-a")]), name="a.geojson")
    b = write_dataset(make_collection([make_route("fx-a")]), name="b.geojson")
    with pytest.raises(RoutesError) as info:
        load_dataset([a, b])
    assert str(info.value).startswith(f"{b}: fx-a: id: route id is also used in {a}")


def test_invalid_file_is_refused_with_its_first_problem(write_dataset):
    path = write_dataset(make_collection([make_route("fx-a", status="rumoured"), make_route("fx-b", weapons=["x"])]))
    with pytest.raises(InvalidDataset) as info:
        load_dataset([path])
    assert len(info.value.problems) == 2
    assert ": fx-a: status: " in str(info.value)
    assert "and 1 more problem" in str(info.value)


def test_unknown_properties_survive_loading(write_dataset):
    route = make_route("fx-a", my_field={"kept": True})
    dataset = load_dataset([write_dataset(make_collection([route]))])
    assert dataset.routes[0]["properties"]["my_field"] == {"kept": True}


def test_write_atomic_replaces_whole_file(tmp_path):
    path = tmp_path / "out.txt"
    write_atomic(path, "one")
    write_atomic(path, "two")
    assert path.read_text() == "two"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_write_atomic_failure_leaves_original(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    path.write_text("original")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(RoutesError):
        write_atomic(path, "new")
    assert path.read_text() == "original"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_write_atomic_refuses_a_file_changed_since_read(tmp_path):
    path = tmp_path / "data.geojson"
    path.write_text("v1")
    digest = file_digest(path)
    path.write_text("v2 by someone else")
    with pytest.raises(WriteConflict):
        write_atomic(path, "v3", expected_digest=digest)
    assert path.read_text() == "v2 by someone else"
