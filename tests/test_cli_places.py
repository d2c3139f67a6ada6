import json

from cli import app


def test_places_query_matches_names_and_aliases(runner, write_dataset):
    result = runner.invoke(app, ["places", "fx pyongyang", "-d", str(write_dataset()), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["fx-pyongyang"]


def test_places_by_country_code(runner, write_dataset):
    result = runner.invoke(app, ["places", "PRK", "-d", str(write_dataset()), "-f", "csv"])
    assert result.exit_code == 0
    assert "fx-pyongyang" in result.stdout and "fx-nampo" in result.stdout
    assert "fx-beirut" not in result.stdout


def test_no_place_matches(runner, write_dataset):
    result = runner.invoke(app, ["places", "atlantis", "-d", str(write_dataset())])
    assert result.exit_code == 1
    assert "no place matches 'atlantis'" in result.stderr


def test_bundled_gazetteer_aliases(runner):
    for query, expected in (("DPRK", "PRK"), ("Port Sudan", "SDN"), ("Bandar Abbas", "IRN")):
        result = runner.invoke(app, ["places", query, "-f", "json"])
        assert result.exit_code == 0, result.output
        assert expected in {r["country"] for r in json.loads(result.stdout)}
