/* arms-routes: draws the routes of a map from its JSON payload (made by routes/render/payload.py).
 *
 * window.armsRoutesDraw(map, dataElementId, cardsElementId) draws one map and returns, and keeps as
 * window.armsRoutes[id of the map's element], an object for tests and other Leaflet plugins:
 *   id             the id of the map's element
 *   map            the L.Map
 *   data           the payload, unpacked (data.cards: the card data, once a card was opened)
 *   routes         L.FeatureGroup of the routes shown; it binds the cards (popups), tooltips and
 *                  hover highlight for all of them
 *   routeLayers    {routeId: layer}        ONE L.Polyline (a RouteLine) per route, each of its legs
 *                                          (rings) drawn in its own look: options.looks[i] =
 *                                          {status, path, dash, opacity, extra}. openPopup() /
 *                                          openTooltip() show its card / tooltip.
 *   categories     [{id, label, colour, count, index, input, text, counted}]  the category boxes, in the
 *                                          layer control (id null: routes with no weapon system listed);
 *                                          `input` is the checkbox, `counted` what its brackets say:
 *                                          "5", or "2 of 5" while the route filter leaves 2 of its 5
 *   setCategories(ids)  tick exactly these boxes (ids, null for "No weapon system listed") and redraw
 *   visibleRoutes()     the ids of the routes shown, in the order of the data
 *   renderer       the canvas renderer of the routes; fires "detail" ({detail, lines}) when the
 *                                          routes in view get too many for arrows, halos and patterns
 *   waypoints      L.FeatureGroup of waypoint markers (dots, rings, dashed rings; each has .place)
 *                  and place labels on small maps
 *   interdictions  L.FeatureGroup of markers where shipments were stopped
 *   control        the L.control.layers: the category boxes, then the Waypoints and Interdictions overlays
 *   routePoint(id) a container point {x, y} on the drawn line of a route
 *   openCard(id, latlng, options)  open the card of a route shown (the one a click on its line
 *                  opens), at `latlng` or the middle of its longest leg; returns the L.Popup, or null
 *                  for a route not shown. options.keepView: the view does not move (a link's view):
 *                  the card points at `latlng` if it lies inside the map there, else at the spot of
 *                  the route's line in view where it does (made lower if no spot has the room).
 *                  A card opened before the card data is on the page fills in when it arrives.
 *   lineSample(id) an <svg> of a route's line as the legend draws lines: its colour, status
 *                  pattern and disputed halo (the lists of routes show it)
 *   key            the map's name in the page's URL fragment (see arms-routes-filters.js): "map", or
 *                  what the draw call's options give (an --embed fragment's file name)
 *   setRouteFilter({passes(route), undated(route), test(route)})  show only the routes that pass (and
 *                  have ticked boxes); `undated` says which of them the title counts as kept for want
 *                  of a year (else the payload's `undated`); `test`, if given, is `passes` for a route
 *                  no box shows (counted in its boxes, not by the filter). The category boxes count
 *                  the routes that pass; the waypoints and stops of no route shown are hidden. The
 *                  filter panel sets it; currentFilter() gives it (null: none), so a plugin applies
 *                  the same filter to what it draws (the flows).
 *   redraw()       apply the category boxes and the route filter again, and redraw
 *   onChange(fn)   fn(ids of the routes shown) after every redraw (boxes, buttons, filters)
 *   setFilterWords(text)  the filter in words, in the title box ("Filter: ..."); the title above it is
 *                  the payload's "heading" (its title without counts), the element `ID-title`
 *   fitView()      fit the routes in the room the title and controls leave (again: after a control
 *                  was added); fitBoxes(): fit the legend and the title to the map's size again
 *
 * Each function in window.armsRoutesPlugins (an array a later script fills) is called with that
 * object once the map is drawn: the filter panel and the keyboard access add to the map this way.
 *
 * Changed with honest uncertainty (issue 12): categories are no longer Leaflet overlays (`layers`,
 * one L.GeoJSON per category, is gone) but boxes: a route shows while ANY of its categories is
 * ticked, as `--category` selects it, and takes the colour of the first ticked one (see colourOf);
 * `routes` is the one group of the routes shown; a route is always one RouteLine (never an
 * L.FeatureGroup of lines by status).
 *
 * Every text from the data goes on the page through textContent, never as HTML; only http(s)
 * URLs become links. The one place Leaflet wants HTML (layer control names) gets fixed text.
 */
(function () {
  "use strict";
  if (window.armsRoutesDraw) { return; }  // (every --embed fragment carries it; the first one on a page runs it)

  var ARROW_MIN_LEG_PX = 40;     // legs shorter than this on screen get no arrowhead
  // With more route lines than this in view, they are drawn thin, without arrowheads, halos or
  // badges: 30,000 routes at full detail take seconds to paint (and are a blur at that zoom anyway).
  var DETAIL_MAX_LINES = 2000;
  var OVERVIEW_WEIGHT = 1;
  var SMALL_MAP = [720, 420];    // a map narrower or lower than this (px) folds its controls
  var WIDE_MAP = 1200;           // a map this wide (px) or wider has its legend on the left
  // Set from the payload's "style" (routes/style.py), shared with static images and reports.
  var ROUTE_WEIGHT = 3, DISPUTED_COLOUR = "#d01c8b", STOP_COLOUR = "#000000";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  // -- Leaflet classes: a route line with sideways offset, arrowheads and halo; an interdiction marker;
  // a canvas renderer that strokes all route lines of one style at once --
  var RouteLine = null, StopMarker = null, RingMarker = null, RouteCanvas = null;

  var RING_FILL = "rgba(40, 40, 40, 0.12)";  // an area, seen through: not a dot

  function strokeRing(ctx, p, radius, dashed, fill) {
    // A hollow ring: a white band under a thin dark stroke (dashed for a stand-in), legible on any
    // map; with `fill`, tinted inside, so it reads as an area rather than a point.
    ctx.beginPath();
    ctx.arc(p.x, p.y, radius, 0, Math.PI * 2);
    ctx.globalAlpha = 1;
    if (fill) {
      ctx.fillStyle = RING_FILL;
      ctx.fill();
    }
    ctx.setLineDash([]);
    ctx.lineWidth = 4;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
    ctx.stroke();
    ctx.setLineDash(dashed ? [3.5, 2.5] : []);
    ctx.lineWidth = 1.6;
    ctx.strokeStyle = "#222222";
    ctx.stroke();
    ctx.setLineDash([]);
  }

  function shiftRing(ring, distance) {
    var n = ring.length, shifted = new Array(n), i, a, b, dx, dy, len;
    for (i = 0; i < n; i++) {
      a = ring[Math.max(i - 1, 0)];
      b = ring[Math.min(i + 1, n - 1)];
      dx = b.x - a.x; dy = b.y - a.y;
      len = Math.sqrt(dx * dx + dy * dy) || 1;
      shifted[i] = new L.Point(ring[i].x - dy / len * distance, ring[i].y + dx / len * distance);
    }
    return shifted;
  }

  function arrowsFor(rings) {
    // One arrowhead at the middle of each leg (a ring is a leg) long enough to carry one: [x, y, angle, ring].
    var arrows = [], r, ring, i, total, seg, target, walked, lengths;
    for (r = 0; r < rings.length; r++) {
      ring = rings[r];
      lengths = [];
      total = 0;
      for (i = 1; i < ring.length; i++) {
        seg = ring[i].distanceTo(ring[i - 1]);
        lengths.push(seg);
        total += seg;
      }
      if (total < ARROW_MIN_LEG_PX) { continue; }
      target = total / 2;
      walked = 0;
      for (i = 0; i < lengths.length; i++) {
        if (walked + lengths[i] >= target && lengths[i] > 0) {
          var f = (target - walked) / lengths[i], a = ring[i], b = ring[i + 1];
          arrows.push([a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f, Math.atan2(b.y - a.y, b.x - a.x), r]);
          break;
        }
        walked += lengths[i];
      }
    }
    return arrows;
  }

  function pointOnLongestSegment(rings, fraction) {
    // A point along the longest segment of a route's drawn line: where a disputed route carries
    // its "?" (a third of the way, clear of the arrowhead at the middle of the leg).
    var best = null, bestLength = -1;
    rings.forEach(function (ring) {
      for (var i = 1; i < ring.length; i++) {
        var d = ring[i].distanceTo(ring[i - 1]);
        if (d > bestLength) { bestLength = d; best = ring[i - 1].add(ring[i].subtract(ring[i - 1]).multiplyBy(fraction)); }
      }
    });
    return best;
  }

  function drawDisputedBadges(ctx, points) {
    // A white disc ringed in the disputed colour with a "?" in it, at each point.
    var i, p;
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    ctx.beginPath();
    for (i = 0; i < points.length; i++) {
      p = points[i];
      ctx.moveTo(p.x + 7, p.y);
      ctx.arc(p.x, p.y, 7, 0, Math.PI * 2);
    }
    ctx.fillStyle = "#ffffff";
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = DISPUTED_COLOUR;
    ctx.stroke();
    ctx.fillStyle = DISPUTED_COLOUR;
    ctx.font = "bold 11px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (i = 0; i < points.length; i++) { ctx.fillText("?", points[i].x, points[i].y + 0.5); }
  }

  function tracePath(ctx, parts) {
    var i, j, part, p;
    for (i = 0; i < parts.length; i++) {
      part = parts[i];
      p = part[0];
      ctx.moveTo(p.x, p.y);
      for (j = 1; j < part.length; j++) { p = part[j]; ctx.lineTo(p.x, p.y); }
    }
  }

  function bucket(buckets, key, first, items) {
    var found = buckets.get(key);
    if (!found) { found = {first: first, items: []}; buckets.set(key, found); }
    found.items.push(items);
    return found;
  }

  function byLook(line, list, ringOf) {
    // The items of `list` (parts of the line, or arrows) grouped by the look of their ring: [[look, items], ...].
    var looks = line.options.looks, groups = [], at = {}, i, look, g;
    if (line.options.uniform) { return [[looks[0], list]]; }
    for (i = 0; i < list.length; i++) {
      look = looks[ringOf(i)] || looks[0];
      g = at[look.key];
      if (!g) { g = at[look.key] = [look, []]; groups.push(g); }
      g[1].push(list[i]);
    }
    return groups;
  }

  function drawRouteLines(ctx, lines, detail) {
    // What Leaflet's canvas does path by path (begin, trace, set the style, stroke), done once per
    // style: all disputed halos first, then the legs of each colour, pattern, width and opacity,
    // then the arrowheads of each colour (filled or hollow), then the "?" badges. 30,000 routes are
    // a few dozen strokes. Each leg (ring) of a route has its look (status pattern, path strength).
    // Without `detail` (an overview of many routes) lines are thin and have no halo, arrow or badge.
    var halos = new Map(), strokes = new Map(), arrows = new Map(), badges = [], i, j, line, o, weight, badge, groups, g, found;
    for (i = 0; i < lines.length; i++) {
      line = lines[i];
      if (!line._parts.length) { continue; }
      o = line.options;
      weight = detail ? o.weight : Math.min(o.weight, OVERVIEW_WEIGHT + o.weight - ROUTE_WEIGHT);
      groups = byLook(line, line._parts, function (k) { return line._partRings[k]; });
      for (j = 0; j < groups.length; j++) {
        g = groups[j];
        found = bucket(strokes, o.color + "|" + (weight + g[0].extra) + "|" + g[0].key, line, g[1]);
        found.weight = weight + g[0].extra;
        found.look = g[0];
        if (detail && o.disputed) { bucket(halos, (o.weight + g[0].extra) + "|" + g[0].halo, line, g[1]).look = g[0]; }
      }
      if (!detail) { continue; }
      if (line.arrows().length) {
        groups = byLook(line, line.arrows(), function (k) { return line.arrows()[k][3]; });
        for (j = 0; j < groups.length; j++) {
          g = groups[j];
          bucket(arrows, o.color + "|" + g[0].opacity + "|" + (o.weight + g[0].extra) + "|" + o.filled, line, g[1]).look = g[0];
        }
      }
      badge = line.badge();
      if (badge) { badges.push(badge); }
    }
    ctx.setLineDash([]);
    halos.forEach(function (group) {
      // (a halo fades with its leg: a schematic line's halo is as faint as the line)
      ctx.beginPath();
      group.items.forEach(function (parts) { tracePath(ctx, parts); });
      ctx.globalAlpha = group.look.halo;
      ctx.lineWidth = group.first.options.weight + group.look.extra + 8;
      ctx.strokeStyle = DISPUTED_COLOUR;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.stroke();
    });
    strokes.forEach(function (group) {
      var o = group.first.options, look = group.look;
      ctx.beginPath();
      group.items.forEach(function (parts) { tracePath(ctx, parts); });
      ctx.setLineDash(look.dash);
      ctx.globalAlpha = look.opacity;
      ctx.lineWidth = group.weight;
      ctx.strokeStyle = o.color;
      ctx.lineCap = look.cap;
      ctx.lineJoin = o.lineJoin;
      ctx.stroke();
    });
    ctx.setLineDash([]);
    arrows.forEach(function (group) {
      // Filled where the sources report a delivery; else hollow: white inside, outlined in the line's colour.
      var o = group.first.options, look = group.look;
      ctx.beginPath();
      group.items.forEach(function (list) { traceArrows(ctx, list, o.weight + look.extra); });
      if (o.filled) {
        ctx.globalAlpha = look.opacity;
        ctx.fillStyle = o.color;
        ctx.fill();
      } else {
        ctx.globalAlpha = 1;
        ctx.fillStyle = "#ffffff";
        ctx.fill();
        ctx.globalAlpha = look.opacity;  // (as faint as its leg)
        ctx.lineWidth = 1.75;
        ctx.lineJoin = "miter";
        ctx.strokeStyle = o.color;
        ctx.stroke();
      }
    });
    if (badges.length) { drawDisputedBadges(ctx, badges); }
  }

  function traceArrows(ctx, arrows, weight) {
    var size = Math.max(10, weight * 3.5), i, a, cos, sin;
    for (i = 0; i < arrows.length; i++) {
      a = arrows[i]; cos = Math.cos(a[2]); sin = Math.sin(a[2]);
      ctx.moveTo(a[0] + cos * size * 0.6, a[1] + sin * size * 0.6);
      ctx.lineTo(a[0] - cos * size * 0.6 - sin * size * 0.5, a[1] - sin * size * 0.6 + cos * size * 0.5);
      ctx.lineTo(a[0] - cos * size * 0.6 + sin * size * 0.5, a[1] - sin * size * 0.6 - cos * size * 0.5);
      ctx.closePath();
    }
  }

  function defineClasses() {
    if (RouteLine) { return; }

    RouteCanvas = L.Canvas.extend({
      // Leaflet's own _draw, except that route lines are collected and drawn together (drawRouteLines)
      // before the other paths (waypoints, interdictions), which keep their order on top. Fires
      // "detail" when the routes in view cross DETAIL_MAX_LINES (`detail` false: the thin overview).
      _draw: function () {
        var bounds = this._redrawBounds, ctx = this._ctx, lines = [], others = [], order, layer, i, inView = 0;
        ctx.save();
        if (bounds) {
          var size = bounds.getSize();
          ctx.beginPath();
          ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
          ctx.clip();
        }
        this._drawing = true;
        for (order = this._drawFirst; order; order = order.next) {
          layer = order.layer;
          if (layer instanceof RouteLine) {
            if (layer._parts.length) { inView++; }
            if (!bounds || (layer._pxBounds && layer._pxBounds.intersects(bounds))) { lines.push(layer); }
          } else if (!bounds || (layer._pxBounds && layer._pxBounds.intersects(bounds))) {
            others.push(layer);
          }
        }
        var detail = inView <= DETAIL_MAX_LINES;
        if (detail !== this.detail) {
          this.detail = detail;
          this.fire("detail", {detail: detail, lines: inView});
        }
        drawRouteLines(ctx, lines, detail);
        for (i = 0; i < others.length; i++) { others[i]._updatePath(); }
        this._drawing = false;
        ctx.restore();
      },

      // Leaflet redraws at once after a move (_updatePaths) without dropping a redraw already
      // requested for the next frame, which would then paint everything a second time.
      _redraw: function () {
        if (this._redrawRequest) { L.Util.cancelAnimFrame(this._redrawRequest); }
        L.Canvas.prototype._redraw.call(this);
      },

      // Route lines are kept ahead of the other paths in the drawing order, which is also the
      // order in which the mouse finds paths (the last one under it wins): markers are drawn on
      // top of the routes, so they get the mouse first, also after a category is ticked again.
      _initPath: function (layer) {
        var next = this._firstOther;
        if (!(layer instanceof RouteLine) || !next) {
          L.Canvas.prototype._initPath.call(this, layer);
          if (!(layer instanceof RouteLine) && !next) { this._firstOther = layer._order; }
          return;
        }
        this._updateDashArray(layer);
        this._layers[L.Util.stamp(layer)] = layer;
        var order = layer._order = {layer: layer, prev: next.prev, next: next};
        if (next.prev) { next.prev.next = order; } else { this._drawFirst = order; }
        next.prev = order;
      },

      _removePath: function (layer) {
        if (layer._order && layer._order === this._firstOther) { this._firstOther = layer._order.next; }
        L.Canvas.prototype._removePath.call(this, layer);
      },

      _bringToFront: function (layer) {
        if (!(layer instanceof RouteLine) || !this._firstOther || !layer._order) {
          return L.Canvas.prototype._bringToFront.call(this, layer);
        }
        this._removePath(layer);
        this._initPath(layer);
        this._requestRedraw(layer);
      }
    });

    RouteLine = L.Polyline.extend({
      // One route: each of its rings is a leg, with its sideways offset (`offsets`) and look (`looks`:
      // status pattern and path strength; `uniform` when all legs share one). baseWeight: the
      // weight when not hovered; filled: filled arrowheads (delivery reported).
      options: {offsets: null, looks: null, uniform: true, disputed: false, arrows: true, filled: false, baseWeight: 3},

      // Leaflet's own clipping of the rings to the view, also keeping which ring each part is of.
      _clipPoints: function () {
        var bounds = this._renderer._bounds, parts = this._parts = [], rings = this._partRings = [], i, j, k, n, segment, points;
        if (!this._pxBounds || !this._pxBounds.intersects(bounds)) { return; }
        for (i = 0, k = 0; i < this._rings.length; i++) {
          points = this._rings[i];
          for (j = 0, n = points.length; j < n - 1; j++) {
            segment = L.LineUtil.clipSegment(points[j], points[j + 1], bounds, j, true);
            if (!segment) { continue; }
            if (!parts[k]) { parts[k] = []; rings[k] = i; }
            parts[k].push(segment[0]);
            if ((segment[1] !== points[j + 1]) || (j === n - 2)) {
              parts[k].push(segment[1]);
              k++;
            }
          }
        }
      },

      _project: function () {
        // Projected once per zoom and pixel origin: a route shown again by a filter, at the same view,
        // keeps its rings (30,000 routes re-projected are a fifth of a second, and garbage).
        var zoom = this._map.getZoom(), origin = this._map.getPixelOrigin();
        if (this._projectedAt === zoom && this._originX === origin.x && this._originY === origin.y) { return; }
        this._projectedAt = zoom;
        this._originX = origin.x;
        this._originY = origin.y;
        this._clippedIn = null;
        var bounds = new L.Bounds(), offsets = this.options.offsets || [], i, j;
        this._rings = [];
        this._projectLatlngs(this._latlngs, this._rings, bounds);
        for (i = 0; i < this._rings.length; i++) {
          if (offsets[i]) {
            this._rings[i] = shiftRing(this._rings[i], offsets[i]);
            for (j = 0; j < this._rings[i].length; j++) { bounds.extend(this._rings[i][j]); }
          }
        }
        if (this._bounds.isValid() && bounds.isValid()) {
          this._rawPxBounds = bounds;
          this._updateBounds();
        }
        this._arrows = this._badge = undefined;  // worked out when drawn in detail
      },

      // Clipped (and simplified) once per projection and view (the renderer's bounds, new with each view), as _project.
      _update: function () {
        if (!this._map) { return; }
        var bounds = this._renderer._bounds;
        if (this._clippedIn !== bounds) {
          this._clippedIn = bounds;
          this._clipPoints();
          this._simplifyPoints();
        }
        this._updatePath();
      },

      _setLatLngs: function (latlngs) {
        this._projectedAt = this._clippedIn = null;
        return L.Polyline.prototype._setLatLngs.call(this, latlngs);
      },

      arrows: function () {
        if (this._arrows === undefined) { this._arrows = this.options.arrows ? arrowsFor(this._rings) : []; }
        return this._arrows;
      },

      badge: function () {
        if (this._badge === undefined) { this._badge = this.options.disputed ? pointOnLongestSegment(this._rings, 0.3) : null; }
        return this._badge;
      },

      _updatePath: function () {
        // Drawn with all the others by a RouteCanvas; alone (the same look) on a plain L.Canvas.
        var renderer = this._renderer;
        if (!(renderer instanceof L.Canvas)) { return L.Polyline.prototype._updatePath.call(this); }
        if (!renderer._drawing || !this._parts.length || renderer instanceof RouteCanvas) { return; }
        drawRouteLines(renderer._ctx, [this], true);
      }
    });

    // Routes carry no attribution, so the attribution control needs no listener on each of them.
    RouteLine.include(L.extend({getAttribution: null}, RouteOverlays));

    StopMarker = L.CircleMarker.extend({
      options: {radius: 8, color: "#ffffff", weight: 2, fillOpacity: 1, opacity: 1},

      _updatePath: function () {
        var renderer = this._renderer;
        if (!(renderer instanceof L.Canvas)) { return L.CircleMarker.prototype._updatePath.call(this); }
        if (!renderer._drawing || this._empty()) { return; }
        renderer._updateCircle(this);
        var ctx = renderer._ctx, p = this._point, s = this._radius * 0.45;
        ctx.beginPath();
        ctx.moveTo(p.x - s, p.y - s); ctx.lineTo(p.x + s, p.y + s);
        ctx.moveTo(p.x + s, p.y - s); ctx.lineTo(p.x - s, p.y + s);
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = "#ffffff";
        ctx.lineCap = "round";
        ctx.stroke();
        // Where the sources do not name the place of the stop as a site: a ring, dashed for a stand-in.
        if (this.options.drawnAs && this.options.drawnAs !== "site") {
          strokeRing(ctx, p, this._radius + 4, this.options.drawnAs === "stand-in", false);
        }
      }
    });

    // A waypoint the sources locate only coarsely (a ring) or do not name at all (a dashed ring).
    RingMarker = L.CircleMarker.extend({
      options: {radius: 8, dashed: false, fill: false},

      _updatePath: function () {
        var renderer = this._renderer;
        if (!(renderer instanceof L.Canvas)) { return L.CircleMarker.prototype._updatePath.call(this); }
        if (!renderer._drawing || this._empty()) { return; }
        strokeRing(renderer._ctx, this._point, this._radius, this.options.dashed, true);
      }
    });
  }

  // -- what a reader sees: route card, tooltips, title, legend -----------------------------------------

  function joinNames(list) { return list && list.length ? list.join(", ") : null; }

  function row(dl, label, value) {
    if (value === null || value === undefined || value === "") { return; }
    dl.appendChild(el("dt", null, label));
    var dd = el("dd", null, value instanceof Node ? null : value);
    if (value instanceof Node) { dd.appendChild(value); }
    dl.appendChild(dd);
  }

  var SHOWN_ALIASES = 3;

  function weaponName(data, id) { return (data.weapons[id] || {name: id}).name; }

  function weaponList(data, ids) {
    // Each weapon system with its category and aliases (the first few; all of them on hover).
    if (!ids.length) { return "none listed"; }
    var list = el("ul", "arms-routes-weapons");
    ids.forEach(function (id) {
      var w = data.weapons[id] || {name: id, aliases: [], category: "other"};
      var item = el("li");
      item.appendChild(el("strong", null, w.name));
      item.appendChild(el("span", "arms-routes-muted", " · " + w.category));
      if (w.aliases.length) {
        var more = w.aliases.length - SHOWN_ALIASES;
        var aliases = el("div", "arms-routes-aliases", "also: " + w.aliases.slice(0, SHOWN_ALIASES).join(", ") +
                         (more > 0 ? " (+" + more + " more)" : ""));
        aliases.title = w.aliases.join(", ");
        item.appendChild(aliases);
      }
      list.appendChild(item);
    });
    return list;
  }

  function places(data, refs) {
    // Waypoints travel once, in data.places, as a reader must see them: {label: "≈ Iran", describe:
    // what the sources say of a place that is not exact}; a route refers to them by position.
    return (refs || []).map(function (i) { return data.places[i]; });
  }

  function labels(data, refs) { return places(data, refs).map(function (p) { return p.label; }); }

  function decodeLegs(legs) {
    // Each leg's line: integers in 1/10,000 degree, each pair a step from the vertex before (the
    // first leg starts from 0, 0, every later one from the end of the leg before), written as text
    // in the encoded polyline algorithm format (see Leg in lines.py).
    var lon = 0, lat = 0;
    return legs.map(function (leg) {
      var text = leg.coords, latlngs = [], i = 0, n = text.length, value, shift, chunk, step, odd = false;
      while (i < n) {
        value = 0;
        shift = 0;
        do {
          chunk = text.charCodeAt(i++) - 63;
          value |= (chunk & 31) << shift;
          shift += 5;
        } while (chunk >= 32);
        step = value & 1 ? ~(value >>> 1) : value >>> 1;
        if (odd) {
          lat += step;
          latlngs.push(new L.LatLng(lat / 1e4, lon / 1e4));
        } else {
          lon += step;
        }
        odd = !odd;
      }
      return latlngs;
    });
  }

  function legText(data, route, legs) {
    var path = labels(data, route.path);
    var names = legs.map(function (i) {
      var a = path[i], b = path[i + 1];
      return "leg " + i + (a && b ? " (" + a + " → " + b + ")" : "");  // numbered from 0, as in the data
    });
    return names.join(", ");
  }

  function sourceBlock(data, item) {
    var source = data.sources[item.source] || {title: "unknown source " + item.source, reliability: "F"};
    var block = el("div", "arms-routes-source");
    block.appendChild(el("span", "arms-routes-source-label", "Source: "));
    // the payload carries only an address that may be a link (routes.encode.link_url), else null
    var url = source.url;
    if (url) {
      var link = el("a", null, source.title);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      block.appendChild(link);
    } else {
      block.appendChild(el("span", "arms-routes-source-title", source.title));
    }
    var details = [source.author, source.publisher, source.published].filter(function (x) { return x; });
    if (details.length) { block.appendChild(el("span", null, " — " + details.join(", "))); }
    if (source.url_text) { block.appendChild(el("div", "arms-routes-inert-url", "address (not a web link): " + source.url_text)); }
    if (source.note) { block.appendChild(el("div", "arms-routes-source-note", "Caveat: " + source.note)); }
    return block;
  }

  function evidenceItem(data, route, item) {
    var disputes = item.stance === "disputes";
    var li = el("li", "arms-routes-evidence " + (disputes ? "arms-routes-disputes" : "arms-routes-supports"));
    var head = el("div", "arms-routes-evidence-head");
    // A disputing item says who disputes and how: "✗ denied by North Korea", "✗ not confirmed by John Kirby".
    head.appendChild(el("span", "arms-routes-stance", disputes ? "✗ " + (item.dispute || "disputed") : "✓ supports"));
    var source = data.sources[item.source] || {};
    // The grade is source reliability + credibility (6, "cannot be judged", when none is given).
    var gradeText = item.grade || (source.reliability || "F") + (item.credibility !== undefined ? item.credibility : 6);
    var grade = el("span", "arms-routes-grade", gradeText);
    grade.title = "Admiralty grade: source " + (source.reliability || "F") + " (" +
      (source.reliability_meaning || "unknown") + "), information " + gradeText.slice(1) + " (" +
      (data.credibility[String(item.credibility)] || "unknown") + ")";
    head.appendChild(grade);
    if (item.legs && item.legs.length) { head.appendChild(el("span", "arms-routes-legs", legText(data, route, item.legs))); }
    if (item.weapons && item.weapons.length) {
      head.appendChild(el("span", "arms-routes-on", "on: " + item.weapons.map(function (id) { return weaponName(data, id); }).join(", ")));
    }
    li.appendChild(head);
    if (item.claim) { li.appendChild(el("p", "arms-routes-claim", item.claim)); }
    if (item.quote) {
      var quote = el("blockquote", "arms-routes-quote", "“" + item.quote + "”");
      if (item.said_by) { quote.appendChild(el("cite", null, " — " + item.said_by)); }
      li.appendChild(quote);
    } else if (item.said_by) {
      li.appendChild(el("p", "arms-routes-said-by", "said by " + item.said_by));
    }
    if (item.repeats) { li.appendChild(el("p", "arms-routes-item-note", "Repeats: " + item.repeats)); }
    if (item.note) { li.appendChild(el("p", "arms-routes-item-note", "Note: " + item.note)); }
    li.appendChild(sourceBlock(data, item));
    return li;
  }

  function pathWords(data, path) {
    var found = data.paths.filter(function (p) { return p.id === path; })[0];
    return found ? found.label : path;
  }

  function legList(data, route, legs) {
    // Each leg as the sources give it: from → to, mode, how much of its path is reported, note.
    var list = el("ol", "arms-routes-leg-list"), stops = labels(data, route.path);
    list.start = 0;  // legs are numbered from 0, as evidence items, `show` and `validate` name them
    legs.forEach(function (leg, i) {
      var item = el("li", "arms-routes-leg arms-routes-leg-" + leg.path);
      item.appendChild(el("strong", null, (stops[i] || "?") + " → " + (stops[i + 1] || "?")));
      item.appendChild(el("div", null, (data.mode_labels[leg.mode] || "by " + leg.mode) + " · " +
                          pathWords(data, leg.path)));
      if (leg.note) { item.appendChild(el("div", "arms-routes-leg-note", leg.note)); }
      list.appendChild(item);
    });
    return list;
  }

  function notExact(data, refs) {
    // The places of a route that are not exact, each with what the sources actually say of it (once).
    var seen = {}, list = el("ul", "arms-routes-inexact");
    places(data, refs).forEach(function (p) {
      if (!p.describe || seen[p.describe]) { return; }
      seen[p.describe] = true;
      list.appendChild(el("li", null, p.describe));
    });
    return list.childNodes.length ? list : null;
  }

  function routeCard(data, route) {
    var card = el("div", "arms-routes-card");
    card.setAttribute("data-route", route.id);
    card.appendChild(el("h3", null, route.name));
    var badges = el("div", "arms-routes-badges");
    badges.appendChild(el("span", "arms-routes-badge arms-routes-status-" + route.status, route.status));
    if (route.disputed) { badges.appendChild(el("span", "arms-routes-badge arms-routes-disputed", "⚠ disputed")); }
    badges.appendChild(el("span", "arms-routes-badge", route.kind));
    card.appendChild(badges);

    var details = cardDetails(data, route);
    var dl = el("dl");
    row(dl, "Route id", route.id);
    row(dl, "Kind", data.kind_labels[route.kind] || route.kind);
    row(dl, "Weapons", weaponList(data, route.weapons || []));
    row(dl, "Supplier", route.supplier);
    row(dl, "Intermediaries", joinNames(route.intermediaries) || "none");
    row(dl, "Recipient", route.recipient);
    row(dl, "Path", labels(data, route.path).join(" → "));
    row(dl, "Not exact", notExact(data, (route.path || []).concat(route.intended || [])));
    row(dl, "Period", route.period);
    row(dl, "Status", route.status + (route.disputed ? " (disputed)" : ""));
    row(dl, "Outcome", data.outcomes[route.outcome || "unknown"] || route.outcome);
    if (route.interdicted) {
      var stop = route.interdicted;
      row(dl, "Stopped at", [stop.place, stop.date, stop.note].filter(function (x) { return x; }).join(", ") +
          (stop.describe ? " (" + stop.describe + ")" : ""));
    }
    row(dl, "Reportedly headed for", joinNames(labels(data, route.intended)));
    var independent = route.independent || 0;
    row(dl, "Independent sources", independent + " independent supporting source" + (independent === 1 ? "" : "s"));
    card.appendChild(dl);

    if (details && details.legs.length) {
      card.appendChild(el("h4", null, details.legs.length === 1 ? "Leg" : "Legs (" + details.legs.length + ")"));
      card.appendChild(legList(data, route, details.legs));
    }
    if (details) {
      card.appendChild(el("h4", null, "Evidence (" + details.evidence.length + ")"));
      var list = el("ol", "arms-routes-evidence-list");
      details.evidence.forEach(function (item) { list.appendChild(evidenceItem(data, route, item)); });
      card.appendChild(list);
    } else {
      // (the block of card data comes after the map's script: the card fills in once it is there, see whenCards)
      card.appendChild(el("h4", null, "Evidence"));
      card.appendChild(el("p", "arms-routes-hint", "Loading the evidence…"));
    }
    if (route.notes) { card.appendChild(el("p", "arms-routes-notes", "Notes: " + route.notes)); }
    return card;
  }

  function routeTooltip(data, route) {
    var box = el("div", "arms-routes-tip");
    box.appendChild(el("strong", null, route.name));
    box.appendChild(el("div", null, route.kind + " · " + route.status + " · " + route.period));
    if (route.outcome) { box.appendChild(el("div", null, "outcome: " + (data.outcomes[route.outcome] || route.outcome))); }
    if (route.disputed) { box.appendChild(el("div", "arms-routes-disputed-text", "⚠ disputed")); }
    box.appendChild(el("div", "arms-routes-hint", "click for the evidence"));
    return box;
  }

  function waypointTooltip(place) {
    var box = el("div", "arms-routes-tip");
    box.appendChild(el("strong", null, place.label));
    if (place.describe) { box.appendChild(el("div", "arms-routes-describe", place.describe)); }
    box.appendChild(el("div", null, (place.country ? place.country + " · " : "") + place.roles.join(", ")));
    box.appendChild(el("div", null, place.routes + " route" + (place.routes === 1 ? "" : "s")));
    return box;
  }

  function stopTooltip(stop) {
    var box = el("div", "arms-routes-tip");
    box.appendChild(el("strong", null, "Shipment stopped: " + stop.place + (stop.country ? " (" + stop.country + ")" : "")));
    if (stop.describe) { box.appendChild(el("div", "arms-routes-describe", stop.describe)); }
    stop.stops.forEach(function (s) {
      box.appendChild(el("div", null, [s.name, s.date, s.note].filter(function (x) { return x; }).join(" · ")));
    });
    return box;
  }

  var SVG = "http://www.w3.org/2000/svg";

  function svgNode(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    return node;
  }

  function svgSample(kind, options) {
    var svg = svgNode("svg", {width: 36, height: 14, "class": "arms-routes-sample"});
    if (kind === "line") {
      if (options.halo) {
        svg.appendChild(svgNode("line", {x1: 4, y1: 7, x2: 32, y2: 7, stroke: DISPUTED_COLOUR, "stroke-opacity": 0.3,
                                         "stroke-width": ROUTE_WEIGHT + 8, "stroke-linecap": "round"}));
      }
      var line = svgNode("line", {x1: 2, y1: 7, x2: 34, y2: 7, stroke: options.colour || "#333333",
                                  "stroke-width": ROUTE_WEIGHT + (options.extra || 0), "stroke-linecap": "round"});
      if (options.opacity !== undefined) { line.setAttribute("stroke-opacity", String(options.opacity)); }
      if (options.dash) { line.setAttribute("stroke-dasharray", options.dash); }
      svg.appendChild(line);
    } else if (kind === "arrow") {
      svg.appendChild(svgNode("line", {x1: 2, y1: 7, x2: 26, y2: 7, stroke: "#333333", "stroke-width": ROUTE_WEIGHT}));
      svg.appendChild(svgNode("path", {d: "M22 2 L33 7 L22 12 Z", stroke: "#333333", "stroke-width": 1.75,
                                       "stroke-linejoin": "miter", fill: options.filled ? "#333333" : "#ffffff"}));
    } else if (kind === "stop") {
      var g = svgNode("g", {});
      g.appendChild(svgNode("circle", {cx: 18, cy: 7, r: 6.5, fill: STOP_COLOUR, stroke: "#ffffff"}));
      g.appendChild(svgNode("path", {d: "M15 4 L21 10 M21 4 L15 10", stroke: "#ffffff", "stroke-width": 2}));
      svg.appendChild(g);
    } else if (kind === "ring") {
      var ring = svgNode("circle", {cx: 18, cy: 7, r: 6.2, fill: RING_FILL, stroke: "#222222", "stroke-width": 1.4});
      if (options.dashed) { ring.setAttribute("stroke-dasharray", "3.5 2.5"); }
      svg.appendChild(ring);
    } else {
      svg.appendChild(svgNode("circle", {cx: 18, cy: 7, r: options.radius, fill: options.fill, stroke: "#222222",
                                         "stroke-width": 1.5}));
    }
    return svg;
  }

  function declutter(group) {
    // Place names that would overlap a more important one (more routes) are hidden until zoomed in.
    var found = [], kept = [];
    group.eachLayer(function (layer) { if (layer instanceof L.Tooltip && layer.getElement()) { found.push(layer); } });
    if (!found.length) { return; }
    // nor may a name hide under the title, the legend or a control
    var container = group._map && group._map.getContainer();
    if (container) {
      Array.prototype.forEach.call(container.querySelectorAll(".leaflet-control, .arms-routes-title"), function (box) {
        if (box.offsetWidth) { kept.push(box.getBoundingClientRect()); }
      });
    }
    found.sort(function (a, b) { return b.options.priority - a.options.priority; });
    // A name that clashes on the right of its place is tried on its left, then above and below, before
    // it is hidden: a country ring in a crowded region still says which country it is.
    function clashes(r) {
      return kept.some(function (k) { return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
    }
    found.forEach(function (label) {
      var node = label.getElement(), i, r, side = label.options.offset[0] ? Math.abs(label.options.offset[0]) : 0;
      if (!label._home) { label._home = {direction: label.options.direction, offset: label.options.offset}; }
      var places = [[label._home.direction, label._home.offset], ["left", [-side, 0]], ["top", [0, -side]],
                    ["bottom", [0, side]]];
      node.style.visibility = "";
      for (i = 0; i < places.length; i++) {
        if (i > 0 || label.options.direction !== places[0][0]) {
          label.options.direction = places[i][0];
          label.options.offset = L.point(places[i][1]);
          label.update();
        }
        r = node.getBoundingClientRect();
        if (!clashes(r)) { kept.push(r); return; }
      }
      node.style.visibility = "hidden";
    });
  }

  function legendRow(list, sample, label) {
    var item = el("div", "arms-routes-legend-row");
    item.appendChild(sample);
    item.appendChild(el("span", null, label));
    list.appendChild(item);
    return item;
  }

  var WAYPOINT_STYLE = {
    origin: {radius: 5.5, fill: "#222222"},
    destination: {radius: 5.5, fill: "#ffffff"},
    transit: {radius: 4, fill: "#9a9a9a"}
  };

  function waypointStyle(place) {
    var role = place.roles.indexOf("origin") >= 0 ? "origin" : place.roles.indexOf("destination") >= 0 ? "destination" : "transit";
    return WAYPOINT_STYLE[role];
  }

  function legend(data) {
    // Category colours, and how a route's colour is chosen, are explained (and toggled) by the category
    // boxes in the layer control; the legend explains patterns, line strength, the colours of routes
    // that carry no weapons, and symbols.
    var box = el("div", "arms-routes-legend");
    box.appendChild(el("div", "arms-routes-legend-title", "Evidence status (line pattern)"));
    data.statuses.forEach(function (s) { legendRow(box, svgSample("line", {dash: s.dash}), s.label); });
    legendRow(box, svgSample("line", {halo: true}), "disputed (halo and ?): some evidence disputes the route");

    var paths = data.paths.filter(function (p) { return p.routes > 0; });
    if (paths.length) {
      box.appendChild(el("div", "arms-routes-legend-title", "Path (line strength)"));
      paths.forEach(function (p) {
        legendRow(box, svgSample("line", {opacity: p.opacity, extra: p.extra}), p.label).setAttribute("data-path", p.id);
      });
    }
    if (data.kinds.length) {
      box.appendChild(el("div", "arms-routes-legend-title", "Not weapons (colour: what moved)"));
      data.kinds.forEach(function (k) {
        legendRow(box, svgSample("line", {colour: k.colour}), k.label).setAttribute("data-kind", k.id);
      });
    }

    box.appendChild(el("div", "arms-routes-legend-title", "Direction and outcome"));
    data.arrows.forEach(function (a) {
      if (a.routes) { legendRow(box, svgSample("arrow", {filled: a.filled}), a.label).setAttribute("data-arrow", a.filled ? "filled" : "hollow"); }
    });
    legendRow(box, svgSample("stop", {}), "shipment stopped (interdiction)");
    var drawn = {};
    data.waypoints.forEach(function (w) { drawn[w.drawn_as] = true; });
    box.appendChild(el("div", "arms-routes-legend-title", "Waypoints"));
    if (drawn.site || !data.waypoints.length) {
      legendRow(box, svgSample("circle", WAYPOINT_STYLE.origin), "origin");
      legendRow(box, svgSample("circle", WAYPOINT_STYLE.transit), "transit");
      legendRow(box, svgSample("circle", WAYPOINT_STYLE.destination), "destination");
      box.appendChild(el("div", "arms-routes-legend-note", "dots: " + data.waypoint_labels.site));
    }
    if (drawn.area) { legendRow(box, svgSample("ring", {}), data.waypoint_labels.area).setAttribute("data-waypoint", "area"); }
    if (drawn["stand-in"]) {
      legendRow(box, svgSample("ring", {dashed: true}), data.waypoint_labels["stand-in"]).setAttribute("data-waypoint", "stand-in");
    }
    var overview = el("div", "arms-routes-overview-note",
                      "More than " + DETAIL_MAX_LINES.toLocaleString("en") + " route lines in view: drawn thin, " +
                      "without arrows, halos or ?; zoom in (or untick categories) for the full detail.");
    overview.hidden = true;
    box.appendChild(overview);
    return box;
  }

  function shownText(data, shown, undatedShown) {
    // "21 of 21 routes shown, 4 of unknown date (kept: their period is open)"; "2 of 3 routes shown" while
    // boxes or filters hide some, the unknown-date count then of those shown.
    var total = data.routes.length, text, undated = undatedShown === undefined ? data.undated : undatedShown;
    text = shown + " of " + total + " route" + (total === 1 ? "" : "s") + " shown";
    if (undated) {
      text += ", " + undated + " of unknown date (kept: their period is open)";
    }
    return text;
  }

  function titleBox(data) {
    var box = el("div", "arms-routes-title");
    box.appendChild(el("div", "arms-routes-title-text", data.heading || data.title));  // (no count: the line below counts)
    var filter = el("div", "arms-routes-filter", "Filter: ");
    filter.appendChild(el("span", "arms-routes-filter-words", data.filter));
    filter.appendChild(document.createTextNode(" · "));
    filter.appendChild(el("span", "arms-routes-shown", shownText(data, data.routes.length)));
    box.appendChild(filter);
    box.appendChild(el("div", "arms-routes-credit", data.credit));
    return box;
  }

  function control(position, content, className) {
    var Ctl = L.Control.extend({
      onAdd: function () {
        var div = L.DomUtil.create("div", "leaflet-control " + className);
        div.appendChild(content);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    return new Ctl({position: position});
  }

  function categoryBoxes(data, onChange) {
    // One checkbox per category (and one for routes without weapon systems), with its colour and
    // the number of routes in it; a route shows while any of its boxes is ticked (as --category).
    var panel = el("div", "arms-routes-categories");
    panel.setAttribute("role", "group");
    var heading = el("div", "arms-routes-legend-title", "Weapon category (colour): tick to show");
    heading.id = "arms-routes-categories-" + L.Util.stamp(panel);
    panel.setAttribute("aria-labelledby", heading.id);
    panel.appendChild(heading);
    var boxes = data.categories.map(function (c, i) {
      var label = el("label", "arms-routes-category"), input = el("input");
      input.type = "checkbox";
      input.checked = true;
      input.setAttribute("data-category", c.id === null ? "" : c.id);
      input.addEventListener("change", onChange);
      label.appendChild(input);
      var swatch = el("span", "arms-routes-swatch" + (c.colour ? "" : " arms-routes-swatch-none"));
      if (c.colour) { swatch.style.background = c.colour; }
      label.appendChild(swatch);
      var text = el("span", null, c.label + " (" + c.count + ")");
      label.appendChild(text);
      panel.appendChild(label);
      return {id: c.id, label: c.label, colour: c.colour, count: c.count, index: i, input: input, text: text,
              counted: String(c.count)};
    });
    var buttons = el("div", "arms-routes-category-buttons");
    [["all", true], ["none", false]].forEach(function (b) {
      var button = el("button", "arms-routes-category-button", b[0]);
      button.type = "button";
      button.setAttribute("aria-label", (b[1] ? "tick" : "untick") + " every category");
      button.addEventListener("click", function () {
        boxes.forEach(function (box) { box.input.checked = b[1]; });
        onChange();
      });
      buttons.appendChild(button);
    });
    panel.appendChild(buttons);
    var rule = el("div", "arms-routes-legend-note arms-routes-colour-rule", data.colour_rule);
    rule.title = data.colour_rule_full;
    panel.appendChild(rule);
    return {element: panel, boxes: boxes};
  }

  // -- drawing ------------------------------------------------------------------------------------------

  function makeLooks(data) {
    // The look of a leg by "status|path": its status pattern (canvas dash list, line cap) and its
    // path strength (opacity, extra width), shared by every leg that has it.
    var looks = {};
    data.statuses.forEach(function (s) {
      var dash = s.dash ? s.dash.split(/[ ,]+/).map(Number) : [];
      data.paths.forEach(function (p) {
        var key = s.id + "|" + p.id;
        looks[key] = {key: key, status: s.id, path: p.id, dash: dash, opacity: p.opacity, extra: p.extra, halo: p.halo,
                      cap: s.id === "alleged" || s.id === "confirmed" ? "round" : "butt"};
      });
    });
    return looks;
  }

  function routeLayer(route, colour, renderer, looks) {
    // ONE RouteLine per route, its legs (rings) each drawn in its own look (a leg without its own
    // status has the route's). Cards, tooltips and the hover highlight are bound once, on the group
    // of all routes (routesGroup).
    var legLooks = route.legs.map(function (leg) { return looks[(leg.status || route.status) + "|" + leg.path]; });
    var uniform = legLooks.every(function (look) { return look === legLooks[0]; });
    var line = new RouteLine(decodeLegs(route.legs), {
      renderer: renderer, color: colour, weight: ROUTE_WEIGHT, baseWeight: ROUTE_WEIGHT, lineCap: "round",
      looks: legLooks, uniform: uniform, offsets: route.legs.map(function (leg) { return leg.offset || 0; }),
      disputed: route.disputed, filled: !!route.filled, smoothFactor: 1
    });
    line.feature = {type: "Feature", id: route.id, geometry: null,
                    properties: {id: route.id, name: route.name, status: route.status, category: route.colourCategory,
                                 kind: route.kind, disputed: !!route.disputed,
                                 legs: legLooks.map(function (look) { return look.key; })}};
    line.route = route;
    return line;
  }

  function routesGroup(data, renderer) {
    // The group of the routes shown: their cards (popups), tooltips and hover highlight are bound
    // here once, for whichever route an event comes from (e.layer, the path under the mouse).
    var group = L.featureGroup();
    function routeOf(path) { return path.routeLayer || path; }
    function highlight(layer, on) { layer.setStyle({weight: layer.options.baseWeight + (on ? 2 : 0)}); }
    group.bindPopup(function (path) { return routeCard(data, routeOf(path).route); },
                    {maxWidth: 460, minWidth: 300, autoPanPaddingTopLeft: [20, 100], autoPanPaddingBottomRight: [20, 20]});
    group.bindTooltip(function (path) { return routeTooltip(data, routeOf(path).route); }, {sticky: true, opacity: 0.95});
    group.on("popupopen", function (e) {
      // As tall as the map allows, then the card scrolls; panned clear of the legend (`cardPadding`).
      var size = group._map.getSize();
      e.popup.options.maxHeight = Math.max(200, Math.round(size.y * 0.7));
      // and no wider than a phone's map leaves (room for its margins and the panning padding)
      e.popup.options.maxWidth = Math.max(200, Math.min(460, size.x - 80));
      e.popup.options.minWidth = Math.min(300, e.popup.options.maxWidth);
      if (group.cardPadding) {
        var padding = group.cardPadding();
        e.popup.options.autoPanPaddingTopLeft = padding.topLeft;
        e.popup.options.autoPanPaddingBottomRight = padding.bottomRight;
        // (the card, its tip and close button between the padding above and below)
        e.popup.options.maxHeight = Math.max(160, Math.min(e.popup.options.maxHeight,
                                                           size.y - padding.topLeft[1] - padding.bottomRight[1] - 40));
      }
      e.popup.update();
      if (!data.cards) {
        // (opened before the card data arrived, as a link's card is while the map is drawn: it fills in then)
        var popup = e.popup, source = popup._source;
        whenCards(data, function () {
          if (popup.isOpen() && popup._source === source) { (group.fillCard || function (p) { p.update(); })(popup); }
        });
      }
    });
    group.on("mouseover", function (e) { highlight(e.layer, true); });
    group.on("mouseout", function (e) { highlight(e.layer, false); });
    return group;
  }

  // A route's own popup and tooltip methods open the shared card and tooltip for it (so
  // routeLayers[id].openPopup() works as for any Leaflet layer), unless it was given its own.
  function overlayOf(layer, kind) {
    if (layer["_" + kind]) { return null; }  // one of its own, bound by someone else
    var group = (layer.routeLayer || layer).routesGroup;
    return (group && group["_" + kind]) || null;
  }

  var RouteOverlays = {
    openPopup: function (latlng) { return this._openShared("popup", latlng) || L.Layer.prototype.openPopup.call(this, latlng); },
    closePopup: function () { return this._closeShared("popup") || L.Layer.prototype.closePopup.call(this); },
    isPopupOpen: function () { var o = overlayOf(this, "popup"); return o ? o.isOpen() && this._owns(o) : L.Layer.prototype.isPopupOpen.call(this); },
    getPopup: function () { return overlayOf(this, "popup") || L.Layer.prototype.getPopup.call(this); },
    openTooltip: function (latlng) { return this._openShared("tooltip", latlng) || L.Layer.prototype.openTooltip.call(this, latlng); },
    closeTooltip: function () { return this._closeShared("tooltip") || L.Layer.prototype.closeTooltip.call(this); },

    _openShared: function (kind, latlng) {
      var overlay = overlayOf(this, kind);
      if (!overlay || !this._map) { return null; }
      overlay._source = this;
      if (overlay._prepareOpen(latlng)) { overlay.openOn(this._map); }
      return this;
    },
    _closeShared: function (kind) {
      var overlay = overlayOf(this, kind);
      if (!overlay) { return null; }
      if (this._owns(overlay)) { overlay.close(); }
      return this;
    },
    _owns: function (overlay) {
      var source = overlay._source;
      return source === this || (source && source.routeLayer === this);
    }
  };

  function record(row, fields) {
    var out = {}, i;
    for (i = 0; i < row.length; i++) { if (row[i] !== null) { out[fields[i]] = row[i]; } }
    return out;
  }

  function unpack(data) {
    // Routes, legs, places and waypoint markers travel as rows in the order of data.*_fields (see
    // payload.py). A route's category (the one it is coloured by) and boxes (every category it shows
    // under; just its category when left out) are positions in data.categories, its status and a
    // leg's status positions in data.statuses, a leg's path a position in data.paths ("plausible"
    // when left out). Evidence items and each leg's mode and note come with the card data
    // (cardDetails).
    var routes = data.routes, fields = data.route_fields, legFields = data.leg_fields, i, j, route, legs;
    var plausible = data.paths.map(function (p) { return p.id; }).indexOf("plausible");
    data.places = data.places.map(function (p) { return record(p, data.place_fields); });
    data.waypoints = data.waypoints.map(function (w) { return record(w, data.waypoint_fields); });
    for (i = 0; i < routes.length; i++) {
      route = record(routes[i], fields);
      route.index = i;
      if (!route.boxes) { route.boxes = [route.category]; }
      route.colourCategory = route.category === undefined ? null : data.categories[route.category].id;
      route.status = data.statuses[route.status].id;
      legs = route.legs || [];
      for (j = 0; j < legs.length; j++) {
        legs[j] = record(legs[j], legFields);
        legs[j].path = data.paths[legs[j].path === undefined ? plausible : legs[j].path].id;
        if (legs[j].status !== undefined) { legs[j].status = data.statuses[legs[j].status].id; }
      }
      route.legs = legs;
      routes[i] = route;
    }
    return data;
  }

  function whenCards(data, fn) {
    // fn() once the block of card data is on the page: a page has it after the map's script (the map
    // is drawn before the browser reads the evidence), a fragment after its draw call.
    var tries = 0;
    function look() {
      if (document.getElementById(data.cardsElementId)) { fn(); } else if (tries++ < 600) { setTimeout(look, 50); }
    }
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", look); } else { setTimeout(look, 0); }
  }

  function cardDetails(data, route) {
    // A route's evidence items and legs (mode, path, note) as objects, from the block of card data
    // (parsed the first time a card needs it: see split_cards in payload.py); a text given as a
    // number is that entry of its "texts". Null while that block has not arrived (the page is still loading).
    if (!data.cards) {
      var block = document.getElementById(data.cardsElementId);
      if (!block) { return null; }
      data.cards = JSON.parse(block.textContent);
    }
    var shared = ["claim", "quote", "said_by", "dispute", "note", "repeats"], texts = data.cards.texts;
    var evidence = (data.cards.evidence[route.index] || []).map(function (values) {
      var item = record(values, data.evidence_fields);
      shared.forEach(function (key) { if (typeof item[key] === "number") { item[key] = texts[item[key]]; } });
      return item;
    });
    var legs = (data.cards.leg_info[route.index] || []).map(function (values) {
      var leg = record(values, data.leg_info_fields);
      leg.mode = leg.mode === undefined ? "unknown" : data.modes[leg.mode];
      leg.path = data.paths[leg.path].id;
      return leg;
    });
    return {evidence: evidence, legs: legs};
  }

  function drawMap(map, dataElementId, cardsElementId, options) {
    defineClasses();
    options = options || {};
    var data = unpack(JSON.parse(document.getElementById(dataElementId).textContent));
    data.cardsElementId = cardsElementId;
    ROUTE_WEIGHT = data.style.weight;
    DISPUTED_COLOUR = data.style.disputed;
    STOP_COLOUR = data.style.interdiction;
    if (data.basemap) {
      // Offline maps: country outlines under the routes, in their own pane and canvas; not clickable.
      map.createPane("armsRoutesBasemap").style.zIndex = 250;
      L.geoJSON(data.basemap, {
        renderer: L.canvas({pane: "armsRoutesBasemap", padding: 0.5}), interactive: false,
        attribution: "Countries: Natural Earth (public domain)",
        style: {color: "#a9b4bd", weight: 0.7, fillColor: "#f6f4ee", fillOpacity: 1}
      }).addTo(map);
    }
    var renderer = new RouteCanvas({padding: 0.5, tolerance: 1.5});
    var routeLayers = {}, overlays = {}, kindColours = {};
    data.kinds.forEach(function (k) { kindColours[k.id] = k.colour; });

    // The group goes on the map empty; its routes come once the view is fitted (below), so each
    // route is projected once and the canvas draws them all in one frame.
    var shown = routesGroup(data, renderer).addTo(map);

    // Waypoints: rings (areas) and dashed rings (stand-ins) under the dots (places named as sites).
    var waypoints = L.featureGroup(), labelled = data.waypoints.length <= 40, names = {}, nameOrder = [];
    var markerLayers = [], labelLayers = [];  // (in the order drawn: showWaypoints puts them back in it)
    var markers = data.waypoints.slice().sort(function (a, b) { return (a.drawn_as === "site") - (b.drawn_as === "site"); });
    markers.forEach(function (place) {
      var marker;
      if (place.drawn_as === "site") {
        var look = waypointStyle(place);
        marker = L.circleMarker([place.lat, place.lon], {
          renderer: renderer, radius: look.radius, color: "#222222", weight: 1.5, fillColor: look.fill, fillOpacity: 1
        });
      } else {
        marker = new RingMarker([place.lat, place.lon], {renderer: renderer, radius: data.style.ring,
                                                          dashed: place.drawn_as === "stand-in"});
      }
      marker.place = place;
      marker.bindTooltip(function () { return waypointTooltip(place); }, {direction: "top", offset: [0, -6]});
      waypoints.addLayer(marker);
      // One label per point: "Bandar Abbas · ≈ Iran" where a place is exact on one route and a stand-in on another.
      var at = place.lat + "," + place.lon;
      marker.labelAt = at;
      markerLayers.push(marker);
      if (!names[at]) { names[at] = {lat: place.lat, lon: place.lon, labels: [], routes: 0}; nameOrder.push(at); }
      if (place.drawn_as === "site") { names[at].labels.unshift(place.label); } else { names[at].labels.push(place.label); }
      names[at].routes += place.routes;
    });
    if (labelled) {
      nameOrder.forEach(function (at) {
        var n = names[at], label = L.tooltip({permanent: true, direction: "right", offset: [data.style.ring, 0],
                                              interactive: false, className: "arms-routes-label", priority: n.routes})
          .setLatLng([n.lat, n.lon]).setContent(el("span", null, n.labels.join(" · ")));
        label.labelAt = at;
        labelLayers.push(label);
        waypoints.addLayer(label);
      });
    }
    waypoints.addTo(map);
    if (labelled) {
      map.on("zoomend moveend overlayadd", function () { declutter(waypoints); });
      map.whenReady(function () { declutter(waypoints); });
    }

    var interdictions = L.featureGroup();
    data.interdictions.forEach(function (stop) {
      var marker = new StopMarker([stop.lat, stop.lon], {renderer: renderer, fillColor: STOP_COLOUR, drawnAs: stop.drawn_as});
      marker.stop = stop;
      marker.bindTooltip(function () { return stopTooltip(stop); }, {direction: "top", offset: [0, -8]});
      interdictions.addLayer(marker);
    });
    interdictions.addTo(map);

    overlays['<span class="arms-routes-symbol">●</span> Waypoints'] = waypoints;
    overlays['<span class="arms-routes-symbol arms-routes-stop-symbol">✕</span> Interdictions'] = interdictions;
    // A small map (one embedded in a page) folds the layer control and the legend into buttons.
    // A wide map has its legend bottom left, the whole height below the zoom buttons (the layer
    // control, with the category boxes, takes the top right); others under the layer control.
    // (the legend goes right when a plugin takes the top left corner: the filter panel does)
    // (takesTopLeft: the width in px a plugin's control takes there, when the map is not small)
    var leftTaken = Math.max.apply(null, [0].concat((window.armsRoutesPlugins || []).map(function (plugin) {
      return Number(plugin.takesTopLeft) || 0;
    })));
    var size = map.getSize(), small = size.x < SMALL_MAP[0] || size.y < SMALL_MAP[1];
    var wide = !small && size.x >= WIDE_MAP && !leftTaken;
    var layerControl = L.control.layers(null, overlays, {collapsed: small, position: "topright"}).addTo(map);
    // The category boxes sit in the layer control, above its overlays (which Leaflet redraws on its own).
    var categories = categoryBoxes(data, applyCategories);
    var section = layerControl.getContainer().querySelector(".leaflet-control-layers-list");
    section.insertBefore(el("div", "leaflet-control-layers-separator"), section.firstChild);
    section.insertBefore(categories.element, section.firstChild);

    var legendBox = legend(data), legendPanel = el("div", "arms-routes-legend-panel");
    // (a legend taller than its room scrolls: the keyboard reaches it, and the arrow keys scroll it)
    legendBox.tabIndex = 0;
    legendBox.setAttribute("role", "region");
    legendBox.setAttribute("aria-label", "Legend");
    var overviewNote = legendBox.querySelector(".arms-routes-overview-note");
    renderer.on("detail", function (e) { overviewNote.hidden = e.detail; });
    if (small) {
      var toggle = el("button", "arms-routes-legend-toggle", "Legend");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      legendBox.hidden = true;
      toggle.addEventListener("click", function () {
        legendBox.hidden = !legendBox.hidden;
        toggle.setAttribute("aria-expanded", String(!legendBox.hidden));
      });
      legendPanel.appendChild(toggle);
    }
    legendPanel.appendChild(legendBox);
    control(wide ? "bottomleft" : "bottomright", legendPanel, "arms-routes-legend-control").addTo(map);

    // A card opens clear of the title above, the legend and the layer control (as far as there is room).
    shown.cardPadding = function () {
      if (small) {
        // A phone's map: the card goes between the title and folded controls above and those below (and scrolls).
        var container = map.getContainer(), box = container.getBoundingClientRect(), top = 20, bottom = 20;
        Array.prototype.forEach.call(container.querySelectorAll(".leaflet-top .leaflet-control, .arms-routes-title"), function (c) {
          if (c.offsetWidth) { top = Math.max(top, c.getBoundingClientRect().bottom - box.top + 10); }
        });
        Array.prototype.forEach.call(container.querySelectorAll(".leaflet-bottom .leaflet-control"), function (c) {
          if (c.offsetWidth) { bottom = Math.max(bottom, box.bottom - c.getBoundingClientRect().top + 10); }
        });
        return {topLeft: [10, Math.round(top)], bottomRight: [10, Math.round(bottom)]};
      }
      var side = small ? 20 : Math.max(layerControl.getContainer().offsetWidth, wide ? 0 : legendPanel.offsetWidth) + 20;
      // (and clear of the top left corner's controls: the filter panel, when open)
      var left = Math.max(wide ? legendPanel.offsetWidth : 0, map._controlCorners.topleft.offsetWidth);
      return {topLeft: [left + 20, 100], bottomRight: [side, 20]};
    };

    var title = titleBox(data), shownCount = title.querySelector(".arms-routes-shown");
    title.querySelector(".arms-routes-title-text").id = map.getContainer().id + "-title";  // (the panel's controls name their map by it)
    var filterWords = title.querySelector(".arms-routes-filter-words");
    L.DomEvent.disableClickPropagation(title);
    L.DomEvent.disableScrollPropagation(title);
    map.getContainer().appendChild(title);

    // The legend takes the height below the zoom buttons (wide maps) or below the layer control,
    // half the map's on a small map; then it scrolls. The title is centred when there is room beside
    // the layer control, else it starts right of the zoom buttons.
    function fitBoxes() {
      var size = map.getSize(), box = layerControl.getContainer(), side = box.offsetWidth + 24;
      var topLeft = map._controlCorners.topleft;  // (the zoom buttons, and the filter panel when open)
      var room = small ? Math.round(size.y * 0.5) : wide ? size.y - Math.max(150, topLeft.offsetHeight + 90) :
        size.y - (box.offsetTop + box.offsetHeight) - 50;
      legendBox.style.maxHeight = Math.max(120, room) + "px";
      if (size.x - 2 * side >= 360) {
        title.style.left = "50%";
        title.style.transform = "translateX(-50%)";
        title.style.maxWidth = Math.min(640, size.x - 2 * side) + "px";
      } else {
        title.style.left = "56px";
        title.style.transform = "none";
        title.style.maxWidth = Math.max(120, size.x - side - 66) + "px";
      }
    }
    fitBoxes();
    map.on("resize", fitBoxes);

    // Fit the routes in the part of the map the title, the layer control and the legend leave free.
    function fitView() {
      var size = map.getSize(), top = title.offsetTop + title.offsetHeight + 12;
      // (the zoom buttons, and the filter panel: its room is kept before it is there, so the routes are fitted once)
      var panel = Math.max(map._controlCorners.topleft.offsetWidth, small ? 0 : leftTaken);
      var left = Math.min(Math.max(wide ? legendPanel.offsetWidth : 0, panel > 40 ? panel : 10) + 30, Math.round(size.x * 0.35));
      var side = Math.max(layerControl.getContainer().offsetWidth, wide ? 0 : legendPanel.offsetWidth);
      var right = small ? 110 : Math.max(110, Math.min(side + 20, Math.round(size.x * (wide ? 0.3 : 0.4))));  // room for place names
      map.fitBounds(data.bounds, {paddingTopLeft: [left, Math.min(top, Math.round(size.y * 0.4))],
                                  paddingBottomRight: [right, 40], maxZoom: 7, animate: false});
    }
    fitView();

    function colourOf(route, ticked) {
      // Payment, training and technology routes: the colour of what moved. Arms routes: the category
      // they are coloured by (the matched weapon's on a filtered map) while it is ticked, else the
      // first of their categories (in the order of their weapon systems) that is ticked.
      if (route.category === undefined) { return kindColours[route.kind] || data.style.unlisted; }
      var at = route.category, i;
      if (ticked && !ticked[at]) {
        for (i = 0; i < route.boxes.length; i++) {
          if (ticked[route.boxes[i]] && data.categories[route.boxes[i]].colour) { at = route.boxes[i]; break; }
        }
      }
      return data.categories[at].colour;
    }

    var looks = makeLooks(data);
    data.routes.forEach(function (route) {
      var layer = routeLayer(route, colourOf(route, null), renderer, looks);
      routeLayers[route.id] = layer;
      layer.routesGroup = shown;
      shown.addLayer(layer);
    });

    var routeFilter = null, changeListeners = [], shownIds = [];

    // What shown.addLayer and shown.removeLayer do for a route line (the group's and the map's
    // bookkeeping, the renderer's drawing order, a redraw asked for), without the four events each
    // fires ("add", "layeradd" twice; "remove", "layerremove" twice): nothing listens to them for a
    // route line, which has no attribution, and a filter that shows 30,000 routes again spends a
    // third of its time less here. A hidden line keeps the group as its events' parent (it is not
    // drawn, so it has no events), which spares deleting and adding that back thousands of times.
    function showLine(line) {
      var id = L.Util.stamp(line);
      shown._layers[id] = line;
      if (!line._eventParents || !line._eventParents[L.Util.stamp(shown)]) { line.addEventParent(shown); }
      map._layers[id] = line;
      line._mapToAdd = map;
      line.beforeAdd(map);
      line._map = map;
      line._zoomAnimated = map._zoomAnimated;
      line.onAdd(map);
    }

    function hideLine(line) {
      var id = L.Util.stamp(line);
      delete shown._layers[id];
      line.onRemove(map);
      delete map._layers[id];
      line._map = line._mapToAdd = null;
    }

    function applyCategories() {
      // A route shows while any of its boxes is ticked (as --category selects it) and it passes the
      // route filter (setRouteFilter: the filter panel's); its colour follows the boxes.
      // A new colour is only noted on the line (the canvas reads it when it draws), and the routes
      // shown are drawn once at the end: thousands of setStyle calls would each ask for a redraw.
      // Each box counts the routes of its category the route filter keeps, ticked or not ("2 of 5"); the
      // waypoints (and stops) of no route shown are hidden.
      var ticked = categories.boxes.map(function (box) { return box.input.checked; }), count = 0, recoloured = false;
      var undatedShown = 0, filter = routeFilter, kept = categories.boxes.map(function () { return 0; });
      var through = new Uint8Array(data.places.length), test = filter && (filter.test || null);
      shownIds = [];
      data.routes.forEach(function (route) {
        var layer = routeLayers[route.id], show = false, pass = true, i, colour, path;
        for (i = 0; i < route.boxes.length; i++) { if (ticked[route.boxes[i]]) { show = true; break; } }
        // (a route no box shows is tested without being counted among those kept for want of a year)
        if (filter) { pass = show ? filter.passes(route) : test ? test(route) : true; }
        if (pass) { for (i = 0; i < route.boxes.length; i++) { kept[route.boxes[i]]++; } }
        show = show && pass;
        if (show) {
          count++;
          shownIds.push(route.id);
          path = route.path;
          if (path) { for (i = 0; i < path.length; i++) { through[path[i]] = 1; } }
          if (filter ? filter.undated(route) : route.undated) { undatedShown++; }
          colour = colourOf(route, ticked);
          if (layer.options.color !== colour) {
            layer.options.color = colour;
            recoloured = recoloured || shown.hasLayer(layer);
          }
          if (!shown.hasLayer(layer)) { showLine(layer); }
        } else if (shown.hasLayer(layer)) {
          hideLine(layer);
        }
      });
      if (recoloured && renderer._map) {
        renderer._redrawBounds = null;
        renderer._redraw();
      }
      shownCount.textContent = shownText(data, count, undatedShown);
      countBoxes(kept);
      showWaypoints(through);
      changeListeners.forEach(function (fn) { fn(shownIds.slice()); });
    }

    function countBoxes(kept) {
      // "Anti-tank weapons (2 of 5)" while the route filter leaves 2 of its 5 routes; box.counted is what
      // the brackets say. (A flow map's boxes count its deals too, which the flows filter: they keep their count.)
      if (data.flows) { return; }
      categories.boxes.forEach(function (box, i) {
        var text = kept[i] === box.count ? String(box.count) : kept[i].toLocaleString("en") + " of " + box.count.toLocaleString("en");
        if (box.counted !== text) {
          box.counted = text;
          box.text.textContent = box.label + " (" + text + ")";
        }
      });
    }

    function showWaypoints(through) {
      // The waypoints (and their names) that a route shown passes through, and the stops of the routes
      // shown; put back in the order they were drawn in (rings under dots, names on top).
      var on = {}, changed = false, labelsOn = {};
      markerLayers.forEach(function (marker) {
        var places = marker.place.places || [], i, show = false;
        for (i = 0; i < places.length; i++) { if (through[places[i]]) { show = true; break; } }
        if (show) { labelsOn[marker.labelAt] = true; }
        on[L.Util.stamp(marker)] = show;
        if (show !== waypoints.hasLayer(marker)) { changed = true; }
      });
      labelLayers.forEach(function (label) {
        on[L.Util.stamp(label)] = !!labelsOn[label.labelAt];
        if (on[L.Util.stamp(label)] !== waypoints.hasLayer(label)) { changed = true; }
      });
      if (changed) {
        markerLayers.concat(labelLayers).forEach(function (layer) { if (waypoints.hasLayer(layer)) { waypoints.removeLayer(layer); } });
        markerLayers.concat(labelLayers).forEach(function (layer) { if (on[L.Util.stamp(layer)]) { waypoints.addLayer(layer); } });
        if (labelled && waypoints._map) { declutter(waypoints); }
      }
      var routeShown = {};
      shownIds.forEach(function (id) { routeShown[id] = true; });
      interdictions.getLayers().concat(hiddenStops).forEach(function (marker) {
        var show = marker.stop.stops.some(function (s) { return routeShown[s.route]; });
        if (show && !interdictions.hasLayer(marker)) {
          interdictions.addLayer(marker);
          hiddenStops.splice(hiddenStops.indexOf(marker), 1);
        } else if (!show && interdictions.hasLayer(marker)) {
          interdictions.removeLayer(marker);
          hiddenStops.push(marker);
        }
      });
    }
    var hiddenStops = [];

    function setRouteFilter(filter) {
      routeFilter = filter || null;
      applyCategories();
    }

    function onChange(fn) { changeListeners.push(fn); }

    function setFilterWords(text) { filterWords.textContent = text; }

    function setCategories(ids) {
      // Tick exactly these categories (ids; null for the box of routes without weapon systems).
      categories.boxes.forEach(function (box) { box.input.checked = ids.indexOf(box.id) >= 0; });
      applyCategories();
    }

    function visibleRoutes() {
      return data.routes.filter(function (route) { return shown.hasLayer(routeLayers[route.id]); })
        .map(function (route) { return route.id; });
    }

    function openCard(routeId, latlng, options) {
      // options.keepView: the view stays as it is (a link's view): the card points at `latlng` where it
      // lies inside the map there, else at the point of the route's line in view where it fits best
      // (a route not in the view at all: the view moves to its card, as without keepView).
      var layer = routeLayers[routeId], popup = shown.getPopup();
      if (!layer || !shown.hasLayer(layer)) { return null; }
      var given = latlng ? L.latLng(latlng) : null;
      var spots = options && options.keepView ? cardSpots(layer) : [], keep = spots.length > 0;
      latlng = given;
      if (!latlng) {
        var middle = pointOnLongestSegment(layer._rings || [], 0.5);
        latlng = keep ? map.containerPointToLatLng(spots[Math.floor(spots.length / 2)]) :
          middle ? map.layerPointToLatLng(middle) : layer.getBounds().getCenter();
      }
      popup.armsRoutesKeep = keep ? {route: routeId, preferred: given} : null;
      var pan = popup.options.autoPan;
      if (keep) { popup.options.autoPan = false; }
      layer.openPopup(latlng);
      if (keep) {
        keepCard(popup);
        popup.options.autoPan = pan;
      }
      return popup;
    }

    function cardSpots(layer) {
      // Points along the route's line as drawn, inside the view, every 12 px or so (container points).
      var size = map.getSize(), view = L.bounds([0, 0], [size.x, size.y]), spots = [];
      (layer._rings || []).forEach(function (ring) {
        for (var i = 1; i < ring.length; i++) {
          var seg = L.LineUtil.clipSegment(map.layerPointToContainerPoint(ring[i - 1]),
                                           map.layerPointToContainerPoint(ring[i]), view, false, false);
          if (!seg) { continue; }
          var n = Math.max(1, Math.ceil(seg[0].distanceTo(seg[1]) / 12)), k;
          for (k = 0; k <= n; k++) { spots.push(seg[0].add(seg[1].subtract(seg[0]).multiplyBy(k / n))); }
        }
      });
      return spots;
    }

    function keepCard(popup, shrunk) {
      // The open card of a kept view (openCard's keepView) inside the map, the view unmoved: where it
      // points when it lies inside the map there, else at the spot of its line where it lies inside the
      // map (clear of the controls as far as it can be), nearest that point (or the middle of the map).
      var keep = popup.armsRoutesKeep, layer = keep && routeLayers[keep.route], node = popup.getElement();
      if (!layer || !node || !popup.isOpen()) { return; }
      var spots = cardSpots(layer), size = map.getSize(), frame = map.getContainer().getBoundingClientRect();
      var box = node.getBoundingClientRect(), at = map.latLngToContainerPoint(popup.getLatLng());
      var dx = box.left - frame.left - at.x, dy = box.top - frame.top - at.y, w = box.width, h = box.height;
      var pad = shown.cardPadding ? shown.cardPadding() : {topLeft: [20, 100], bottomRight: [20, 20]};
      var preferred = keep.preferred ? map.latLngToContainerPoint(keep.preferred) : L.point(size.x / 2, size.y / 2);
      function outside(p) {
        var l = p.x + dx, t = p.y + dy;
        return Math.max(0, 4 - l) + Math.max(0, l + w - size.x + 4) + Math.max(0, 4 - t) + Math.max(0, t + h - size.y + 4);
      }
      function covers(p) {
        var l = p.x + dx, t = p.y + dy;
        return Math.max(0, pad.topLeft[0] - l) + Math.max(0, l + w - size.x + pad.bottomRight[0]) +
          Math.max(0, pad.topLeft[1] - t) + Math.max(0, t + h - size.y + pad.bottomRight[1]);
      }
      if (keep.preferred && preferred.distanceTo(at) < 1 && at.x >= 0 && at.y >= 0 && at.x <= size.x &&
          at.y <= size.y && !outside(at)) { return; }
      var best = null, bestScore = Infinity;
      spots.forEach(function (p) {
        var score = outside(p) * 1000 + covers(p) + p.distanceTo(preferred) * 0.01;
        if (score < bestScore) { bestScore = score; best = p; }
      });
      if (!best) { return; }
      if (best.distanceTo(at) >= 1) { popup.setLatLng(map.containerPointToLatLng(best)); }
      // No spot has room above it for the whole card: it is made as low as the room there, below the
      // title box where that leaves room for a few lines (it scrolls).
      var below = title.offsetTop + title.offsetHeight + 8, top = best.y - below > 140 ? below : 4;
      var over = top - (best.y + dy), content = popup._contentNode;
      if (over > 0 && content && !shrunk) {
        popup.options.maxHeight = Math.max(80, content.offsetHeight - over);
        popup.update();
        keepCard(popup, true);
      }
    }

    shown.fillCard = function (popup) {
      // The card data arrived: the open card again with its evidence (a kept view's card stays inside the view unmoved).
      var keep = popup.armsRoutesKeep, source = popup._source, route = source && (source.routeLayer || source).route;
      if (!keep || !route || route.id !== keep.route) { popup.update(); return; }
      var pan = popup.options.autoPan;
      popup.options.autoPan = false;
      popup.update();
      keepCard(popup);
      popup.options.autoPan = pan;
    };
    map.on("popupclose", function (e) { if (e.popup === shown.getPopup()) { e.popup.armsRoutesKeep = null; } });

    function routePoint(routeId) {
      var layer = routeLayers[routeId];
      if (!layer) { return null; }
      var best = pointOnLongestSegment(layer._rings || [], 0.5);
      if (!best) { return null; }
      var p = map.layerPointToContainerPoint(best);
      return {x: p.x, y: p.y};
    }

    function lineSample(routeId) {
      // A route's line as the legend draws one: its colour now, its status pattern, the halo if disputed.
      var layer = routeLayers[routeId], route = layer && layer.route;
      if (!route) { return null; }
      var status = data.statuses.filter(function (s) { return s.id === route.status; })[0] || {};
      var svg = svgSample("line", {colour: layer.options.color, dash: status.dash, halo: !!route.disputed});
      svg.setAttribute("aria-hidden", "true");
      return svg;
    }

    var api = {id: map.getContainer().id, map: map, data: data, routes: shown, categories: categories.boxes,
               setCategories: setCategories, visibleRoutes: visibleRoutes, routeLayers: routeLayers,
               waypoints: waypoints, interdictions: interdictions, control: layerControl, renderer: renderer,
               routePoint: routePoint, openCard: openCard, key: options.key || "map", setRouteFilter: setRouteFilter,
               currentFilter: function () { return routeFilter; }, redraw: applyCategories, onChange: onChange, setFilterWords: setFilterWords, fitView: fitView,
               fitBoxes: fitBoxes, lineSample: lineSample};
    window.armsRoutes = window.armsRoutes || {};
    window.armsRoutes[api.id] = api;
    (window.armsRoutesPlugins || []).forEach(function (plugin) { plugin(api); });
    api.fitBoxes();  // (the legend, and what plugins fit with it, in the room the plugins' controls leave)
    return api;
  }

  window.armsRoutesDraw = drawMap;
})();
