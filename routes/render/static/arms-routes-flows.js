/* arms-routes: documented trade as flows (issue 17). Loaded after arms-routes.js and before
 * arms-routes-filters.js (routes/render/html.py SCRIPTS), on every map: a page, --offline and --embed
 * (once per page). For each map drawn whose payload has "flows" (routes/render/flow_payload.py: the
 * deals of a dataset source, such as a SIPRI import, carried once) it:
 *
 * - sums the deals the filters keep per supplier → recipient pair, in the page: the filter the map
 *   holds (api.currentFilter(), the filter panel's, with its time window: its deals(tables) applies
 *   the CLI's rules to each deal) and the category boxes, again after every change (api.onChange).
 *   Deals are summed as routes.flows.aggregate sums them, widths follow routes.flows.Scale.width
 *   (`widthOf`, the one copy of the rule in the page, on the payload's scale) and the flows are drawn
 *   widest first (routes.flows.by_volume), so the narrow ones lie on top;
 * - draws one arc per flow on a canvas of its own, under the routes drawn one by one (the curated,
 *   alleged routes, never summed, stay on top): the arc the PNG and SVG draw (bowed to its right, so
 *   the two ways of a pair lie apart; a map wider than the payload's world span is one world, an arc
 *   across its edge drawn from both edges), as wide as its volume with a visible minimum, an
 *   arrowhead pointing from supplier to recipient; and a point per country, sized by its total in
 *   and out, with its totals on hover;
 * - on hover a flow says its pair and totals; a click opens its card: the pair, its totals (and how
 *   many deals do not give the measure), the table of its deals (by year, then designation), each
 *   with a button to the card of that one deal (and back);
 * - prints the width legend (reference values, the scale in words: fixed or this map's widest) at
 *   the top of the legend, says "N deals as M flows" in the title box, and adds a "Documented trade"
 *   control (bottom left): the flows as a list a keyboard reaches (each opens its card), and the
 *   deals that could not be placed (an unknown supplier, a multinational organisation) as a table,
 *   folded behind "N deals not on the map": they are never drawn. They are those of the selection
 *   the map was made with (routes.select.unplaced_deals); the filter panel does not narrow them.
 *
 * Adds to window.armsRoutes[id]:
 *   visibleFlows()  one object per flow drawn, in the order drawn (widest first): {supplier,
 *                   recipient, origin, destination (the points' labels), deals (how many deals it
 *                   sums), total (of the measure; null when none of them gives it), unknown (how
 *                   many do not give it), width (px), ids() (its deals' route ids, once the card data
 *                   is read)}
 *   flowWidth(total)  the width drawn for a total (routes.flows.Scale.width of the payload's scale)
 *   openFlow(supplier, recipient)  open the card of a flow drawn; the L.Popup, or null
 *   flowPoint(supplier, recipient)  a container point {x, y} on a drawn flow's arc (its middle);
 *                   flowLine(supplier, recipient) its arc, [[longitude, latitude], ...]
 *   flows           {renderer (the canvas), scale (the payload's), total (deals in the payload)}
 * visibleRoutes() keeps listing only the routes drawn one by one: deals summed into flows are not
 * in it (they are counted by visibleFlows()).
 *
 * Every text from the data goes on the page through textContent, never as HTML.
 */
(function () {
  "use strict";
  if (window.armsRoutesFlows) { return; }  // (every --embed fragment carries it; the first one on a page runs it)

  var HEAD_AT = 0.55;        // how far along a flow its arrowhead sits (as routes/render/image.py draws it)
  var HEAD_MIN_PX = 30;      // a flow shorter than this on screen gets no arrowhead
  var HIT_PX = 4;            // px beyond a flow's edge (or a point's) that the pointer still finds it
  var LIST_STEP = 200;       // flows listed at a time in the control ("Show more" adds as many)
  var SMALL_MAP = [720, 420];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function count(n) { return Number(n).toLocaleString("en"); }
  function plural(n, word) { return count(n) + " " + word + (n === 1 ? "" : "s"); }

  function amount(value) {
    // A total as the legend and cards write it: "12,345.6".
    return value === null || value === undefined ? "—" : Number(value).toLocaleString("en", {maximumFractionDigits: 1});
  }

  // -- the rules of routes/flows.py and routes/render/image.py, on the payload's numbers ---------------

  function pyRound(x) {
    // Python's round(x): to the nearest integer, a half to the even one.
    var f = Math.floor(x), d = x - f;
    if (d > 0.5) { return f + 1; }
    if (d < 0.5) { return f; }
    return f % 2 === 0 ? f : f + 1;
  }

  function round2(x) {
    // Python's round(x, 2): the hundredth nearest to x's exact value; an exact half (an odd number of
    // eighths, the only halves a double holds exactly) to the even one.
    var eighths = x * 8;
    if (eighths === Math.floor(eighths) && Math.abs(eighths) % 2 === 1) {
      var low = Math.floor(x * 100);
      return (low % 2 === 0 ? low : low + 1) / 100;
    }
    return Number(x.toFixed(2));
  }

  function widthOf(scale, value) {
    // routes/flows.py Scale.width: MIN + (MAX - MIN) × f, f the square root of the value over the
    // reference (at most 1), or log10(1 + value) / log10(1 + reference) (at most 1); 0 or none: MIN.
    var f = 0;
    if (value && value > 0) {
      f = scale.curve === "sqrt" ? Math.sqrt(Math.min(value / scale.reference, 1)) :
        Math.min(Math.log10(1 + value) / Math.log10(1 + scale.reference), 1);
    }
    return round2(scale.min + (scale.max - scale.min) * f);
  }

  function bowed(a, b, rule) {
    // routes/render/image.py _bowed: an arc from a to b ({lat, lon}) in the plane of longitude and
    // latitude, the shorter way round, bowed to its right (a quadratic Bézier curve): [[lat, lon], ...].
    var x0 = a.lon, y0 = a.lat, x1 = b.lon + 360 * pyRound((a.lon - b.lon) / 360), y1 = b.lat;
    var dx = x1 - x0, dy = y1 - y0, length = Math.sqrt(dx * dx + dy * dy);
    var bow = Math.min(rule.bow, rule.bow_max / Math.max(length, 1e-9));
    var cx = (x0 + x1) / 2 + dy * bow * 2, cy = (y0 + y1) / 2 - dx * bow * 2;
    var n = Math.min(33, Math.max(5, pyRound(length / rule.step) + 1)), points = [], i, t, u;
    for (i = 0; i < n; i++) {
      t = i / (n - 1);
      u = 1 - t;
      points.push([u * u * y0 + 2 * u * t * cy + t * t * y1, u * u * x0 + 2 * u * t * cx + t * t * x1]);
    }
    return points;
  }

  function shifted(line, dx) {
    return dx ? line.map(function (p) { return [p[0], p[1] + dx]; }) : line;
  }

  function worldLines(line, world) {
    // The arc as drawn: on a world map (wider than the world span) moved by whole turns into
    // -180°..180° and drawn again from the other edge where it runs past one (image.py _frame).
    if (!world) { return [line]; }
    var lons = line.map(function (p) { return p[1]; });
    var low = Math.min.apply(null, lons), high = Math.max.apply(null, lons);
    var turns = -360 * pyRound((low + high) / 2 / 360), lines = [shifted(line, turns)];
    if (high + turns > 180) { lines.push(shifted(line, turns - 360)); }
    if (low + turns < -180) { lines.push(shifted(line, turns + 360)); }
    return lines;
  }

  // -- the payload's deals, unpacked once -------------------------------------------------------------

  function fieldsOf(names) {
    var at = {};
    names.forEach(function (name, i) { at[name] = i; });
    return at;
  }

  function cell(row, i) { return i < row.length && row[i] !== undefined ? row[i] : null; }

  function unpack(data) {
    // Per deal (in the order of the data): its pair, its value of the measure, its boxes (category
    // positions), its record for the filter ({index, kind, weapons, disputed}) and the tables the
    // filter tests ({years, actors, places, sources, rank}: arms-routes-filters.js routeFilter).
    var f = data.flows, D = fieldsOf(f.deal_fields), P = fieldsOf(f.pair_fields), T = fieldsOf(f.point_fields);
    var panel = data.panel, lists = f.lists;
    var weaponIds = f.weapon_sets.map(function (set) { return set.map(function (i) { return panel.weapons.ids[i]; }); });
    var points = f.points.map(function (row) {
      return {lat: row[T.lat], lon: row[T.lon], label: row[T.label], country: cell(row, T.country)};
    });
    var pairs = f.pairs.map(function (row, i) {
      return {index: i, origin: row[P.origin], destination: row[P.destination], supplier: row[P.supplier],
              recipient: row[P.recipient], actors: lists[row[P.actors]], places: lists[row[P.places]],
              sources: lists[row[P.sources]]};
    });
    var n = f.deals.length, deals = {pair: new Array(n), value: new Array(n), boxes: new Array(n), names: new Array(n),
                                     weapons: new Array(n), records: new Array(n)};
    var tables = {years: new Array(n), actors: new Array(n), places: new Array(n), sources: new Array(n),
                  rank: new Array(n), kinds: []};
    var kindsSeen = {}, commonStatus = data.statuses[f.common.status] ? data.statuses[f.common.status].id : "reported";
    var commonKind = f.kinds[f.common.kind];
    for (var i = 0; i < n; i++) {
      var row = f.deals[i], pair = pairs[row[D.pair]];
      var list = function (name) { var v = cell(row, D[name]); return v === null ? pair[name] : lists[v]; };
      var status = cell(row, D.status), kind = cell(row, D.kind), set = row[D.weapons];
      status = status === null ? commonStatus : data.statuses[status].id;
      kind = kind === null ? commonKind : f.kinds[kind];
      kindsSeen[kind] = true;
      deals.pair[i] = row[D.pair];
      deals.value[i] = cell(row, D.value);
      deals.boxes[i] = f.weapon_boxes[set];
      deals.names[i] = cell(row, D.names);
      deals.weapons[i] = set;
      deals.records[i] = {index: i, kind: kind, weapons: weaponIds[set], disputed: cell(row, D.disputed) === 1};
      var start = cell(row, D.start), end = cell(row, D.end);
      tables.years[i] = start === null && end === null ? null : [start, end];
      tables.actors[i] = list("actors");
      tables.places[i] = list("places");
      tables.sources[i] = list("sources");
      tables.rank[i] = Object.prototype.hasOwnProperty.call(panel.ranks, status) ? panel.ranks[status] : -1;
    }
    tables.kinds = Object.keys(kindsSeen);
    f.tables = tables;  // (arms-routes-filters.js counts these years in its time control)
    return {points: points, pairs: pairs, deals: deals, tables: tables, weaponIds: weaponIds, n: n};
  }

  function cardData(data) {
    // The card data of the deals (the cards block's "flows", parsed when a card first needs it): per
    // deal {field: text}, its route id; null while the block has not arrived.
    if (!data.cards) {
      var block = document.getElementById(data.cardsElementId);
      if (!block) { return null; }
      data.cards = JSON.parse(block.textContent);
    }
    return data.cards;
  }

  function texts(part, i) {
    // Row i of a cards part ({card_fields, values, rows}) as {field: text} ("" where it gives none).
    var row = part.rows[i] || [], out = {};
    part.card_fields.forEach(function (name, j) {
      var at = j < row.length && row[j] !== null ? row[j] : 0;
      out[name] = part.values[name][at];
    });
    return out;
  }

  // -- drawing -------------------------------------------------------------------------------------------

  var FlowCanvas = null;

  function defineCanvas() {
    if (FlowCanvas) { return; }
    FlowCanvas = L.Canvas.extend({
      // A canvas of no layers of its own: it draws the flows (its `draw` function) whenever Leaflet
      // would redraw its paths (a move, a zoom, a resize), under the routes' canvas, and lets the
      // pointer through to it (the map finds the flows under the pointer: see `hitAt`).
      _initContainer: function () {
        L.Canvas.prototype._initContainer.call(this);
        this._container.style.pointerEvents = "none";
        this._container.setAttribute("aria-hidden", "true");
      },
      _updatePaths: function () {
        if (this._postponeUpdatePaths) { return; }
        this._redrawBounds = null;
        this._redraw();
      },
      _draw: function () { if (this.draw && this._map) { this.draw(this._ctx, this._bounds); } }
    });
  }

  function along(ring, at) {
    // The point `at` (a fraction) of the way along a projected ring, and the ring's angle there.
    var lengths = [], total = 0, i, goal, f, a, b;
    for (i = 1; i < ring.length; i++) {
      lengths.push(Math.sqrt(Math.pow(ring[i].x - ring[i - 1].x, 2) + Math.pow(ring[i].y - ring[i - 1].y, 2)));
      total += lengths[i - 1];
    }
    if (!(total > 0)) { return null; }
    goal = total * at;
    for (i = 0; i < lengths.length; i++) {
      if (lengths[i] > 0 && goal <= lengths[i]) {
        f = goal / lengths[i];
        a = ring[i];
        b = ring[i + 1];
        return {x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f, angle: Math.atan2(b.y - a.y, b.x - a.x)};
      }
      goal -= lengths[i];
    }
    a = ring[ring.length - 2];
    b = ring[ring.length - 1];
    return {x: b.x, y: b.y, angle: Math.atan2(b.y - a.y, b.x - a.x)};
  }

  function segmentDistance(p, a, b) {
    var dx = b.x - a.x, dy = b.y - a.y, t = dx || dy ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy) : 0;
    t = Math.max(0, Math.min(1, t));
    var x = a.x + t * dx - p.x, y = a.y + t * dy - p.y;
    return Math.sqrt(x * x + y * y);
  }

  function head(width) {
    // An arrowhead a little wider than its flow: [length, half its width] in px.
    return [Math.max(6, width * 0.9 + 4), Math.max(3, width / 2 + 2)];
  }

  function opacityOf(flows, width) {
    // The payload's opacity (style.FLOW_OPACITY) for the widest flow, down to a third of it for the narrowest.
    var share = (width - flows.scale.min) / (flows.scale.max - flows.scale.min);
    return flows.opacity * (0.35 + 0.65 * Math.max(0, Math.min(1, share)));
  }

  function pointRadius(scale, total) {
    // A country's point: 2 px, and up to 6 more as its total in and out is wider on the width scale.
    return 2 + (widthOf(scale, total) - scale.min) / (scale.max - scale.min) * 6;
  }

  function svgNode(tag, attributes) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    return node;
  }

  // -- one map's flows ------------------------------------------------------------------------------

  function addFlows(api) {
    var data = api.data, map = api.map;
    if (!data.flows && !data.unplaced) { return; }
    if (api.visibleFlows) { return; }
    defineCanvas();
    var f = data.flows, scale = f ? f.scale : null, size = map.getSize();
    var small = size.x < SMALL_MAP[0] || size.y < SMALL_MAP[1];
    var model = f ? unpack(data) : null;
    var shown = [], pointsShown = [], byKey = {}, byPair = {}, cardOpen = null;
    var hoverPair = null, cardPair = null;  // (the pairs drawn in ink: under the pointer, and of the card open)

    // geometry: one arc per pair (with its copies across a world map's edge), projected when drawn
    var geometry = model ? model.pairs.map(function (pair) {
      var lines = worldLines(bowed(model.points[pair.origin], model.points[pair.destination], f.arc), f.world);
      return {lines: lines, projected: null, at: null, bounds: null};
    }) : [];

    function project(g, stamp) {
      if (g.at === stamp) { return g; }
      var min = [Infinity, Infinity], max = [-Infinity, -Infinity];
      g.projected = g.lines.map(function (line) {
        return line.map(function (p) {
          var q = map.latLngToLayerPoint([p[0], p[1]]);
          if (q.x < min[0]) { min[0] = q.x; }
          if (q.y < min[1]) { min[1] = q.y; }
          if (q.x > max[0]) { max[0] = q.x; }
          if (q.y > max[1]) { max[1] = q.y; }
          return q;
        });
      });
      g.bounds = [min, max];
      g.heads = g.projected.map(function (ring) { return along(ring, HEAD_AT); });
      g.long = Math.max(max[0] - min[0], max[1] - min[1]) >= HEAD_MIN_PX;
      g.at = stamp;
      return g;
    }

    function stampOf() {
      var o = map.getPixelOrigin();
      return map.getZoom() + "|" + o.x + "|" + o.y;
    }

    var pane = map.getPane("armsRoutesFlows") || map.createPane("armsRoutesFlows");
    pane.style.zIndex = 390;  // (over the offline basemap and tiles, under the routes drawn one by one)
    pane.style.pointerEvents = "none";
    var renderer = new FlowCanvas({pane: "armsRoutesFlows", padding: 0.5});
    renderer.draw = function (ctx, bounds) {
      var stamp = stampOf(), i, j, k, flow, g, ring, h, sizes, cos, sin;
      ctx.save();
      if (f.world) {
        // (one world, as the PNG and SVG: what runs past its edge is drawn from the other edge)
        var west = map.latLngToLayerPoint([0, -180]).x, east = map.latLngToLayerPoint([0, 180]).x;
        ctx.beginPath();
        ctx.rect(west, bounds.min.y, east - west, bounds.max.y - bounds.min.y);
        ctx.clip();
      }
      ctx.lineCap = "butt";
      ctx.lineJoin = "round";
      var heads = [], lit = [];
      for (i = 0; i < shown.length; i++) {
        flow = shown[i];
        g = project(geometry[flow.pair], stamp);
        if (bounds && (g.bounds[1][0] + flow.width < bounds.min.x || g.bounds[0][0] - flow.width > bounds.max.x ||
                       g.bounds[1][1] + flow.width < bounds.min.y || g.bounds[0][1] - flow.width > bounds.max.y)) { continue; }
        ctx.beginPath();
        for (j = 0; j < g.projected.length; j++) {
          ring = g.projected[j];
          ctx.moveTo(ring[0].x, ring[0].y);
          for (k = 1; k < ring.length; k++) { ctx.lineTo(ring[k].x, ring[k].y); }
          if (g.heads[j] && g.long) { heads.push([g.heads[j], flow.width]); }
        }
        // the narrow flows, which are most of them, fainter: where hundreds cross, the wide ones still read
        ctx.globalAlpha = opacityOf(f, flow.width);
        ctx.strokeStyle = f.colour;
        ctx.lineWidth = flow.width;
        ctx.stroke();
        if (flow.pair === hoverPair || flow.pair === cardPair) { lit.push(flow); }
      }
      // the flow under the pointer, and the one whose card is open, in ink over the others
      for (i = 0; i < lit.length; i++) {
        g = geometry[lit[i].pair];
        ctx.beginPath();
        for (j = 0; j < g.projected.length; j++) {
          ring = g.projected[j];
          ctx.moveTo(ring[0].x, ring[0].y);
          for (k = 1; k < ring.length; k++) { ctx.lineTo(ring[k].x, ring[k].y); }
        }
        ctx.globalAlpha = 0.85;
        ctx.strokeStyle = f.ink;
        ctx.lineWidth = Math.max(lit[i].width, 2.5);
        ctx.stroke();
      }
      // arrowheads, from supplier to recipient, over every flow (as faint as their flows, a little darker)
      ctx.fillStyle = f.ink;
      for (i = 0; i < heads.length; i++) {
        h = heads[i][0];
        sizes = head(heads[i][1]);
        cos = Math.cos(h.angle);
        sin = Math.sin(h.angle);
        ctx.globalAlpha = Math.min(0.85, 1.4 * opacityOf(f, heads[i][1]));
        ctx.beginPath();
        ctx.moveTo(h.x + cos * sizes[0] / 2, h.y + sin * sizes[0] / 2);
        ctx.lineTo(h.x - cos * sizes[0] / 2 - sin * sizes[1], h.y - sin * sizes[0] / 2 + cos * sizes[1]);
        ctx.lineTo(h.x - cos * sizes[0] / 2 + sin * sizes[1], h.y - sin * sizes[0] / 2 - cos * sizes[1]);
        ctx.closePath();
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      // the countries' points, the largest first
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = f.ink;
      ctx.fillStyle = "#ffffff";
      for (i = 0; i < pointsShown.length; i++) {
        var point = pointsShown[i], q = map.latLngToLayerPoint([point.lat, point.lon]);
        point.layerPoint = q;
        ctx.beginPath();
        ctx.arc(q.x, q.y, point.radius, 0, Math.PI * 2);
        ctx.fill();
        ctx.stroke();
      }
      ctx.restore();
    };
    if (f) { map.addLayer(renderer); }

    function redraw() {
      if (!renderer._map) { return; }
      renderer._redrawBounds = null;
      renderer._redraw();
    }

    // -- summing the deals the filters keep --------------------------------------------------------

    function aggregate() {
      var filter = api.currentFilter ? api.currentFilter() : null;
      var test = filter && filter.deals ? filter.deals(model.tables) : null;
      var ticked = api.categories.map(function (box) { return box.input.checked; });
      var deals = model.deals, found = {}, list = [], i, j, boxes, show, flow, value, pair;
      for (i = 0; i < model.n; i++) {
        boxes = deals.boxes[i];
        show = false;
        for (j = 0; j < boxes.length; j++) { if (ticked[boxes[j]]) { show = true; break; } }
        if (!show || (test && !test.passes(deals.records[i]))) { continue; }
        flow = found[deals.pair[i]];
        if (!flow) {
          pair = model.pairs[deals.pair[i]];
          var names = deals.names[i] === null ? [pair.supplier, pair.recipient] : f.names[deals.names[i]];
          flow = found[deals.pair[i]] = {pair: pair.index, supplier: names[0], recipient: names[1], deals: [],
                                         total: null, unknown: 0};
          list.push(flow);
        }
        flow.deals.push(i);
        value = scale.measure === "deals" ? 1 : deals.value[i];
        if (value === null || value === undefined) { flow.unknown++; } else { flow.total = (flow.total === null ? 0 : flow.total) + value; }
      }
      // routes/flows.py by_volume: the largest total first (none last), then by supplier and recipient
      list.sort(function (a, b) {
        if ((a.total === null) !== (b.total === null)) { return a.total === null ? 1 : -1; }
        var d = (b.total || 0) - (a.total || 0);
        if (d) { return d; }
        return a.supplier < b.supplier ? -1 : a.supplier > b.supplier ? 1 : a.recipient < b.recipient ? -1 :
          a.recipient > b.recipient ? 1 : 0;
      });
      byKey = {};
      list.forEach(function (flow) {
        flow.width = widthOf(scale, flow.total);
        byKey[flow.supplier + "\u0000" + flow.recipient] = byKey[flow.supplier + "\u0000" + flow.recipient] || flow;
      });
      shown = list;
      byPair = {};
      list.forEach(function (flow) { byPair[flow.pair] = flow; });
      pointsShown = countryPoints(list);
      showCount();
      if (flowList) { flowList.update(); }
      followCard();
      redraw();
    }

    function followCard() {
      // A flow's card open while the filters change lists the deals they now keep (or closes: none).
      if (!popup || !map.hasLayer(popup) || !cardOpen || cardOpen.kind !== "flow") { return; }
      var flow = byPair[cardOpen.pair];
      if (flow) {
        popup.setContent(flowCard(flow, cardOpen.latlng));
      } else {
        map.closePopup(popup);
      }
    }

    function countryPoints(list) {
      // A point where flows start or end (on a world map, at each copy of an arc's end), with the
      // totals of what it supplied and received; sized by them on the width scale.
      var at = {}, out = [];
      list.forEach(function (flow) {
        geometry[flow.pair].lines.forEach(function (line) {
          [[line[0], model.pairs[flow.pair].origin, "out"], [line[line.length - 1], model.pairs[flow.pair].destination, "in"]]
            .forEach(function (end) {
              var key = end[1] + "|" + end[0][1].toFixed(3), point = at[key];
              if (!point) {
                var place = model.points[end[1]];
                point = at[key] = {lat: end[0][0], lon: end[0][1], label: place.label, country: place.country,
                                   "in": {total: null, deals: 0, flows: 0, unknown: 0},
                                   out: {total: null, deals: 0, flows: 0, unknown: 0}};
                out.push(point);
              }
              var side = point[end[2]];
              side.flows++;
              side.deals += flow.deals.length;
              side.unknown += flow.unknown;
              if (flow.total !== null) { side.total = (side.total || 0) + flow.total; }
            });
        });
      });
      out.forEach(function (point) {
        var total = point["in"].total === null && point.out.total === null ? null : (point["in"].total || 0) + (point.out.total || 0);
        point.total = total;
        point.radius = pointRadius(scale, total);
      });
      return out.sort(function (a, b) { return b.radius - a.radius; });
    }

    // -- what the pointer finds ----------------------------------------------------------------------

    function hitAt(p) {
      // The country point under a layer point (the smallest on top), else the flow (the narrowest on top).
      var i, j, k, g, ring, flow, stamp = stampOf();
      for (i = pointsShown.length - 1; i >= 0; i--) {
        var q = pointsShown[i].layerPoint;
        if (q && Math.sqrt(Math.pow(q.x - p.x, 2) + Math.pow(q.y - p.y, 2)) <= pointsShown[i].radius + 2) {
          return {point: pointsShown[i]};
        }
      }
      for (i = shown.length - 1; i >= 0; i--) {
        flow = shown[i];
        g = project(geometry[flow.pair], stamp);
        var reach = flow.width / 2 + HIT_PX;
        if (p.x < g.bounds[0][0] - reach || p.x > g.bounds[1][0] + reach || p.y < g.bounds[0][1] - reach ||
            p.y > g.bounds[1][1] + reach) { continue; }
        for (j = 0; j < g.projected.length; j++) {
          ring = g.projected[j];
          for (k = 1; k < ring.length; k++) {
            if (segmentDistance(p, ring[k - 1], ring[k]) <= reach) { return {flow: flow}; }
          }
        }
      }
      return null;
    }

    var tip = L.tooltip({direction: "top", offset: [0, -10], opacity: 0.95, className: "arms-routes-flow-tip"}), hovered = null;

    function measureText(total) {
      return total === null ? "no " + scale.words : amount(total) + " " + scale.unit;
    }

    function flowTip(flow) {
      var box = el("div", "arms-routes-tip");
      box.appendChild(el("strong", null, flow.supplier + " → " + flow.recipient));
      box.appendChild(el("div", null, plural(flow.deals.length, "deal") + (scale.measure === "deals" ? "" : " · " + measureText(flow.total))));
      if (flow.unknown && scale.measure !== "deals") { box.appendChild(el("div", "arms-routes-muted", plural(flow.unknown, "deal") + " without it")); }
      box.appendChild(el("div", "arms-routes-hint", "click for its deals"));
      return box;
    }

    function sideText(side, way) {
      if (!side.flows) { return null; }
      return way + ": " + plural(side.deals, "deal") + " " + (way === "supplied" ? "to " : "from ") +
        plural(side.flows, way === "supplied" ? "recipient" : "supplier") +
        (scale.measure === "deals" ? "" : ", " + measureText(side.total));
    }

    function pointTip(point) {
      var box = el("div", "arms-routes-tip");
      box.appendChild(el("strong", null, point.label + (point.country && point.country !== point.label ? " (" + point.country + ")" : "")));
      [sideText(point.out, "supplied"), sideText(point["in"], "received")].forEach(function (line) {
        if (line) { box.appendChild(el("div", null, line)); }
      });
      box.appendChild(el("div", "arms-routes-muted", "sized by its total in and out, on the width scale"));
      return box;
    }

    function hover(hit, latlng) {
      var target = hit ? hit.flow || hit.point : null;
      map.getContainer().classList.toggle("arms-routes-flow-hover", !!target);
      if (!target) {
        if (hovered) { map.closeTooltip(tip); light(null, cardPair); }
        hovered = null;
        return;
      }
      if (target !== hovered) {
        hovered = target;
        tip.setContent(hit.flow ? flowTip(hit.flow) : pointTip(hit.point));
        light(hit.flow ? hit.flow.pair : null, cardPair);
      }
      tip.setLatLng(latlng);
      if (!map.hasLayer(tip)) { map.openTooltip(tip); }
    }

    if (f) {
      map.on("mousemove", function (e) {
        if (e.sourceTarget && e.sourceTarget !== map) { hover(null); return; }
        hover(hitAt(e.layerPoint), e.latlng);
      });
      map.on("mouseout", function () { hover(null); });
      map.on("click", function (e) {
        if (e.sourceTarget && e.sourceTarget !== map) { return; }
        var hit = hitAt(e.layerPoint);
        if (hit && hit.flow) { hover(null); openCard(hit.flow, e.latlng); }
      });
    }

    // -- the card of a flow, and of one deal ------------------------------------------------------------

    var popup = null, opener = null;

    function padding() {
      return api.routes.cardPadding ? api.routes.cardPadding() : {topLeft: [20, 100], bottomRight: [20, 20]};
    }

    function show(content, latlng) {
      // A card as wide as its table needs, between the controls (the title above, the layer control
      // and legend on the right: api.routes.cardPadding), then it scrolls.
      var room = map.getSize(), pad = padding(), box = map.getContainer().getBoundingClientRect();
      var title = map.getContainer().querySelector(".arms-routes-title");
      var top = Math.max(pad.topLeft[1], title && title.offsetWidth ? Math.round(title.getBoundingClientRect().bottom - box.top + 12) : 0);
      var topLeft = [pad.topLeft[0], Math.min(top, Math.round(room.y * 0.4))], bottomRight = pad.bottomRight;
      if (!popup) {
        popup = L.popup({className: "arms-routes-flow-popup"});
        popup.on("remove", function () { cardOpen = null; light(hoverPair, null); });
      }
      popup.options.maxWidth = Math.max(220, Math.min(680, room.x - topLeft[0] - bottomRight[0] - 40));
      popup.options.minWidth = Math.min(320, popup.options.maxWidth);
      // (at most half the map's height on a large map: the flow stays in sight beside its card)
      popup.options.maxHeight = Math.max(160, Math.min(small ? room.y : Math.max(360, Math.round(room.y * 0.5)),
                                                       room.y - topLeft[1] - bottomRight[1] - 50));
      popup.options.autoPanPaddingTopLeft = topLeft;
      popup.options.autoPanPaddingBottomRight = bottomRight;
      popup.setContent(content);
      if (latlng) { popup.setLatLng(latlng); }
      if (!map.hasLayer(popup)) { popup.openOn(map); } else { popup.update(); }
      return popup;
    }

    function middle(flow) {
      var line = geometry[flow.pair].lines[0];
      return L.latLng(line[Math.floor(line.length / 2)]);
    }

    function dl(pairs) {
      var list = el("dl");
      pairs.forEach(function (p) {
        if (p[1] === null || p[1] === undefined || p[1] === "") { return; }
        list.appendChild(el("dt", null, p[0]));
        var dd = el("dd", null, p[1] instanceof Node ? null : p[1]);
        if (p[1] instanceof Node) { dd.appendChild(p[1]); }
        list.appendChild(dd);
      });
      return list;
    }

    function widthWhy(flow) {
      if (flow.total === null) { return flow.width + " px, the least width: no deal of it gives its " + scale.words; }
      if (flow.total === 0) { return flow.width + " px, the least width: its deals give a total of 0"; }
      return flow.width + " px (" + (scale.auto ? "auto scale: " : "fixed scale: ") + scale.max + " px = " +
        amount(scale.reference) + " " + scale.unit + ")";
    }

    function sortedDeals(flow, cards) {
      // By year (the start of its period; unknown last), then designation, then route id.
      var years = model.tables.years, part = cards.flows;
      var keys = flow.deals.map(function (i) {
        var y = years[i], start = y ? (y[0] !== null ? y[0] : y[1]) : null;
        return {i: i, year: start, designation: texts(part, i).designation, id: part.id_prefix + part.ids[i]};
      });
      keys.sort(function (a, b) {
        if ((a.year === null) !== (b.year === null)) { return a.year === null ? 1 : -1; }
        if (a.year !== b.year) { return a.year - b.year; }
        if (a.designation !== b.designation) { return a.designation < b.designation ? -1 : 1; }
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
      return keys;
    }

    var DEAL_COLUMNS = [["designation", "Designation"], ["description", "Description"], ["ordered", "Ordered"],
                        ["delivered", "Delivered"], ["ordered_in", "Ordered in"], ["delivered_in", "Delivered in"],
                        ["tiv_unit", "TIV per unit"], ["tiv_order", "TIV of the order"], ["tiv_delivered", "TIV delivered"],
                        ["status", "SIPRI status"], ["comments", "Comments"]];

    function flowCard(flow, latlng) {
      cardOpen = {kind: "flow", pair: flow.pair, latlng: latlng};
      var card = el("div", "arms-routes-card arms-routes-flow-card"), cards = cardData(data);
      card.setAttribute("data-flow", flow.supplier + " → " + flow.recipient);
      card.appendChild(el("h3", null, flow.supplier + " → " + flow.recipient));
      card.appendChild(el("p", "arms-routes-muted", f.label));
      var total = scale.measure === "deals" ? null :
        measureText(flow.total) + (flow.unknown ? " (" + plural(flow.unknown, "deal") + " of " + count(flow.deals.length) +
                                   " " + (flow.unknown === 1 ? "does" : "do") + " not give it)" : "");
      card.appendChild(dl([["Deals", plural(flow.deals.length, "deal")], [scale.measure === "deals" ? null : "Total", total],
                           ["Measure", scale.words], ["Width", widthWhy(flow)]].filter(function (p) { return p[0]; })));
      card.appendChild(el("h4", null, "Deals (" + count(flow.deals.length) + "), by year, then designation"));
      if (!cards || !cards.flows) {
        card.appendChild(el("p", "arms-routes-hint", "Still loading: close this card and open it again in a moment."));
        return card;
      }
      var wrap = el("div", "arms-routes-deal-table-wrap"), table = el("table", "arms-routes-deal-table");
      wrap.tabIndex = 0;  // (it scrolls sideways: a keyboard reaches it)
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Deals of " + flow.supplier + " → " + flow.recipient);
      var head = el("thead"), tr = el("tr");
      DEAL_COLUMNS.forEach(function (c) { var th = el("th", null, c[1]); th.scope = "col"; tr.appendChild(th); });
      var th = el("th", null, "Card");
      th.scope = "col";
      tr.appendChild(th);
      head.appendChild(tr);
      table.appendChild(head);
      var body = el("tbody");
      sortedDeals(flow, cards).forEach(function (key) {
        var facts = texts(cards.flows, key.i), row = el("tr");
        row.setAttribute("data-deal", key.id);
        DEAL_COLUMNS.forEach(function (c) {
          var td = el("td", "arms-routes-deal-" + c[0]);
          if (c[0] === "comments" && facts.comments) {
            // (three lines at most here: the deal's own card has them whole)
            var clamp = el("div", "arms-routes-clamp", facts.comments);
            clamp.title = facts.comments;
            td.appendChild(clamp);
          } else {
            td.textContent = facts[c[0]];
          }
          row.appendChild(td);
        });
        var cellNode = el("td"), link = el("button", "arms-routes-deal-link", "card");
        link.type = "button";
        link.setAttribute("aria-label", "The card of deal " + key.id + (facts.designation ? " (" + facts.designation + ")" : ""));
        link.title = key.id;
        link.addEventListener("click", function (e) { detached(e); focusCard(show(dealCard(key.i, flow, latlng), null)); });
        cellNode.appendChild(link);
        row.appendChild(cellNode);
        body.appendChild(row);
      });
      table.appendChild(body);
      wrap.appendChild(table);
      card.appendChild(wrap);
      return card;
    }

    function dealCard(i, flow, latlng) {
      // The card of one deal: a route of its own in the data (its id), drawn only in its flow.
      cardOpen = {kind: "deal", pair: flow ? flow.pair : null, latlng: latlng};
      var cards = cardData(data), part = cards.flows, facts = texts(part, i), id = part.id_prefix + part.ids[i];
      var pair = model.pairs[model.deals.pair[i]], names = model.deals.names[i] === null ? [pair.supplier, pair.recipient] :
        f.names[model.deals.names[i]];
      var record = model.deals.records[i], rank = model.tables.rank[i], status = null;
      data.statuses.forEach(function (s) { if (data.panel.ranks[s.id] === rank) { status = s.id; } });
      var card = el("div", "arms-routes-card arms-routes-deal-card");
      card.setAttribute("data-route", id);
      card.appendChild(el("h3", null, (facts.designation ? facts.designation + ": " : "") + names[0] + " → " + names[1]));
      var badges = el("div", "arms-routes-badges");
      if (status) { badges.appendChild(el("span", "arms-routes-badge arms-routes-status-" + status, status)); }
      badges.appendChild(el("span", "arms-routes-badge", record.kind));
      badges.appendChild(el("span", "arms-routes-badge", "documented deal"));
      card.appendChild(badges);
      var weapons = el("ul", "arms-routes-weapons");
      f.weapon_sets[model.deals.weapons[i]].forEach(function (w, j) {
        var item = el("li");
        item.appendChild(el("strong", null, data.panel.weapons.names[w]));
        var box = data.categories[model.deals.boxes[i][Math.min(j, model.deals.boxes[i].length - 1)]];
        if (box && box.id) { item.appendChild(el("span", "arms-routes-muted", " · " + box.id)); }
        weapons.appendChild(item);
      });
      card.appendChild(dl([["Route id", id], ["Kind", data.kind_labels[record.kind] || record.kind],
                           ["Weapons", weapons.childNodes.length ? weapons : "none listed"], ["Supplier", names[0]],
                           ["Recipient", names[1]], ["Period", facts.period], ["Evidence status", status]]));
      card.appendChild(el("h4", null, "As the dataset gives it"));
      card.appendChild(dl(DEAL_COLUMNS.filter(function (c) { return c[0] !== "designation"; }).map(function (c) {
        return [c[1], facts[c[0]]];
      })));
      (model.tables.sources[i] || []).forEach(function (s) {
        var sourceId = data.panel.sources[s], source = data.sources[sourceId];
        if (!source) { return; }
        var block = el("div", "arms-routes-source");
        block.appendChild(el("span", "arms-routes-source-label", "Source: "));
        if (source.url) {
          var a = el("a", null, source.title);
          a.href = source.url;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          block.appendChild(a);
        } else {
          block.appendChild(el("span", null, source.title));
        }
        var details = [source.publisher, source.published].filter(function (x) { return x; });
        if (details.length) { block.appendChild(el("span", null, " — " + details.join(", "))); }
        card.appendChild(block);
      });
      if (flow) {
        var back = el("button", "arms-routes-panel-button arms-routes-flow-back", "← " + flow.supplier + " → " + flow.recipient + ": all its deals");
        back.type = "button";
        back.addEventListener("click", function (e) {
          detached(e);
          focusCard(show(flowCard(byPair[flow.pair] || flow, latlng), null));
        });
        card.appendChild(back);
      }
      return card;
    }

    function detached(e) {
      // A button that replaces what holds it: its click must not reach the map, which (no longer
      // finding it inside the card or the control) would take it for a click on the map and close the card.
      L.DomEvent.stopPropagation(e);
    }

    function focusCard(p) {
      var content = p && p.getElement && p.getElement() && p.getElement().querySelector(".leaflet-popup-content");
      if (content) {
        content.tabIndex = -1;
        content.focus({preventScroll: true});
      }
      return p;
    }

    function openCard(flow, latlng) {
      latlng = latlng || middle(flow);
      var opened = show(flowCard(flow, latlng), latlng);
      light(hoverPair, flow.pair);
      return opened;
    }

    function light(hover, card) {
      if (hover === hoverPair && card === cardPair) { return; }
      hoverPair = hover;
      cardPair = card;
      redraw();
    }

    // -- the legend, the title, the documented-trade control ----------------------------------------------

    function legendSection() {
      var box = el("div", "arms-routes-flow-legend");
      box.appendChild(el("div", "arms-routes-legend-title", "Documented trade (width: " + scale.words + ")"));
      function sample(width, arrow) {
        var h = Math.max(14, Math.ceil(width) + 4), svg = svgNode("svg", {width: 40, height: h, "class": "arms-routes-sample"});
        svg.appendChild(svgNode("line", {x1: 2, y1: h / 2, x2: arrow ? 28 : 38, y2: h / 2, stroke: f.colour,
                                         "stroke-opacity": opacityOf(f, width), "stroke-width": width}));
        if (arrow) {
          var s = head(width);
          svg.appendChild(svgNode("path", {d: "M" + (24 - s[0] / 2) + " " + (h / 2 - s[1]) + " L" + (24 + s[0] / 2) + " " + h / 2 +
                                          " L" + (24 - s[0] / 2) + " " + (h / 2 + s[1]) + " Z", fill: f.ink,
                                          "fill-opacity": Math.min(0.85, 1.4 * opacityOf(f, width))}));
        }
        return svg;
      }
      function row(node, text) {
        var item = el("div", "arms-routes-legend-row");
        item.appendChild(node);
        item.appendChild(el("span", null, text));
        box.appendChild(item);
        return item;
      }
      scale.legend.forEach(function (entry) {
        row(sample(entry[1]), amount(entry[0]) + " " + scale.unit).setAttribute("data-flow-width", String(entry[1]));
      });
      row(sample(scale.min), "0 or not given (" + scale.min + " px: its card says why)").setAttribute("data-flow-width", String(scale.min));
      row(sample(4, true), "direction: supplier → recipient");
      var dot = svgNode("svg", {width: 40, height: 14, "class": "arms-routes-sample"});
      dot.appendChild(svgNode("circle", {cx: 20, cy: 7, r: 5, fill: "#ffffff", stroke: f.ink, "stroke-width": 1.2}));
      row(dot, "country: sized by its total in and out");
      box.appendChild(el("div", "arms-routes-legend-note arms-routes-flow-scale",
                         (scale.auto ? "auto scale: this map's widest flow is the widest. " : "fixed scale: the same widths on every map. ") +
                         scale.describe));
      box.appendChild(el("div", "arms-routes-legend-note", "Alleged routes are drawn one by one, on top, and never summed."));
      return box;
    }

    var countLine = null;

    function showCount() {
      if (!countLine) { return; }
      var deals = 0;
      shown.forEach(function (flow) { deals += flow.deals.length; });
      countLine.textContent = plural(deals, "deal") + " as " + plural(shown.length, "flow") +
        (deals === model.n ? "" : " shown (of " + plural(model.n, "deal") + ")");
    }

    var flowList = null;

    function tradeControl() {
      // Bottom left: the flows as a list (for a keyboard: each opens its card) and the deals that
      // could not be placed, as a table; each folded behind a button.
      var box = el("div", "arms-routes-trade"), prefix = api.id + "-trade-";
      function folded(label, id) {
        var button = el("button", "arms-routes-list-toggle arms-routes-trade-toggle", label), body = el("div", "arms-routes-trade-body");
        button.type = "button";
        body.id = prefix + id;
        body.hidden = true;
        button.setAttribute("aria-expanded", "false");
        button.setAttribute("aria-controls", body.id);
        button.addEventListener("click", function () {
          var open = body.hidden;
          Array.prototype.forEach.call(box.querySelectorAll(".arms-routes-trade-body"), function (b) { b.hidden = true; });
          Array.prototype.forEach.call(box.querySelectorAll(".arms-routes-trade-toggle"), function (b) { b.setAttribute("aria-expanded", "false"); });
          body.hidden = !open;
          button.setAttribute("aria-expanded", String(open));
          if (open && button.onOpen) { button.onOpen(body); }
          fit(body);
        });
        var row = el("div", "arms-routes-trade-part");
        row.appendChild(button);
        box.appendChild(row);
        box.appendChild(body);
        return button;
      }
      function fit(body) {
        // As tall as the map leaves under the controls of the top left corner (the filter panel), then it scrolls.
        var size = map.getSize(), corner = map._controlCorners.topleft, room = size.y - 90;
        if (corner && corner.offsetHeight && !small) { room = size.y - corner.offsetTop - corner.offsetHeight - 90; }
        body.style.maxHeight = Math.max(140, Math.min(Math.round(size.y * 0.6), room)) + "px";
        body.style.maxWidth = Math.max(240, Math.min(760, size.x - 60)) + "px";
      }
      if (f) {
        var listButton = folded("Flows", "flows"), listed = LIST_STEP;
        flowList = {update: function () {
          listButton.textContent = "Flows (" + count(shown.length) + ")";
          var body = document.getElementById(prefix + "flows");
          if (body && !body.hidden) { fill(body); }
        }};
        var fill = function (body) {
          body.textContent = "";
          body.appendChild(el("p", "arms-routes-list-caption", plural(shown.length, "flow") + ", the largest first"));
          var list = el("ul", "arms-routes-list-items");
          shown.slice(0, listed).forEach(function (flow) {
            var item = el("li"), pick = el("button", "arms-routes-pick");
            pick.type = "button";
            pick.appendChild(el("span", "arms-routes-pick-name", flow.supplier + " → " + flow.recipient));
            pick.appendChild(el("span", "arms-routes-pick-meta", plural(flow.deals.length, "deal") +
                                (scale.measure === "deals" ? "" : " · " + measureText(flow.total))));
            pick.addEventListener("click", function () { focusCard(openCard(flow)); });
            item.appendChild(pick);
            list.appendChild(item);
          });
          body.appendChild(list);
          if (shown.length > listed) {
            var more = el("button", "arms-routes-list-more", "Show " + count(Math.min(LIST_STEP, shown.length - listed)) + " more");
            more.type = "button";
            more.addEventListener("click", function (e) { detached(e); listed += LIST_STEP; fill(body); });
            body.appendChild(more);
          }
        };
        listButton.onOpen = fill;
      }
      if (data.unplaced) {
        var n = data.unplaced.count, unplacedButton = folded(plural(n, "deal") + " not on the map", "unplaced");
        unplacedButton.classList.add("arms-routes-unplaced-toggle");
        unplacedButton.onOpen = function (body) {
          if (body.childNodes.length) { return; }
          var cards = cardData(data);
          if (!cards || !cards.unplaced) { body.appendChild(el("p", "arms-routes-hint", "Still loading: open it again in a moment.")); return; }
          var wrap = el("div", "arms-routes-deal-table-wrap"), table = el("table", "arms-routes-deal-table arms-routes-unplaced");
          wrap.tabIndex = 0;
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", "Deals not on the map");
          body.appendChild(el("p", "arms-routes-trade-note", plural(n, "deal") + " not on the map: the supplier or recipient " +
                              "has no place (an unknown supplier, a multinational organisation), so no line is drawn for " +
                              "them. Those of the selection the map was made with: the filter panel does not narrow them."));
          table.appendChild(el("caption", null, plural(n, "deal") + " not on the map"));
          var columns = [["supplier", "Supplier"], ["recipient", "Recipient"], ["reason", "Why not on the map"]]
            .concat(DEAL_COLUMNS).concat([["period", "Period"], ["id", "Deal id"]]);
          var head = el("thead"), tr = el("tr");
          columns.forEach(function (c) { var th = el("th", null, c[1]); th.scope = "col"; tr.appendChild(th); });
          head.appendChild(tr);
          table.appendChild(head);
          var body2 = el("tbody");
          cards.unplaced.rows.forEach(function (_, i) {
            var facts = texts(cards.unplaced, i), row = el("tr");
            columns.forEach(function (c) { row.appendChild(el("td", "arms-routes-deal-" + c[0], facts[c[0]])); });
            body2.appendChild(row);
          });
          table.appendChild(body2);
          wrap.appendChild(table);
          body.appendChild(wrap);
        };
      }
      var Ctl = L.Control.extend({
        onAdd: function () {
          var div = L.DomUtil.create("div", "leaflet-control arms-routes-trade-control");
          div.appendChild(box);
          L.DomEvent.disableClickPropagation(div);
          L.DomEvent.disableScrollPropagation(div);
          return div;
        }
      });
      new Ctl({position: "bottomleft"}).addTo(map);
    }

    if (f) {
      var legendBox = map.getContainer().querySelector(".arms-routes-legend");
      if (legendBox) {
        if (!data.routes.length) {
          // (a map of deals only: the routes' patterns, paths and symbols explain nothing drawn)
          Array.prototype.forEach.call(legendBox.children, function (child) { child.hidden = true; });
        }
        legendBox.insertBefore(legendSection(), legendBox.firstChild);
        // (taller now, it may scroll: a keyboard reaches it)
        legendBox.tabIndex = 0;
        legendBox.setAttribute("role", "region");
        legendBox.setAttribute("aria-label", "Legend");
      }
      var title = map.getContainer().querySelector(".arms-routes-title");
      if (title) {
        countLine = el("div", "arms-routes-flow-count");
        countLine.setAttribute("aria-live", "polite");
        var credit = title.querySelector(".arms-routes-credit");
        title.insertBefore(countLine, credit);
      }
    }
    tradeControl();

    api.visibleFlows = function () {
      var cards = null;
      return shown.map(function (flow) {
        var pair = model.pairs[flow.pair];
        return {supplier: flow.supplier, recipient: flow.recipient, origin: model.points[pair.origin].label,
                destination: model.points[pair.destination].label, deals: flow.deals.length, total: flow.total,
                unknown: flow.unknown, width: flow.width,
                ids: function () {
                  cards = cards || cardData(data);
                  return flow.deals.map(function (i) { return cards.flows.id_prefix + cards.flows.ids[i]; });
                }};
      });
    };
    api.flowWidth = function (total) { return scale ? widthOf(scale, total) : null; };
    api.openFlow = function (supplier, recipient) {
      var flow = byKey[supplier + "\u0000" + recipient];
      return flow ? openCard(flow) : null;
    };
    api.flowLine = function (supplier, recipient) {
      // the arc of a drawn flow as [longitude, latitude] vertices (its first copy on a world map)
      var flow = byKey[supplier + "\u0000" + recipient];
      return flow ? geometry[flow.pair].lines[0].map(function (p) { return [p[1], p[0]]; }) : null;
    };
    api.flowPoint = function (supplier, recipient) {
      var flow = byKey[supplier + "\u0000" + recipient];
      if (!flow) { return null; }
      var g = project(geometry[flow.pair], stampOf()), ring = g.projected[0], q = ring[Math.floor(ring.length / 2)];
      var p = map.layerPointToContainerPoint(q);
      return {x: p.x, y: p.y};
    };
    api.flows = {renderer: renderer, scale: scale, total: model ? model.n : 0};

    if (f) {
      api.onChange(function () { aggregate(); });  // (before the filter panel's: it counts the deals kept for want of a year)
      aggregate();
    }
    if (small) { map.getContainer().classList.add("arms-routes-flows-small"); }
  }

  window.armsRoutesFlows = addFlows;
  window.armsRoutesPlugins = window.armsRoutesPlugins || [];
  window.armsRoutesPlugins.push(addFlows);
})();
