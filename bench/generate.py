"""A seeded generator of synthetic but realistic arms-routes datasets, for the benchmark.

Each dataset carries its own `places` (about 300, near real capitals), `weapons` (60 systems in the
real categories) and `sources` (200, some derived from others), so it validates without the bundled
data. Routes have 2-6 waypoints, great-circle geometry (about one vertex per 200 km, as
`arms-routes` builds it) or null for a share of them, 1-3 weapon systems, and 1-4 evidence items with
claims of realistic length; the status follows the evidence rules (corroborated only with two
independent supporting sources). The same seed gives the same bytes; the first N routes of a larger
dataset are the N routes of a smaller one. Every name, claim and source is invented: this is not data.

    python bench/generate.py 10000 -o /tmp/routes-10000.geojson
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from routes.geometry import great_circle  # noqa: E402
from routes.model import OFFICIAL_KINDS, independent_set  # noqa: E402

DEFAULT_SEED = 8
NULL_GEOMETRY_SHARE = 0.10
MULTILINE_SHARE = 0.15
PLACES_PER_CAPITAL = 3
WEAPON_COUNT = 60
SOURCE_COUNT = 200

# (country, ISO3, capital, lon, lat): real capitals; the places of a dataset are sampled near them.
CAPITALS = [
    ("Afghanistan", "AFG", "Kabul", 69.17, 34.53), ("Albania", "ALB", "Tirana", 19.82, 41.33),
    ("Algeria", "DZA", "Algiers", 3.06, 36.75), ("Angola", "AGO", "Luanda", 13.23, -8.84),
    ("Argentina", "ARG", "Buenos Aires", -58.38, -34.60), ("Armenia", "ARM", "Yerevan", 44.51, 40.18),
    ("Australia", "AUS", "Canberra", 149.13, -35.28), ("Austria", "AUT", "Vienna", 16.37, 48.21),
    ("Azerbaijan", "AZE", "Baku", 49.87, 40.41), ("Bahrain", "BHR", "Manama", 50.59, 26.23),
    ("Bangladesh", "BGD", "Dhaka", 90.41, 23.81), ("Belarus", "BLR", "Minsk", 27.56, 53.90),
    ("Belgium", "BEL", "Brussels", 4.35, 50.85), ("Bolivia", "BOL", "La Paz", -68.15, -16.50),
    ("Brazil", "BRA", "Brasília", -47.88, -15.79), ("Bulgaria", "BGR", "Sofia", 23.32, 42.70),
    ("Burkina Faso", "BFA", "Ouagadougou", -1.53, 12.37), ("Cambodia", "KHM", "Phnom Penh", 104.92, 11.56),
    ("Cameroon", "CMR", "Yaoundé", 11.50, 3.87), ("Canada", "CAN", "Ottawa", -75.70, 45.42),
    ("Central African Republic", "CAF", "Bangui", 18.56, 4.39), ("Chad", "TCD", "N'Djamena", 15.04, 12.13),
    ("Chile", "CHL", "Santiago", -70.67, -33.45), ("China", "CHN", "Beijing", 116.40, 39.90),
    ("Colombia", "COL", "Bogotá", -74.07, 4.71), ("DR Congo", "COD", "Kinshasa", 15.27, -4.44),
    ("Croatia", "HRV", "Zagreb", 15.98, 45.81), ("Cuba", "CUB", "Havana", -82.37, 23.11),
    ("Czechia", "CZE", "Prague", 14.42, 50.08), ("Egypt", "EGY", "Cairo", 31.24, 30.04),
    ("Eritrea", "ERI", "Asmara", 38.93, 15.32), ("Ethiopia", "ETH", "Addis Ababa", 38.75, 9.03),
    ("Finland", "FIN", "Helsinki", 24.94, 60.17), ("France", "FRA", "Paris", 2.35, 48.86),
    ("Georgia", "GEO", "Tbilisi", 44.79, 41.72), ("Germany", "DEU", "Berlin", 13.40, 52.52),
    ("Ghana", "GHA", "Accra", -0.19, 5.60), ("Greece", "GRC", "Athens", 23.73, 37.98),
    ("India", "IND", "New Delhi", 77.21, 28.61), ("Indonesia", "IDN", "Jakarta", 106.85, -6.21),
    ("Iran", "IRN", "Tehran", 51.39, 35.69), ("Iraq", "IRQ", "Baghdad", 44.37, 33.31),
    ("Israel", "ISR", "Jerusalem", 35.21, 31.77), ("Italy", "ITA", "Rome", 12.50, 41.90),
    ("Japan", "JPN", "Tokyo", 139.69, 35.69), ("Jordan", "JOR", "Amman", 35.93, 31.95),
    ("Kazakhstan", "KAZ", "Astana", 71.45, 51.17), ("Kenya", "KEN", "Nairobi", 36.82, -1.29),
    ("North Korea", "PRK", "Pyongyang", 125.76, 39.04), ("South Korea", "KOR", "Seoul", 126.98, 37.57),
    ("Kuwait", "KWT", "Kuwait City", 47.98, 29.38), ("Laos", "LAO", "Vientiane", 102.63, 17.97),
    ("Lebanon", "LBN", "Beirut", 35.50, 33.89), ("Libya", "LBY", "Tripoli", 13.19, 32.89),
    ("Malaysia", "MYS", "Kuala Lumpur", 101.69, 3.14), ("Mali", "MLI", "Bamako", -8.00, 12.64),
    ("Mexico", "MEX", "Mexico City", -99.13, 19.43), ("Morocco", "MAR", "Rabat", -6.85, 34.02),
    ("Mozambique", "MOZ", "Maputo", 32.57, -25.97), ("Myanmar", "MMR", "Naypyidaw", 96.13, 19.76),
    ("Nicaragua", "NIC", "Managua", -86.25, 12.13), ("Niger", "NER", "Niamey", 2.11, 13.51),
    ("Nigeria", "NGA", "Abuja", 7.49, 9.08), ("Oman", "OMN", "Muscat", 58.41, 23.59),
    ("Pakistan", "PAK", "Islamabad", 73.05, 33.68), ("Palestine", "PSE", "Gaza", 34.47, 31.50),
    ("Peru", "PER", "Lima", -77.04, -12.05), ("Philippines", "PHL", "Manila", 120.98, 14.60),
    ("Poland", "POL", "Warsaw", 21.01, 52.23), ("Qatar", "QAT", "Doha", 51.53, 25.29),
    ("Romania", "ROU", "Bucharest", 26.10, 44.43), ("Russia", "RUS", "Moscow", 37.62, 55.76),
    ("Saudi Arabia", "SAU", "Riyadh", 46.68, 24.71), ("Senegal", "SEN", "Dakar", -17.47, 14.72),
    ("Serbia", "SRB", "Belgrade", 20.46, 44.79), ("Somalia", "SOM", "Mogadishu", 45.32, 2.05),
    ("South Africa", "ZAF", "Pretoria", 28.19, -25.75), ("South Sudan", "SSD", "Juba", 31.58, 4.85),
    ("Spain", "ESP", "Madrid", -3.70, 40.42), ("Sudan", "SDN", "Khartoum", 32.53, 15.50),
    ("Sweden", "SWE", "Stockholm", 18.07, 59.33), ("Syria", "SYR", "Damascus", 36.29, 33.51),
    ("Tanzania", "TZA", "Dodoma", 35.74, -6.16), ("Thailand", "THA", "Bangkok", 100.50, 13.76),
    ("Tunisia", "TUN", "Tunis", 10.18, 36.81), ("Turkey", "TUR", "Ankara", 32.85, 39.93),
    ("Uganda", "UGA", "Kampala", 32.58, 0.35), ("Ukraine", "UKR", "Kyiv", 30.52, 50.45),
    ("United Arab Emirates", "ARE", "Abu Dhabi", 54.37, 24.45), ("United Kingdom", "GBR", "London", -0.13, 51.51),
    ("United States", "USA", "Washington", -77.04, 38.91), ("Uzbekistan", "UZB", "Tashkent", 69.24, 41.30),
    ("Venezuela", "VEN", "Caracas", -66.90, 10.48), ("Vietnam", "VNM", "Hanoi", 105.85, 21.03),
    ("Yemen", "YEM", "Sanaa", 44.21, 15.35), ("Zimbabwe", "ZWE", "Harare", 31.05, -17.83),
]
# Suppliers are drawn mostly from these (ISO3), as in real transfer data.
EXPORTERS = ["USA", "RUS", "FRA", "CHN", "DEU", "ITA", "GBR", "ESP", "KOR", "ISR", "TUR", "IRN", "PRK",
             "UKR", "BLR", "SRB", "BGR", "CZE", "SWE", "ZAF", "ARE", "PAK", "IND", "ROU", "POL"]

PLACE_SUFFIXES = [("Port", "port"), ("Airfield", "airport"), ("Border Post", "border crossing"),
                  ("Depot", "city"), ("Free Zone", "region"), ("Junction", "city"), ("Harbour", "port"),
                  ("Air Base", "airport")]

WEAPON_NOUNS = {
    "small-arms": ["assault rifle", "general-purpose machine gun", "sniper rifle", "pistol", "heavy machine gun"],
    "anti-tank": ["anti-tank guided missile", "recoilless rifle", "rocket-propelled grenade launcher"],
    "artillery-rockets": ["multiple rocket launcher", "artillery rocket", "towed howitzer", "heavy mortar"],
    "ballistic-missiles": ["short-range ballistic missile", "medium-range ballistic missile"],
    "air-defence": ["surface-to-air missile system", "man-portable air-defence system", "anti-aircraft gun"],
    "armour-vehicles": ["main battle tank", "infantry fighting vehicle", "armoured personnel carrier"],
    "munitions": ["155 mm artillery shells", "7.62 mm ammunition", "mortar bombs", "rocket motors"],
    "communications": ["encrypted radio set", "satellite terminal", "tactical data link"],
    "wmd": ["chemical precursor", "centrifuge components", "missile guidance kit"],
    "tunnels-fortification": ["tunnel boring machine", "rock drilling rig", "bunker doors"],
    "other": ["loitering munition", "fast attack craft", "night-vision devices", "commercial drone"],
}
LETTERS = "ABDGKMNRSTVXZ"

PUBLISHERS = ["The Daily Ledger", "Harbour Times", "Meridian Institute", "Conflict Observatory", "Wire Service One",
              "Regional Monitor", "Open Source Review", "Ministry of Defence", "Panel of Experts",
              "District Court", "Arms Data Project", "Evening Courier", "Strategic Review Quarterly"]
SOURCE_KINDS = ["news"] * 8 + ["analysis"] * 4 + ["official"] * 2 + ["court", "un_report", "un_report", "dataset", "other"]
MODES = ["sea"] * 4 + ["land"] * 3 + ["air"] * 2 + ["rail", "unknown"]
VESSELS = ["a general cargo ship", "a bulk carrier", "a dhow", "a chartered Il-76", "a container feeder",
           "a fishing vessel", "trucks in a commercial convoy", "a freight train", "a cargo flight"]
SAID_BY = ["a port official", "a customs spokesperson", "an unnamed diplomat", "the defence ministry",
           "a former crew member", "a UN panel member", "a regional governor"]


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() and c.isascii() else "-" for c in text.lower())
    return "-".join(p for p in out.split("-") if p)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def make_places(rng: random.Random) -> list[dict]:
    """About 300 places: each capital and a few jittered places near it (ports, airfields, crossings)."""
    places = []
    for country, iso3, capital, lon, lat in CAPITALS:
        places.append((f"sx-{_slug(capital)}", capital, iso3, "city", lon, lat, [f"{capital} ({country})"]))
        for suffix, kind in rng.sample(PLACE_SUFFIXES, PLACES_PER_CAPITAL - 1):
            name = f"{capital} {suffix}"
            jlon = max(-180.0, min(180.0, lon + rng.uniform(-1.2, 1.2)))
            jlat = max(-85.0, min(85.0, lat + rng.uniform(-0.9, 0.9)))
            places.append((f"sx-{_slug(name)}", name, iso3, kind, round(jlon, 4), round(jlat, 4), []))
    return [{"type": "Feature", "id": pid, "properties": {"name": name, "aliases": aliases, "country": iso3,
             "kind": kind}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}
            for pid, name, iso3, kind, lon, lat, aliases in places]


def make_weapons(rng: random.Random) -> list[dict]:
    """60 weapon systems spread over the real categories, with invented designations."""
    categories = list(WEAPON_NOUNS)
    systems, seen = [], set()
    while len(systems) < WEAPON_COUNT:
        category = categories[len(systems) % len(categories)]
        noun = rng.choice(WEAPON_NOUNS[category])
        designation = f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}-{rng.randint(2, 99)}"
        if designation in seen:
            continue
        seen.add(designation)
        system = {"id": f"sx-{_slug(designation)}", "name": f"{designation} {noun}",
                  "aliases": [designation, designation.replace("-", " ")], "category": category}
        if rng.random() < 0.5:
            system["description"] = f"Synthetic {noun} used only by the arms-routes benchmark."
        systems.append(system)
    return systems


def make_sources(rng: random.Random) -> dict[str, dict]:
    """200 sources; about a third repeat the reporting of one or two earlier ones (derived_from)."""
    sources: dict[str, dict] = {}
    for i in range(SOURCE_COUNT):
        kind = rng.choice(SOURCE_KINDS)
        publisher = rng.choice(PUBLISHERS)
        year = rng.randint(1995, 2024)
        published = None if rng.random() < 0.08 else rng.choice(
            [f"{year}", f"{year}-{rng.randint(1, 12):02d}", f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])
        derived = []
        if i >= 20 and rng.random() < 0.33:
            derived = sorted(set(rng.sample(list(sources)[:i], rng.choice([1, 1, 2]))))
        source_id = f"sx-src-{i:03d}"
        sources[source_id] = {
            "title": f"Synthetic report {i:03d}: shipments & transit routes ({publisher})",
            "author": rng.choice([None, f"A. Author {i}", f"B. Writer {i % 17}"]),
            "publisher": publisher,
            "published": published,
            "url": rng.choice([f"https://example.org/reports/{i:03d}", f"https://news.example.com/{year}/{i}", None]),
            "kind": kind,
            "reliability": rng.choice("AABBBCCCDDEF"),
            "derived_from": derived,
        }
    return sources


class _Routes:
    """Draws routes one by one from its own random stream."""

    def __init__(self, rng: random.Random, places: list[dict], weapons: list[dict], sources: dict[str, dict]) -> None:
        self.rng = rng
        self.places = places
        self.coords = {p["id"]: tuple(p["geometry"]["coordinates"]) for p in places}
        self.names = {p["id"]: p["properties"]["name"] for p in places}
        self.country = {p["id"]: p["properties"]["country"] for p in places}
        self.country_name = {iso3: country for country, iso3, *_ in CAPITALS}
        self.by_country: dict[str, list[str]] = {}
        for p in places:
            self.by_country.setdefault(p["properties"]["country"], []).append(p["id"])
        self.weapons = weapons
        self.sources = sources
        self.source_ids = list(sources)

    def _waypoints(self) -> list[str]:
        rng = self.rng
        supplier = rng.choice(EXPORTERS) if rng.random() < 0.8 else rng.choice(CAPITALS)[1]
        start = rng.choice(self.by_country[supplier])
        end = rng.choice(self.places)["id"]
        while self.country[end] == supplier:
            end = rng.choice(self.places)["id"]
        count = rng.choice([2, 2, 2, 3, 3, 3, 4, 4, 5, 6])
        # intermediaries make progress towards the destination, as transit routes do
        path, here = [start], start
        for _ in range(count - 2):
            remaining = _km(self.coords[here], self.coords[end])
            nearer = [p["id"] for p in rng.sample(self.places, 40)
                      if p["id"] not in path and p["id"] != end
                      and _km(self.coords[p["id"]], self.coords[end]) < remaining * 0.85]
            if not nearer:
                break
            here = rng.choice(nearer)
            path.append(here)
        return path + [end]

    def _geometry(self, waypoints: list[str]) -> dict | None:
        if self.rng.random() < NULL_GEOMETRY_SHARE:
            return None
        arcs = [great_circle(self.coords[a], self.coords[b]) for a, b in zip(waypoints, waypoints[1:])]
        if self.rng.random() < MULTILINE_SHARE:
            return {"type": "MultiLineString", "coordinates": arcs}
        line = list(arcs[0])
        for arc in arcs[1:]:
            line.extend(arc[1:])
        return {"type": "LineString", "coordinates": line}

    def _claim(self, waypoints: list[str], weapon_names: list[str], year: int, publisher: str) -> str:
        rng = self.rng
        a, b = rng.sample(waypoints, 2) if len(waypoints) > 2 else waypoints
        weapon = rng.choice(weapon_names) if weapon_names else "military equipment"
        sentences = [
            f"{publisher} reports that {weapon} left {self.names[a]} in {year} aboard {rng.choice(VESSELS)}, "
            f"declared as \"agricultural machinery\" on the manifest.",
            f"According to the report, the consignment was transferred at {self.names[b]} to a second carrier "
            f"before continuing towards {self.names[waypoints[-1]]}.",
            f"Satellite imagery from {year} shows crates of a size consistent with {weapon} being unloaded "
            f"at night & moved to a guarded warehouse.",
            f"Two people familiar with the shipment said payment was routed through a trading company "
            f"registered in {self.country_name.get(self.country[a], 'a third country')}.",
            f"The account relies on shipping records and interviews; it does not name the end user <directly>, "
            f"and the authorities in {self.country_name.get(self.country[b], 'the transit country')} deny it.",
            f"Serial numbers photographed in {year + rng.randint(0, 3)} match a production batch documented "
            f"in an earlier inspection.",
        ]
        return " ".join(rng.sample(sentences, rng.choice([1, 2, 2, 3, 3, 4])))

    def route(self, index: int) -> dict:
        rng = self.rng
        waypoints = self._waypoints()
        kind = rng.choices(["arms", "technology", "training", "payment"], weights=[85, 8, 4, 3])[0]
        if kind in ("arms", "technology"):
            chosen = rng.sample(self.weapons, rng.choice([1, 1, 2, 2, 3]))
        else:
            chosen = rng.sample(self.weapons, rng.choice([0, 1]))
        weapon_names = [w["name"] for w in chosen]
        start_year = rng.randint(1990, 2023)
        end_year = rng.choice([start_year, min(2024, start_year + rng.randint(1, 8)), None])
        countries = [self.country_name.get(self.country[w], self.country[w]) for w in waypoints]
        supplier, recipient = countries[0], countries[-1]
        if rng.random() < 0.2:
            recipient = f"armed group in {recipient}"
        intermediaries = list(dict.fromkeys(c for c in countries[1:-1] if c not in (supplier, countries[-1])))
        legs = []
        for _ in range(len(waypoints) - 1):
            leg = {"mode": rng.choice(MODES)}
            if rng.random() < 0.2:
                leg["status"] = rng.choice(["alleged", "reported"])
            if rng.random() < 0.1:
                leg["note"] = "transshipped at anchorage; vessel AIS off for two days"
            legs.append(leg)

        evidence, supporting = [], []
        for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4])):
            source_id = rng.choice(self.source_ids)
            source = self.sources[source_id]
            stance = "disputes" if evidence and rng.random() < 0.12 else "supports"
            item = {"source": source_id,
                    "claim": self._claim(waypoints, weapon_names, start_year, source["publisher"]),
                    "stance": stance, "credibility": rng.choice([1, 2, 2, 3, 3, 3, 4, 5, 6])}
            if rng.random() < 0.3:
                item["quote"] = f"The cargo was loaded at {self.names[waypoints[0]]} under military escort."
            if rng.random() < 0.2:
                item["said_by"] = rng.choice(SAID_BY)
            if rng.random() < 0.25:
                item["legs"] = sorted(rng.sample(range(len(legs)), rng.randint(1, len(legs))))
            evidence.append(item)
            if stance == "supports":
                supporting.append(source_id)

        independent = len(independent_set(supporting, self.sources))
        official = any(self.sources[s]["kind"] in OFFICIAL_KINDS for s in supporting)
        if independent >= 2:
            status = rng.choice(["confirmed", "corroborated", "corroborated", "reported"]) if official \
                else rng.choice(["corroborated", "corroborated", "reported", "alleged"])
        else:
            status = rng.choice(["reported", "reported", "alleged"])

        properties = {
            "name": " → ".join(self.names[w] for w in waypoints),
            "kind": kind,
            "waypoints": waypoints,
            "legs": legs,
            "weapons": [w["id"] for w in chosen],
            "supplier": supplier,
            "recipient": recipient,
            "intermediaries": intermediaries,
            "period": {"start": start_year, "end": end_year},
            "status": status,
            "evidence": evidence,
        }
        roll = rng.random()
        if roll < 0.08:
            stop = rng.choice(waypoints[1:])
            properties["outcome"] = "interdicted"
            properties["interdicted"] = {"place": stop, "date": f"{start_year}-{rng.randint(1, 12):02d}",
                                         "note": "cargo seized during inspection"}
            if stop != waypoints[-1]:
                properties["intended_waypoints"] = waypoints[waypoints.index(stop) + 1:]
        elif roll < 0.6:
            properties["outcome"] = rng.choice(["delivered", "delivered", "attempted", "unknown"])
        if rng.random() < 0.2:
            properties["notes"] = "Synthetic route generated for the arms-routes benchmark; not real data."
        return {"type": "Feature", "id": f"sx-route-{index:06d}", "properties": properties,
                "geometry": self._geometry(waypoints)}


def generate(n: int, seed: int = DEFAULT_SEED) -> dict:
    """A valid dataset (a GeoJSON FeatureCollection as a dict) of `n` synthetic routes."""
    places = make_places(random.Random(f"{seed}-places"))
    weapons = make_weapons(random.Random(f"{seed}-weapons"))
    sources = make_sources(random.Random(f"{seed}-sources"))
    draw = _Routes(random.Random(f"{seed}-routes"), places, weapons, sources)
    return {
        "type": "FeatureCollection",
        "name": f"Synthetic benchmark dataset ({n} routes, seed {seed}) - invented, not real data",
        "sources": sources,
        "weapons": weapons,
        "places": places,
        "features": [draw.route(i) for i in range(n)],
    }


def dumps(collection: dict) -> str:
    """The dataset as text, one route per line (how a large import is laid out), deterministic."""

    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = {k: v for k, v in collection.items() if k != "features"}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"{compact(key)}:{compact(value)},")
    features = collection["features"]
    lines.append('"features":[')
    lines.extend(compact(f) + ("," if i < len(features) - 1 else "") for i, f in enumerate(features))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def generator_version() -> str:
    """A fingerprint of this file, so cached datasets are rebuilt when the generator changes."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def write(n: int, path: Path, seed: int = DEFAULT_SEED) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dumps(generate(n, seed)), encoding="utf-8")
    tmp.replace(path)
    return path


def cached(n: int, folder: Path, seed: int = DEFAULT_SEED) -> Path:
    """The dataset of `n` routes in `folder`, generated unless this generator already wrote it."""
    path = Path(folder) / f"routes-{n}-seed{seed}-{generator_version()}.geojson"
    return path if path.exists() else write(n, path, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of routes")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: routes-N.geojson)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("n must be at least 1")
    path = write(args.n, args.output or Path(f"routes-{args.n}.geojson"), args.seed)
    print(f"wrote {path} ({args.n} routes, {path.stat().st_size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
