import json

from cli import app
from conftest import make_collection, make_route


def test_card_shows_path_actors_weapons_and_evidence(runner, write_dataset):
    route = make_route("fx-gaza", evidence=[
        {"source": "fx-news", "claim": "Shipments went through Port Sudan.", "stance": "supports", "credibility": 2,
         "quote": "Arms moved by sea."},
        {"source": "fx-analysis", "claim": "The state news agency denied it.", "stance": "disputes",
         "credibility": 6, "said_by": "KCNA"}])
    result = runner.invoke(app, ["show", "fx-gaza", "-d", str(write_dataset(make_collection([route])))])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "status:         reported (disputed); 1 independent supporting source(s)" in out
    assert "1. Fixture Nampo (PRK)" in out and "3. Fixture Port Sudan (SDN)" in out
    assert "Fixture RPG [anti-tank] (also FX-7, Fixture Rocket Grenade)" in out
    assert "[supports, B2] Shipments went through Port Sudan." in out
    assert "[DISPUTES, C6] (KCNA) The state news agency denied it." in out
    assert "source: fx-news: Fixture News Report, Fixture Daily, 2023-10-17 <https://example.org/report>" in out


def test_json_is_the_feature_with_a_summary(runner, write_dataset):
    result = runner.invoke(app, ["show", "fx-route", "-d", str(write_dataset()), "-f", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["id"] == "fx-route" and doc["type"] == "Feature"
    assert doc["summary"]["independent_sources"] == 1


def test_unknown_route_suggests_ids(runner, write_dataset):
    result = runner.invoke(app, ["show", "fx-rout", "-d", str(write_dataset())])
    assert result.exit_code == 2
    assert "unknown route 'fx-rout'; did you mean: fx-route?" in result.stderr
