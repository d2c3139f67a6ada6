"""The palette of routes.style: every category and route kind has its own colour, and the colours stay
apart for readers with normal vision and with red-green colour blindness, away from the disputed halo
and the interdiction mark, and visible on every background the maps are drawn on.

The colour science is implemented here (numpy only, no new dependency) and checked against published
values, so the thresholds below can be trusted; scripts/palette.py searches for the palette with the
same functions and thresholds.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from routes import sipri, style
from routes.render.payload import CATEGORY_LABELS

# -- colour science ------------------------------------------------------------------------------

# sRGB (IEC 61966-2-1) linear RGB -> CIE XYZ, D65 white.
_RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
_WHITE_D65 = _RGB_TO_XYZ.sum(axis=1)

# Machado, G. M., Oliveira, M. M. & Fernandes, L. A. F. (2009). "A Physiologically-based Model for
# Simulation of Color Vision Deficiency." IEEE Transactions on Visualization and Computer Graphics
# 15(6), 1291-1298, doi:10.1109/TVCG.2009.113. Their matrices for severity 1.0 (dichromacy), applied
# to linear RGB.
MACHADO_2009 = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
VISIONS = ("normal", "deuteranopia", "protanopia")


def hex_to_rgb(colour: str) -> np.ndarray:
    """'#rrggbb' -> sRGB in [0, 1]."""
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    rgb = np.asarray(rgb, dtype=float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(np.asarray(linear, dtype=float), 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def linear_to_lab(linear: np.ndarray) -> np.ndarray:
    """Linear sRGB (..., 3) -> CIELAB (D65)."""
    xyz = np.asarray(linear, dtype=float) @ _RGB_TO_XYZ.T / _WHITE_D65
    delta = 6 / 29
    f = np.where(xyz > delta ** 3, np.cbrt(xyz), xyz / (3 * delta ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def simulate(linear: np.ndarray, vision: str) -> np.ndarray:
    """Linear sRGB as a reader with `vision` sees it (Machado et al. 2009), clipped to the gamut."""
    if vision == "normal":
        return np.asarray(linear, dtype=float)
    return np.clip(np.asarray(linear, dtype=float) @ MACHADO_2009[vision].T, 0.0, 1.0)


def lab(colours, vision: str = "normal") -> np.ndarray:
    """CIELAB of '#rrggbb' colours (or sRGB arrays in [0, 1]) as seen with `vision`."""
    rgb = np.array([hex_to_rgb(c) if isinstance(c, str) else c for c in colours], dtype=float)
    return linear_to_lab(simulate(srgb_to_linear(rgb), vision))


def delta_e2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (kL = kC = kH = 1) of broadcastable CIELAB arrays (..., 3).

    After Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula: implementation notes,
    supplementary test data, and mathematical observations", Color Res. Appl. 30(1), 21-30.
    """
    lab1, lab2 = np.broadcast_arrays(np.asarray(lab1, dtype=float), np.asarray(lab2, dtype=float))
    L1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    L2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean ** 7 / (c_mean ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.where(c1p == 0, 0.0, np.degrees(np.arctan2(b1, a1p)) % 360)
    h2p = np.where(c2p == 0, 0.0, np.degrees(np.arctan2(b2, a2p)) % 360)

    dL = L2 - L1
    dC = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0.0, dh)
    dH = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))

    L_mean = (L1 + L2) / 2
    cp_mean = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = np.where(np.abs(h1p - h2p) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2))
    h_mean = np.where(c1p * c2p == 0, h_sum, h_mean)
    t = (1 - 0.17 * np.cos(np.radians(h_mean - 30)) + 0.24 * np.cos(np.radians(2 * h_mean))
         + 0.32 * np.cos(np.radians(3 * h_mean + 6)) - 0.20 * np.cos(np.radians(4 * h_mean - 63)))
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25.0 ** 7))
    s_l = 1 + 0.015 * (L_mean - 50) ** 2 / np.sqrt(20 + (L_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt((dL / s_l) ** 2 + (dC / s_c) ** 2 + (dH / s_h) ** 2 + r_t * (dC / s_c) * (dH / s_h))


def relative_luminance(colours) -> np.ndarray:
    """WCAG 2 relative luminance of '#rrggbb' colours (or sRGB arrays in [0, 1])."""
    rgb = np.array([hex_to_rgb(c) if isinstance(c, str) else c for c in colours], dtype=float)
    return srgb_to_linear(rgb) @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(y1, y2):
    """WCAG 2 contrast ratio of two relative luminances, (lighter + 0.05) / (darker + 0.05)."""
    return (np.maximum(y1, y2) + 0.05) / (np.minimum(y1, y2) + 0.05)


# -- what the palette must satisfy -------------------------------------------------------------------

# Every background a route is drawn on, with the smallest WCAG 2 contrast ratio a route colour must
# have against it. 3:1 is WCAG's level for graphical objects (success criterion 1.4.11). No colour has
# 3:1 against the pale seas and the near-black land and the mid-tone water and woods at once, and
# holding all of them to it leaves a band of lightness too narrow for distinct colours; so the land
# of every light map (where most of a route runs, and what is printed) keeps 3:1, the pale seas and
# Dark Matter's land 2.5:1, and the mid-tones and Dark Matter's water 2:1.
BACKGROUNDS = {
    "offline map, land": ("#f6f4ee", 3.0),      # routes/render/static/arms-routes.js
    "offline map, sea": ("#dde7ef", 2.5),       # routes/render/html.py OFFLINE_BACKGROUND
    "static image, land": ("#e3e3e3", 3.0),     # routes/render/image.py
    "static image, sea": ("#f3f7fa", 3.0),
    "OpenStreetMap, land": ("#f2efe9", 3.0),    # openstreetmap-carto
    "OpenStreetMap, water": ("#aad3df", 2.0),
    "OpenStreetMap, woods": ("#add19e", 2.0),
    "CARTO Positron, land": ("#fafaf8", 3.0),   # CartoDB/basemap-styles
    "CARTO Positron, water": ("#d4dadc", 2.5),
    "CARTO Dark Matter, land": ("#090909", 2.5),
    "CARTO Dark Matter, water": ("#262626", 2.0),
}
# From the disputed halo (style.DISPUTED_COLOUR) and the interdiction mark (style.INTERDICTION_COLOUR).
# A deuteranope sees the magenta halo as a mid grey-blue (CIELAB 51, 1, -7), in the middle of the band of
# lightness the backgrounds leave, so the simulated threshold is lower than the normal one.
HALO_MIN_DE = {"normal": 20.0, "deuteranopia": 8.0, "protanopia": 8.0}
BLACK_MIN_DE = {"normal": 25.0, "deuteranopia": 25.0, "protanopia": 25.0}
# A category's or kind's colour is a colour: only "other" is a grey. CIELAB chroma, normal vision.
MIN_CHROMA = 25.0


def chroma(colours) -> np.ndarray:
    return np.hypot(*lab(colours)[:, 1:].T)


def background_contrast(colours) -> np.ndarray:
    """(colours, backgrounds) WCAG contrast ratios against BACKGROUNDS."""
    y = relative_luminance(colours)
    y_bg = relative_luminance([c for c, _ in BACKGROUNDS.values()])
    return contrast_ratio(y[:, None], y_bg[None, :])


def halo_distance(colours, vision: str) -> np.ndarray:
    return delta_e2000(lab(colours, vision), lab([style.DISPUTED_COLOUR], vision))


def black_distance(colours, vision: str) -> np.ndarray:
    return delta_e2000(lab(colours, vision), lab([style.INTERDICTION_COLOUR], vision))


def allowed(colours) -> np.ndarray:
    """Which colours may be a route colour at all: visible on every background, away from the halo and the black."""
    ok = (background_contrast(colours) >= np.array([t for _, t in BACKGROUNDS.values()])).all(axis=1)
    for vision in VISIONS:
        ok &= halo_distance(colours, vision) >= HALO_MIN_DE[vision]
        ok &= black_distance(colours, vision) >= BLACK_MIN_DE[vision]
    return ok


def closest_pair(colours, vision: str) -> tuple[float, int, int]:
    """The smallest CIEDE2000 difference between two of `colours` as seen with `vision`, and which two."""
    values = lab(colours, vision)
    d = delta_e2000(values[:, None, :], values[None, :, :])
    d[np.diag_indices(len(colours))] = np.inf
    a, b = np.unravel_index(np.argmin(d), d.shape)
    return float(d[a, b]), int(min(a, b)), int(max(a, b))


# The categories of the data model (docs/data-model.md), which the bundled data uses.
DATA_MODEL_CATEGORIES = ("small-arms", "anti-tank", "artillery-rockets", "ballistic-missiles", "air-defence",
                         "armour-vehicles", "munitions", "communications", "wmd", "tunnels-fortification", "other")
# Every category import-sipri can write: what its description rules and SIPRI's armament categories map to.
SIPRI_CATEGORIES = sorted({c for _, c in sipri._CATEGORY_RULES} | set(sipri.ARMAMENT_CATEGORIES.values()) | {"other"})
# Colours one map usually shows together: the data model's categories and the route kinds (the bundled
# data), or what a SIPRI import holds. Within a group the palette keeps colours further apart than across.
GROUPS = {
    "bundled categories and route kinds": [*DATA_MODEL_CATEGORIES, *style.KIND_COLOURS],
    "categories of import-sipri": SIPRI_CATEGORIES,
}
EVERY = list(dict.fromkeys(name for members in GROUPS.values() for name in members))
# The order of CATEGORY_COLOURS (the order of the legend): the data model's, SIPRI's, "other" last.
CATEGORY_ORDER = [*DATA_MODEL_CATEGORIES[:-1], *(c for c in SIPRI_CATEGORIES if c not in DATA_MODEL_CATEGORIES),
                  "other"]

# The smallest CIEDE2000 difference between two colours of a group (and of all of them), by vision.
# Honest limits: a dichromat sees the sRGB colours that the backgrounds allow as a strip of lightness
# by blue-yellow (the red-green axis is gone), and 21 colours cannot all be far apart in it.
MIN_DE = {
    "bundled categories and route kinds": {"normal": 14.0, "deuteranopia": 7.0, "protanopia": 7.0},
    "categories of import-sipri": {"normal": 14.0, "deuteranopia": 7.0, "protanopia": 7.0},
    "every category and kind": {"normal": 8.5, "deuteranopia": 4.5, "protanopia": 4.5},
}
# The fallback colours, for categories a dataset adds: apart from one another in every vision, and
# from every fixed colour for a reader of normal vision.
FALLBACK_MIN_DE = {"among themselves": 6.5, "from the fixed colours, normal vision": 10.0}

SHARMA_WU_DALAL_2005 = [  # Table 1: L1 a1 b1, L2 a2 b2, ΔE00
    (50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425),
    (50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615),
    (50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412),
    (50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000),
    (50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669),
    (50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195),
    (50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045),
    (50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461),
    (50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065),
    (50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492),
    (50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977),
    (50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030),
    (50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000),
    (50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


def palette() -> dict[str, str]:
    """The colour of every category and route kind, as the maps draw them."""
    return {name: style.group_colour(name) for name in EVERY}


# -- the colour science is right ------------------------------------------------------------------


def test_ciede2000_reproduces_the_published_test_data_both_ways_round():
    data = np.array(SHARMA_WU_DALAL_2005)
    assert np.abs(delta_e2000(data[:, :3], data[:, 3:6]) - data[:, 6]).max() < 1e-4
    assert np.abs(delta_e2000(data[:, 3:6], data[:, :3]) - data[:, 6]).max() < 1e-4


def test_srgb_to_cielab_gives_the_reference_values():
    values = lab(["#ffffff", "#000000", "#ff0000", "#808080"])
    assert np.allclose(values[0], [100, 0, 0], atol=1e-3) and np.allclose(values[1], [0, 0, 0], atol=1e-9)
    assert np.allclose(values[2], [53.2408, 80.0925, 67.2032], atol=1e-3)
    assert np.allclose(values[3], [53.5850, 0, 0], atol=1e-3)


def test_the_simulations_keep_greys_and_blue_against_yellow_and_lose_red_against_green():
    for vision in MACHADO_2009:
        assert np.allclose(MACHADO_2009[vision].sum(axis=1), 1, atol=1e-3)  # a grey stays grey
        greys = lab(["#ffffff", "#777777"], vision)
        assert np.allclose(greys, lab(["#ffffff", "#777777"]), atol=0.2)
    # The example: the old anti-tank red and armour green, apart for normal vision, one colour
    # for a deuteranope; and pure red and green, far apart, meet for both dichromats.
    for vision, at_most in (("normal", None), ("deuteranopia", 1.0)):
        d = float(delta_e2000(*lab(["#e15759", "#59a14f"], vision)))
        assert d > 50 if at_most is None else d < at_most
    # Pure red and green lose their red-green component (CIELAB a*, about +80 and -86 normally).
    for vision in MACHADO_2009:
        assert np.abs(lab(["#ff0000", "#00ff00"], vision)[:, 1]).max() < 10
    # Blue and yellow stay apart: the axis a red-green colour-blind reader keeps.
    for vision in MACHADO_2009:
        assert float(delta_e2000(*lab(["#0000ff", "#ffff00"], vision))) > 60


# -- every category and kind has its own fixed colour -----------------------------------------------


def test_every_category_import_sipri_can_write_is_one_the_palette_knows():
    # The rules' categories, read off sipri.py, and a description of each kind, through category_of.
    examples = {"Bayraktar TB2 drone": "drones", "turbofan": "engines", "air search radar": "sensors",
                "combat aircraft": "aircraft", "frigate": "ships", "torpedo": "naval-weapons",
                "anti-ship missile": "missiles"}
    for description, category in examples.items():
        assert sipri.category_of(description) == category
    assert set(examples.values()) <= set(SIPRI_CATEGORIES)
    assert set(SIPRI_CATEGORIES) <= set(style.CATEGORY_COLOURS)


def test_the_data_model_categories_are_those_the_data_model_documents():
    text = (Path(__file__).resolve().parents[1] / "docs" / "data-model.md").read_text(encoding="utf-8")
    documented = re.search(r"Categories: (.*?)\.\n", text, re.DOTALL).group(1)
    assert re.findall(r"`([a-z-]+)`", documented) == list(DATA_MODEL_CATEGORIES)


def test_every_category_and_kind_has_its_own_fixed_colour():
    assert list(style.CATEGORY_COLOURS) == CATEGORY_ORDER
    assert set(CATEGORY_LABELS) <= set(style.CATEGORY_COLOURS)  # every category box of the map
    colours = palette()
    assert all(colour not in style.FALLBACK_PALETTE for colour in colours.values())
    assert len(set(colours.values())) == len(colours), colours
    assert style.DISPUTED_COLOUR not in colours.values() and style.INTERDICTION_COLOUR not in colours.values()
    assert set(style.FALLBACK_PALETTE).isdisjoint(colours.values())


@pytest.mark.parametrize("group", [*GROUPS, "every category and kind"])
@pytest.mark.parametrize("vision", VISIONS)
def test_colours_shown_together_stay_apart(group, vision):
    names = GROUPS.get(group, EVERY)
    d, a, b = closest_pair([palette()[n] for n in names], vision)
    assert d >= MIN_DE[group][vision], f"{names[a]} and {names[b]} differ by ΔE00 {d:.1f} for {vision}"


def test_fallback_colours_stay_apart_from_one_another_and_from_the_fixed_ones():
    fallback = list(style.FALLBACK_PALETTE)
    for vision in VISIONS:
        assert closest_pair(fallback, vision)[0] >= FALLBACK_MIN_DE["among themselves"], vision
    d = delta_e2000(lab(fallback)[:, None, :], lab(list(palette().values()))[None, :, :])
    assert d.min() >= FALLBACK_MIN_DE["from the fixed colours, normal vision"]


@pytest.mark.parametrize("vision", VISIONS)
def test_no_route_colour_is_near_the_disputed_halo_or_the_interdiction_black(vision):
    colours = [*palette().values(), *style.FALLBACK_PALETTE]
    halo, black = halo_distance(colours, vision), black_distance(colours, vision)
    assert halo.min() >= HALO_MIN_DE[vision], colours[int(np.argmin(halo))]
    assert black.min() >= BLACK_MIN_DE[vision], colours[int(np.argmin(black))]


def test_every_route_colour_is_visible_on_every_background():
    colours = [*palette().values(), *style.FALLBACK_PALETTE]
    ratios = background_contrast(colours)
    for b, (name, (background, least)) in enumerate(BACKGROUNDS.items()):
        worst = int(np.argmin(ratios[:, b]))
        assert ratios[worst, b] >= least, f"{colours[worst]} on {name} ({background}): {ratios[worst, b]:.2f}:1"


def test_only_other_is_grey():
    colours = palette()
    assert chroma([colours["other"]])[0] < 2
    named = {name: colour for name, colour in colours.items() if name != "other"}
    low = {name: round(float(c), 1) for name, c in zip(named, chroma(list(named.values()))) if c < MIN_CHROMA}
    assert not low, low
    assert chroma(list(style.FALLBACK_PALETTE)).min() >= MIN_CHROMA


def test_the_thresholds_would_catch_the_old_palette():
    # Today's failures, from the issue: the old anti-tank and armour colours, and a fallback colour by the halo.
    old = {"anti-tank": "#e15759", "armour-vehicles": "#59a14f"}
    assert closest_pair(list(old.values()), "deuteranopia")[0] < MIN_DE["every category and kind"]["deuteranopia"]
    assert halo_distance(["#d45087"], "normal")[0] < HALO_MIN_DE["normal"]
    assert not allowed(np.array([hex_to_rgb("#222222"), hex_to_rgb("#ffff00")])).any()  # near black; invisible on white
    assert chroma(["#8c8c8c"])[0] < MIN_CHROMA  # the old grey of "other" would pass only as "other"
