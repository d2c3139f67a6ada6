"""routes.names: names compared as people type them, and "did you mean" suggestions worth reading."""

import pytest

from routes.errors import UnknownWeapon
from routes.names import closest, normalise
from routes.weapons import Taxonomy


def keyed(*names: str) -> dict[str, str]:
    return {normalise(n): n for n in names}


ACTORS = keyed("Hezbollah", "Hamas", "Hamas and/or Hezbollah (reported)", "Houthis", "Iran (assembly)", "North Korea")
PLACES = keyed("Port Sudan", "Bandar Abbas", "Beirut", "Iran", "Iraq Kurdistan", "Damascus", "Gaza Strip", "Rafah")
SYSTEMS = [
    {"id": "kornet", "name": "Kornet", "aliases": ["Kornet ATGM", "Kornet anti-tank missile"], "category": "anti-tank"},
    {"id": "tanks", "name": "Tanks (type not stated)", "aliases": ["tank"], "category": "armour-vehicles"},
    {"id": "scud-b", "name": "Scud-B", "aliases": ["Hwasong-5"], "family": "scud", "category": "ballistic-missiles"},
    {"id": "hwasong-6", "name": "Hwasong-6", "aliases": ["Scud-C"], "family": "scud", "category": "ballistic-missiles"},
    {"id": "bang-122", "name": "Bang-122", "aliases": ["Bang 122"], "category": "munitions"},
    {"id": "f-7", "name": "F-7", "aliases": ["RPG-7"], "category": "anti-tank"},
]


def suggested(name: str) -> list[str]:
    with pytest.raises(UnknownWeapon) as info:
        Taxonomy(SYSTEMS).resolve(name)
    return info.value.suggestions


@pytest.mark.parametrize(("typed", "meant"), [
    ("Hizbollah", "Hezbollah"), ("hizbullah", "Hezbollah"), ("Hesbollah", "Hezbollah"), ("Houthi", "Houthis"),
    ("Hamaz", "Hamas"),
])
def test_a_misspelt_actor_suggests_the_actor(typed, meant):
    assert closest(typed, ACTORS)[0] == meant


@pytest.mark.parametrize(("typed", "meant"), [
    ("port sudn", "Port Sudan"), ("Bandar Abas", "Bandar Abbas"), ("Beyrouth", "Beirut"), ("Damascas", "Damascus"),
    ("gaza stirp", "Gaza Strip"), ("Rafa", "Rafah"), ("sudan", "Port Sudan"),
])
def test_a_misspelt_or_partial_place_suggests_the_place(typed, meant):
    assert closest(typed, PLACES)[0] == meant


def test_a_four_letter_name_with_one_letter_changed_is_another_name():
    assert "Iran" not in closest("Iraq", PLACES)  # (a substitution in four letters: a different country)
    assert closest("Iraq", PLACES) == ["Iraq Kurdistan"]  # (but a name that holds it is worth reading)


def test_short_queries_are_not_matched_as_parts_of_names():
    assert closest("ra", PLACES) == []
    assert closest("", PLACES) == [] and closest("--", PLACES) == []


def test_the_suggestions_for_a_weapon_are_one_spelling_per_system():
    assert suggested("kornett") == ["Kornet"]
    assert suggested("Scud-D") == ["Scud-B", "Scud-C"]  # the Scud family, each system once
    assert suggested("skuds") == []  # (nothing close enough: no accidental matches)


@pytest.mark.parametrize("typed", ["AK-47", "AK47", "ak 74", "FX-8", "RPG-29", "Bang-12", "Hwasong 7"])
def test_a_name_with_a_number_suggests_only_names_with_the_same_number(typed):
    # AK-47 once suggested "tank" (two shared letters); a different number names a different system
    assert suggested(typed) == []


def test_a_number_alone_finds_the_names_that_carry_it():
    assert suggested("122") == ["Bang-122"]
    assert suggested("RPG 7x") == ["RPG-7"]


def test_a_misspelt_beginning_of_a_long_name_is_suggested():
    names = keyed("artillery rockets", "small arms", "ballistic missiles")
    assert closest("artilery", names) == ["artillery rockets"]
    assert closest("balistic", names) == ["ballistic missiles"]
    assert closest("lasers", names) == []
