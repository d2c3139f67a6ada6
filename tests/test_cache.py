"""The record of validated files: a file is validated once, and every change is validated again."""

import json
import shutil

import pytest

from cli import app
from conftest import ROOT, make_collection, make_route
from routes import cache, validate
from routes.dataset import load_dataset
from routes.errors import InvalidDataset


@pytest.fixture
def record(tmp_path, monkeypatch):
    """A record of this test's own, empty at the start."""
    folder = tmp_path / "record"
    monkeypatch.setenv("ARMS_ROUTES_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def count_validations(monkeypatch):
    """How many times a document was validated while loading."""
    calls = []
    real = validate.validate_document

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr("routes.dataset.validate_document", counting)
    return calls


def entries(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_a_valid_file_is_validated_once(record, write_dataset, count_validations):
    path = write_dataset()
    first = load_dataset([path])
    second = load_dataset([path])
    assert count_validations == [path]
    assert second.routes == first.routes and second.sources == first.sources
    assert len(entries(record)) == 1
    assert all(p.read_bytes() == b"" for p in record.rglob("*") if p.is_file())  # the record holds no data


def test_a_changed_file_is_validated_again(record, write_dataset, count_validations):
    path = write_dataset()
    load_dataset([path])
    write_dataset(make_collection([make_route(status="rumoured")]))
    with pytest.raises(InvalidDataset) as info:
        load_dataset([path])
    assert ": fx-route: status: " in str(info.value)
    assert len(count_validations) == 2


def test_a_file_with_errors_is_never_recorded(record, write_dataset, count_validations):
    path = write_dataset(make_collection([make_route(weapons=["no-such-weapon"])]))
    for _ in range(2):
        with pytest.raises(InvalidDataset):
            load_dataset([path])
    assert len(count_validations) == 2
    assert entries(record) == []


def test_another_gazetteer_means_validating_again(record, write_dataset, count_validations, tmp_path, monkeypatch):
    path = write_dataset()
    load_dataset([path])
    other = tmp_path / "data"
    shutil.copytree(ROOT / "data", other)
    weapons = json.loads((other / "weapons.json").read_text(encoding="utf-8"))
    (other / "weapons.json").write_text(json.dumps(weapons[:-1]), encoding="utf-8")
    monkeypatch.setenv("ARMS_ROUTES_DATA_DIR", str(other))
    load_dataset([path])
    assert len(count_validations) == 2
    assert len(entries(record)) == 2


def test_a_repeated_key_is_refused_when_loading_too(record, runner, write_dataset):
    text = json.dumps(make_collection(), indent=2).replace('"status": "reported"',
                                                           '"status": "reported",\n "status": "confirmed"')
    path = write_dataset(text)
    for _ in range(2):  # and not recorded as valid
        result = runner.invoke(app, ["render", "--data", str(path), "-o", str(path.with_suffix(".html"))])
        assert result.exit_code == 1
        assert f"{path}:" in result.output and "fx-route: status: key 'status' appears twice" in result.output
    assert not path.with_suffix(".html").exists()
    assert entries(record) == []


def test_validate_records_a_valid_file_for_the_commands_after_it(record, runner, write_dataset, count_validations):
    path = write_dataset()
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert len(entries(record)) == 1
    result = runner.invoke(app, ["list", "--data", str(path)])
    assert result.exit_code == 0, result.output
    assert "fx-route" in result.stdout
    assert count_validations == []


def test_an_empty_setting_turns_the_record_off(tmp_path, monkeypatch, write_dataset, count_validations):
    monkeypatch.setenv("ARMS_ROUTES_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = write_dataset()
    load_dataset([path])
    load_dataset([path])
    assert len(count_validations) == 2
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_default_folder_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("ARMS_ROUTES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.folder() == tmp_path / "xdg" / "arms-routes"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/xdg")  # the XDG spec says to ignore a relative one
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.folder() == tmp_path / "home" / ".cache" / "arms-routes"
    monkeypatch.setenv("HOME", "not-absolute")
    assert cache.folder() is None


def test_a_relative_setting_means_the_folder_it_names_now(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ARMS_ROUTES_CACHE_DIR", "record")
    assert cache.folder() == tmp_path / "record"


def test_another_validator_means_validating_again(record, write_dataset, count_validations, monkeypatch):
    path = write_dataset()
    load_dataset([path])
    monkeypatch.setattr(cache, "_CODE", "the code of another version")
    load_dataset([path])
    load_dataset([path])
    assert len(count_validations) == 2
    assert len(entries(record)) == 2


def test_an_unwritable_record_only_costs_time(tmp_path, monkeypatch, write_dataset, count_validations):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ARMS_ROUTES_CACHE_DIR", str(blocker / "record"))
    path = write_dataset()
    assert [r["id"] for r in load_dataset([path]).routes] == ["fx-route"]
    assert [r["id"] for r in load_dataset([path]).routes] == ["fx-route"]
    assert len(count_validations) == 2



def test_a_file_with_an_integer_beyond_64_bits_is_always_read_exactly(record, write_dataset, count_validations):
    collection = make_collection([make_route(extra={"count": 123456789012345678901234567890})])
    path = write_dataset(collection)
    for _ in range(2):
        route = load_dataset([path]).routes[0]
        assert route["properties"]["extra"]["count"] == 123456789012345678901234567890
    assert len(count_validations) == 2
    assert entries(record) == []
