"""routes.dataset.atomic_path: the one atomic write, for a writer that creates its file by name (GDAL)."""

from __future__ import annotations

import os

import pytest

from conftest import make_collection
from routes import export
from routes.dataset import atomic_path, load_dataset
from routes.errors import RoutesError


def test_the_file_written_at_the_temporary_path_is_put_in_place(tmp_path):
    out = tmp_path / "out.bin"
    out.write_bytes(b"old")
    os.chmod(out, 0o600)
    with atomic_path(out, suffix=".tmp.gpkg") as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(".tmp.gpkg") and not tmp.exists()
        tmp.write_bytes(b"new")
        (tmp.parent / f"{tmp.name}-journal").write_bytes(b"sqlite's")  # a companion a writer may leave
    assert out.read_bytes() == b"new" and oct(out.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_an_error_in_the_writer_changes_nothing_and_leaves_nothing(tmp_path):
    out = tmp_path / "out.bin"
    out.write_bytes(b"old")
    with pytest.raises(ZeroDivisionError):
        with atomic_path(out) as tmp:
            tmp.write_bytes(b"half")
            (tmp.parent / f"{tmp.name}-wal").write_bytes(b"x")
            raise ZeroDivisionError
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]
    with pytest.raises(RoutesError, match="nothing was written"):
        with atomic_path(out):
            pass
    assert out.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_links_are_kept_as_write_atomic_keeps_them(tmp_path):
    real = tmp_path / "real.bin"
    real.write_bytes(b"old")
    link = tmp_path / "link.bin"
    link.symlink_to(real)
    with atomic_path(link) as tmp:
        tmp.write_bytes(b"through the link")
    assert link.is_symlink() and real.read_bytes() == b"through the link"
    hard = tmp_path / "hard.bin"
    os.link(real, hard)
    with atomic_path(hard) as tmp:
        tmp.write_bytes(b"both see it")
    assert real.read_bytes() == hard.read_bytes() == b"both see it"


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(RoutesError, match="is a folder"):
        with atomic_path(tmp_path):
            pass


def test_a_geopackage_that_fails_half_way_leaves_the_old_one_whole(write_dataset, tmp_path, monkeypatch):
    import pyogrio

    dataset = load_dataset([write_dataset(make_collection())])
    out = tmp_path / "routes.gpkg"
    export.export_routes(dataset, out)
    before = out.read_bytes()
    real = pyogrio.write_dataframe

    def fail_on_the_evidence_layer(frame, path, **kwargs):
        if kwargs.get("layer") == "evidence":
            raise OSError(28, "No space left on device")
        return real(frame, path, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", fail_on_the_evidence_layer)
    with pytest.raises(RoutesError, match="No space left on device"):
        export.export_routes(dataset, out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["routes.geojson", "routes.gpkg"]
