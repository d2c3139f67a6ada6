"""Search for the route palette of routes/style.py, and draw it as a swatch.

The palette gives each weapon category and route kind its own colour. The search maximises the
smallest CIEDE2000 difference between two colours as seen with normal vision, deuteranopia and
protanopia (Machado et al. 2009, severity 1.0), a normal-vision difference counting half. Colours one
map usually shows together (tests/test_palette.py GROUPS: the bundled data's categories with the
route kinds; the categories of a SIPRI import) are held `--ratio` times further apart than the rest.
Every candidate is first required to be visible on every background the maps are drawn on, to be far
from the disputed halo and the interdiction black, and (but for the grey of "other") to be a colour,
not a grey. Of the palettes within 3% of the best found, it then takes the one nearest today's hues
(anti-tank stays red, small arms blue). The colour science, backgrounds and thresholds are those of
tests/test_palette.py, so what this finds is what the test checks.

    python scripts/palette.py                      # search (a few minutes); the defaults give style.py's palette
    python scripts/palette.py --swatch palette.png # draw the palette in style.py (normal + simulations)
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import test_palette as tp  # noqa: E402

from routes import style  # noqa: E402

# Today's colour of each name (or, for a category that had none, a colour of the hue it suggests): the
# search's colours move towards them (settle) as far as the separation allows.
HINTS = {
    "small-arms": "#4e79a7", "anti-tank": "#e15759", "artillery-rockets": "#f28e2b",
    "ballistic-missiles": "#7b3294", "air-defence": "#1b9e9e", "armour-vehicles": "#59a14f",
    "munitions": "#c9a227", "communications": "#6b6ecf", "wmd": "#444444",
    "tunnels-fortification": "#8c564b",
    "payment": "#2d6a4f", "training": "#0b3d91", "technology": "#6f4e37",
    "aircraft": "#6baed6", "ships": "#08519c", "naval-weapons": "#41b6c4", "engines": "#a6761d",
    "sensors": "#66c2a5", "missiles": "#984ea3", "drones": "#b8b832",
}
NEUTRAL = "other"  # always a grey: "no weapon system listed" should not look like one
FALLBACK_SIZE = 8
# Normal vision tells colours apart far better than a dichromat does: a pair counts as close as its
# normal-vision difference divided by this, or its simulated difference, whichever is smaller.
VISION_WEIGHTS = {"normal": 2.0, "deuteranopia": 1.0, "protanopia": 1.0}
# Of the best palette's closest weighted pair, how much the move towards today's hues may give up.
KEEP = 0.97
# A fallback colour's normal-vision difference to a fixed colour counts divided by this.
FALLBACK_TO_FIXED_WEIGHT = 2.0


def candidates(step: int) -> np.ndarray:
    """sRGB colours on a grid of `step` that every background, the halo and the black allow."""
    levels = np.unique(np.clip(np.arange(0, 256 + step, step), 0, 255)) / 255.0
    rgb = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), -1).reshape(-1, 3)
    return rgb[tp.allowed(rgb)]


def distances(a: np.ndarray, b: np.ndarray, visions: dict[str, float] | None = None) -> np.ndarray:
    """For every colour of `a` against every one of `b`, the smallest CIEDE2000 difference over the visions,
    each divided by its weight in `visions` (by default VISION_WEIGHTS)."""
    visions = VISION_WEIGHTS if visions is None else visions
    out = np.full((len(a), len(b)), np.inf, dtype=np.float32)
    for vision, weight in visions.items():
        la, lb = tp.lab(a, vision), tp.lab(b, vision)
        for start in range(0, len(a), 512):
            block = tp.delta_e2000(la[start:start + 512, None, :], lb[None, :, :]) / weight
            np.minimum(out[start:start + 512], block, out=out[start:start + 512])
    return out


def optimise(D: np.ndarray, pools: list[np.ndarray], weights: np.ndarray, fixed: dict[int, int],
             restarts: int, rng: np.random.Generator, kicks: int = 0, tau: float = 0.4) -> tuple[list[int], float]:
    """Pick one candidate per slot maximising the smallest weighted distance.

    Slot k takes a candidate from `pools[k]`; pair (k, l) counts D / weights[k, l]; `fixed` slots keep their
    candidate. Coordinate ascent on a soft minimum (so every near-closest pair pushes) from random starts,
    then an iterated local search: `kicks` times, move a few slots of the best at random and climb again.
    """
    n = len(pools)
    free = [k for k in range(n) if k not in fixed]

    def score(chosen):
        return min(D[chosen[k], chosen[l]] / weights[k, l] for k in range(n) for l in range(k + 1, n))

    def climb(chosen):
        for _sweep in range(60):
            changed = False
            for k in rng.permutation(free):
                others = [l for l in range(n) if l != k]
                rows = D[np.ix_(pools[k], [chosen[l] for l in others])] / weights[k, others]
                energy = np.exp(-(rows - rows.min()) / tau).sum(axis=1)
                pick = int(pools[k][int(np.argmin(energy))])
                if pick != chosen[k]:
                    chosen[k], changed = pick, True
            if not changed:
                break
        return chosen, score(chosen)

    best, best_score = None, -np.inf
    for _ in range(restarts):
        chosen, value = climb([fixed.get(k, int(rng.choice(pools[k]))) for k in range(n)])
        if value > best_score:
            best, best_score = chosen, value
    for _ in range(kicks):
        chosen = list(best)
        for k in rng.choice(free, size=min(len(free), int(rng.integers(1, 4))), replace=False):
            chosen[k] = int(rng.choice(pools[k]))
        chosen, value = climb(chosen)
        if value > best_score:
            best, best_score = chosen, value
    return best, best_score


def settle(D: np.ndarray, pool: np.ndarray, pools: list[np.ndarray], weights: np.ndarray, chosen: list[int],
           hints: list[str | None], floor: float) -> list[int]:
    """Move each slot's colour (and swap colours between slots) towards the slot's hint, as seen with
    normal vision, while every weighted pair stays at least `floor`: of the many palettes nearly as good
    as the best, the one whose colours a reader of today's maps recognises."""
    n = len(chosen)
    cost = np.zeros((n, len(pool)))
    for k, hint in enumerate(hints):
        if hint:
            cost[k] = tp.delta_e2000(tp.lab([hint]), tp.lab(pool))

    def fits(k, c, current):
        return all(D[c, current[l]] / weights[k, l] >= floor for l in range(n) if l != k)

    chosen = list(chosen)
    for _sweep in range(50):
        before = list(chosen)
        for k in range(n):
            others = [l for l in range(n) if l != k]
            ok = (D[np.ix_(pools[k], [chosen[l] for l in others])] / weights[k, others] >= floor).all(axis=1)
            if ok.any():
                feasible = pools[k][ok]
                chosen[k] = int(feasible[np.argmin(cost[k, feasible])])
        for i, j in itertools.combinations(range(n), 2):
            if cost[i, chosen[j]] + cost[j, chosen[i]] < cost[i, chosen[i]] + cost[j, chosen[j]] - 1e-9:
                trial = list(chosen)
                trial[i], trial[j] = chosen[j], chosen[i]
                if (chosen[j] in pools[i] and chosen[i] in pools[j]
                        and fits(i, trial[i], trial) and fits(j, trial[j], trial)):
                    chosen = trial
        if chosen == before:
            break
    return chosen


def to_hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{int(round(c * 255)):02x}" for c in rgb)


def search(step: int, restarts: int, kicks: int, seed: int, ratio: float) -> dict[str, dict[str, str] | list[str]]:
    rng = np.random.default_rng(seed)
    pool = candidates(step)
    chroma = tp.chroma(pool)
    greys = np.flatnonzero(chroma < 2.0)
    everything = np.flatnonzero(chroma >= tp.MIN_CHROMA)
    print(f"{len(pool)} candidate colours (step {step}): {len(everything)} colours, {len(greys)} greys", file=sys.stderr)
    D = distances(pool, pool)

    # Pairs of names that one map shows together (both in one of the groups) must be `ratio` times as far apart.
    names = list(tp.EVERY)
    n = len(names)
    membership = [frozenset(g for g, members in tp.GROUPS.items() if name in members) for name in names]
    weights = np.array([[ratio if membership[k] & membership[l] else 1.0 for l in range(n)] for k in range(n)])
    pools = [greys if name == NEUTRAL else everything for name in names]
    chosen, score = optimise(D, pools, weights, {}, restarts, rng, kicks=kicks)
    print(f"grid search: closest weighted pair {score:.2f}", file=sys.stderr)
    chosen = settle(D, pool, pools, weights, chosen, [HINTS.get(name) for name in names], KEEP * score)
    categories = {name: to_hex(pool[chosen[k]]) for k, name in enumerate(names)}

    # The fallback colours (for categories a dataset adds): apart from one another in every vision, and
    # from the fixed colours for a reader of normal vision (a dichromat cannot tell 29 colours apart).
    fixed_rgb = np.array([tp.hex_to_rgb(c) for c in categories.values()])
    f = len(fixed_rgb)
    D2 = np.full((f + len(pool), f + len(pool)), np.inf, dtype=np.float32)
    D2[f:, f:] = D
    D2[:f, f:] = distances(fixed_rgb, pool, {"normal": FALLBACK_TO_FIXED_WEIGHT})
    D2[f:, :f] = D2[:f, f:].T
    pools2 = [np.array([k]) for k in range(f)] + [f + everything] * FALLBACK_SIZE
    chosen2, score2 = optimise(D2, pools2, np.ones((f + FALLBACK_SIZE,) * 2), {k: k for k in range(f)}, restarts, rng,
                             kicks=kicks)
    print(f"fallback search: closest weighted pair {score2:.2f}", file=sys.stderr)
    fallback = [to_hex(pool[k - f]) for k in chosen2[f:]]
    fallback.sort(key=lambda c: tuple(np.round(tp.lab([c])[0], 3)))
    return {"categories": categories, "fallback": fallback}


def report(categories: dict[str, str], fallback: list[str]) -> str:
    lines = []
    for title, names in [*tp.GROUPS.items(), ("every category and kind", tp.EVERY)]:
        colours = [categories[n] for n in names]
        for vision in tp.VISIONS:
            d, a, b = tp.closest_pair(colours, vision)
            lines.append(f"{title:40} {vision:13} closest ΔE00 {d:5.1f} ({names[a]} / {names[b]})")
    halo = min(tp.halo_distance(list(categories.values()) + fallback, v).min() for v in tp.VISIONS)
    lines.append(f"closest to the disputed halo: ΔE00 {halo:.1f}")
    lines.append(f"fallback among themselves: ΔE00 {min(tp.closest_pair(fallback, v)[0] for v in tp.VISIONS):.1f}")
    return "\n".join(lines)


def swatch(path: Path) -> None:
    """Draw style.py's palette: one row per colour; per vision, a patch and a line on three backgrounds."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = [(name, colour) for name, colour in style.CATEGORY_COLOURS.items()]
    rows += [(f"kind: {name}", colour) for name, colour in style.KIND_COLOURS.items()]
    rows += [(f"fallback {i + 1}", colour) for i, colour in enumerate(style.FALLBACK_PALETTE)]
    rows += [("(disputed halo)", style.DISPUTED_COLOUR)]
    backgrounds = ("#f6f4ee", "#aad3df", "#090909")
    figure = Figure(figsize=(11, 0.3 * len(rows) + 0.8), dpi=110, facecolor="white")
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.2, 0.01, 0.79, 1 - 0.6 / (0.3 * len(rows) + 0.8)))
    ax.set_xlim(0, len(tp.VISIONS) * (len(backgrounds) + 1.4))
    ax.set_ylim(len(rows), 0)
    ax.axis("off")
    for v, vision in enumerate(tp.VISIONS):
        x0 = v * (len(backgrounds) + 1.4)
        ax.text(x0 + (len(backgrounds) + 1) / 2, -0.25, vision, ha="center", va="bottom", fontsize=11, weight="bold")
        seen = tp.linear_to_srgb(tp.simulate(tp.srgb_to_linear(np.array([tp.hex_to_rgb(c) for _, c in rows])), vision))
        seen_bg = tp.linear_to_srgb(tp.simulate(tp.srgb_to_linear(np.array([tp.hex_to_rgb(c) for c in backgrounds])),
                                                vision))
        for r, (name, _) in enumerate(rows):
            ax.add_patch(_rect(x0, r + 0.08, 1.0, 0.84, seen[r]))
            for b, bg in enumerate(seen_bg):
                ax.add_patch(_rect(x0 + 1.1 + b, r + 0.08, 1.0, 0.84, bg))
                ax.plot([x0 + 1.15 + b, x0 + 2.05 + b], [r + 0.5, r + 0.5], color=seen[r], linewidth=3,
                        solid_capstyle="butt")
            if v == 0:
                ax.text(-0.15, r + 0.5, name, ha="right", va="center", fontsize=9)
    figure.savefig(path)


def _rect(x, y, w, h, colour):
    from matplotlib.patches import Rectangle
    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", type=int, default=8, help="sRGB grid step of the candidate colours")
    parser.add_argument("--restarts", type=int, default=30, help="random starts of the local search")
    parser.add_argument("--kicks", type=int, default=300, help="random moves of the best palette, each climbed again")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--ratio", type=float, default=1.6,
                        help="how much further apart the colours of one group are held than the rest")
    parser.add_argument("--swatch", type=Path, help="draw routes/style.py's palette to this PNG instead of searching")
    args = parser.parse_args()
    if args.swatch:
        swatch(args.swatch)
        categories = {**style.CATEGORY_COLOURS, **style.KIND_COLOURS}
        print(report(categories, list(style.FALLBACK_PALETTE)))
        return
    found = search(args.step, args.restarts, args.kicks, args.seed, args.ratio)
    categories, fallback = found["categories"], found["fallback"]
    print(report(categories, fallback))
    print("CATEGORY_COLOURS = {")
    for name in tp.CATEGORY_ORDER:
        print(f'    "{name}": "{categories[name]}",')
    print("}")
    print("FALLBACK_PALETTE = (" + ", ".join(f'"{c}"' for c in fallback) + ")")
    print("KIND_COLOURS = {" + ", ".join(f'"{k}": "{categories[k]}"' for k in style.KIND_COLOURS) + "}")


if __name__ == "__main__":
    main()
