/* arms-routes: draws the routes of a map from its JSON payload (made by routes/render/payload.py).
 *
 * window.armsRoutesDraw(map, dataElementId, cardsElementId) draws one map and returns, and keeps as
 * window.armsRoutes[id of the map's element], an object for tests and other Leaflet plugins:
 *   id             the id of the map's element
 *   map            the L.Map
 *   data           the payload (data.cards: the card data, once a card was opened)
 *   layers         {category: L.GeoJSON}   one overlay per weapon category, holding its routes; it
 *                                          binds the cards (popups), tooltips and hover highlight
 *   routeLayers    {routeId: layer}        ONE layer per route: an L.Polyline (a RouteLine) when all
 *                                          its legs share one evidence status, else an L.FeatureGroup
 *                                          with one RouteLine per status. Count routes here, not paths.
 *                                          openPopup() / openTooltip() show its card / tooltip.
 *   renderer       the canvas renderer of the routes; fires "detail" ({detail, lines}) when the
 *                                          routes in view get too many for arrows, halos and patterns
 *   waypoints      L.FeatureGroup of waypoint markers (and place labels on small maps)
 *   interdictions  L.FeatureGroup of markers where shipments were stopped
 *   control        the L.control.layers that toggles the overlays
 *   routePoint(id) a container point {x, y} on the drawn line of a route
 *
 * Every text from the data goes on the page through textContent, never as HTML; only http(s)
 * URLs become links. The one place Leaflet wants HTML (layer control names) gets escaped text.
 */
(function () {
  "use strict";

  var ARROW_MIN_LEG_PX = 40;     // legs shorter than this on screen get no arrowhead
  // With more route lines than this in view, they are drawn thin, without arrowheads, halos or
  // badges: 30,000 routes at full detail take seconds to paint (and are a blur at that zoom anyway).
  var DETAIL_MAX_LINES = 2000;
  var OVERVIEW_WEIGHT = 1;
  var SMALL_MAP = [720, 420];    // a map narrower or lower than this (px) folds its controls
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

  function httpUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s<>"']+$/i.test(url) ? url : null;
  }

  // -- Leaflet classes: a route line with sideways offset, arrowheads and halo; an interdiction marker;
  // a canvas renderer that strokes all route lines of one style at once --
  var RouteLine = null, RouteGroup = null, StopMarker = null, RouteCanvas = null;

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
    // One arrowhead at the middle of each leg (a ring is a leg) long enough to carry one.
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
          arrows.push([a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f, Math.atan2(b.y - a.y, b.x - a.x)]);
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

  function bucket(buckets, key, first) {
    var found = buckets.get(key);
    if (!found) { found = {first: first, layers: []}; buckets.set(key, found); }
    found.layers.push(first);
    return found;
  }

  function drawRouteLines(ctx, lines, detail) {
    // What Leaflet's canvas does path by path (begin, trace, set the style, stroke), done once per
    // style: all disputed halos first, then the lines of each colour, pattern and width, then the
    // arrowheads of each colour, then the "?" badges. 30,000 routes are a few dozen strokes.
    // Without `detail` (an overview of many routes) lines are thin and have no halo, arrow or badge.
    var halos = new Map(), strokes = new Map(), arrows = new Map(), badges = [], i, line, o, weight, badge;
    for (i = 0; i < lines.length; i++) {
      line = lines[i];
      if (!line._parts.length) { continue; }
      o = line.options;
      weight = detail ? o.weight : Math.min(o.weight, OVERVIEW_WEIGHT + o.weight - ROUTE_WEIGHT);
      bucket(strokes, o.color + "|" + weight + "|" + o.opacity + "|" + o.lineCap + "|" + o.lineJoin + "|" +
             (o._dashArray || []).join(","), line).weight = weight;
      if (!detail) { continue; }
      if (o.disputed) { bucket(halos, o.weight, line); }
      if (line.arrows().length) { bucket(arrows, o.color + "|" + o.opacity + "|" + o.weight, line); }
      badge = line.badge();
      if (badge) { badges.push(badge); }
    }
    ctx.setLineDash([]);
    halos.forEach(function (group) {
      ctx.beginPath();
      group.layers.forEach(function (layer) { tracePath(ctx, layer._parts); });
      ctx.globalAlpha = 0.3;
      ctx.lineWidth = group.first.options.weight + 8;
      ctx.strokeStyle = DISPUTED_COLOUR;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.stroke();
    });
    strokes.forEach(function (group) {
      var o = group.first.options;
      ctx.beginPath();
      group.layers.forEach(function (layer) { tracePath(ctx, layer._parts); });
      ctx.setLineDash(o._dashArray || []);
      ctx.globalAlpha = o.opacity;
      ctx.lineWidth = group.weight;
      ctx.strokeStyle = o.color;
      ctx.lineCap = o.lineCap;
      ctx.lineJoin = o.lineJoin;
      ctx.stroke();
    });
    ctx.setLineDash([]);
    arrows.forEach(function (group) {
      var o = group.first.options;
      ctx.beginPath();
      group.layers.forEach(function (layer) { traceArrows(ctx, layer.arrows(), o.weight); });
      ctx.globalAlpha = o.opacity;
      ctx.fillStyle = o.color;
      ctx.fill();
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
      options: {offsets: null, disputed: false, arrows: true},

      _project: function () {
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
    RouteGroup = L.FeatureGroup.extend(L.extend({getAttribution: null}, RouteOverlays));

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

  function placeNames(data, refs) {
    // Place names travel once, in data.places; a route refers to them by position.
    return (refs || []).map(function (i) { return data.places[i]; });
  }

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
    var path = placeNames(data, route.path);
    var names = legs.map(function (i) {
      var a = path[i], b = path[i + 1];
      return "leg " + (i + 1) + (a && b ? " (" + a + " → " + b + ")" : "");
    });
    return names.join(", ");
  }

  function sourceBlock(data, item) {
    var source = data.sources[item.source] || {title: "unknown source " + item.source, reliability: "F"};
    var block = el("div", "arms-routes-source");
    block.appendChild(el("span", "arms-routes-source-label", "Source: "));
    var url = httpUrl(source.url);
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
    return block;
  }

  function evidenceItem(data, route, item) {
    var disputes = item.stance === "disputes";
    var li = el("li", "arms-routes-evidence " + (disputes ? "arms-routes-disputes" : "arms-routes-supports"));
    var head = el("div", "arms-routes-evidence-head");
    head.appendChild(el("span", "arms-routes-stance", disputes ? "✗ disputes" : "✓ supports"));
    var source = data.sources[item.source] || {};
    // The grade is source reliability + credibility (6, "cannot be judged", when none is given).
    var gradeText = item.grade || (source.reliability || "F") + (item.credibility !== undefined ? item.credibility : 6);
    var grade = el("span", "arms-routes-grade", gradeText);
    grade.title = "Admiralty grade: source " + (source.reliability || "F") + " (" +
      (source.reliability_meaning || "unknown") + "), information " + gradeText.slice(1) + " (" +
      (data.credibility[String(item.credibility)] || "unknown") + ")";
    head.appendChild(grade);
    if (item.legs && item.legs.length) { head.appendChild(el("span", "arms-routes-legs", legText(data, route, item.legs))); }
    li.appendChild(head);
    if (item.claim) { li.appendChild(el("p", "arms-routes-claim", item.claim)); }
    if (item.quote) {
      var quote = el("blockquote", "arms-routes-quote", "“" + item.quote + "”");
      if (item.said_by) { quote.appendChild(el("cite", null, " — " + item.said_by)); }
      li.appendChild(quote);
    } else if (item.said_by) {
      li.appendChild(el("p", "arms-routes-said-by", "said by " + item.said_by));
    }
    li.appendChild(sourceBlock(data, item));
    return li;
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

    var dl = el("dl");
    row(dl, "Route id", route.id);
    row(dl, "Kind", route.kind);
    row(dl, "Weapons", weaponList(data, route.weapons || []));
    row(dl, "Supplier", route.supplier);
    row(dl, "Intermediaries", joinNames(route.intermediaries) || "none");
    row(dl, "Recipient", route.recipient);
    row(dl, "Path", placeNames(data, route.path).join(" → "));
    row(dl, "Period", route.period);
    row(dl, "Status", route.status + (route.disputed ? " (disputed)" : ""));
    row(dl, "Outcome", route.outcome);
    if (route.interdicted) {
      row(dl, "Stopped at", [route.interdicted.place, route.interdicted.date, route.interdicted.note]
        .filter(function (x) { return x; }).join(", "));
    }
    row(dl, "Reportedly headed for", joinNames(placeNames(data, route.intended)));
    var independent = route.independent || 0;
    row(dl, "Independent sources", independent + " independent supporting source" + (independent === 1 ? "" : "s"));
    card.appendChild(dl);

    var evidence = evidenceItems(data, route);
    if (evidence) {
      card.appendChild(el("h4", null, "Evidence (" + evidence.length + ")"));
      var list = el("ol", "arms-routes-evidence-list");
      evidence.forEach(function (item) { list.appendChild(evidenceItem(data, route, item)); });
      card.appendChild(list);
    } else {
      card.appendChild(el("h4", null, "Evidence"));
      card.appendChild(el("p", "arms-routes-hint", "Still loading: close this card and open it again in a moment."));
    }
    if (route.notes) { card.appendChild(el("p", "arms-routes-notes", "Notes: " + route.notes)); }
    return card;
  }

  function routeTooltip(route) {
    var box = el("div", "arms-routes-tip");
    box.appendChild(el("strong", null, route.name));
    box.appendChild(el("div", null, route.status + " · " + route.period));
    if (route.disputed) { box.appendChild(el("div", "arms-routes-disputed-text", "⚠ disputed")); }
    box.appendChild(el("div", "arms-routes-hint", "click for the evidence"));
    return box;
  }

  function waypointTooltip(place) {
    var box = el("div", "arms-routes-tip");
    box.appendChild(el("strong", null, place.name));
    box.appendChild(el("div", null, (place.country ? place.country + " · " : "") + place.roles.join(", ")));
    box.appendChild(el("div", null, place.routes + " route" + (place.routes === 1 ? "" : "s")));
    return box;
  }

  function stopTooltip(stop) {
    var box = el("div", "arms-routes-tip");
    box.appendChild(el("strong", null, "Shipment stopped: " + stop.place + (stop.country ? " (" + stop.country + ")" : "")));
    stop.stops.forEach(function (s) {
      box.appendChild(el("div", null, [s.name, s.date, s.note].filter(function (x) { return x; }).join(" · ")));
    });
    return box;
  }

  function svgSample(kind, options) {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), shape;
    svg.setAttribute("width", "36");
    svg.setAttribute("height", "14");
    svg.setAttribute("class", "arms-routes-sample");
    if (kind === "line") {
      if (options.halo) {
        var halo = document.createElementNS(ns, "line");
        halo.setAttribute("x1", "4"); halo.setAttribute("y1", "7"); halo.setAttribute("x2", "32"); halo.setAttribute("y2", "7");
        halo.setAttribute("stroke", DISPUTED_COLOUR); halo.setAttribute("stroke-opacity", "0.3");
        halo.setAttribute("stroke-width", String(ROUTE_WEIGHT + 8)); halo.setAttribute("stroke-linecap", "round");
        svg.appendChild(halo);
      }
      shape = document.createElementNS(ns, "line");
      shape.setAttribute("x1", "2"); shape.setAttribute("y1", "7"); shape.setAttribute("x2", "34"); shape.setAttribute("y2", "7");
      shape.setAttribute("stroke", options.colour || "#333333");
      shape.setAttribute("stroke-width", String(ROUTE_WEIGHT));
      shape.setAttribute("stroke-linecap", "round");
      if (options.dash) { shape.setAttribute("stroke-dasharray", options.dash); }
    } else if (kind === "arrow") {
      shape = document.createElementNS(ns, "path");
      shape.setAttribute("d", "M2 7 H26 M24 2 L34 7 L24 12 Z");
      shape.setAttribute("stroke", "#333333"); shape.setAttribute("stroke-width", "2"); shape.setAttribute("fill", "#333333");
    } else if (kind === "stop") {
      shape = document.createElementNS(ns, "g");
      var c = document.createElementNS(ns, "circle");
      c.setAttribute("cx", "18"); c.setAttribute("cy", "7"); c.setAttribute("r", "6.5");
      c.setAttribute("fill", STOP_COLOUR); c.setAttribute("stroke", "#ffffff");
      var x = document.createElementNS(ns, "path");
      x.setAttribute("d", "M15 4 L21 10 M21 4 L15 10"); x.setAttribute("stroke", "#ffffff"); x.setAttribute("stroke-width", "2");
      shape.appendChild(c); shape.appendChild(x);
    } else {
      shape = document.createElementNS(ns, "circle");
      shape.setAttribute("cx", "18"); shape.setAttribute("cy", "7"); shape.setAttribute("r", String(options.radius));
      shape.setAttribute("fill", options.fill); shape.setAttribute("stroke", "#222222"); shape.setAttribute("stroke-width", "1.5");
    }
    svg.appendChild(shape);
    return svg;
  }

  function declutter(group) {
    // Place names that would overlap a more important one (more routes) are hidden until zoomed in.
    var labels = [], kept = [];
    group.eachLayer(function (layer) { if (layer instanceof L.Tooltip && layer.getElement()) { labels.push(layer); } });
    labels.sort(function (a, b) { return b.options.priority - a.options.priority; });
    labels.forEach(function (label) {
      var node = label.getElement();
      node.style.visibility = "";
      var r = node.getBoundingClientRect();
      var clash = kept.some(function (k) { return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
      if (clash) { node.style.visibility = "hidden"; } else { kept.push(r); }
    });
  }

  function legendRow(list, sample, label) {
    var item = el("div", "arms-routes-legend-row");
    item.appendChild(sample);
    item.appendChild(el("span", null, label));
    list.appendChild(item);
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
    // Colours (weapon categories) are explained by the layer control, which also toggles them.
    var box = el("div", "arms-routes-legend");
    box.appendChild(el("div", "arms-routes-legend-title", "Evidence status (line pattern)"));
    data.statuses.forEach(function (s) { legendRow(box, svgSample("line", {dash: s.dash}), s.label); });
    legendRow(box, svgSample("line", {halo: true}), "disputed (halo and ?): some evidence disputes the route");
    box.appendChild(el("div", "arms-routes-legend-title", "Symbols"));
    legendRow(box, svgSample("arrow", {}), "direction of transfer");
    legendRow(box, svgSample("circle", WAYPOINT_STYLE.origin), "origin");
    legendRow(box, svgSample("circle", WAYPOINT_STYLE.transit), "transit");
    legendRow(box, svgSample("circle", WAYPOINT_STYLE.destination), "destination");
    legendRow(box, svgSample("stop", {}), "shipment stopped (interdiction)");
    var overview = el("div", "arms-routes-overview-note",
                      "More than " + DETAIL_MAX_LINES.toLocaleString("en") + " route lines in view: drawn thin, " +
                      "without arrows, halos or ?; zoom in (or untick categories) for the full detail.");
    overview.hidden = true;
    box.appendChild(overview);
    return box;
  }

  function titleBox(data) {
    var box = el("div", "arms-routes-title");
    box.appendChild(el("div", "arms-routes-title-text", data.title));
    box.appendChild(el("div", "arms-routes-filter",
      "Filter: " + data.filter + " · " + data.routes.length + " route" + (data.routes.length === 1 ? "" : "s") + " shown"));
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

  // -- drawing ------------------------------------------------------------------------------------------

  function routeLayer(route, colour, renderer, dashes) {
    // One RouteLine per evidence status of the route's legs (one in all for most routes). Cards,
    // tooltips and the hover highlight are bound once per category (see categoryLayer), not per route.
    var byStatus = {}, order = [], lines = decodeLegs(route.legs), i, status;
    for (i = 0; i < route.legs.length; i++) {
      status = route.legs[i].status || route.status;  // a leg without its own status has the route's
      if (!byStatus[status]) { byStatus[status] = {lines: [], offsets: []}; order.push(status); }
      byStatus[status].lines.push(lines[i]);
      byStatus[status].offsets.push(route.legs[i].offset || 0);
    }
    var properties = {id: route.id, name: route.name, status: route.status, category: route.category,
                      disputed: !!route.disputed};
    var paths = order.map(function (status) {
      var line = new RouteLine(byStatus[status].lines, {
        renderer: renderer, color: colour, weight: ROUTE_WEIGHT, opacity: 0.9, lineCap: status === "alleged" || status === "confirmed" ? "round" : "butt",
        dashArray: dashes[status] || null, offsets: byStatus[status].offsets, disputed: route.disputed, smoothFactor: 1
      });
      line.feature = {type: "Feature", id: route.id, geometry: null, properties: L.extend({legStatus: status}, properties)};
      return line;
    });
    var layer = paths.length === 1 ? paths[0] : new RouteGroup(paths);
    layer.feature = {type: "Feature", id: route.id, geometry: null, properties: properties};
    layer.route = route;
    paths.forEach(function (path) { path.routeLayer = layer; });
    return layer;
  }

  function categoryLayer(data, renderer) {
    // The overlay of one weapon category: its routes' cards (popups), tooltips and hover highlight
    // are bound here once, for whichever route an event comes from (e.layer, the path under the mouse).
    var group = L.geoJSON(null, {renderer: renderer});
    function routeOf(path) { return path.routeLayer || path; }
    group.bindPopup(function (path) { return routeCard(data, routeOf(path).route); },
                    {maxWidth: 460, minWidth: 300, autoPanPaddingTopLeft: [20, 100], autoPanPaddingBottomRight: [20, 20]});
    group.bindTooltip(function (path) { return routeTooltip(routeOf(path).route); }, {sticky: true, opacity: 0.95});
    group.on("popupopen", function (e) {
      // As tall as the map allows, then the card scrolls.
      e.popup.options.maxHeight = Math.max(200, Math.round(group._map.getSize().y * 0.7));
      e.popup.update();
    });
    group.on("mouseover", function (e) { routeOf(e.layer).setStyle({weight: ROUTE_WEIGHT + 2}); });
    group.on("mouseout", function (e) { routeOf(e.layer).setStyle({weight: ROUTE_WEIGHT}); });
    return group;
  }

  // A route's own popup and tooltip methods open its category's card and tooltip for it (so
  // routeLayers[id].openPopup() works as for any Leaflet layer), unless it was given its own.
  function overlayOf(layer, kind) {
    if (layer["_" + kind]) { return null; }  // one of its own, bound by someone else
    var group = (layer.routeLayer || layer).categoryLayer;
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
    // Routes and legs travel as rows in the order of data.*_fields (see payload.py). A route's
    // category and status, and a leg's status, are positions in data.categories and data.statuses.
    // Evidence items come with the card data, by the route's index (evidenceItems).
    var routes = data.routes, fields = data.route_fields, legFields = data.leg_fields, i, j, route, legs;
    for (i = 0; i < routes.length; i++) {
      route = record(routes[i], fields);
      route.index = i;
      route.category = data.categories[route.category].id;
      route.status = data.statuses[route.status].id;
      legs = route.legs || [];
      for (j = 0; j < legs.length; j++) {
        legs[j] = record(legs[j], legFields);
        if (legs[j].status !== undefined) { legs[j].status = data.statuses[legs[j].status].id; }
      }
      route.legs = legs;
      routes[i] = route;
    }
    return data;
  }

  function evidenceItems(data, route) {
    // A route's evidence items as objects, from the block of card data (parsed the first time a
    // card needs it: see split_cards in payload.py); a text given as a number is that entry of its
    // "texts". Null while that block has not arrived (the page is still loading).
    if (!data.cards) {
      var block = document.getElementById(data.cardsElementId);
      if (!block) { return null; }
      data.cards = JSON.parse(block.textContent);
    }
    var shared = ["claim", "quote", "said_by"], texts = data.cards.texts;
    return (data.cards.evidence[route.index] || []).map(function (values) {
      var item = record(values, data.evidence_fields);
      shared.forEach(function (key) { if (typeof item[key] === "number") { item[key] = texts[item[key]]; } });
      return item;
    });
  }

  function drawMap(map, dataElementId, cardsElementId) {
    defineClasses();
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
    var colours = {}, layers = {}, routeLayers = {}, overlays = {};

    // The overlays go on the map empty; their routes come once the view is fitted (below), so each
    // route is projected once and the canvas draws them all in one frame.
    data.categories.forEach(function (c) {
      colours[c.id] = c.colour;
      layers[c.id] = categoryLayer(data, renderer).addTo(map);
      overlays['<span class="arms-routes-swatch" style="background:' + c.colour + '"></span>' +
               escapeHtml(c.label) + " (" + c.count + ")"] = layers[c.id];
    });

    var waypoints = L.featureGroup();
    var labelled = data.waypoints.length <= 40;
    data.waypoints.forEach(function (place) {
      var style = waypointStyle(place);
      var marker = L.circleMarker([place.lat, place.lon], {
        renderer: renderer, radius: style.radius, color: "#222222", weight: 1.5, fillColor: style.fill, fillOpacity: 1
      });
      marker.bindTooltip(function () { return waypointTooltip(place); }, {direction: "top", offset: [0, -4]});
      waypoints.addLayer(marker);
      if (labelled) {
        waypoints.addLayer(L.tooltip({permanent: true, direction: "right", offset: [6, 0], interactive: false,
                                      className: "arms-routes-label", priority: place.routes})
          .setLatLng([place.lat, place.lon]).setContent(el("span", null, place.name)));
      }
    });
    waypoints.addTo(map);
    if (labelled) {
      map.on("zoomend moveend overlayadd", function () { declutter(waypoints); });
      map.whenReady(function () { declutter(waypoints); });
    }

    var interdictions = L.featureGroup();
    data.interdictions.forEach(function (stop) {
      var marker = new StopMarker([stop.lat, stop.lon], {renderer: renderer, fillColor: STOP_COLOUR});
      marker.bindTooltip(function () { return stopTooltip(stop); }, {direction: "top", offset: [0, -8]});
      interdictions.addLayer(marker);
    });
    interdictions.addTo(map);

    overlays['<span class="arms-routes-symbol">●</span> Waypoints'] = waypoints;
    overlays['<span class="arms-routes-symbol arms-routes-stop-symbol">✕</span> Interdictions'] = interdictions;
    // A small map (one embedded in a page) folds the layer control and the legend into buttons.
    var size = map.getSize(), small = size.x < SMALL_MAP[0] || size.y < SMALL_MAP[1];
    var layerControl = L.control.layers(null, overlays, {collapsed: small, position: "topright"}).addTo(map);
    var overlayList = layerControl.getContainer().querySelector(".leaflet-control-layers-overlays");
    overlayList.insertBefore(el("div", "arms-routes-legend-title", "Weapon category (colour): tick to show"),
                             overlayList.firstChild);
    var legendBox = legend(data), legendPanel = el("div", "arms-routes-legend-panel");
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
    control("bottomright", legendPanel, "arms-routes-legend-control").addTo(map);

    var title = titleBox(data);
    L.DomEvent.disableClickPropagation(title);
    L.DomEvent.disableScrollPropagation(title);
    map.getContainer().appendChild(title);

    // The legend takes at most half the map's height (then it scrolls). The title is centred when
    // there is room beside the layer control, else it starts right of the zoom buttons.
    function fitBoxes() {
      var size = map.getSize(), side = layerControl.getContainer().offsetWidth + 24;
      legendBox.style.maxHeight = Math.max(120, Math.round(size.y * 0.5)) + "px";
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
      var right = small ? 110 : Math.min(legendPanel.offsetWidth + 30, Math.round(size.x * 0.4));  // room for place names
      map.fitBounds(data.bounds, {paddingTopLeft: [40, Math.min(top, Math.round(size.y * 0.4))],
                                  paddingBottomRight: [right, 40], maxZoom: 7, animate: false});
    }
    fitView();

    var dashes = {};
    data.statuses.forEach(function (s) { dashes[s.id] = s.dash; });
    data.routes.forEach(function (route) {
      var layer = routeLayer(route, colours[route.category], renderer, dashes);
      routeLayers[route.id] = layer;
      layer.categoryLayer = layers[route.category];
      layers[route.category].addLayer(layer);
    });

    function routePoint(routeId) {
      var layer = routeLayers[routeId], lines = [];
      if (!layer) { return null; }
      if (layer.getLayers) { layer.eachLayer(function (l) { lines.push(l); }); } else { lines.push(layer); }
      var rings = [];
      lines.forEach(function (line) { rings = rings.concat(line._rings || []); });
      var best = pointOnLongestSegment(rings, 0.5);
      if (!best) { return null; }
      var p = map.layerPointToContainerPoint(best);
      return {x: p.x, y: p.y};
    }

    var api = {id: map.getContainer().id, map: map, data: data, layers: layers, routeLayers: routeLayers, waypoints: waypoints,
               interdictions: interdictions, control: layerControl, renderer: renderer, routePoint: routePoint};
    window.armsRoutes = window.armsRoutes || {};
    window.armsRoutes[api.id] = api;
    return api;
  }

  window.armsRoutesDraw = drawMap;
})();
