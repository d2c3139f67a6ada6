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


# -- the `arms-routes` command of an editable install runs the checkout's cli.py --------------------
# (an install that copies cli.py into site-packages makes `arms-routes` run a stale copy after any edit,
# while the tests import the edited file)

RUN_SCRIPT = ("import atexit, runpy, sys; script = sys.argv[1]; "
              "atexit.register(lambda: print(sys.modules['cli'].__file__)); "
              "sys.argv = [script, *sys.argv[2:]]; runpy.run_path(script, run_name='__main__')")


def test_the_arms_routes_command_runs_the_checkouts_cli(tmp_path):
    script = ROOT / ".venv" / "bin" / "arms-routes"
    if not script.exists():
        pytest.skip("no .venv/bin/arms-routes: the checkout is not installed in .venv")
    result = subprocess.run([str(script), "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "arms-routes 0.1.0\n"
    python = script.read_text(encoding="utf-8").splitlines()[0].removeprefix("#!")
    ran = subprocess.run([python, "-c", RUN_SCRIPT, str(script), "--version"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert ran.stdout.splitlines() == ["arms-routes 0.1.0", str(ROOT / "cli.py")], ran.stdout + ran.stderr


def test_an_editable_install_copies_no_cli_py(tmp_path):
    # --target, never --prefix: pip would uninstall the .venv's own install of arms-routes first
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "-e", str(ROOT),
                    "--target", str(target)], check=True, capture_output=True, timeout=600)
    assert not (target / "cli.py").exists(), "an editable install copied cli.py into site-packages"
    record = next(target.glob("arms_routes-*.dist-info")) / "RECORD"
    assert not any(line.split(",")[0] == "cli.py" for line in record.read_text(encoding="utf-8").splitlines())
    # the command it installs, run with that site-packages first on the path, runs the checkout's cli.py
    code = f"import site, sys; sys.path.insert(0, {str(target)!r}); site.addsitedir({str(target)!r}); " + RUN_SCRIPT
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    ran = subprocess.run([sys.executable, "-c", code, str(target / "bin" / "arms-routes"), "--version"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert ran.stdout.splitlines() == ["arms-routes 0.1.0", str(ROOT / "cli.py")], ran.stdout + ran.stderr
