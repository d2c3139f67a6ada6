/* arms-routes: the filter panel, the time control, search and the state in the URL of every map
 * (issue 16). Loaded after arms-routes.js (routes/render/html.py SCRIPTS); for each map drawn
 * (window.armsRoutesPlugins) it adds a panel in the top left corner with labelled controls:
 *
 *   Search          route names, places (name, alias, country), weapon systems (aliases), actors and
 *                   source titles; the results are a list (arrow keys, Enter): a route opens its
 *                   card, a place shows the routes through it, a weapon system or an actor fills
 *                   that box, a source shows the routes citing it
 *   Weapon system   a name, alias, id or family, as `--weapon` reads it (F-7 = f7 = RPG-7); several
 *                   separated by commas
 *   Category        one category, or any (the category boxes of the layer control are the same filter)
 *   Kind, Minimum status, Disputed, Actor (part of a supplier's, recipient's or intermediary's
 *                   name, as `--actor`; several separated by commas)
 *   From, To        years, as `--since` and `--until`: a period overlaps when it ends in From or
 *                   later and starts in To or earlier; an unknown bound is open (those routes are
 *                   counted, and can be left out); an approximate year counts as the year it gives
 *   play and step   move the years one at a time (From too when both are set) to watch routes appear
 *
 * The rules are those of routes/select.py, applied to the tables of the payload's "panel"
 * (payload.panel_tables), so the routes shown are those `arms-routes list` gives with the same
 * options. The title box says the filter in words (Filters.describe), with "N of M routes shown".
 *
 * The state lives in the URL fragment, one parameter per setting, each named after the map
 * (api.key: "map" on a page, the file name of an --embed fragment), so several maps on one page keep
 * their own:  #map.w=F-7&map.f=2014&map.t=2016&map.r=ROUTE-ID&map.v=31.5,34.45,6
 *   w weapon system   c categories (ids, comma-separated; "-" the routes with none listed)
 *   k kind   s minimum status   d disputed (yes/no)   a actor   f from   t to
 *   u 0: leave out routes of unknown date   p place (id)   o source (id)
 *   r the route whose card is open, and where it points (ID@latitude,longitude; the point optional)
 *   v the view: latitude,longitude,zoom (with v, the card opens inside that view: api.openCard keepView)
 * Reloading or sending the link restores them (file:// too). A value that does not fit (an unknown
 * route, a year out of range, a malformed fragment) is left out; values only ever reach the page as
 * the text of a box, never as HTML or code.
 *
 * What the CLI would refuse (an unknown weapon system or actor, a year out of range or not whole) is
 * left out of the filter and said under its box in the CLI's words, with its "did you mean"
 * (routes/names.py closest, ported here: window.armsRoutesFilters.closest(query, [[key, name]...], n)).
 *
 * A flow map's deals (arms-routes-flows.js, which runs first and gives their tables in
 * data.flows.tables) are filtered by the same rules: the filter set on the map has deals(tables).
 *
 * Adds to window.armsRoutes[id]:
 *   filters()            the current state: {weapon, categories (ids, null for none listed; null: all),
 *                        kind, status, disputed (true, false or null), actor, since, until, undated
 *                        (keep routes of unknown date), place, source}
 *   setFilters(partial)  set some of them as the controls would, redraw, update the URL
 *   filterWords()        the filter in words, as the title box says it
 *   (and keeps visibleRoutes() and onChange(fn) of arms-routes.js: fn(ids) after every redraw)
 *
 * Every text from the data goes on the page through textContent.
 */
(function () {
  "use strict";
  if (window.armsRoutesFilters) { return; }  // (every --embed fragment carries it; the first one on a page runs it)

  var PLAY_MS = 900;          // a year, while playing
  var SEARCH_MAX = 30;        // results listed
  var SEARCH_ROUTES_MAX = 12; // ... of which routes
  var YEAR_RANGE = [1800, 2100];  // routes/select.py YEAR_RANGE
  var SMALL_MAP = [720, 420];
  var VALUE_MAX = 300;        // characters of one value in the URL fragment
  var URL_WAIT_MS = 150;      // the URL is written this long after the last change
  var FIELDS = {w: "weapon", c: "categories", k: "kind", s: "status", d: "disputed", a: "actor", f: "since",
                t: "until", u: "undated", p: "place", o: "source"};

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function own(object, key) { return object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key); }

  function plural(n, word) { return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s"); }

  // -- the CLI's rules -------------------------------------------------------------------------------

  function normalise(text) {
    // routes/names.py normalise: "F-7", "f 7" and "F7" are "f7"; accents are dropped ("Sanaʽa" -> "sanaa").
    return String(text).normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "");
  }

  function tables(data) {
    // What the rules read, per route (by route.index) and shared, from the payload's "panel".
    var panel = data.panel, t = {panel: panel, weaponAt: Object.create(null), placeAt: Object.create(null),
                                 sourceAt: Object.create(null), first: null, last: null};
    panel.weapons.ids.forEach(function (id, i) { t.weaponAt[id] = i; });
    panel.places.forEach(function (p, i) { t.placeAt[p[0]] = i; });
    panel.sources.forEach(function (id, i) { t.sourceAt[id] = i; });
    t.rank = data.routes.map(function (route) { return own(panel.ranks, route.status) ? panel.ranks[route.status] : -1; });
    // (a flow map's deals count too: their tables are arms-routes-flows.js's data.flows.tables)
    var deals = data.flows && data.flows.tables ? data.flows.tables : {years: [], kinds: []};
    panel.years.concat(deals.years).forEach(function (y) {
      if (!y) { return; }
      [y[0], y[1]].forEach(function (year) {
        if (year === null) { return; }
        if (t.first === null || year < t.first) { t.first = year; }
        if (t.last === null || year > t.last) { t.last = year; }
      });
    });
    var kinds = {};
    data.routes.forEach(function (route) { kinds[route.kind] = true; });
    deals.kinds.forEach(function (kind) { kinds[kind] = true; });
    t.kinds = panel.kinds.filter(function (k) { return kinds[k]; });
    return t;
  }

  function resolveWeapon(t, name) {
    // routes/weapons.py Taxonomy.resolve: an id as written, else by id, name or alias in any case or
    // punctuation, else every system of that family; null for an unknown name.
    var w = t.panel.weapons, key;
    if (own(t.weaponAt, name)) { return [name]; }
    key = normalise(name);
    if (own(w.keys, key)) { return [w.ids[w.keys[key]]]; }
    if (key && own(w.families, key)) { return w.families[key].map(function (i) { return w.ids[i]; }); }
    return null;
  }

  function weaponNames(t, text) {
    // The names in the box: the whole text when it names a system, else its parts between commas.
    text = String(text || "").trim();
    if (!text) { return []; }
    if (resolveWeapon(t, text)) { return [text]; }
    return text.split(",").map(function (s) { return s.trim(); }).filter(function (s) { return s; });
  }

  function actorNames(text) {
    return String(text || "").split(",").map(function (s) { return s.trim(); }).filter(function (s) { return s; });
  }

  function keptUndated(start, end, since, until) {
    // routes/select.py kept_undated: kept by a time filter only for want of a year.
    return (since !== null && end === null && !(start !== null && start >= since)) ||
      (until !== null && start === null && !(end !== null && end <= until));
  }

  function year(value) {
    // A year as the controls take it: a whole number in YEAR_RANGE, else undefined (null: none given).
    if (value === null || value === undefined || value === "") { return null; }
    var text = String(value).trim();
    if (!/^\d{1,6}$/.test(text)) { return undefined; }
    var n = Number(text);
    return n >= YEAR_RANGE[0] && n <= YEAR_RANGE[1] ? n : undefined;
  }

  var NOT_A_NUMBER = "\u0000";  // (what a year box holds that the browser does not give as text: "2009.", "12e")

  function yearError(label, value) {
    // What is wrong with a year box's text, as routes/select.py Filters says it (null: nothing).
    if (year(value) !== undefined) { return null; }
    var text = String(value).trim();
    var range = "give a year from " + YEAR_RANGE[0] + " to " + YEAR_RANGE[1];
    if (/^\d+$/.test(text)) { return label + " " + text + " is out of range; " + range; }
    return label + (value === NOT_A_NUMBER ? "" : " " + text) + " is not a whole year; " + range;
  }

  function mayBecomeYear(text) {
    // Whether the digits typed so far may still become a year of YEAR_RANGE ("20" may, "15" may not).
    if (!/^\d{1,3}$/.test(text)) { return false; }
    var low = Number((text + "000").slice(0, 4)), high = Number((text + "999").slice(0, 4));
    return low <= YEAR_RANGE[1] && high >= YEAR_RANGE[0];
  }

  // -- "did you mean": routes/names.py closest, ported (tests/test_browser_review.py holds the two to
  // the same answers on many names); difflib's SequenceMatcher for what it reads (no junk) -------------

  var CUTOFFS = [[4, 0.8], [6, 0.75]], LONG_CUTOFF = 0.7, PART_LENGTH = 3, BEGINNING_LENGTH = 5;

  function Matcher(b) {
    // difflib.SequenceMatcher(None, a, b) for one b and any a: b2j without the popular elements of a
    // long b (autojunk), and b's counts for quick_ratio.
    var b2j = Object.create(null), full = Object.create(null), i, c;
    for (i = 0; i < b.length; i++) {
      c = b[i];
      (b2j[c] || (b2j[c] = [])).push(i);
      full[c] = (full[c] || 0) + 1;
    }
    if (b.length >= 200) {
      var most = Math.floor(b.length / 100) + 1;
      Object.keys(b2j).forEach(function (k) { if (b2j[k].length > most) { delete b2j[k]; } });
    }
    this.b = b;
    this.b2j = b2j;
    this.full = full;
  }

  Matcher.prototype.longest = function (a, alo, ahi, blo, bhi) {
    // find_longest_match: the earliest longest block, extended over popular elements (there is no junk).
    var b = this.b, b2j = this.b2j, besti = alo, bestj = blo, bestsize = 0, j2len = {}, next, i, x, j, k, js;
    for (i = alo; i < ahi; i++) {
      next = {};
      js = b2j[a[i]] || [];
      for (x = 0; x < js.length; x++) {
        j = js[x];
        if (j < blo) { continue; }
        if (j >= bhi) { break; }
        k = next[j] = (j2len[j - 1] || 0) + 1;
        if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
      }
      j2len = next;
    }
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) { bestsize++; }
    return [besti, bestj, bestsize];
  };

  Matcher.prototype.ratio = function (a) {
    // ratio(): twice the characters of get_matching_blocks() over both lengths.
    var queue = [[0, a.length, 0, this.b.length]], matches = 0, q, m;
    while (queue.length) {
      q = queue.pop();
      m = this.longest(a, q[0], q[1], q[2], q[3]);
      if (!m[2]) { continue; }
      matches += m[2];
      if (q[0] < m[0] && q[2] < m[1]) { queue.push([q[0], m[0], q[2], m[1]]); }
      if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) { queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]); }
    }
    return ratioOf(matches, a.length + this.b.length);
  };

  Matcher.prototype.quickRatio = function (a) {
    var avail = Object.create(null), matches = 0, i, c, n;
    for (i = 0; i < a.length; i++) {
      c = a[i];
      n = c in avail ? avail[c] : (this.full[c] || 0);
      avail[c] = n - 1;
      if (n > 0) { matches++; }
    }
    return ratioOf(matches, a.length + this.b.length);
  };

  Matcher.prototype.realQuickRatio = function (a) {
    return ratioOf(Math.min(a.length, this.b.length), a.length + this.b.length);
  };

  function ratioOf(matches, length) { return length ? 2.0 * matches / length : 1.0; }

  function closest(query, names, n) {
    // routes/names.py closest: up to `n` (5) display names whose keys are close to `query`. `names`:
    // [[key, display name], ...] in their order (or an object of them, whose order is JavaScript's).
    var pairs = Array.isArray(names) ? names : Object.keys(names).map(function (k) { return [k, names[k]]; });
    var key = normalise(query), display = Object.create(null), holds = [], near = [], result = [], i;
    if (!key) { return []; }
    n = n === undefined ? 5 : n;
    var numbers = (key.match(/[0-9]+/g) || []).join(","), cutoff = LONG_CUTOFF;
    for (i = 0; i < CUTOFFS.length; i++) { if (key.length <= CUTOFFS[i][0]) { cutoff = CUTOFFS[i][1]; break; } }
    var matcher = new Matcher(key);
    pairs.forEach(function (pair) {
      var k = pair[0], score = 0;
      display[k] = pair[1];
      if (numbers && (k.match(/[0-9]+/g) || []).join(",") !== numbers) { return; }
      if (key.length >= PART_LENGTH && k.indexOf(key) >= 0) { holds.push([k.indexOf(key) === 0 ? 0 : 1, k]); return; }
      if (matcher.realQuickRatio(k) >= cutoff && matcher.quickRatio(k) >= cutoff) { score = matcher.ratio(k); }
      if (score < cutoff && key.length >= BEGINNING_LENGTH && k.length > key.length + 1) {
        [key.length, key.length + 1].forEach(function (length) {
          var part = k.slice(0, length);
          if (matcher.quickRatio(part) >= cutoff) { score = Math.max(score, matcher.ratio(part)); }
        });
      }
      if (score >= cutoff) { near.push([score, k]); }
    });
    holds.sort(function (a, b) { return a[0] - b[0]; });  // (stable: the names' own order among equals)
    near.sort(function (a, b) { return b[0] - a[0]; });
    holds.concat(near).forEach(function (item) {
      if (result.indexOf(display[item[1]]) < 0) { result.push(display[item[1]]); }
    });
    return result.slice(0, n);
  }

  function suggested(t, kind, name) {
    // "; did you mean: A, B?" for an unknown weapon system (routes/weapons.py Taxonomy._closest: the
    // closest spellings, one per system) or actor (routes/select.py: the actors' names), or "".
    var memo = t.suggested || (t.suggested = Object.create(null)), at = kind + "\u0000" + name, found;
    if (at in memo) { return memo[at]; }
    if (kind === "weapon") {
      var w = t.panel.weapons, systems = Object.create(null);
      t.weaponNames = t.weaponNames || (w.spellings || []).map(function (s) { return [normalise(s), s]; });
      found = closest(name, t.weaponNames, t.weaponNames.length).filter(function (shown) {
        var system = w.keys[normalise(shown)];
        if (system in systems) { return false; }
        systems[system] = true;
        return true;
      }).slice(0, 5);
    } else {
      var actors = t.panel.actors;
      t.actorNames = t.actorNames || actors.keys.map(function (k, i) { return [k, actors.names[i]]; });
      found = closest(name, t.actorNames);
    }
    memo[at] = found.length ? "; did you mean: " + found.join(", ") + "?" : "";
    return memo[at];
  }

  function compile(api, t, state) {
    // The state as the rules test it, with the filter in words (Filters.describe's order) and what is
    // wrong with it (one message per box).
    var panel = t.panel, data = api.data, c = {errors: {}, words: [], undatedSeen: 0};
    // (a name the CLI would refuse is left out, and says so under its box: it filters nothing, and the
    // title does not name it)
    var names = weaponNames(t, state.weapon), unknown = [], words = [];
    c.weapons = null;
    names.forEach(function (name) {
      var ids = resolveWeapon(t, name);
      if (!ids) { unknown.push("Not applied: unknown weapon system " + quote(name) + suggested(t, "weapon", name)); return; }
      c.weapons = c.weapons || Object.create(null);
      ids.forEach(function (id) { c.weapons[id] = true; });
      words.push(ids.length === 1 ? panel.weapons.names[t.weaponAt[ids[0]]] : name);
    });
    if (unknown.length) { c.errors.weapon = unknown.join("\n"); }
    if (words.length) { c.words.push("weapon " + unique(words).join(" or ")); }
    var ticked = api.categories.filter(function (box) { return box.input.checked; });
    if (ticked.length < api.categories.length) {
      c.words.push(ticked.length ? "category " + ticked.map(function (box) {
        return box.id === null ? "no weapon system listed" : box.id;
      }).join(" or ") : "no category ticked");
    }
    var actors = actorNames(state.actor), keys = panel.actors.keys, missing = [];
    c.actorHit = null;
    actors = actors.filter(function (name) {
      var q = normalise(name);
      if (q && keys.some(function (key) { return key.indexOf(q) >= 0; })) { return true; }
      missing.push("Not applied: " + (q ? "unknown actor " + quote(name) + ": no route on the map names it as supplier, " +
                                          "recipient or intermediary" + suggested(t, "actor", name) :
                                      "actor " + quote(name) + " names no one; give a supplier, recipient or intermediary"));
      return false;
    });
    if (missing.length) { c.errors.actor = missing.join("\n"); }
    if (actors.length) {
      var queries = actors.map(normalise);
      c.actorHit = keys.map(function (key) { return queries.some(function (q) { return key.indexOf(q) >= 0; }); });
      c.words.push("actor " + actors.join(" or "));
    }
    c.placeHit = null;
    if (state.place && own(t.placeAt, state.place)) {
      var at = t.placeAt[state.place], entry = panel.places[at];
      c.placeHit = Object.create(null);
      (entry[4] || [at]).forEach(function (i) { c.placeHit[i] = true; });
      c.words.push("place " + entry[1]);
    }
    c.kind = state.kind && t.kinds.indexOf(state.kind) >= 0 ? state.kind : null;
    if (c.kind) { c.words.push("kind " + c.kind); }
    // (a year that is not one is left out, and says so; the other box's year still counts)
    var bad = [yearError("From", state.since), yearError("To", state.until)].filter(function (e) { return e; });
    c.since = year(state.since) === undefined ? null : year(state.since);
    c.until = year(state.until) === undefined ? null : year(state.until);
    if (bad.length) {
      c.errors.years = bad.map(function (e) { return "Not applied: " + e; }).join("\n");
    } else if (c.since !== null && c.until !== null && c.since > c.until) {
      c.errors.years = "From " + c.since + " is later than To " + c.until + ": no period can end in " + c.since +
        " or later and start in " + c.until + " or earlier; swap them";
      c.since = c.until = null;
    }
    if (c.since !== null) { c.words.push("since " + c.since); }
    if (c.until !== null) { c.words.push("until " + c.until); }
    // the years the routes shown were kept by: those the map was made with, and the panel's
    var made = panel.window;
    c.windowSince = maxYear(made[0], c.since);
    c.windowUntil = minYear(made[1], c.until);
    c.window = c.windowSince !== null || c.windowUntil !== null;
    c.minRank = state.status && own(panel.ranks, state.status) ? panel.ranks[state.status] : null;
    if (c.minRank !== null) { c.words.push("status " + state.status + " or stronger"); }
    c.disputed = state.disputed === true || state.disputed === false ? state.disputed : null;
    if (c.disputed !== null) { c.words.push(c.disputed ? "disputed" : "not disputed"); }
    c.source = state.source && own(t.sourceAt, state.source) ? t.sourceAt[state.source] : null;
    if (c.source !== null) {
      var source = data.sources[state.source];
      c.words.push("source “" + (source ? source.title : state.source) + "”");
    }
    c.keepUndated = state.undated !== false;
    if (!c.keepUndated && c.window) { c.words.push("no routes of unknown date"); }
    return c;
  }

  function quote(text) {
    // as Python's repr quotes a name (the CLI's messages): 'Hamas', "Shi'a militias"
    return String(text).indexOf("'") >= 0 && String(text).indexOf('"') < 0 ? '"' + text + '"' : "'" + text + "'";
  }
  function unique(list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); }
  function maxYear(a, b) { return a === null ? b : b === null ? a : Math.max(a, b); }
  function minYear(a, b) { return a === null ? b : b === null ? a : Math.min(a, b); }

  function routeFilter(t, c, on) {
    // {passes, test, undated} for arms-routes.js's setRouteFilter: routes/select.py select() on one route;
    // and deals(tables): the same for the deals a flow map sums (arms-routes-flows.js), each tested as
    // a route ({index, kind, weapons, disputed}) on its tables ({years, actors, places, sources, rank},
    // per deal, in the panel's positions). Both count the records kept for want of a year.
    var panel = t.panel;
    on = on || {years: panel.years, actors: panel.route_actors, places: panel.route_places, sources: panel.route_sources,
                rank: t.rank};
    var years = on.years, routeActors = on.actors, routePlaces = on.places, routeSources = on.sources, rank = on.rank;
    function span(i) { var y = years[i]; return y ? [y[0], y[1]] : [null, null]; }
    function anyOf(list, hit) {
      if (!list) { return false; }
      for (var j = 0; j < list.length; j++) { if (hit[list[j]]) { return true; } }
      return false;
    }
    function check(route, counting) {
      var i = route.index, j, list, s;
      if (c.kind !== null && route.kind !== c.kind) { return false; }
      if (c.weapons) {
        list = route.weapons || [];
        for (j = 0; j < list.length; j++) { if (c.weapons[list[j]]) { break; } }
        if (j === list.length) { return false; }
      }
      if (c.actorHit && !anyOf(routeActors[i], c.actorHit)) { return false; }
      if (c.placeHit && !anyOf(routePlaces[i], c.placeHit)) { return false; }
      if (c.source !== null && (!routeSources[i] || routeSources[i].indexOf(c.source) < 0)) { return false; }
      if (c.minRank !== null && rank[i] < c.minRank) { return false; }
      if (c.disputed !== null && !!route.disputed !== c.disputed) { return false; }
      if (c.since !== null || c.until !== null) {
        s = span(i);  // routes/select.py overlaps
        if (c.since !== null && s[1] !== null && s[1] < c.since) { return false; }
        if (c.until !== null && s[0] !== null && s[0] > c.until) { return false; }
      }
      if (c.window) {
        s = s || span(i);
        if (keptUndated(s[0], s[1], c.windowSince, c.windowUntil)) {
          if (counting) { c.undatedSeen++; }
          if (!c.keepUndated) { return false; }
        }
      }
      return true;
    }
    return {
      passes: function (route) { return check(route, true); },
      // (the same, not counted among those kept for want of a year: a route no category box shows)
      test: function (route) { return check(route, false); },
      undated: function (route) {
        if (!c.window || !c.keepUndated) { return false; }
        var s = span(route.index);
        return keptUndated(s[0], s[1], c.windowSince, c.windowUntil);
      },
      deals: function (tables) { return routeFilter(t, c, tables); }
    };
  }

  // -- search ------------------------------------------------------------------------------------------

  var KIND_ORDER = {place: 0, weapon: 1, actor: 2, source: 3, route: 4};
  var KIND_WORDS = {place: "place", weapon: "weapon system", actor: "actor", source: "source", route: "route"};

  function searchIndex(api, t) {
    // Everything a search can find, each with the normalised texts it is found by.
    var data = api.data, panel = t.panel, entries = [];
    data.routes.forEach(function (route) {
      entries.push({kind: "route", id: route.id, label: route.name, keys: [normalise(route.name), normalise(route.id)]});
    });
    panel.places.forEach(function (p) {
      entries.push({kind: "place", id: p[0], label: p[1] + (p[2] ? " (" + p[2] + ")" : ""),
                    keys: [p[1], p[0], p[2]].concat(p[3]).map(normalise)});
    });
    Object.keys(data.weapons).forEach(function (id) {
      var w = data.weapons[id];
      entries.push({kind: "weapon", id: id, label: w.name, keys: [w.name, id].concat(w.aliases).map(normalise)});
    });
    panel.actors.names.forEach(function (name, i) {
      entries.push({kind: "actor", id: name, label: name, keys: [panel.actors.keys[i]]});
    });
    panel.sources.forEach(function (id) {
      var s = data.sources[id];
      entries.push({kind: "source", id: id, label: s ? s.title : id, keys: [normalise(s ? s.title : id), normalise(id)]});
    });
    return entries;
  }

  function search(entries, query) {
    var q = normalise(query), found = [], routes = 0;
    if (!q) { return found; }
    entries.forEach(function (entry) {
      var score = 3;
      entry.keys.forEach(function (key) {
        if (!key) { return; }
        if (key === q) { score = Math.min(score, 0); } else if (key.indexOf(q) === 0) { score = Math.min(score, 1); }
        else if (key.indexOf(q) > 0) { score = Math.min(score, 2); }
      });
      if (score < 3) { found.push({entry: entry, score: score}); }
    });
    found.sort(function (a, b) {
      return a.score - b.score || KIND_ORDER[a.entry.kind] - KIND_ORDER[b.entry.kind] ||
        (a.entry.label < b.entry.label ? -1 : a.entry.label > b.entry.label ? 1 : 0);
    });
    return found.filter(function (f) {
      if (f.entry.kind !== "route") { return true; }
      routes++;
      return routes <= SEARCH_ROUTES_MAX;
    }).slice(0, SEARCH_MAX).map(function (f) { return f.entry; });
  }

  // -- the URL fragment ----------------------------------------------------------------------------------

  function readFragment(key) {
    // This map's parameters in the fragment, as text ({field: value}); {} for none or a malformed one.
    var hash = String(window.location.hash || "").replace(/^#/, ""), found = {}, prefix = key + ".";
    if (!hash || hash.length > 20000) { return found; }
    hash.split("&").forEach(function (part) {
      var at = part.indexOf("="), name, value;
      if (at < 0) { return; }
      try {
        name = decodeURIComponent(part.slice(0, at));
        value = decodeURIComponent(part.slice(at + 1).replace(/\+/g, " "));
      } catch (error) {
        return;  // (not URI-encoded: left out)
      }
      if (name.indexOf(prefix) !== 0 || value.length > VALUE_MAX) { return; }
      name = name.slice(prefix.length);
      if (/^[a-z]$/.test(name) && !own(found, name)) { found[name] = value; }
    });
    return found;
  }

  function writeFragment(key, params) {
    // The fragment with this map's parameters set to `params` ([[field, value]...]), others kept.
    var hash = String(window.location.hash || "").replace(/^#/, ""), prefix = key + ".", parts = [];
    hash.split("&").forEach(function (part) {
      if (!part) { return; }
      var name = part.split("=")[0];
      try { name = decodeURIComponent(name); } catch (error) { /* someone else's: kept as it is */ }
      if (name.indexOf(prefix) !== 0) { parts.push(part); }
    });
    params.forEach(function (p) {
      parts.push(encodeURIComponent(prefix + p[0]) + "=" + encodeURIComponent(p[1]).replace(/%2C/g, ",").replace(/%40/g, "@"));
    });
    var next = parts.join("&");
    if (next === hash) { return; }
    var url = String(window.location.href).split("#")[0] + (next ? "#" + next : "");
    try {
      window.history.replaceState(window.history.state, "", url);
    } catch (error) {
      try { window.location.replace(next ? "#" + next : "#"); } catch (ignored) { /* no URL to keep state in */ }
    }
  }

  // -- the panel -------------------------------------------------------------------------------------------

  function field(body, id, label, control, hint) {
    var row = el("div", "arms-routes-field"), name = el("label", "arms-routes-field-label", label);
    name.htmlFor = id;
    control.id = id;
    row.appendChild(name);
    row.appendChild(control);
    if (hint) { control.title = hint; }
    body.appendChild(row);
    return row;
  }

  function select(options) {
    var node = el("select");
    options.forEach(function (o) {
      var option = el("option", null, o[1]);
      option.value = o[0];
      if (o[2]) { option.disabled = true; }
      node.appendChild(option);
    });
    return node;
  }

  function textInput(type, placeholder) {
    var node = el("input");
    node.type = type;
    node.autocomplete = "off";
    node.spellcheck = false;
    if (placeholder) { node.placeholder = placeholder; }
    return node;
  }

  function button(text, label, className) {
    var node = el("button", className || "arms-routes-panel-button", text);
    node.type = "button";
    if (label) { node.setAttribute("aria-label", label); node.title = label; }
    return node;
  }

  function defaults() {
    return {weapon: "", categories: null, kind: "", status: "", disputed: null, actor: "", since: null, until: null,
            undated: true, place: "", source: ""};
  }

  function addPanel(api) {
    var data = api.data, map = api.map;
    if (!data.panel || api.filters) { return; }
    var t = tables(data), state = defaults(), compiled = null, ready = false, playing = null, entries = null;
    var prefix = api.id + "-filter-", size = map.getSize();
    var small = size.x < SMALL_MAP[0] || size.y < SMALL_MAP[1];

    var box = el("div", "arms-routes-panel");
    var toggle = button("Filters", null, "arms-routes-panel-toggle");
    var body = el("div", "arms-routes-panel-body");
    body.id = prefix + "body";
    toggle.setAttribute("aria-controls", body.id);
    box.appendChild(toggle);
    box.appendChild(body);

    // Search, with its results listed below it
    // (placeholders short enough for their boxes; the whole of what a box takes is its hint, on hover)
    var searchBox = textInput("search", "route, place, weapon, actor");
    searchBox.setAttribute("role", "combobox");
    searchBox.setAttribute("aria-autocomplete", "list");
    searchBox.setAttribute("aria-expanded", "false");
    var results = el("ul", "arms-routes-results");
    results.id = prefix + "results";
    results.setAttribute("role", "listbox");
    results.setAttribute("aria-label", "Search results");
    results.hidden = true;
    searchBox.setAttribute("aria-controls", results.id);
    field(body, prefix + "search", "Search", searchBox, "route names, places (name, alias, country), weapon systems " +
          "(name, alias), actors and source titles").classList.add("arms-routes-field-wide");
    var searchNote = el("div", "arms-routes-search-note");
    searchNote.setAttribute("aria-live", "polite");
    body.appendChild(results);
    body.appendChild(searchNote);
    var picks = el("div", "arms-routes-picks");
    body.appendChild(picks);

    var weapon = textInput("text", "name, alias, family");
    var weaponList = el("datalist");
    weaponList.id = prefix + "weapons";
    Object.keys(data.weapons).map(function (id) { return data.weapons[id].name; }).sort().forEach(function (name) {
      var option = el("option");
      option.value = name;
      weaponList.appendChild(option);
    });
    weapon.setAttribute("list", weaponList.id);
    field(body, prefix + "weapon", "Weapon system", weapon, "a name, alias or family, as --weapon reads it (F-7 = f7); several: separate them with commas");
    body.appendChild(weaponList);
    var weaponError = error(body);

    var category = select([["", "any category"]].concat(api.categories.map(function (c) {
      return [c.id === null ? "-" : c.id, c.label + " (" + c.count + ")"];
    }), [["*", "as ticked in the category boxes", true]]));
    field(body, prefix + "category", "Category", category, "one category, or any; the category boxes of the layer control are the same filter");

    var kind = select([["", "any kind"]].concat(t.kinds.map(function (k) { return [k, k]; })));
    field(body, prefix + "kind", "Kind", kind, "what moved");
    var statuses = data.statuses.map(function (s) { return s.id; }).reverse();  // (weakest first)
    var status = select([["", "any status"]].concat(statuses.map(function (s, i) {
      return [s, i === statuses.length - 1 ? s : s + " or stronger"];
    })));
    field(body, prefix + "status", "Minimum status", status, "the weakest evidence status to show: " + statuses.join(" < "));
    var disputed = select([["", "disputed or not"], ["yes", "disputed only"], ["no", "not disputed"]]);
    field(body, prefix + "disputed", "Disputed", disputed, "routes an evidence item disputes (a denial, a non-confirmation, counter-evidence)");
    var actor = textInput("text", "supplier, recipient, via");
    field(body, prefix + "actor", "Actor", actor, "part of a supplier's, recipient's or intermediary's name, as --actor reads it; several: separate them with commas");
    var actorError = error(body);

    var time = el("div", "arms-routes-time");
    time.setAttribute("role", "group");
    var timeLabel = el("div", "arms-routes-field-label", "Years");
    timeLabel.id = prefix + "years";
    time.setAttribute("aria-labelledby", timeLabel.id);
    time.appendChild(timeLabel);
    var since = textInput("number", t.first === null ? "" : String(t.first));
    var until = textInput("number", t.last === null ? "" : String(t.last));
    [since, until].forEach(function (input) {
      input.min = YEAR_RANGE[0];
      input.max = YEAR_RANGE[1];
      input.step = 1;
      input.inputMode = "numeric";
    });
    var years = el("div", "arms-routes-years");
    [["From", since, "routes whose period ends in this year or later (as --since)"],
     ["To", until, "routes whose period starts in this year or earlier (as --until)"]].forEach(function (f) {
      var label = el("label", null, f[0]);
      label.htmlFor = prefix + f[0].toLowerCase();
      f[1].id = label.htmlFor;
      f[1].title = f[2];
      years.appendChild(label);
      years.appendChild(f[1]);
    });
    time.appendChild(years);
    var steps = el("div", "arms-routes-steps");
    var back = button("◀", "Step back a year"), play = button("Play", "Play: one year at a time"),
        forward = button("▶", "Step forward a year");
    play.setAttribute("aria-pressed", "false");
    [back, play, forward].forEach(function (b) { steps.appendChild(b); b.disabled = t.first === null; });
    time.appendChild(steps);
    var undatedRow = el("label", "arms-routes-undated"), undated = el("input"), undatedText = el("span");
    undated.type = "checkbox";
    undated.checked = true;
    undated.id = prefix + "undated";
    undatedRow.appendChild(undated);
    undatedRow.appendChild(undatedText);
    time.appendChild(undatedRow);
    body.appendChild(time);
    var yearsError = error(body);

    var foot = el("div", "arms-routes-panel-foot");
    var count = el("div", "arms-routes-panel-count");
    count.setAttribute("aria-live", "polite");
    var clear = button("Clear filters", null, "arms-routes-panel-button arms-routes-clear");
    foot.appendChild(count);
    foot.appendChild(clear);
    body.appendChild(foot);

    function error(parent) {
      var node = el("div", "arms-routes-field-error");
      node.setAttribute("role", "status");
      node.hidden = true;
      parent.appendChild(node);
      return node;
    }

    function say(node, text) {
      node.textContent = text || "";
      node.hidden = !text;
    }

    function fold(folded) {
      body.hidden = folded;
      toggle.setAttribute("aria-expanded", String(!folded));
      api.fitBoxes();
    }

    function fitPanel() {
      // As tall as the map leaves below the controls above it and above the scale bar (and what else
      // is bottom left), then it scrolls; its count and "Clear filters" stay in view at its foot. A
      // map too low for that: as tall as the map leaves, over the scale bar.
      var frame = map.getContainer().getBoundingClientRect(), below = map._controlCorners.bottomleft;
      var top = toggle.getBoundingClientRect().bottom - frame.top;
      var room = map.getSize().y - top - 6, clear = room - (below && below.offsetHeight ? below.offsetHeight + 6 : 10);
      body.style.maxHeight = Math.round(Math.max(60, clear >= 70 ? clear : room)) + "px";
    }
    map.on("resize", fitPanel);
    // (again once every plugin's control is on the map: the list of routes goes above the panel)
    var fitOthers = api.fitBoxes;
    api.fitBoxes = function () { fitPanel(); fitOthers(); };
    toggle.addEventListener("click", function () { fold(!body.hidden); });

    // -- state <-> controls -----------------------------------------------------------------------------

    function ticked() {
      var on = api.categories.filter(function (b) { return b.input.checked; });
      return on.length === api.categories.length ? null : on.map(function (b) { return b.id; });
    }

    function current() {
      var s = {};
      Object.keys(state).forEach(function (k) { s[k] = state[k]; });
      s.categories = ticked();
      return s;
    }

    function showState() {
      // The controls say the state (a box being typed in keeps its text).
      if (document.activeElement !== weapon) { weapon.value = state.weapon; }
      if (document.activeElement !== actor) { actor.value = state.actor; }
      [[since, state.since], [until, state.until]].forEach(function (f) {
        // (a box being typed in, or holding what is not a year, keeps its text)
        if (typeof f[1] === "number" ? year(f[0].value) !== f[1] : f[1] === null && document.activeElement !== f[0]) {
          f[0].value = f[1] === null ? "" : f[1];
        }
      });
      kind.value = state.kind;
      status.value = state.status;
      disputed.value = state.disputed === true ? "yes" : state.disputed === false ? "no" : "";
      undated.checked = state.undated !== false;
      var on = ticked();
      category.value = on === null ? "" : on.length === 1 ? (on[0] === null ? "-" : on[0]) : "*";
      picks.textContent = "";
      if (state.place && own(t.placeAt, state.place)) { pick("Place: " + t.panel.places[t.placeAt[state.place]][1], "place"); }
      if (state.source && own(t.sourceAt, state.source)) {
        var s = data.sources[state.source];
        pick("Source: " + (s ? s.title : state.source), "source");
      }
    }

    function pick(text, name) {
      var chip = el("div", "arms-routes-pick-chip"), remove = button("✕", "Remove the filter " + text);
      chip.appendChild(el("span", null, text));
      remove.addEventListener("click", function () { var p = {}; p[name] = ""; setFilters(p); });
      chip.appendChild(remove);
      picks.appendChild(chip);
    }

    function setFilters(partial, options) {
      partial = partial || {};
      Object.keys(partial).forEach(function (name) {
        var value = partial[name];
        if (name === "weapon" || name === "actor" || name === "kind" || name === "status" || name === "place" ||
            name === "source") {
          state[name] = value === null || value === undefined ? "" : String(value).slice(0, VALUE_MAX);
        } else if (name === "since" || name === "until") {
          state[name] = value === null || value === undefined || value === "" ? null :
            (year(value) === undefined ? String(value).slice(0, 12) : year(value));
        } else if (name === "disputed") {
          state.disputed = value === true || value === "yes" ? true : value === false || value === "no" ? false : null;
        } else if (name === "undated") {
          state.undated = value !== false && value !== "0";
        }
      });
      if (own(partial, "categories")) {
        var ids = partial.categories;
        if (typeof ids === "string") { ids = [ids]; }
        if (ids === null || ids === undefined || Array.isArray(ids)) { setBoxes(ids || null); }
      }
      apply(options);
    }

    function setBoxes(ids) {
      api.categories.forEach(function (b) { b.input.checked = ids === null || ids.indexOf(b.id) >= 0; });
    }

    function apply() {
      compiled = compile(api, t, state);
      api.setRouteFilter(routeFilter(t, compiled));  // (redraws; onChange below follows)
    }

    function words() {
      var mine = compiled ? compiled.words.join(", ") : "";
      if (!mine) { return data.filter; }
      return data.filter === "all routes" ? mine : data.filter + ", " + mine;
    }

    api.onChange(function (ids) {
      // After every redraw (the panel's, or a category box ticked): words, count, controls, URL.
      if (!compiled) { return; }
      var seen = compiled.undatedSeen;
      compiled.undatedSeen = 0;
      // a box ticked in the layer control changes the words too
      compiled.words = compile(api, t, state).words;
      api.setFilterWords(words());
      count.textContent = ids.length.toLocaleString("en") + " of " + plural(data.routes.length, "route");
      // (the years kept them only because a year of their period is unknown: without years, none)
      undatedText.textContent = "Include routes of unknown date" + (compiled.window ? " (" + seen.toLocaleString("en") + ")" : "");
      undated.disabled = !compiled.window;
      undatedRow.title = compiled.window ? "the routes the years keep only because a year of their period is unknown" :
        "set From or To: the years keep a route whose period they cannot test";
      say(weaponError, compiled.errors.weapon);
      say(actorError, compiled.errors.actor);
      say(yearsError, compiled.errors.years);
      showState();
      // (the Category choices count as the category boxes do: "Anti-tank weapons (2 of 5)")
      api.categories.forEach(function (box, i) {
        var option = category.options[i + 1], text = box.label + " (" + (box.counted || box.count) + ")";
        if (option && option.textContent !== text) { option.textContent = text; }
      });
      save();
    });

    // -- the controls change the state ----------------------------------------------------------------

    function typed(input, name, wait) {
      var timer = null;
      function set() {
        timer = null;
        if (state[name] !== input.value) { var p = {}; p[name] = input.value; setFilters(p); }
      }
      input.addEventListener("input", function () {
        if (timer) { clearTimeout(timer); }
        timer = setTimeout(set, wait);
      });
      input.addEventListener("change", function () { if (timer) { clearTimeout(timer); } set(); });
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") { if (timer) { clearTimeout(timer); } set(); } });
    }
    typed(weapon, "weapon", 250);
    typed(actor, "actor", 200);
    [[since, "since"], [until, "until"]].forEach(function (f) {
      var input = f[0], name = f[1], timer = null;
      function set(final) {
        // A year counts as soon as it is one; digits that may still become one wait for the next key
        // (a moment, or leaving the box); anything else is refused at once, under the box.
        if (timer) { clearTimeout(timer); timer = null; }
        var value = input.validity && input.validity.badInput ? NOT_A_NUMBER : input.value.trim();
        if (!final && year(value) === undefined && mayBecomeYear(value)) {
          timer = setTimeout(function () { set(true); }, 1200);
          return;
        }
        var next = value === "" ? null : year(value) === undefined ? value : year(value);
        if (state[name] !== next) { var p = {}; p[name] = value; setFilters(p); }
      }
      input.addEventListener("input", function () { set(false); });
      input.addEventListener("change", function () { set(true); });
    });
    kind.addEventListener("change", function () { setFilters({kind: kind.value}); });
    status.addEventListener("change", function () { setFilters({status: status.value}); });
    disputed.addEventListener("change", function () { setFilters({disputed: disputed.value || null}); });
    undated.addEventListener("change", function () { setFilters({undated: undated.checked}); });
    category.addEventListener("change", function () {
      if (category.value === "*") { return; }
      setFilters({categories: category.value === "" ? null : [category.value === "-" ? null : category.value]});
    });
    clear.addEventListener("click", function () {
      stop();
      var all = defaults();
      searchBox.value = "";
      closeResults();
      setFilters(all);
    });

    // -- play and step --------------------------------------------------------------------------------

    function step(by) {
      // One year later (earlier): To moves, and From with it when both are set (a window of the same width).
      if (t.first === null) { return false; }
      var s = compiled && compiled.since, u = compiled && compiled.until, next = {};
      if (u === null) {
        if (by < 0) { return false; }
        next.until = s === null ? t.first : s;
      } else {
        next.until = u + by;
        if (s !== null) { next.since = s + by; }
        if (next.until > Math.max(t.last, u) || next.until < Math.min(t.first, u) ||
            (next.since !== undefined && next.since < YEAR_RANGE[0])) { return false; }
      }
      setFilters(next);
      return true;
    }

    function stop() {
      if (playing) { clearInterval(playing); playing = null; }
      play.textContent = "Play";
      play.setAttribute("aria-pressed", "false");
    }

    back.addEventListener("click", function () { stop(); step(-1); });
    forward.addEventListener("click", function () { stop(); step(1); });
    play.addEventListener("click", function () {
      if (playing) { stop(); return; }
      if (compiled && compiled.until !== null && compiled.until >= t.last) {
        // (from the start again)
        var width = compiled.since === null ? null : compiled.until - compiled.since;
        setFilters({until: t.first + (width || 0), since: width === null ? null : t.first});
      } else if (!step(1)) {
        return;
      }
      play.textContent = "Pause";
      play.setAttribute("aria-pressed", "true");
      playing = setInterval(function () { if (!step(1)) { stop(); } }, PLAY_MS);
    });

    // -- search ---------------------------------------------------------------------------------------

    var found = [], active = -1, searchTimer = null;

    function closeResults() {
      results.hidden = true;
      results.textContent = "";
      found = [];
      active = -1;
      searchBox.setAttribute("aria-expanded", "false");
      searchBox.removeAttribute("aria-activedescendant");
    }

    function routesOf(entry) {
      // How many routes a result would show (of all the map's routes).
      var panel = t.panel, n = 0;
      if (entry.count !== undefined) { return entry.count; }
      if (entry.kind === "route") { n = 1; }
      if (entry.kind === "place") {
        var at = t.placeAt[entry.id], hit = {};
        (panel.places[at][4] || [at]).forEach(function (i) { hit[i] = true; });
        panel.route_places.forEach(function (list) { if (list && list.some(function (i) { return hit[i]; })) { n++; } });
      }
      if (entry.kind === "weapon") {
        var ids = {};
        ids[entry.id] = true;
        data.routes.forEach(function (r) { if ((r.weapons || []).some(function (w) { return ids[w]; })) { n++; } });
      }
      if (entry.kind === "actor") {
        var q = normalise(entry.id), keys = panel.actors.keys.map(function (k) { return k.indexOf(q) >= 0; });
        panel.route_actors.forEach(function (list) { if (list && list.some(function (i) { return keys[i]; })) { n++; } });
      }
      if (entry.kind === "source") {
        var s = t.sourceAt[entry.id];
        panel.route_sources.forEach(function (list) { if (list && list.indexOf(s) >= 0) { n++; } });
      }
      entry.count = n;
      return n;
    }

    function showResults() {
      searchTimer = null;
      if (!entries) { entries = searchIndex(api, t); }
      found = search(entries, searchBox.value);
      results.textContent = "";
      active = -1;
      searchBox.removeAttribute("aria-activedescendant");
      if (!normalise(searchBox.value)) { closeResults(); say(searchNote, ""); return; }
      var shownNow = {};
      api.visibleRoutes().forEach(function (id) { shownNow[id] = true; });
      found.forEach(function (entry, i) {
        var item = el("li", "arms-routes-result");
        item.id = prefix + "result-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.appendChild(el("span", "arms-routes-result-name", entry.label));
        var n = routesOf(entry), meta = KIND_WORDS[entry.kind];
        if (entry.kind === "route") {
          if (!shownNow[entry.id]) { meta += " (hidden by the filters: picking it clears them)"; }
        } else {
          meta += " · " + plural(n, "route");
        }
        item.appendChild(el("span", "arms-routes-result-meta", meta));
        item.addEventListener("mousedown", function (e) { e.preventDefault(); });  // (the box keeps the focus)
        item.addEventListener("click", function () { choose(i); });
        results.appendChild(item);
      });
      results.hidden = !found.length;
      searchBox.setAttribute("aria-expanded", String(found.length > 0));
      say(searchNote, found.length ? plural(found.length, "result") + ": arrow keys to choose, Enter to pick" :
        "Nothing found for “" + searchBox.value.trim() + "”");
    }

    function highlight(i) {
      var items = results.children;
      if (!items.length) { return; }
      active = (i + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, j) {
        item.setAttribute("aria-selected", String(j === active));
        item.classList.toggle("arms-routes-result-active", j === active);
      });
      searchBox.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({block: "nearest"});
    }

    function choose(i) {
      var entry = found[i];
      if (!entry) { return; }
      closeResults();
      say(searchNote, "");
      if (entry.kind === "route") {
        if (api.visibleRoutes().indexOf(entry.id) < 0) { setFilters(defaults()); }
        if (api.openCard) { api.openCard(entry.id); }
        return;
      }
      var p = {};
      p[{place: "place", weapon: "weapon", actor: "actor", source: "source"}[entry.kind]] =
        entry.kind === "weapon" ? data.weapons[entry.id].name : entry.id;
      setFilters(p);
    }

    searchBox.addEventListener("input", function () {
      if (searchTimer) { clearTimeout(searchTimer); }
      searchTimer = setTimeout(showResults, 120);
    });
    searchBox.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (searchTimer) { clearTimeout(searchTimer); showResults(); }
        if (results.hidden && normalise(searchBox.value)) { showResults(); }
        highlight(active < 0 ? (e.key === "ArrowDown" ? 0 : -1) : active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (searchTimer) { clearTimeout(searchTimer); showResults(); }
        choose(active < 0 ? 0 : active);
      } else if (e.key === "Escape") {
        if (!results.hidden) { e.preventDefault(); closeResults(); }
      }
    });
    searchBox.addEventListener("blur", function () { setTimeout(function () { if (document.activeElement !== searchBox) { closeResults(); } }, 150); });

    // -- the URL fragment -------------------------------------------------------------------------------

    var card = null, initialView = null;

    function viewText() {
      var c = map.getCenter(), z = map.getZoom();
      return [c.lat.toFixed(4), c.lng.toFixed(4), String(Math.round(z * 100) / 100)].join(",");
    }

    function params() {
      var s = current(), p = [];
      if (s.weapon) { p.push(["w", s.weapon]); }
      if (s.categories !== null) { p.push(["c", s.categories.map(function (id) { return id === null ? "-" : id; }).join(",")]); }
      if (s.kind) { p.push(["k", s.kind]); }
      if (s.status) { p.push(["s", s.status]); }
      if (s.disputed !== null) { p.push(["d", s.disputed ? "yes" : "no"]); }
      if (s.actor) { p.push(["a", s.actor]); }
      if (typeof s.since === "number") { p.push(["f", String(s.since)]); }  // (a year the map refuses is not kept)
      if (typeof s.until === "number") { p.push(["t", String(s.until)]); }
      if (s.undated === false) { p.push(["u", "0"]); }
      if (s.place) { p.push(["p", s.place]); }
      if (s.source) { p.push(["o", s.source]); }
      if (card) {
        // (and where the card points, so that it opens there again: ID@latitude,longitude)
        var at = cardPopup && cardPopup._map && cardPopup.getLatLng();
        p.push(["r", card + (at ? "@" + at.lat.toFixed(4) + "," + at.lng.toFixed(4) : "")]);
      }
      var view = viewText();
      if (initialView !== null && view !== initialView) { p.push(["v", view]); }
      return p;
    }

    var saving = null;

    function save() {
      // The URL follows a moment after the map (typing, playing or panning asks often; a redraw should not wait).
      if (!ready || saving) { return; }
      saving = setTimeout(function () { saving = null; writeFragment(api.key, params()); }, URL_WAIT_MS);
    }

    function parsed(found) {
      // The state a fragment gives (only values that fit), its card and view.
      var p = {}, boxes = api.categories.map(function (b) { return b.id === null ? "-" : b.id; });
      if (own(found, "w")) { p.weapon = found.w; }
      if (own(found, "a")) { p.actor = found.a; }
      if (own(found, "c")) {
        // ("" is none ticked; a list of which none is a category here is left out)
        var known = found.c.split(",").filter(function (id) { return boxes.indexOf(id) >= 0; });
        if (found.c === "" || known.length) { p.categories = known.map(function (id) { return id === "-" ? null : id; }); }
      }
      if (own(found, "k") && t.kinds.indexOf(found.k) >= 0) { p.kind = found.k; }
      if (own(found, "s") && own(t.panel.ranks, found.s)) { p.status = found.s; }
      if (own(found, "d") && (found.d === "yes" || found.d === "no")) { p.disputed = found.d; }
      ["f", "t"].forEach(function (name) {
        if (own(found, name) && year(found[name]) !== undefined && year(found[name]) !== null) {
          p[name === "f" ? "since" : "until"] = year(found[name]);
        }
      });
      if (p.since !== undefined && p.until !== undefined && p.since > p.until) { delete p.since; delete p.until; }
      if (own(found, "u") && (found.u === "0" || found.u === "1")) { p.undated = found.u === "1"; }
      if (own(found, "p") && own(t.placeAt, found.p)) { p.place = found.p; }
      if (own(found, "o") && own(t.sourceAt, found.o)) { p.source = found.o; }
      var route = null, point = null;
      if (own(found, "r")) {
        var cut = found.r.lastIndexOf("@"), id = cut < 0 ? found.r : found.r.slice(0, cut);
        route = own(api.routeLayers, id) ? id : null;
        var at = cut < 0 ? [] : found.r.slice(cut + 1).split(",").map(Number);
        if (route && at.length === 2 && at.every(isFinite) && Math.abs(at[0]) <= 90 && Math.abs(at[1]) <= 540) { point = at; }
      }
      var view = null;
      if (own(found, "v")) {
        var v = found.v.split(",").map(Number);
        if (v.length === 3 && v.every(isFinite) && Math.abs(v[0]) <= 90 && Math.abs(v[1]) <= 540 &&
            v[2] >= map.getMinZoom() && v[2] <= Math.min(map.getMaxZoom(), 22)) { view = v; }
      }
      return {filters: p, card: route, point: point, view: view};
    }

    function restore(found) {
      var r = parsed(found), full = defaults();
      Object.keys(r.filters).forEach(function (k) { full[k] = r.filters[k]; });
      setFilters(full);
      if (r.view) { map.setView([r.view[0], r.view[1]], r.view[2], {animate: false}); }
      if (r.card && api.openCard) {
        // (with the link's view, that view stays: the card opens inside it, where it pointed if it fits there)
        api.openCard(r.card, r.point, {keepView: !!r.view});
      } else if (card) {
        map.closePopup();
      }
    }

    // The route whose card is open: the card is one popup, shared by every route (arms-routes.js
    // routesGroup), opened anew or only given another route's content.
    var cardPopup = api.routes.getPopup && api.routes.getPopup();
    if (cardPopup) {
      cardPopup.on("add contentupdate", function () {
        var source = cardPopup._source, route = source && (source.routeLayer || source).route;
        var id = route && cardPopup._map ? route.id : null;
        if (id !== card) { card = id; save(); }
      });
      cardPopup.on("remove", function () { if (card !== null) { card = null; save(); } });
    }
    map.on("moveend", function () { save(); });
    window.addEventListener("hashchange", function () {
      var found = readFragment(api.key), before = ready;
      ready = false;
      restore(found);
      ready = before;
    });

    // -- on the map ------------------------------------------------------------------------------------

    var Panel = L.Control.extend({
      onAdd: function () {
        var div = L.DomUtil.create("div", "leaflet-control arms-routes-panel-control");
        div.appendChild(box);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    new Panel({position: "topleft"}).addTo(map);
    // Each control is described by its map's title: two maps on a page have two "Actor" boxes, each
    // heard with the title of its own map.
    var titleText = map.getContainer().querySelector(".arms-routes-title-text");
    if (titleText && titleText.id) {
      Array.prototype.forEach.call(box.querySelectorAll("input, select, button"), function (control) {
        control.setAttribute("aria-describedby", titleText.id);
      });
    }
    body.hidden = small;
    toggle.setAttribute("aria-expanded", String(!small));

    // Two maps of one name on a page (two fragments of files of one name) keep apart all the same.
    var others = Object.keys(window.armsRoutes || {}).map(function (id) { return window.armsRoutes[id]; })
      .filter(function (other) { return other !== api && other.filters; });
    var key = api.key, n = 1;
    while (others.some(function (other) { return other.key === key; })) { n++; key = api.key + "-" + n; }
    api.key = key;

    api.filters = current;
    api.setFilters = function (partial) { setFilters(partial); };
    api.filterWords = words;

    var found0 = readFragment(api.key);
    restore(found0);
    fitPanel();
    api.fitBoxes();
    initialView = own(found0, "v") ? null : viewText();
    if (initialView === null) { initialView = "(restored)"; }
    ready = true;
  }

  addPanel.takesTopLeft = 290;  // px, with its margin (arms-routes.js puts the legend on the right, fits the routes beside it)
  addPanel.closest = closest;  // (the CLI's "did you mean", for tests and plugins)
  window.armsRoutesFilters = addPanel;
  window.armsRoutesPlugins = window.armsRoutesPlugins || [];
  window.armsRoutesPlugins.push(addPanel);
})();
