"""bench/generate.py: the benchmark's synthetic datasets are valid, realistic and reproducible.

Only the generator is tested here; the benchmark itself (bench/run.py) is not part of the test suite.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from cli import app
from conftest import ROOT
from routes.model import independent_sources

N = 50


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def no_bundled_data(tmp_path, monkeypatch):
    """An empty data folder, so a dataset validates only with the places and weapons it carries."""
    folder = tmp_path / "empty-data"
    (folder / "geo").mkdir(parents=True)
    (folder / "weapons.json").write_text("[]\n", encoding="utf-8")
    (folder / "geo" / "places.geojson").write_text('{"type": "FeatureCollection", "features": []}\n', encoding="utf-8")
    monkeypatch.setenv("ARMS_ROUTES_DATA_DIR", str(folder))


def test_generated_dataset_validates(generate, runner, tmp_path, no_bundled_data):
    path = generate.write(N, tmp_path / "bench.geojson", seed=3)

    result = runner.invoke(app, ["validate", str(path)])

    assert result.exit_code == 0, result.output
    assert "ok: 0 errors" in result.output
    assert f"in 1 file ({N} routes)" in result.output
    allowed = ("geometry: warning: is null", "no publication date",
               "warning: no route cites this source")
    unexpected = [line for line in result.output.splitlines()
                  if ": warning: " in line and not any(a in line for a in allowed)]
    assert unexpected == []


def test_generator_command_writes_the_file(generate, tmp_path, capsys):
    out = tmp_path / "routes.geojson"

    assert generate.main([str(N), "-o", str(out), "--seed", "5"]) == 0

    assert f"wrote {out} ({N} routes" in capsys.readouterr().out
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == N


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(generate):
    assert generate.dumps(generate.generate(N, seed=1)) == generate.dumps(generate.generate(N, seed=1))
    assert generate.dumps(generate.generate(N, seed=1)) != generate.dumps(generate.generate(N, seed=2))


def test_a_smaller_dataset_is_the_start_of_a_larger_one(generate):
    assert generate.generate(20, seed=4)["features"] == generate.generate(N, seed=4)["features"][:20]


def test_routes_have_the_shape_the_benchmark_promises(generate):
    collection = generate.generate(N, seed=7)
    routes, sources = collection["features"], collection["sources"]

    assert len(collection["places"]) >= 250
    assert len(collection["weapons"]) == 60
    assert len(sources) == 200
    assert any(s["derived_from"] for s in sources.values())
    for route in routes:
        props = route["properties"]
        assert 2 <= len(props["waypoints"]) <= 6
        assert len(props["legs"]) == len(props["waypoints"]) - 1
        assert 1 <= len(props["evidence"]) <= 4
        assert all(80 <= len(e["claim"]) <= 1200 for e in props["evidence"])
        if props["kind"] == "arms":
            assert 1 <= len(props["weapons"]) <= 3
        if props["status"] in ("corroborated", "confirmed"):
            assert independent_sources(route, sources) >= 2
    drawn = [r["geometry"] for r in routes if r["geometry"] is not None]
    assert 0 < len(drawn) < N
    vertices = [len(g["coordinates"]) if g["type"] == "LineString" else sum(map(len, g["coordinates"])) for g in drawn]
    assert sum(vertices) / len(vertices) > 20  # great-circle arcs, not straight two-point lines
