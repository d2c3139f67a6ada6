"""Make the README's picture of the interactive map: render the bundled dataset offline and photograph it.

Uses the same headless Debian Chromium (driven by Playwright, network blocked) as the browser tests;
the page is rendered with `offline=True`, so Leaflet is inlined and the basemap is the bundled
country outlines: no request leaves the machine, and the same data gives the same picture.

    python scripts/screenshot.py                 # writes docs/map.png
    python scripts/screenshot.py -o /tmp/map.png --width 1600 --height 1000
    python scripts/screenshot.py --open prk-irn-sdn-egy-gaza -o docs/map-card.png   # with a route's card open
    python scripts/screenshot.py --link '#map.a=Hamas&map.f=2008&map.t=2014' -o docs/map-filters.png  # a link's state
    python scripts/screenshot.py -d sipri.geojson -d data/transfers.geojson --flow 'Russia → India' -o flows.png  # a flow's card
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from routes.dataset import load_dataset  # noqa: E402
from routes.render import render_map  # noqa: E402

CHROMIUM = os.environ.get("ARMS_ROUTES_CHROMIUM", "/usr/bin/chromium")


def screenshot(output: Path, width: int, height: int, data: list[Path] | None = None,
               open_route: str | None = None, link: str = "", flow: str | None = None) -> Path:
    """Render `data` (default: the bundled dataset) offline and save a PNG of the map as a reader sees it.

    With `open_route`, the route is clicked first (a real mouse click on its line), so its card shows;
    `link` is a URL fragment the map is opened with (its filters, card and view: see README, "Map tools");
    with `flow` ("Supplier → Recipient"), that flow of documented trade has its card open.
    """
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        page_path = render_map(load_dataset(data), Path(folder) / "map.html", offline=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            try:
                context = browser.new_context(viewport={"width": width, "height": height})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                              else r.abort())
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.goto(page_path.resolve().as_uri() + (("#" + link.lstrip("#")) if link else ""))
                page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length > 0")
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                if open_route:
                    _click(page, open_route)
                if flow:
                    supplier, _, recipient = (part.strip() for part in flow.partition("→"))
                    if not page.evaluate("([s, r]) => !!Object.values(window.armsRoutes)[0].openFlow(s, r)",
                                         [supplier, recipient]):
                        raise SystemExit(f"no flow {flow!r} on the map")
                    page.wait_for_timeout(400)  # the card's pan into view
                if errors:
                    raise SystemExit(f"the map page failed: {errors[0]}")
                output.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(output))
            finally:
                browser.close()
    return output


def _click(page, route_id: str) -> None:
    point = page.evaluate("""(id) => {
        const api = Object.values(window.armsRoutes)[0];
        if (!api.routeLayers[id]) { return null; }
        let p = api.routePoint(id);
        // low on the map and left of the middle, so the card opens above it; clear of the legend
        const size = api.map.getSize(), box = api.map.getContainer().getBoundingClientRect();
        const legend = api.map.getContainer().querySelector('.leaflet-left .arms-routes-legend-control');
        const left = legend ? legend.getBoundingClientRect().right - box.left + 40 : 0;
        api.map.panBy([p.x - Math.max(size.x * 0.3, left), p.y - size.y * 0.75], {animate: false});
        p = api.routePoint(id);
        return {x: box.left + p.x, y: box.top + p.y};
    }""", route_id)
    if point is None:
        raise SystemExit(f"no route {route_id!r} on the map")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector(".leaflet-popup")
    # where several routes share the line under the mouse, the map offers a choice (or another's card)
    card = page.locator(".leaflet-popup .arms-routes-card")
    if not card.count() or card.get_attribute("data-route") != route_id:
        page.evaluate("(id) => { const api = Object.values(window.armsRoutes)[0]; api.map.closePopup(); "
                      "api.openCard(id); }", route_id)
        page.wait_for_selector(f".leaflet-popup .arms-routes-card[data-route='{route_id}']")
    page.mouse.move(5, 5)  # away from the line, so its hover tooltip closes
    page.wait_for_timeout(400)  # the popup's pan into view


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "map.png")
    parser.add_argument("-d", "--data", type=Path, action="append", help="dataset file (default: the bundled one)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--open", metavar="ROUTE_ID", help="click this route first, so its evidence card shows")
    parser.add_argument("--link", metavar="FRAGMENT", default="",
                        help="open the map with this URL fragment (filters, card, view), e.g. '#map.w=F-7'")
    parser.add_argument("--flow", metavar="'SUPPLIER → RECIPIENT'", help="open the card of this flow of documented trade")
    args = parser.parse_args()
    print(f"wrote {screenshot(args.output, args.width, args.height, args.data, args.open, args.link, args.flow)}")


if __name__ == "__main__":
    main()
