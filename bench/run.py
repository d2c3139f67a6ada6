"""The arms-routes benchmark: is the tool quick for a curated file and for a 30,000-route import?

Generates seeded synthetic datasets (bench/generate.py), then measures on the same data and machine,
each command in a fresh subprocess of this interpreter (median of several runs):
`validate`, `render` (HTML), `render --offline`, geopandas `explore()` of the same routes with the
HTML written, output sizes, `arms-routes --help` against `python -c "import typer"`, and how long
headless Chromium takes to draw the offline maps and to toggle a category. Writes a markdown table
with every target ticked or crossed to bench/results/latest.md.

    make bench                                   # or: python bench/run.py
    python bench/run.py --quick                  # a smoke run: 1,000 and 10,000 routes, one run each
    python bench/run.py --sizes 1000,10000 --repeat 5
    python bench/run.py --profile                # also cProfile validate and render of the largest size
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

PYTHON = sys.executable
CLI = str(ROOT / "cli.py")
CHROMIUM = os.environ.get("ARMS_ROUTES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEFAULT_SIZES = (1000, 10000, 30000)
DEFAULT_WORK_DIR = Path(os.environ.get("ARMS_ROUTES_BENCH_DIR", "/tmp/arms-routes-bench"))
RESULTS = BENCH / "results" / "latest.md"
COMMAND_TIMEOUT_S = 3600
BROWSER_TIMEOUT_MS = 300_000

# The targets of issue 8.
RENDER_SPEEDUP_MIN = 10.0        # explore() time / render time, at 10,000 routes
RENDER_SIZE_SHARE_MAX = 0.40     # render HTML size / explore() HTML size, at 10,000 routes
HELP_RATIO_MAX = 1.5             # `arms-routes --help` / `python -c "import typer"`
DRAW_MAX_S = 3.0                 # 30,000 routes drawn in headless Chromium
TOGGLE_MAX_MS = 500.0            # "stays responsive": a category toggle and two frames
FILTER_MAX_MS = 300.0            # issue 16: a filter change or a time-window move, redrawn (two frames)
PANEL_SHARE_MAX = 0.10           # issue 16: the filter panel and search index, of the page without them
MAP_PANE_ELEMENTS_MAX = 200      # "no per-feature DOM nodes": elements in the map pane, whatever N is

# What a user would otherwise do: read the file with geopandas and call explore().
EXPLORE = """\
import json, sys, time
t0 = time.perf_counter()
import geopandas
t1 = time.perf_counter()
gdf = geopandas.read_file(sys.argv[1])
t2 = time.perf_counter()
m = gdf.explore()
t3 = time.perf_counter()
m.save(sys.argv[2])
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "read_file": t2 - t1, "explore": t3 - t2, "save": t4 - t3}))
"""

# Installed before any script of the page runs: waits (frame by frame) until the renderer's
# window.armsRoutes holds N route layers, then for two more frames (the canvas renderer paints on the
# next animation frame), and records performance.now(), i.e. milliseconds since navigation start.
DRAW_WATCH = """\
(() => {
  const N = %d;
  const bench = window.__armsRoutesBench = {count: 0, drawn: null, error: null};
  window.addEventListener("error", (e) => { bench.error = bench.error || String(e.message); });
  const count = () => {
    let c = 0;
    // (the deals a flow map sums count as drawn: arms-routes-flows.js draws them as flows)
    for (const api of Object.values(window.armsRoutes || {})) c += Object.keys(api.routeLayers || {}).length + (api.flows ? api.flows.total : 0);
    return c;
  };
  const tick = () => {
    bench.count = count();
    if (bench.count >= N) {
      bench.complete = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => { bench.drawn = performance.now(); }));
    } else {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
})();
"""

# Unticks the category box of the largest category, waits two frames, ticks it again. (A route shows
# while any of its categories is ticked, so "hidden" counts the routes left by the others.)
TOGGLE = """\
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const api = Object.values(window.armsRoutes)[0];
  const visible = () => api.visibleRoutes().length;
  const inputs = [...document.querySelectorAll("label.arms-routes-category")]
    .map(label => ({label, input: label.querySelector("input[type=checkbox]"),
                    n: Number((label.textContent.match(/\\((\\d+)\\)\\s*$/) || [0, -1])[1])}))
    .filter(x => x.input);
  inputs.sort((a, b) => b.n - a.n);
  const target = inputs[0];
  const before = visible();
  let t = performance.now();
  target.input.click();
  await frame(); await frame();
  const off = performance.now() - t;
  const hidden = visible();
  t = performance.now();
  target.input.click();
  await frame(); await frame();
  const on = performance.now() - t;
  return {category: target.label.textContent.trim(), before, hidden, after: visible(), off, on};
}
"""

# Until `render --offline` exists on the command line: the same through the library, as the CLI would call it.
OFFLINE_LIBRARY = """\
import sys
from pathlib import Path
from routes.dataset import load_dataset
from routes.render import render_map
render_map(load_dataset([Path(sys.argv[1])]), Path(sys.argv[2]), offline=True)
"""

# The filter panel (arms-routes-filters.js): each step sets the filters as its controls do
# (api.setFilters, which the boxes call) and waits two frames; "clear" returns to every route.
# The weapon system is the one most routes list; the years a window of three around the middle year.
FILTERS = """\
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const api = Object.values(window.armsRoutes)[0];
  const out = {};
  const step = async (name, filters) => {
    const t = performance.now();
    api.setFilters(filters);
    await frame(); await frame();
    out[name] = {ms: performance.now() - t, shown: api.visibleRoutes().length};
  };
  const counts = {};
  api.data.routes.forEach(r => (r.weapons || []).forEach(w => { counts[w] = (counts[w] || 0) + 1; }));
  const weapon = Object.keys(counts).sort((a, b) => counts[b] - counts[a])[0];
  const years = api.data.panel.years.filter(y => y && y[0] !== null).map(y => y[0]).sort((a, b) => a - b);
  const mid = years[Math.floor(years.length / 2)];
  await step("weapon", {weapon: api.data.weapons[weapon].name});
  await step("weapon cleared", {weapon: ""});
  await step("years", {since: mid, until: mid + 2});
  await step("years moved", {since: mid + 1, until: mid + 3});
  await step("years cleared", {since: null, until: null});
  return {weapon: api.data.weapons[weapon].name, years: [mid, mid + 3], steps: out};
}
"""

DOM_COUNT = """\
() => {
  const pane = document.querySelector(".leaflet-map-pane");
  return {svgPaths: document.querySelectorAll(".leaflet-pane svg path").length,
          canvases: document.querySelectorAll(".leaflet-pane canvas").length,
          paneElements: pane ? pane.querySelectorAll("*").length : -1,
          pageElements: document.querySelectorAll("*").length};
}
"""


@dataclass
class Measure:
    """The wall times of one measurement, the size of what it wrote, or why it could not run."""

    name: str
    includes: str
    times: list[float] = field(default_factory=list)
    size: int | None = None
    error: str | None = None
    detail: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times and not self.error else None


def run_once(argv: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
    return time.perf_counter() - start, done


def measure(name: str, includes: str, argv: list[str], repeat: int, *, output: Path | None = None,
            ok_codes: tuple[int, ...] = (0,), env=None) -> Measure:
    """Run a command `repeat` times; `env` is a function giving each run's environment (or None)."""
    result = Measure(name, includes)
    for i in range(repeat):
        if output is not None:
            output.unlink(missing_ok=True)
        seconds, done = run_once(argv, env() if env else None)
        if done.returncode not in ok_codes:
            lines = (done.stderr or done.stdout).strip().splitlines()
            result.error = f"exit {done.returncode}: {lines[-1] if lines else 'no output'}"[:300]
            break
        result.times.append(seconds)
        if name == "explore()" and done.stdout.strip():
            result.detail = done.stdout.strip().splitlines()[-1]
        print(f"  {name:<18} run {i + 1}/{repeat}: {seconds:7.2f} s", flush=True)
    if output is not None and output.exists():
        result.size = output.stat().st_size
    return result


def has_offline_flag() -> bool:
    _, done = run_once([PYTHON, CLI, "render", "--help"])
    return "--offline" in done.stdout


def fresh_record(work: Path) -> dict:
    """The environment of a run that finds no record of validated files (routes.cache): it validates."""
    folder = work / "record-fresh"
    shutil.rmtree(folder, ignore_errors=True)
    return {**os.environ, "ARMS_ROUTES_CACHE_DIR": str(folder)}


def kept_record(work: Path) -> dict:
    """The environment of a run that keeps its record of validated files in work/record."""
    return {**os.environ, "ARMS_ROUTES_CACHE_DIR": str(work / "record")}


def measure_size(n: int, data: Path, work: Path, repeat: int, offline_flag: bool) -> dict[str, Measure]:
    out = {}
    fresh = functools.partial(fresh_record, work)
    out["validate"] = measure(
        "validate", "`python cli.py validate FILE`: interpreter start, imports, read, every check, printing warnings",
        [PYTHON, CLI, "validate", str(data)], repeat, env=fresh)
    html = work / f"render-{n}.html"
    out["render"] = measure(
        "render, first time", "`python cli.py render --data FILE -o OUT` of a file not validated before: start, "
        "imports, read, validate (errors only), payload, HTML written",
        [PYTHON, CLI, "render", "--data", str(data), "-o", str(html)], repeat, output=html, env=fresh)
    shutil.rmtree(work / "record", ignore_errors=True)
    run_once([PYTHON, CLI, "validate", str(data)], kept_record(work))
    out["render_again"] = measure(
        "render, validated before", "the same, after `validate FILE` (or any command) recorded the file as valid "
        "(routes.cache): start, imports, read, payload, HTML written",
        [PYTHON, CLI, "render", "--data", str(data), "-o", str(html)], repeat, output=html,
        env=functools.partial(kept_record, work))
    offline = work / f"render-offline-{n}.html"
    if offline_flag:
        out["offline"] = measure(
            "render --offline, first time", "as render, first time, with Leaflet (and the country basemap) inlined: "
            "needs no network",
            [PYTHON, CLI, "render", "--data", str(data), "--offline", "-o", str(offline)], repeat, output=offline,
            env=fresh)
    else:
        out["offline"] = measure(
            "render --offline", "NO `--offline` FLAG IN THE CLI YET: `python -c` calling "
            "`routes.render.render_map(load_dataset([FILE]), OUT, offline=True)` (no typer import)",
            [PYTHON, "-c", OFFLINE_LIBRARY, str(data), str(offline)], repeat, output=offline)
    explore_html = work / f"explore-{n}.html"
    _, probe = run_once([PYTHON, "-c", "import geopandas, folium, matplotlib, mapclassify"])
    if probe.returncode != 0:
        missing = (probe.stderr.strip().splitlines() or ["?"])[-1]
        out["explore"] = Measure("explore()", "", error=f"explore() cannot run here ({missing}); "
                                 "`pip install mapclassify` (geopandas needs it for explore)")
        return out
    out["explore"] = measure(
        "explore()", "`python -c`: start, import geopandas, `read_file(FILE)` (pyogrio), `gdf.explore()`, `m.save(OUT)`",
        [PYTHON, "-c", EXPLORE, str(data), str(explore_html)], repeat, output=explore_html)
    return out


def measure_help(runs: int) -> tuple[Measure, Measure]:
    help_ = Measure("arms-routes --help", "`python cli.py --help`")
    typer_ = Measure('python -c "import typer"', "interpreter start and `import typer`")
    for argv in ([PYTHON, CLI, "--help"], [PYTHON, "-c", "import typer"]):
        run_once(argv)  # warm the file cache
    for _ in range(runs):  # interleaved, so drift on the machine affects both alike
        for m, argv in ((help_, [PYTHON, CLI, "--help"]), (typer_, [PYTHON, "-c", "import typer"])):
            seconds, done = run_once(argv)
            if done.returncode != 0:
                m.error = f"exit {done.returncode}"
            m.times.append(seconds)
    return help_, typer_


@dataclass
class Draw:
    n: int
    drawn_ms: list[float] = field(default_factory=list)
    load_ms: list[float] = field(default_factory=list)
    toggle_off_ms: list[float] = field(default_factory=list)
    toggle_on_ms: list[float] = field(default_factory=list)
    toggle: dict = field(default_factory=dict)
    filter_ms: dict = field(default_factory=dict)  # step of FILTERS -> times (ms)
    filters: dict = field(default_factory=dict)    # the last run's FILTERS result
    dom: dict = field(default_factory=dict)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error: str | None = None


def measure_draw(pages: list[tuple[int, Path]], runs: int) -> list[Draw]:
    """Open each offline map in headless Chromium (network blocked) `runs` times, each in a fresh context."""
    results = [Draw(n) for n, _ in pages]
    if not (Path(CHROMIUM).exists()):
        for r in results:
            r.error = f"no Chromium at {CHROMIUM} (`make chromium` installs Debian's)"
        return results
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        for r in results:
            r.error = "the playwright package is not installed (pip install -e '.[test]')"
        return results
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for result, (n, page_file) in zip(results, pages):
                for i in range(runs):
                    try:
                        _draw_once(browser, result, n, page_file, first=i == 0)
                    except Exception as exc:  # a page that never draws is a result, not a crash
                        result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                        break
                    print(f"  chromium {n:>6} routes run {i + 1}/{runs}: drawn {result.drawn_ms[-1]:7.0f} ms, "
                          f"toggle {result.toggle_off_ms[-1]:5.0f}/{result.toggle_on_ms[-1]:5.0f} ms, filters "
                          + ", ".join(f"{k} {v[-1]:.0f}" for k, v in result.filter_ms.items()) + " ms", flush=True)
        finally:
            browser.close()
    return results


def _draw_once(browser, result: Draw, n: int, page_file: Path, first: bool) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        def route(r):
            url = r.request.url
            if url.startswith(("file:", "data:", "blob:", "about:")):
                r.continue_()
            else:
                result.blocked.append(url)
                r.abort()

        context.route("**/*", route)
        context.add_init_script(DRAW_WATCH % n)
        page = context.new_page()
        page.on("pageerror", lambda exc: result.errors.append(str(exc)[:200]))
        page.goto(page_file.resolve().as_uri(), wait_until="load", timeout=BROWSER_TIMEOUT_MS)
        page.wait_for_function("() => window.__armsRoutesBench && (window.__armsRoutesBench.drawn !== null"
                               " || window.__armsRoutesBench.error !== null)", timeout=BROWSER_TIMEOUT_MS, polling=50)
        bench = page.evaluate("() => window.__armsRoutesBench")
        if bench["drawn"] is None:
            raise RuntimeError(f"the page failed after drawing {bench['count']} of {n} routes: {bench['error']}")
        load = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
        result.drawn_ms.append(bench["drawn"])
        result.load_ms.append(load)
        if first:
            result.dom = page.evaluate(DOM_COUNT)
        toggle = page.evaluate(TOGGLE)
        result.toggle_off_ms.append(toggle["off"])
        result.toggle_on_ms.append(toggle["on"])
        result.toggle = toggle
        filters = page.evaluate(FILTERS)
        for name, step in filters["steps"].items():
            result.filter_ms.setdefault(name, []).append(step["ms"])
        result.filters = filters
    finally:
        context.close()


def profile(data: Path, work: Path, n: int, offline_flag: bool) -> str:
    """cProfile of `validate` and `render` of one dataset: the 25 functions with the largest cumulative time."""
    sections = []
    commands = [("validate", ["validate", str(data)]),
                ("render", ["render", "--data", str(data), "-o", str(work / f"profile-{n}.html")])]  # first time
    if offline_flag:
        commands.append(("render --offline",
                         ["render", "--data", str(data), "--offline", "-o", str(work / f"profile-offline-{n}.html")]))
    for name, args in commands:
        stats_file = work / f"profile-{name.replace(' ', '')}-{n}.prof"
        print(f"  cProfile {name} ({n} routes)", flush=True)
        seconds, done = run_once([PYTHON, "-m", "cProfile", "-o", str(stats_file), CLI, *args], fresh_record(work))
        if done.returncode != 0 or not stats_file.exists():
            sections.append(f"### {name}\n\nfailed: exit {done.returncode}\n")
            continue
        sections.append(f"### {name} ({n:,} routes, {seconds:.1f} s under cProfile)\n\n"
                        "Cumulative time, the project's code and the JSON codec (typer's wrappers left out):\n\n"
                        f"```\n{_stats(stats_file, 'cumulative', 18, PROFILE_OURS)}\n```\n\n"
                        f"Own time (tottime), everything:\n\n```\n{_stats(stats_file, 'tottime', 12, '')}\n```\n")
    return "\n".join(sections)


def browser_profile(page_file: Path, n: int) -> str:
    """A Chromium CPU profile (CDP sampling, 1 ms) of opening one offline map until it is drawn."""
    from collections import Counter

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "about:"))
                          else r.abort())
            context.add_init_script(DRAW_WATCH % n)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 1000})
            cdp.send("Profiler.start")
            page.goto(page_file.resolve().as_uri(), wait_until="load", timeout=BROWSER_TIMEOUT_MS)
            page.wait_for_function("() => window.__armsRoutesBench.drawn !== null || window.__armsRoutesBench.error",
                                   timeout=BROWSER_TIMEOUT_MS, polling=50)
            bench = page.evaluate("() => window.__armsRoutesBench")
            profile_ = cdp.send("Profiler.stop")["profile"]
        finally:
            browser.close()
    nodes = {node["id"]: node for node in profile_["nodes"]}
    parent = {child: node["id"] for node in profile_["nodes"] for child in node.get("children", [])}

    def name(node_id: int) -> str:
        frame = nodes[node_id]["callFrame"]
        where = f" (line {frame['lineNumber'] + 1})" if frame["lineNumber"] >= 0 else ""
        return f"{frame['functionName'] or '(anonymous)'}{where}"

    own, total = Counter(), Counter()
    for sample, delta in zip(profile_["samples"], profile_["timeDeltas"]):
        own[name(sample)] += delta
        seen, node_id = set(), sample
        while node_id is not None:
            key = name(node_id)
            if key not in seen:
                total[key] += delta
                seen.add(key)
            node_id = parent.get(node_id)
    rows = ["| own ms | function (line in the HTML file) | | total ms | function |", "|---|---|---|---|---|"]
    own_top = own.most_common(12)
    total_top = [kv for kv in total.most_common(14) if kv[0] != "(root)"][:12]
    for (a, ta), (b, tb) in zip(own_top, total_top):
        rows.append(f"| {ta / 1000:.0f} | `{a}` | | {tb / 1000:.0f} | `{b}` |")
    drawn = f"{bench['drawn'] / 1000:.2f} s" if bench.get("drawn") else f"not drawn ({bench.get('error')})"
    return (f"### Chromium: opening the offline map of {n:,} routes (drawn at {drawn} while profiled)\n\n"
            + "\n".join(rows) + "\n")


PROFILE_OURS = r"/routes/|cli\.py:\d+\((?!wrapper|<module>)|<string>|json/(decoder|encoder|__init__)"


def _stats(stats_file: Path, order: str, count: int, restriction: str) -> str:
    """The top `count` rows of a cProfile file, paths shortened to the project or the package."""
    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=buffer)
    stats.sort_stats(order)
    if restriction:
        stats.print_stats(restriction, count)
    else:
        stats.print_stats(count)
    text = buffer.getvalue()
    text = text[text.index("   ncalls"):] if "   ncalls" in text else text
    for prefix in sorted({str(ROOT) + "/", *(p + "/" for p in sys.path if p.endswith("-packages")),
                          os.path.dirname(os.__file__) + "/"}, key=len, reverse=True):
        text = text.replace(prefix, "")
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def panel_share(page_file: Path) -> dict | None:
    """What the filter panel and search add to a map (issue 16): the payload's "panel" tables
    (payload.panel_tables, as they sit in the page), arms-routes-filters.js and the panel's styles, in
    bytes, and as a share of the page without them."""
    import re

    sys.path.insert(0, str(ROOT))
    from routes.render.html import _static, json_text

    if not page_file.exists():
        return None
    text = page_file.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="arms-routes-data-[0-9a-f]+">(.*?)</script>', text, re.S)
    if not block:
        return None
    panel = json.loads(block.group(1)).get("panel")
    if panel is None:
        return None
    tables = len(f',"panel":{json_text(panel)}'.encode())
    script = len(_static("arms-routes-filters.js").encode())
    css = _static("arms-routes.css")
    styles = len(css[css.index("/* The filter panel"):].encode()) if "/* The filter panel" in css else 0
    size = len(text.encode())
    extra = tables + script + styles
    return {"tables": tables, "script": script, "styles": styles, "page": size, "share": extra / (size - extra)}


# -- the report ---------------------------------------------------------------------------------
def _s(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _mb(size: int | None) -> str:
    return "—" if size is None else f"{size / 1e6:.1f} MB"


def _tick(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine() -> list[str]:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    versions = _version([PYTHON, "-c", "import folium, geopandas, pyogrio, jsonschema; print("
                         "f'folium {folium.__version__}, geopandas {geopandas.__version__}, "
                         "pyogrio {pyogrio.__version__}, jsonschema {jsonschema.__version__}')"])
    commit = _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = _version(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    return [
        f"- Date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {cpus} CPUs available (nproc), {_cpu_model()}, {_memory()} RAM, {platform.platform()}",
        f"- Python {platform.python_version()} ({PYTHON}); {versions}",
        f"- Chromium: {_version([CHROMIUM, '--version']) if Path(CHROMIUM).exists() else 'not installed'}",
        f"- Code: commit {commit}{' with uncommitted changes' if dirty and dirty != 'unknown' else ''}",
    ]


def report(args, sizes, datasets, results, help_, typer_, draws, profile_text: str) -> str:
    lines = ["# arms-routes benchmark", "",
             f"`{' '.join(['python', 'bench/run.py', *sys.argv[1:]])}` (`make bench` runs `python bench/run.py`).", ""]
    lines += machine()
    lines += ["", "Every time is the median wall time of a fresh subprocess run with the same interpreter "
              "(so interpreter start and imports count for both tools), on the same generated data "
              f"(bench/generate.py, seed {args.seed}: 2-6 waypoints, 1-3 weapon systems, 1-4 evidence items, "
              "great-circle geometry with a vertex about every 100 km, null for ~10%). "
              "Sizes in MB (10^6 bytes).", ""]

    # -- targets
    def get(n, key):
        return results.get(n, {}).get(key)

    def ratio(a, b):
        return a / b if a is not None and b else None

    mid, big = (10000 if 10000 in sizes else None), (30000 if 30000 in sizes else None)
    targets = []
    r10, e10 = (get(mid, "render"), get(mid, "explore")) if mid else (None, None)
    again10 = get(mid, "render_again") if mid else None
    for label, rendered in (("a file rendered for the first time (validated on the way)", r10),
                            ("a file validated before (`validate`, or an earlier command)", again10)):
        speed = ratio(e10.median, rendered.median) if rendered and e10 else None
        targets.append((f"`render` of 10,000 routes ≥ 10× faster than `explore()`: {label}",
                        f"{speed:.1f}× ({_s(rendered.median)} vs {_s(e10.median)})" if speed else "not measured",
                        speed >= RENDER_SPEEDUP_MIN if speed else None))
    share = ratio(r10.size, e10.size) if r10 and e10 and r10.size and e10.size else None
    targets.append(("`render` HTML of 10,000 routes ≤ 40% of `explore()`'s",
                    f"{share:.0%} ({_mb(r10.size)} vs {_mb(e10.size)})" if share else "not measured",
                    share <= RENDER_SIZE_SHARE_MAX if share else None))
    help_ratio = ratio(help_.median, typer_.median) if help_.times and typer_.times else None
    targets.append(("`arms-routes --help` ≤ 1.5× `python -c \"import typer\"`",
                    f"{help_ratio:.2f}× ({_s(help_.median)} vs {_s(typer_.median)})" if help_ratio else "not measured",
                    help_ratio <= HELP_RATIO_MAX if help_ratio else None))
    v30, r30 = (get(big, "validate"), get(big, "render")) if big else (None, None)
    vr = ratio(v30.median, r30.median) if v30 and r30 else None
    targets.append(("`validate` of 30,000 routes faster than `render` of them",
                    f"{_s(v30.median)} vs {_s(r30.median)}" if vr else "not measured", vr < 1 if vr else None))
    d30 = next((d for d in draws if d.n == big), None) if big else None
    drawn = statistics.median(d30.drawn_ms) / 1000 if d30 and d30.drawn_ms and not d30.error else None
    targets.append(("30,000-route map drawn in headless Chromium < 3 s",
                    f"{drawn:.2f} s" if drawn else (d30.error if d30 and d30.error else "not measured"),
                    drawn < DRAW_MAX_S if drawn else None))
    toggle = max(statistics.median(d30.toggle_off_ms), statistics.median(d30.toggle_on_ms)) \
        if drawn and d30.toggle_off_ms else None
    targets.append((f"…and responsive: a category toggle + 2 frames < {TOGGLE_MAX_MS:.0f} ms",
                    f"{toggle:.0f} ms" if toggle else "not measured", toggle < TOGGLE_MAX_MS if toggle else None))
    for label, steps in (("a filter change (a weapon system) + 2 frames", ("weapon", "weapon cleared")),
                         ("a time-window move + 2 frames", ("years", "years moved"))):
        worst = max(statistics.median(d30.filter_ms[s]) for s in steps) if drawn and d30.filter_ms else None
        targets.append((f"…a filter panel that stays quick: {label} < {FILTER_MAX_MS:.0f} ms",
                        f"{worst:.0f} ms" if worst else "not measured", worst < FILTER_MAX_MS if worst else None))
    share = panel_share(args.work_dir / f"render-offline-{big}.html") if big else None
    targets.append((f"the filter panel and search index add ≤ {PANEL_SHARE_MAX:.0%} to a 30,000-route map",
                    f"{share['share']:.1%} ({_mb(share['tables'] + share['script'] + share['styles'])} of "
                    f"{_mb(share['page'])})" if share else "not measured",
                    share["share"] <= PANEL_SHARE_MAX if share else None))
    pane = d30.dom.get("paneElements") if d30 and d30.dom else None
    targets.append((f"…with canvas, no per-feature DOM nodes (≤ {MAP_PANE_ELEMENTS_MAX} elements in the map pane)",
                    f"{pane} elements, {d30.dom.get('svgPaths')} svg paths, {d30.dom.get('canvases')} canvases"
                    if pane is not None else "not measured", pane <= MAP_PANE_ELEMENTS_MAX if pane is not None else None))
    lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {_tick(ok)} |" for t, m, ok in targets]
    lines += [""]

    # -- per size
    for n in sizes:
        res = results[n]
        lines += [f"## {n:,} routes (data file {_mb(datasets[n].stat().st_size)})", "",
                  "| measurement | median | min – max | runs | output | what the time includes |",
                  "|---|---|---|---|---|---|"]
        for m in res.values():
            if m.error:
                lines.append(f"| {m.name} | — | — | — | — | not measured: {m.error} |")
                continue
            spread = f"{min(m.times):.2f} – {max(m.times):.2f}" if m.times else "—"
            lines.append(f"| {m.name} | {_s(m.median)} | {spread} | {len(m.times)} | {_mb(m.size)} | {m.includes} |")
        rd, off, ex, va = res["render"], res["offline"], res["explore"], res["validate"]
        again = res["render_again"]
        lines += ["", "| ratio | value |", "|---|---|"]
        for label, a, b, fmt in (
            ("explore() time / render time (first time)", ex.median, rd.median, "{:.1f}×"),
            ("explore() time / render time (validated before)", ex.median, again.median, "{:.1f}×"),
            ("explore() time / render --offline time (first time)", ex.median, off.median, "{:.1f}×"),
            ("render HTML size / explore() HTML size", rd.size, ex.size, "{:.0%}"),
            ("render --offline HTML size / explore() HTML size", off.size, ex.size, "{:.0%}"),
            ("validate time / render time (first time)", va.median, rd.median, "{:.2f}"),
        ):
            value = ratio(a, b)
            lines.append(f"| {label} | {fmt.format(value) if value is not None else '—'} |")
        if ex.detail:
            parts = json.loads(ex.detail)
            lines += ["", "explore() breakdown of the last run (in-process): "
                      + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items()) + "."]
        lines.append("")

    # -- help
    lines += ["## Start-up", "", "| command | median | min – max | runs |", "|---|---|---|---|"]
    for m in (help_, typer_):
        spread = f"{min(m.times):.3f} – {max(m.times):.3f}" if m.times else "—"
        lines.append(f"| {m.includes} | {m.median:.3f} s | {spread} | {len(m.times)} |" if m.median else
                     f"| {m.includes} | — | — | {m.error} |")
    lines.append("")

    # -- browser
    lines += ["## Headless Chromium (offline maps, network blocked, 1280×800)", "",
              "\"Drawn\" is `performance.now()` (ms since navigation start) two animation frames after "
              "`window.armsRoutes[…].routeLayers` holds all N routes (the canvas renderer paints on the next "
              "frame); it includes reading and parsing the HTML, Leaflet, the JSON payload and building every "
              "layer. \"Toggle\" unticks (off) and re-ticks (on) the layer-control checkbox of the largest "
              "category and waits two frames. DOM counts are taken once the map is drawn.", "",
              "| routes | drawn (median) | load event | toggle off / on | routes visible before / hidden / after "
              "| svg paths | canvases | map-pane elements | page errors | blocked requests |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for d in draws:
        if d.error or not d.drawn_ms:
            lines.append(f"| {d.n:,} | not measured: {d.error} | | | | | | | | |")
            continue
        t = d.toggle
        lines.append(
            f"| {d.n:,} | {statistics.median(d.drawn_ms) / 1000:.2f} s ({len(d.drawn_ms)} runs) "
            f"| {statistics.median(d.load_ms) / 1000:.2f} s "
            f"| {statistics.median(d.toggle_off_ms):.0f} / {statistics.median(d.toggle_on_ms):.0f} ms "
            f"| {t.get('before')} / {t.get('hidden')} / {t.get('after')} "
            f"| {d.dom.get('svgPaths')} | {d.dom.get('canvases')} | {d.dom.get('paneElements')} "
            f"| {len(d.errors)} | {len(set(d.blocked))} |")
    if not draws:
        lines.append("| — | not measured (no size ≥ 10,000, or --no-browser) | | | | | | | | |")
    lines.append("")
    filtered = [d for d in draws if d.filter_ms and not d.error]
    if filtered:
        names = list(filtered[0].filter_ms)
        lines += ["The filter panel (issue 16): each step sets the filters as the panel's controls do "
                  "(`api.setFilters`) and waits two frames; the weapon system is the one most routes list, the "
                  "years a window of three around the middle start year, then moved by one. Median ms (routes shown).",
                  "", "| routes | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for d in filtered:
            shown = d.filters.get("steps", {})
            lines.append(f"| {d.n:,} | " + " | ".join(
                f"{statistics.median(d.filter_ms[s]):.0f} ({shown.get(s, {}).get('shown', '?'):,})" for s in names) + " |")
        lines.append("")
    for n in sizes:
        share = panel_share(args.work_dir / f"render-offline-{n}.html")
        if share:
            lines.append(f"- {n:,} routes: the panel's tables {_mb(share['tables'])}, its script "
                         f"{share['script'] / 1e3:.0f} kB and styles {share['styles'] / 1e3:.1f} kB: "
                         f"{share['share']:.1%} of the page without them ({_mb(share['page'])} in all).")
    lines.append("")
    if profile_text:
        lines += ["## Profiles", "", profile_text]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", default=None, help="route counts, comma-separated (default 1000,10000,30000)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per measurement (default 5 below 10,000 routes, else 3)")
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 routes, one run each: a smoke test")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help="generator seed")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR,
                        help=f"where datasets and maps go (default {DEFAULT_WORK_DIR}, or $ARMS_ROUTES_BENCH_DIR)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the markdown report (default bench/results/latest.md)")
    parser.add_argument("--no-browser", action="store_true", help="skip the headless Chromium measurements")
    parser.add_argument("--profile", action="store_true", help="also cProfile validate and render of the largest size")
    parser.add_argument("--sipri", type=Path, default=os.environ.get("ARMS_ROUTES_SIPRI_SAMPLE"),
                        help="a SIPRI export: also measure its deals as flows (bench/flows.py; or $ARMS_ROUTES_SIPRI_SAMPLE)")
    args = parser.parse_args(argv)

    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else \
        ((1000, 10000) if args.quick else DEFAULT_SIZES)
    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)

    def repeat_for(n: int) -> int:
        if args.repeat:
            return args.repeat
        return 1 if args.quick else (5 if n < 10000 else 3)

    print(f"datasets in {work}", flush=True)
    datasets = {}
    for n in sizes:
        start = time.perf_counter()
        datasets[n] = generate.cached(n, work, args.seed)
        print(f"  {n:>6} routes: {datasets[n].name} ({datasets[n].stat().st_size / 1e6:.1f} MB, "
              f"{time.perf_counter() - start:.1f} s)", flush=True)

    offline_flag = has_offline_flag()
    results = {}
    for n in sizes:
        print(f"{n} routes", flush=True)
        results[n] = measure_size(n, datasets[n], work, repeat_for(n), offline_flag)

    print("start-up", flush=True)
    help_, typer_ = measure_help(3 if args.quick else 10)

    draws: list[Draw] = []
    pages = [(n, work / f"render-offline-{n}.html") for n in sizes if n >= 10000]
    if pages and not args.no_browser:
        missing = [n for n, p in pages if not p.exists()]
        ready = [(n, p) for n, p in pages if p.exists()]
        print("headless chromium", flush=True)
        draws = measure_draw(ready, 1 if args.quick else 3)
        draws += [Draw(n, error="no offline map was rendered") for n in missing]
        draws.sort(key=lambda d: d.n)

    profile_text = ""
    if args.profile:
        print("profiles", flush=True)
        profile_text = profile(datasets[max(sizes)], work, max(sizes), offline_flag)
        biggest = work / f"render-offline-{max(sizes)}.html"
        if not args.no_browser and biggest.exists() and Path(CHROMIUM).exists():
            print(f"  chromium CPU profile ({max(sizes)} routes)", flush=True)
            try:
                profile_text += "\n" + browser_profile(biggest, max(sizes))
            except Exception as exc:  # a profile that cannot be taken is noted, not fatal
                profile_text += f"\n### Chromium\n\nnot profiled: {type(exc).__name__}: {exc}\n"

    text = report(args, sizes, datasets, results, help_, typer_, draws, profile_text)
    if args.sipri:  # issue 17: documented trade as flows, on a real export (never in the repository)
        import flows

        print("flows (a SIPRI export)", flush=True)
        text = text.rstrip() + "\n\n" + "\n".join(flows.section(flows.measure(
            Path(args.sipri), work / "flows", 1 if args.quick else 3, browser=not args.no_browser)))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_name(f"{args.output.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.output)
    print(f"\nwrote {args.output}\n\n{text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
