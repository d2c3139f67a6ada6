"""The benchmark of documented trade as flows (issue 17), on a real SIPRI export.

Imports the export (`arms-routes import-sipri`), then, each command a fresh subprocess of this
interpreter with the file recorded as validated (routes.cache), as a user renders it again:

- `render -d sipri.geojson -o map.html` (deals summed into flows, the default) and `--no-flows` (every
  deal a line of its own, as before issue 17): time and HTML size;
- `render -d sipri.geojson --weapon X` end to end, X the weapon system most deals list;
- headless Chromium (Playwright, /usr/bin/chromium, network blocked) opening the `--offline` flow map
  from file://: the time from navigation start until every flow is drawn (`visibleFlows()` lists
  them all, then two animation frames), a time window set and moved (the flows summed again in the
  page, two frames); and the `--no-flows` map drawn, for comparison.

The export is never committed: give its path (`--sipri`, or $ARMS_ROUTES_SIPRI_SAMPLE).

    python bench/flows.py --sipri /work/shared/samples/sipri/trade-register.csv     # bench/results/flows.md
    python bench/run.py --sipri FILE                                                  # the same, in the full report
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (the benchmark's helpers: fresh subprocesses, the record of validated files, Chromium)

RESULTS = BENCH / "results" / "flows.md"
DRAW_MAX_S = 1.0             # issue 17: the full sample, aggregated, drawn in headless Chromium
HTML_SHARE_MAX = 1 / 3       # ... and its HTML at most a third of the map of every deal as a line
WEAPON_RENDER_MAX_S = 1.5    # `render --weapon X` on the full sample, end to end, once validated

# Installed before the page's scripts: records performance.now() two frames after the first map's
# flows are all drawn (visibleFlows() lists every pair of the payload), or after its N route layers.
WATCH = """\
(() => {
  const bench = window.__armsRoutesFlows = {drawn: null, error: null, flows: 0};
  window.addEventListener("error", (e) => { bench.error = bench.error || String(e.message); });
  const tick = () => {
    const api = Object.values(window.armsRoutes || {})[0];
    const flows = api && api.visibleFlows ? api.visibleFlows().length : 0;
    const done = api && (api.data.flows ? flows === api.data.flows.pairs.length :
                         Object.keys(api.routeLayers).length === api.data.routes.length);
    if (done) {
      bench.flows = flows;
      requestAnimationFrame(() => requestAnimationFrame(() => { bench.drawn = performance.now(); }));
    } else {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
})();
"""

# A decade set as the filter panel's From and To set it, then moved by a year: the flows summed again.
WINDOW = """\
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const api = Object.values(window.armsRoutes)[0], out = {};
  for (const [name, filters] of [["decade", {since: 2010, until: 2019}], ["moved", {since: 2011, until: 2020}],
                                 ["cleared", {since: null, until: null}]]) {
    const t = performance.now();
    api.setFilters(filters);
    await frame(); await frame();
    out[name] = {ms: performance.now() - t, flows: api.visibleFlows().length};
  }
  return out;
}
"""


@dataclass
class FlowBench:
    csv: Path
    deals: int = 0
    pairs: int = 0
    weapon: str = ""
    weapon_deals: int = 0
    measures: dict = field(default_factory=dict)    # name -> run.Measure
    drawn_ms: list[float] = field(default_factory=list)
    lines_drawn_ms: list[float] = field(default_factory=list)
    window_ms: dict = field(default_factory=dict)
    window_flows: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    error: str | None = None


def measure(csv: Path, work: Path, repeat: int = 3, browser: bool = True) -> FlowBench:
    """Every measurement of the flows on one export; an error is a result, not a crash."""
    result = FlowBench(Path(csv))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "sipri.geojson"
    kept = lambda: run.kept_record(work)  # noqa: E731
    print(f"flows: import-sipri {csv}", flush=True)
    seconds, done = run.run_once([run.PYTHON, run.CLI, "import-sipri", str(csv), "-o", str(data)], kept())
    if done.returncode != 0:
        result.error = f"import-sipri failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
        return result
    result.measures["import"] = run.Measure("import-sipri", "`import-sipri CSV -o sipri.geojson`", [seconds],
                                            size=data.stat().st_size)
    run.run_once([run.PYTHON, run.CLI, "validate", str(data)], kept())  # (recorded: later commands only read it)
    facts = _facts(data)
    result.deals, result.pairs, result.weapon, result.weapon_deals = facts
    html, lines, offline, lines_offline = (work / n for n in ("flows.html", "lines.html", "flows-offline.html",
                                                             "lines-offline.html"))
    for key, name, argv, out in (
        ("render", "render (flows)", ["render", "-d", str(data), "-o", str(html)], html),
        ("render_lines", "render --no-flows", ["render", "-d", str(data), "--no-flows", "-o", str(lines)], lines),
        ("weapon", f"render --weapon {result.weapon!r}",
         ["render", "-d", str(data), "--weapon", result.weapon, "-o", str(work / "weapon.html")], work / "weapon.html"),
        ("offline", "render --offline (flows)", ["render", "-d", str(data), "--offline", "-o", str(offline)], offline),
        ("offline_lines", "render --offline --no-flows",
         ["render", "-d", str(data), "--offline", "--no-flows", "-o", str(lines_offline)], lines_offline),
    ):
        times = repeat if key in ("render", "weapon") else 1
        result.measures[key] = run.measure(name, f"`{' '.join(['arms-routes', *argv])}`, validated before",
                                           [run.PYTHON, run.CLI, *argv], times, output=out, env=kept)
    if browser:
        _browse(result, offline, lines_offline, repeat)
    return result


def _facts(data: Path) -> tuple[int, int, str, int]:
    """Deals, pairs, and the weapon system most deals list (its name) with its number of deals."""
    from collections import Counter

    sys.path.insert(0, str(run.ROOT))
    from routes import flows
    from routes.dataset import load_dataset

    dataset = load_dataset([data])
    deals = [r for r in dataset.routes if flows.is_deal(r, dataset.sources)]
    counts = Counter(w for d in deals for w in dict.fromkeys(d["properties"].get("weapons") or []))
    weapon, n = counts.most_common(1)[0]
    return len(deals), len(flows.aggregate(deals)), str((dataset.weapons.get(weapon) or {}).get("name") or weapon), n


def _browse(result: FlowBench, flows_page: Path, lines_page: Path, repeat: int) -> None:
    if not Path(run.CHROMIUM).exists():
        result.error = f"no Chromium at {run.CHROMIUM}"
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=run.CHROMIUM, headless=True, args=run.CHROMIUM_ARGS)
        try:
            for i in range(repeat):
                page, context = _open(browser, flows_page, result)
                try:
                    result.drawn_ms.append(page.evaluate("() => window.__armsRoutesFlows.drawn"))
                    for name, step in page.evaluate(WINDOW).items():
                        result.window_ms.setdefault(name, []).append(step["ms"])
                        result.window_flows[name] = step["flows"]
                finally:
                    context.close()
                print(f"  chromium flow map run {i + 1}/{repeat}: drawn {result.drawn_ms[-1]:.0f} ms, a decade "
                      f"{result.window_ms['decade'][-1]:.0f} ms", flush=True)
            page, context = _open(browser, lines_page, result)
            result.lines_drawn_ms.append(page.evaluate("() => window.__armsRoutesFlows.drawn"))
            context.close()
        except Exception as exc:  # a page that never draws is a result, not a crash
            result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        finally:
            browser.close()


def _open(browser, page_file: Path, result: FlowBench):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:")) else r.abort())
    context.add_init_script(WATCH)
    page = context.new_page()
    page.on("pageerror", lambda exc: result.errors.append(str(exc)[:200]))
    page.goto(page_file.resolve().as_uri(), wait_until="load", timeout=run.BROWSER_TIMEOUT_MS)
    page.wait_for_function("() => window.__armsRoutesFlows.drawn !== null || window.__armsRoutesFlows.error !== null",
                           timeout=run.BROWSER_TIMEOUT_MS, polling=50)
    return page, context


def targets(r: FlowBench) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) of issue 17."""
    def med(values):
        return statistics.median(values) if values else None

    m = r.measures
    flows_size = m["render"].size if "render" in m else None
    lines_size = m["render_lines"].size if "render_lines" in m else None
    drawn = med(r.drawn_ms)
    share = flows_size / lines_size if flows_size and lines_size else None
    weapon = m["weapon"].median if "weapon" in m else None
    return [
        (f"the full sample ({r.deals:,} deals as {r.pairs:,} flows) drawn in headless Chromium < {DRAW_MAX_S:.0f} s",
         f"{drawn / 1000:.2f} s" + (f" (every deal a line: {med(r.lines_drawn_ms) / 1000:.2f} s)" if r.lines_drawn_ms else "")
         if drawn else (r.error or "not measured"), drawn / 1000 < DRAW_MAX_S if drawn else None),
        ("…its HTML ≤ a third of the map of every deal as a line",
         f"{share:.0%} ({run._mb(flows_size)} vs {run._mb(lines_size)})" if share else "not measured",
         share <= HTML_SHARE_MAX if share else None),
        (f"`render --weapon {r.weapon!r}` ({r.weapon_deals:,} deals) on the full sample, validated before, "
         f"< {WEAPON_RENDER_MAX_S} s end to end",
         f"{weapon:.2f} s" if weapon else "not measured", weapon < WEAPON_RENDER_MAX_S if weapon else None),
    ]


def section(r: FlowBench) -> list[str]:
    """The markdown of the results: targets, then every measurement."""
    lines = ["## Documented trade as flows (issue 17)", "",
             f"On the real SIPRI export `{r.csv.name}` (not in the repository): {r.deals:,} deals, "
             f"{r.pairs:,} supplier → recipient pairs. Each command a fresh subprocess, the data file recorded "
             "as validated; Chromium opens the `--offline` maps from file:// at 1280×800, network blocked.", "",
             "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {run._tick(ok)} |" for t, m, ok in targets(r)]
    lines += ["", "| measurement | median | runs | output |", "|---|---|---|---|"]
    for m in r.measures.values():
        if m.error:
            lines.append(f"| {m.name} | not measured: {m.error} | | |")
        else:
            lines.append(f"| {m.name} | {run._s(m.median)} | {len(m.times)} | {run._mb(m.size)} |")
    if r.window_ms:
        lines += ["", "The filter panel's time window on the flow map (`api.setFilters`, then two frames; the "
                  "deals summed again in the page): " + ", ".join(
                      f"{name} {statistics.median(ms):.0f} ms ({r.window_flows[name]:,} flows)"
                      for name, ms in r.window_ms.items()) + "."]
    if r.errors:
        lines += ["", f"Page errors: {len(r.errors)} (first: {r.errors[0]})"]
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sipri", type=Path, default=os.environ.get("ARMS_ROUTES_SIPRI_SAMPLE"),
                        help="a SIPRI trade-register CSV export (or $ARMS_ROUTES_SIPRI_SAMPLE)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timed measurement (default 3)")
    parser.add_argument("--work-dir", type=Path, default=run.DEFAULT_WORK_DIR / "flows")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    if not args.sipri or not Path(args.sipri).is_file():
        parser.error("give a SIPRI export with --sipri FILE (or $ARMS_ROUTES_SIPRI_SAMPLE)")
    result = measure(Path(args.sipri), args.work_dir, args.repeat, browser=not args.no_browser)
    text = "\n".join(["# arms-routes benchmark: flows", "",
                      f"`python bench/flows.py --sipri {Path(args.sipri).name} --repeat {args.repeat}`", "",
                      *run.machine(), "", *section(result)])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"\nwrote {args.output}\n\n{text}")
    return 0 if not result.error else 1


if __name__ == "__main__":
    raise SystemExit(main())
