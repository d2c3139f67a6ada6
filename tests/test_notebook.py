"""The worked notebook (examples/notebook.ipynb) runs as a reader would run it, and its outputs are the real
thing: the map is an <iframe srcdoc> that survives nbconvert, the tables are tables, the files are written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "examples" / "notebook.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    pytest.importorskip("nbconvert")
    pytest.importorskip("ipykernel")
    folder = tmp_path_factory.mktemp("notebook")
    shutil.copy(NOTEBOOK, folder / "notebook.ipynb")
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                          "--ExecutePreprocessor.timeout=120", "--output", "executed.ipynb", "notebook.ipynb"],
                         cwd=folder, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return folder, json.loads((folder / "executed.ipynb").read_text(encoding="utf-8"))


def _outputs(notebook, containing: str) -> list[dict]:
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code" and containing in "".join(c["source"]))
    return cell["outputs"]


def _html(outputs) -> str:
    return "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)


def test_the_notebook_runs_without_an_error(executed):
    _, notebook = executed
    errors = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"] if o["output_type"] == "error"]
    assert errors == []


def test_a_dataset_and_a_selection_show_as_summary_tables(executed):
    _, notebook = executed
    assert "Dataset: " in _html(_outputs(notebook, "data = routes.load()")) and "<table>" in _html(
        _outputs(notebook, "data = routes.load()"))
    selection = _outputs(notebook, 'weapon="f7"')
    assert "weapon F-7" in "".join("".join(o.get("text", "")) for o in selection)
    assert "Selection: 1 of" in _html(selection)


def test_explore_shows_an_iframe_of_the_map_and_composes_with_a_users_map(executed):
    _, notebook = executed
    shown = _html(_outputs(notebook, 'actor="Hamas").explore()'))
    assert "<iframe srcdoc=" in shown and "armsRoutesDraw" in shown and "actor Hamas" in shown
    composed = _html(_outputs(notebook, "m=mine"))
    assert "<iframe srcdoc=" in composed and "Sanaa" in composed and "actor Houthis" in composed


def test_tables_and_files(executed):
    folder, notebook = executed
    legs = _html(_outputs(notebook, 'by="leg"'))
    assert "from_name" in legs and "schematic" in legs
    assert "stance" in "".join("".join(o.get("data", {}).get("text/plain", "")) for o in
                               _outputs(notebook, "evidence_table()"))
    for name in ("f7.png", "f7.parquet", "f7-report.html"):
        assert (folder / name).stat().st_size > 0, name


def test_the_notebook_is_kept_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")
