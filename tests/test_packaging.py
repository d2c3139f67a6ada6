"""The bundled data is found from a non-editable install run in another directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{result.stderr[-2000:]}")
    return next(out.glob("arms_routes-*.whl"))


def test_wheel_carries_the_data_the_schema_and_the_cli(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("cli.py", "routes/_data/transfers.geojson", "routes/_data/weapons.json",
                     "routes/_data/geo/places.geojson", "routes/schema/transfers.schema.json"):
        assert expected in names, f"{expected} missing from the wheel"
    assert not any(n.startswith(("tests/", "bench/")) for n in names)


def test_installed_copy_validates_its_bundled_data_from_elsewhere(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ARMS_ROUTES_DATA_DIR"} | {"PYTHONPATH": str(target)}
    code = "import sys, cli; sys.argv = ['arms-routes'] + sys.argv[1:]; cli.app()"
    result = subprocess.run([sys.executable, "-c", code, "validate"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: 0 errors" in result.stdout
    where = subprocess.run([sys.executable, "-c", "from routes import paths; print(paths.bundled_dataset())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.strip() == str(target / "routes" / "_data" / "transfers.geojson")
