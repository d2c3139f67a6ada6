"""`arms-routes add`, `add-source` and `add-place`, and the README's "Adding routes" examples run as written."""

from __future__ import annotations

import json
import re
import shlex

import pytest

from cli import app
from conftest import ROOT, make_collection, make_route

README = ROOT / "README.md"


def adding_routes_section() -> str:
    """The README's "Adding routes" section, whose examples the tests run as written."""
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Adding routes\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]
ADD = ["add", "fx-new", "--via", "Fixture Nampo > Fixture Bandar Abbas > Fixture Port Sudan > Fixture Gaza",
       "--mode", "sea,sea,land", "--supplier", "North Korea", "--recipient", "Hamas", "--source", "fx-news",
       "--claim", "A new fixture claim.", "--weapon", "FX-7", "--since", "2014", "--status", "reported"]


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_add_a_route_with_sea_and_land_legs(runner, write_dataset):
    path = write_dataset()
    result = runner.invoke(app, [*ADD, "--data", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"added route fx-new to {path}"
    assert lines[1].startswith("  leg 0: Fixture Nampo → Fixture Bandar Abbas, sea (plausible): sea-lane through ")
    assert lines[2] == ("  leg 1: Fixture Bandar Abbas → Fixture Port Sudan, sea (plausible): sea-lane through "
                        "Strait of Hormuz, Bab-el-Mandeb")
    assert lines[3] == "  leg 2: Fixture Port Sudan → Fixture Gaza, land (plausible): great-circle"
    route = read(path)["features"][-1]
    assert route["properties"]["status"] == "reported" and route["properties"]["weapons"] == ["fx-rpg"]

    checked = runner.invoke(app, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "ok: 0 errors" in checked.output


def test_an_added_route_renders(runner, write_dataset, tmp_path):
    pytest.importorskip("routes.render")
    path = write_dataset()
    assert runner.invoke(app, [*ADD, "--data", str(path)]).exit_code == 0
    result = runner.invoke(app, ["render", "--data", str(path), "--route", "fx-new", "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stdout and (tmp_path / "map.html").stat().st_size > 0


def test_an_unknown_place_fails_with_suggestions_and_leaves_the_file_unchanged(runner, write_dataset):
    path = write_dataset()
    before = path.read_bytes()
    args = [*ADD, "--data", str(path)]
    args[args.index("--via") + 1] = "Fixture Nampo > Fixture Bandar Abas"
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: --via: unknown place 'Fixture Bandar Abas'; "
                                    "did you mean: fx-bandar-abbas")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_an_existing_route_id_is_refused(runner, write_dataset):
    path = write_dataset()
    args = [*ADD, "--data", str(path)]
    args[1] = "fx-route"
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr == (f"error: {path}: fx-route: id: route 'fx-route' already exists (features[0]); "
                             "choose another id, or edit that route by hand\n")


def test_a_result_that_would_not_validate_lists_every_problem_and_writes_nothing(runner, write_dataset):
    path = write_dataset()
    before = path.read_bytes()
    result = runner.invoke(app, [*ADD, "--data", str(path), "--status", "corroborated", "--until", "2010"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "fx-new: period: starts in 2014 but ends in 2010; swap them" in lines
    assert any(line.startswith("fx-new: status: 'corroborated' needs two independent") for line in lines)
    assert lines[-1] == f"error: {path}: the result would not validate (see above); nothing was written"
    assert path.read_bytes() == before


def test_add_registers_a_new_source_in_the_same_command(runner, write_dataset):
    path = write_dataset()
    args = [*ADD, "--data", str(path)]
    args[args.index("--source") + 1] = "fx-dhow"
    result = runner.invoke(app, [*args, "--source-title", "Dhow report", "--source-kind", "news",
                                 "--source-reliability", "B", "--source-url", "https://example.org/dhow"])
    assert result.exit_code == 0, result.output
    assert read(path)["sources"]["fx-dhow"]["title"] == "Dhow report"


@pytest.mark.parametrize(("extra", "message"), [
    (["--mode", "sea,boat,land"], "--mode: --mode 'boat' is not a mode"),
    (["--weapon", "Fixture Bazooka"], "--weapon: unknown weapon system 'Fixture Bazooka'"),
    (["--source", "fx-nope"], "--source: unknown source 'fx-nope'"),
])
def test_bad_option_values_exit_2(runner, write_dataset, extra, message):
    path = write_dataset()
    before = path.read_bytes()
    result = runner.invoke(app, [*ADD, "--data", str(path), *extra])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_add_to_an_invalid_file_is_refused(runner, write_dataset):
    path = write_dataset(make_collection([make_route(status="certain")]))
    result = runner.invoke(app, [*ADD, "--data", str(path)])
    assert result.exit_code == 1
    assert f"error: {path}: has 1 error already, so nothing was written" in result.stderr


# -- stand-ins, leg paths, approximate years ---------------------------------------------------------------
def test_add_marks_stand_ins_paths_and_approximate_years_and_says_so(runner, write_dataset):
    path = write_dataset()
    args = [*ADD, "--data", str(path), "--path", "plausible,schematic,documented", "--evidence-legs", "2",
            "--since", "2014?", "--until", "c. 2016"]
    args[args.index("--via") + 1] = ("Fixture Nampo > Fixture Bandar Abbas~the Fixture Navy > Fixture Port Sudan "
                                     "> Fixture Gaza")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2].startswith("  leg 1: Fixture Bandar Abbas → Fixture Port Sudan, sea (schematic): sea-lane")
    assert lines[3] == "  leg 2: Fixture Port Sudan → Fixture Gaza, land (documented): great-circle"
    assert lines[4:] == ["  stand-in for the Fixture Navy: the sources do not name this place "
                         "(drawn at Fixture Bandar Abbas)"]
    props = read(path)["features"][-1]["properties"]
    assert props["waypoints"][1] == {"place": "fx-bandar-abbas", "stand_in": True, "stands_for": "the Fixture Navy"}
    assert props["period"] == {"start": {"year": 2014, "approximate": True}, "end": {"year": 2016, "approximate": True}}
    assert props["evidence"][0]["legs"] == [2]
    shown = runner.invoke(app, ["show", "fx-new", "--data", str(path)])
    assert "    2. ≈ the Fixture Navy — stand-in for the Fixture Navy" in shown.stdout
    assert "  period:         c. 2014–c. 2016" in shown.stdout


@pytest.mark.parametrize(("extra", "message"), [
    (["--path", "certain"], "error: --path: --path 'certain' is not a path; use one of: documented, plausible, "
                            "schematic"),
    (["--path", "documented"], "error: --path: leg 0 is 'documented', so the supporting claim must speak to it: add "
                               "--evidence-legs 0 when the source describes that path, or use plausible or schematic"),
    (["--evidence-legs", "7"], "error: --evidence-legs: '7' is not a leg of this route; its legs are 0 to 2"),
    (["--since", "soon"], "error: --since: 'soon' is not a year; write 2014, or 2014? (also c2014) for an "
                          "approximate year"),
    (["--evidence-weapon", "FX-122"], "error: --evidence-weapon: 'fx-rocket' is not one of the route's weapon "
                                      "systems (fx-rpg); give it with --weapon too"),
])
def test_bad_paths_legs_and_years_exit_2_with_one_line(runner, write_dataset, extra, message):
    path = write_dataset()
    before = path.read_bytes()
    result = runner.invoke(app, [*ADD, "--data", str(path), *extra])
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert path.read_bytes() == before


def test_a_tilde_without_a_country_to_stand_for_exits_2_with_one_line(runner, write_dataset):
    collection = make_collection()
    collection["places"].append({"type": "Feature", "id": "fx-outpost", "properties": {
        "name": "Fixture Outpost", "aliases": [], "country": "XFB", "kind": "city"},
        "geometry": {"type": "Point", "coordinates": [52.0, 22.0]}})
    path = write_dataset(collection)
    args = [*ADD, "--data", str(path)]
    args[args.index("--via") + 1] = "Fixture Outpost~ > Fixture Gaza"
    args[args.index("--mode") + 1] = "land"
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == (f"error: {path}: --via: 'Fixture Outpost~': the gazetteer has no country-level place of "
                             "XFB, so '~' alone cannot say what Fixture Outpost stands for; write what the sources "
                             "name after the '~', e.g. 'Fixture Outpost~Houthis'\n")


# -- add-source ---------------------------------------------------------------------------------------
def test_add_source(runner, write_dataset):
    path = write_dataset()
    result = runner.invoke(app, ["add-source", "fx-un", "--title", "Panel of Experts report", "--kind", "un_report",
                                 "--reliability", "A", "--published", "2024-03", "--derived-from", "fx-news",
                                 "--data", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"added source fx-un to {path}\n"
    assert "note: cite it with `arms-routes add ... --source fx-un`" in result.stderr
    assert read(path)["sources"]["fx-un"]["kind"] == "un_report"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["fx-news", "--title", "Again"], 1, "source 'fx-news' is already registered"),
    (["fx-x", "--title", "X", "--url", "file:///etc/passwd"], 2, "--url: url 'file:///etc/passwd' is not an http"),
    (["fx-x", "--title", "X", "--kind", "blog"], 2, "error: invalid value for --kind: 'blog' is not one of"),
])
def test_add_source_refuses(runner, write_dataset, args, code, message):
    path = write_dataset()
    before = path.read_bytes()
    result = runner.invoke(app, ["add-source", *args, "--data", str(path)])
    assert result.exit_code == code
    assert message in result.stderr
    assert path.read_bytes() == before


# -- add-place ----------------------------------------------------------------------------------------
def test_add_place_then_use_it(runner, write_dataset):
    path = write_dataset()
    result = runner.invoke(app, ["add-place", "fx-mukalla", "--name", "Fixture Mukalla", "--country", "YEM",
                                 "--kind", "port", "--lat", "14.5425", "--lon", "49.1242", "--alias", "Al Mukalla",
                                 "--data", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"added place fx-mukalla (Fixture Mukalla, YEM) to the places of {path}\n"
    places = runner.invoke(app, ["places", "mukalla", "--data", str(path)])
    assert places.exit_code == 0 and "fx-mukalla" in places.stdout


def test_add_place_warns_when_lat_and_lon_look_swapped(runner, write_dataset):
    path = write_dataset()
    result = runner.invoke(app, ["add-place", "fx-ba2", "--name", "Fixture BA 2", "--country", "IRN",
                                 "--lat", "56.28", "--lon", "27.18", "--data", str(path)])
    assert result.exit_code == 0
    assert "note: 56.28, 27.18 lies" in result.stderr and "(are --lat and --lon swapped?)" in result.stderr


def test_add_place_with_a_precision(runner, write_dataset):
    path = write_dataset()
    result = runner.invoke(app, ["add-place", "fx-litani", "--name", "Fixture Litani", "--country", "LBN",
                                 "--kind", "region", "--precision", "area", "--lat", "33.3", "--lon", "35.4",
                                 "--data", str(path)])
    assert result.exit_code == 0, result.output
    assert read(path)["places"][-1]["properties"]["precision"] == "area"
    bad = runner.invoke(app, ["add-place", "fx-x", "--name", "X", "--country", "LBN", "--precision", "exact",
                              "--lat", "33.3", "--lon", "35.4", "--data", str(path)])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: invalid value for --precision: 'exact'")


def test_add_place_to_a_gazetteer_file(runner, write_dataset):
    path = write_dataset({"type": "FeatureCollection", "features": []}, name="places.geojson")
    result = runner.invoke(app, ["add-place", "fx-aden", "--name", "Fixture Aden", "--country", "YEM",
                                 "--lat", "12.8", "--lon", "45.0", "--gazetteer", str(path)])
    assert result.exit_code == 0, result.output
    assert read(path)["features"][0]["id"] == "fx-aden"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["fx-nampo", "--name", "N", "--country", "PRK", "--lat", "38", "--lon", "125"], 1, "'fx-nampo' already exists"),
    (["fx-x", "--name", "X", "--country", "Yemen", "--lat", "14", "--lon", "49"], 2, "not an ISO 3166-1 alpha-3"),
    (["fx-x", "--name", "X", "--country", "YEM", "--lat", "140", "--lon", "49"], 2, "error: invalid value for --lat:"),
])
def test_add_place_refuses(runner, write_dataset, args, code, message):
    path = write_dataset()
    before = path.read_bytes()
    result = runner.invoke(app, ["add-place", *args, "--data", str(path)])
    assert result.exit_code == code
    assert message in result.stderr
    assert path.read_bytes() == before


def test_add_place_takes_data_or_gazetteer_not_both(runner, write_dataset):
    path = write_dataset()
    result = runner.invoke(app, ["add-place", "fx-x", "--name", "X", "--country", "YEM", "--lat", "14", "--lon", "49",
                                 "--data", str(path), "--gazetteer", str(path)])
    assert result.exit_code == 2
    assert result.stderr == "error: give --data or --gazetteer, not both\n"


# -- the documentation's examples, run as written -------------------------------------------------------
def doc_files(text: str) -> dict[str, str]:
    """Files the doc asks the reader to save: a `name.geojson`: line followed by a json block."""
    return dict(re.findall(r"`([\w.-]+\.geojson)`:\n\n```json\n(.*?)```", text, re.S))


def doc_sessions(text: str) -> list[tuple[str, list[str]]]:
    """Every `$ arms-routes ...` line of the console blocks, with the output lines shown under it."""
    sessions: list[tuple[str, list[str]]] = []
    for indent, body in re.findall(r"^( *)```console\n(.*?)^\1```", text, re.M | re.S):
        for line in body.splitlines():
            line = line[len(indent):]
            if line.startswith("$ "):
                sessions.append((line[2:], []))
            elif line.strip():
                sessions[-1][1].append(line)
    return sessions


def test_the_adding_routes_doc_examples_run_as_written(runner, tmp_path, monkeypatch):
    text = adding_routes_section()
    files, sessions = doc_files(text), doc_sessions(text)
    assert "hand-made.geojson" in files and len(sessions) >= 8
    assert {"add", "add-source", "add-place", "fmt", "validate"} <= {shlex.split(c)[1] for c, _ in sessions}
    monkeypatch.chdir(tmp_path)
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    for command, expected in sessions:
        words = shlex.split(command)
        assert words[0] == "arms-routes"
        result = runner.invoke(app, words[1:])
        failing = any(line.startswith("error:") for line in expected)
        assert (result.exit_code != 0) == failing, f"{command}\n{result.output}"
        shown = result.output.splitlines()
        for line in expected:
            if line.endswith("…"):
                assert any(s.startswith(line[:-1]) for s in shown), f"{command}: no line starts {line!r}\n{result.output}"
            else:
                assert line in shown, f"{command}: {line!r} not in\n{result.output}"


def test_a_point_given_as_coordinates_is_a_site_and_can_be_marked_a_stand_in_again(runner, write_dataset):
    path = write_dataset()
    common = ["--supplier", "A", "--recipient", "B", "--source", "fx-news", "--claim", "A claim.", "-d", str(path)]

    first = runner.invoke(app, ["add", "fx-coords", "--via", "39.03,125.76 > fx-gaza", *common])
    again = runner.invoke(app, ["add", "fx-coords-2", "--via", "39.03,125.76~North Korea > fx-gaza", *common])
    shown = runner.invoke(app, ["show", "fx-coords", "-d", str(path)])

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    place = next(p for p in read(path)["places"] if p["id"].startswith("pt-"))
    assert place["properties"]["precision"] == "site"
    assert "the sources name only" not in shown.stdout.split("weapons:")[0].split("path:")[1].splitlines()[1]
    route = next(f for f in read(path)["features"] if f["id"] == "fx-coords-2")
    assert route["properties"]["waypoints"][0] == {"place": place["id"], "stand_in": True,
                                                   "stands_for": "North Korea", "precision": "country"}
