import json

from cli import app


def test_weapons_lists_ids_aliases_and_route_counts(runner, write_dataset):
    result = runner.invoke(app, ["weapons", "-d", str(write_dataset()), "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["fx-rpg"]["aliases"] == ["FX-7", "Fixture Rocket Grenade"]
    assert rows["fx-rpg"]["routes"] == 1
    assert rows["fx-rocket"]["routes"] == 0


def test_weapons_table(runner, write_dataset):
    result = runner.invoke(app, ["weapons", "-d", str(write_dataset())])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == ["ID", "NAME", "CATEGORY", "ROUTES", "ALIASES"]


def test_bundled_taxonomy_knows_the_f7(runner):
    result = runner.invoke(app, ["weapons", "-f", "json"])
    assert result.exit_code == 0
    names = [n.lower() for r in json.loads(result.stdout) for n in [r["id"], r["name"], *r["aliases"]]]
    assert "f-7" in names and "rpg-7" in names
