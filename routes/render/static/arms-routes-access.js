/* arms-routes: the map without a mouse, and on a phone (issue 16). Loaded after arms-routes.js and
 * arms-routes-filters.js (routes/render/html.py SCRIPTS), on every map: a page, --offline and --embed
 * (once per page). For each map drawn (window.armsRoutesPlugins, see arms-routes.js) it adds:
 *
 * - The routes shown as a list: a <figure> whose <figcaption> names the selection (the title and
 *   the filter in words, as the title box says them), behind a "Routes (N)" button in the top left
 *   corner. Folded, it is off the screen but not out of reach: a screen reader reads it, and Tab
 *   (after the button) enters it and unfolds it. It follows the filters (api.onChange; until that
 *   exists, the category boxes). The list is one Tab stop: the arrow keys, Home, End, Page Up and
 *   Page Down move between routes, Enter opens the route's card (api.openCard), focus goes into the
 *   card (Escape closes it) and back to the route when it closes.
 * - A click on a waypoint lists the routes shown through it (each button opens its card); a click
 *   where several route lines lie under the pointer lists those to choose from, instead of opening
 *   the topmost one's card.
 * - window.armsRoutesNoLeaflet(box, embed): the words a map whose Leaflet could not be loaded shows
 *   in `box`, naming --offline. A page shows them by itself (its map script runs through
 *   window.armsRoutesWhenLeaflet, defined here for pages, so nothing throws); a fragment, when its
 *   promise of Leaflet fails (arms-routes-embed.js).
 *
 * Every text from the data goes on the page through textContent.
 */
(function () {
  "use strict";
  if (window.armsRoutesNoLeaflet) { return; }  // (every --embed fragment carries it; the first one on a page runs it)

  var LIST_STEP = 200;   // routes listed at a time ("Show more" adds as many): 30,000 buttons take a second to make
  var PAGE_STEP = 10;    // routes Page Up and Page Down move by
  var SMALL_MAP = [720, 420];  // a map narrower or lower than this (px) folds its controls (as arms-routes.js)

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // -- no Leaflet: say so, in words -----------------------------------------------------------------

  function leafletHost() {
    // Where the page asked for Leaflet (its script element, or the stylesheet a fragment put on the page).
    var node = document.querySelector("script[src*='leaflet'], link#arms-routes-leaflet-css, link[href*='leaflet']");
    var url = node && (node.src || node.href);
    try { return url ? new URL(url, document.baseURI).host : ""; } catch (error) { return ""; }
  }

  function noLeaflet(box, embed) {
    if (!box || box.querySelector(".arms-routes-no-leaflet")) { return; }
    var host = leafletHost(), note = el("div", "arms-routes-failed arms-routes-no-leaflet");
    note.setAttribute("role", "alert");
    note.appendChild(el("p", null, "This map needs Leaflet" + (host ? " from " + host : "") +
                        ", which could not be loaded (is this computer offline?)."));
    var how = el("p", null, "Render it with ");
    how.appendChild(el("code", null, "arms-routes render " + (embed ? "--embed " : "") + "--offline"));
    how.appendChild(document.createTextNode(" to get a map that needs no network, or ask whoever sent it for a copy made with "));
    how.appendChild(el("code", null, "--offline"));
    how.appendChild(document.createTextNode("."));
    note.appendChild(how);
    box.appendChild(note);
  }
  window.armsRoutesNoLeaflet = noLeaflet;

  if (!window.armsRoutesWhenLeaflet) {
    // A page's map script runs through this (routes/render/html.py map_page), as a fragment's runs
    // through arms-routes-embed.js's: a page loads Leaflet before its scripts, so it is there or it failed.
    window.armsRoutesWhenLeaflet = function (boxId, draw) {
      if (window.L) { draw(); } else { noLeaflet(document.getElementById(boxId), false); }
    };
  }

  if (!window.L && !window.armsRoutesLeaflet) {
    // A page (a fragment has its promise of Leaflet): the script element of Leaflet, before this one, failed.
    var onReady = function () {
      Array.prototype.forEach.call(document.querySelectorAll(".folium-map"), function (box) { noLeaflet(box, false); });
    };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", onReady); } else { onReady(); }
  }

  // -- route buttons, lists of them, and moving along them with the keyboard -------------------------

  function routeWords(data, route) {
    // "Fixture Nampo → Fixture Port Sudan · 2009–2014 · reported, disputed"
    var path = (route.path || []).map(function (i) { return data.places[i] && data.places[i].label; });
    var words = [];
    if (path.length) { words.push(path[0] + " → " + path[path.length - 1]); }
    if (route.period) { words.push(route.period); }
    words.push(route.status + (route.disputed ? ", disputed" : ""));
    if (route.kind && route.kind !== "arms") { words.push(route.kind); }
    return words.join(" · ");
  }

  function routeButton(api, route, pick) {
    // A route to pick: its line as the map draws it (colour and pattern), its name, where from and to, when, how sure.
    var data = api.data, button = el("button", "arms-routes-pick");
    button.type = "button";
    button.tabIndex = -1;
    button.setAttribute("data-route", route.id);
    var words = routeWords(data, route), name = el("span", "arms-routes-pick-name"), sample = api.lineSample && api.lineSample(route.id);
    if (sample) { name.appendChild(sample); }
    name.appendChild(document.createTextNode(route.name));
    button.appendChild(name);
    button.appendChild(el("span", "arms-routes-pick-meta", words));
    button.setAttribute("aria-label", route.name + ": " + words);  // (what it shows, read as one sentence)
    button.addEventListener("click", function () { pick(route.id, button); });
    return button;
  }

  function roving(list) {
    // One Tab stop for the buttons of `list`: the current one (tabIndex 0); arrows move it.
    function buttons() { return Array.prototype.slice.call(list.querySelectorAll("button.arms-routes-pick")); }
    function current(button) {
      buttons().forEach(function (b) { b.tabIndex = b === button ? 0 : -1; });
    }
    list.addEventListener("focusin", function (e) {
      if (e.target.classList && e.target.classList.contains("arms-routes-pick")) { current(e.target); }
    });
    list.addEventListener("keydown", function (e) {
      var items = buttons(), at = items.indexOf(document.activeElement), to = null;
      if (at < 0) { return; }
      if (e.key === "ArrowDown" || e.key === "ArrowRight") { to = at + 1; }
      else if (e.key === "ArrowUp" || e.key === "ArrowLeft") { to = at - 1; }
      else if (e.key === "Home") { to = 0; }
      else if (e.key === "End") { to = items.length - 1; }
      else if (e.key === "PageDown") { to = at + PAGE_STEP; }
      else if (e.key === "PageUp") { to = at - PAGE_STEP; }
      if (to === null) { return; }
      e.preventDefault();
      e.stopPropagation();
      to = Math.max(0, Math.min(items.length - 1, to));
      current(items[to]);
      items[to].focus();
    });
    return {
      buttons: buttons,
      first: function () {
        // the button that Tab reaches: the current one, else the first
        var items = buttons(), found = items.filter(function (b) { return b.tabIndex === 0; })[0] || items[0];
        if (found) { current(found); }
        return found || null;
      }
    };
  }

  // -- cards opened from a list: focus goes in, and back out when the card closes --------------------

  function watchPopups(api) {
    // Every popup of the map (route card, or a list of routes) can be scrolled and read with the
    // keyboard (it is focusable), and Escape closes it; focus goes back to what opened it.
    var map = api.map;
    function reachable(e) {
      var node = e.popup.getElement(), content = node && node.querySelector(".leaflet-popup-content");
      if (!content) { return; }
      content.tabIndex = 0;
      var heading = content.querySelector("h3");
      content.setAttribute("role", "group");
      content.setAttribute("aria-label", heading ? heading.textContent : "Map card");
      if (!node.armsRoutesKeys) {
        node.armsRoutesKeys = true;
        node.addEventListener("keydown", function (event) {
          if (event.key === "Escape") {
            event.preventDefault();
            map.closePopup();
          }
        });
      }
    }
    map.on("popupopen", reachable);
    // (a link's card opened before this ran: as the filter panel restores the state in the URL)
    if (map._popup && map._popup.isOpen()) { reachable({popup: map._popup}); }
    map.on("popupclose", function (e) {
      var node = e.popup.getElement(), opener = e.popup.armsRoutesOpener, active = document.activeElement;
      if (!opener || !document.body.contains(opener)) { return; }
      if (active === document.body || active === null || (node && node.contains(active))) {
        opener.focus({preventScroll: true});
      }
    });
  }

  function focusInto(popup, opener) {
    // After a card opened from a button: focus in the card, so that Tab, the arrow keys and Escape work there.
    if (!popup) { return; }
    popup.armsRoutesOpener = opener;
    var node = popup.getElement(), content = node && node.querySelector(".leaflet-popup-content");
    if (content) {
      content.tabIndex = 0;
      content.focus({preventScroll: true});
    }
  }

  function openCard(api, routeId, opener, latlng) {
    var popup = api.openCard(routeId, latlng);
    if (popup && opener) { focusInto(popup, opener); }
    return popup;
  }

  // -- the list of routes ----------------------------------------------------------------------------

  function selectionWords(api) {
    // What the title box says the map shows: its title and its filter in words (with the count).
    var box = api.map.getContainer().querySelector(".arms-routes-title");
    if (!box) { return api.data.title; }
    var title = box.querySelector(".arms-routes-title-text"), filter = box.querySelector(".arms-routes-filter");
    return [title && title.textContent, filter && filter.textContent].filter(function (t) { return t; }).join(" — ");
  }

  function routeList(api) {
    var data = api.data, byId = {}, shownIds = [], listed = 0;
    data.routes.forEach(function (route) { byId[route.id] = route; });

    var box = el("div", "arms-routes-list-box");
    var toggle = el("button", "arms-routes-list-toggle");
    toggle.type = "button";
    var figure = el("figure", "arms-routes-list arms-routes-folded");
    figure.id = api.id + "-routes";
    toggle.setAttribute("aria-controls", figure.id);
    toggle.setAttribute("aria-expanded", "false");
    var caption = el("figcaption", "arms-routes-list-caption");
    caption.id = api.id + "-routes-caption";
    var list = el("ul", "arms-routes-list-items");
    list.setAttribute("aria-labelledby", caption.id);
    var more = el("button", "arms-routes-list-more");
    more.type = "button";
    more.hidden = true;
    figure.appendChild(caption);
    figure.appendChild(list);
    figure.appendChild(more);
    box.appendChild(toggle);
    box.appendChild(figure);
    var keys = roving(list);

    function pick(routeId, button) {
      // (on a small map the list folds for the card: it unfolds again when focus comes back to it)
      openCard(api, routeId, button);
    }

    function small() {
      var size = api.map.getSize();
      return size.x < SMALL_MAP[0] || size.y < SMALL_MAP[1];
    }

    function addItems(count) {
      var end = Math.min(shownIds.length, listed + count), i, item;
      for (i = listed; i < end; i++) {
        item = el("li");
        item.appendChild(routeButton(api, byId[shownIds[i]], pick));
        list.appendChild(item);
      }
      listed = end;
      var rest = shownIds.length - listed;
      more.hidden = rest <= 0;
      more.textContent = "Show " + Math.min(LIST_STEP, rest) + " more (" + rest + " not listed yet)";
    }

    function update(ids) {
      // The routes shown, as the map now draws them (`ids` in the order of the data).
      var focused = list.contains(document.activeElement) ? document.activeElement.getAttribute("data-route") : null;
      shownIds = ids.filter(function (id) { return byId[id]; });
      listed = 0;
      list.textContent = "";
      if (shownIds.length) {
        addItems(LIST_STEP);
      } else {
        list.appendChild(el("li", "arms-routes-list-empty", "No route is shown: the filters leave none."));
        more.hidden = true;
      }
      toggle.textContent = "Routes (" + shownIds.length + ")";
      caption.textContent = "Routes shown on the map: " + selectionWords(api);
      fit();  // (the title box may have grown with the words of a filter)
      var again = focused && list.querySelector('button[data-route="' + CSS.escape(focused) + '"]');
      if (again) { again.focus({preventScroll: true}); } else { keys.first(); }
    }

    function fold(folded) {
      figure.classList.toggle("arms-routes-folded", folded);
      toggle.setAttribute("aria-expanded", String(!folded));
    }

    toggle.addEventListener("click", function () {
      var unfold = figure.classList.contains("arms-routes-folded");
      fold(!unfold);
      if (unfold) { var first = keys.first(); if (first) { first.focus({preventScroll: true}); } }
    });
    more.addEventListener("click", function () {
      var next = listed;
      addItems(LIST_STEP);
      var button = keys.buttons()[next];
      if (button) { button.focus({preventScroll: true}); }
    });
    figure.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !figure.classList.contains("arms-routes-folded")) {
        fold(true);
        toggle.focus({preventScroll: true});
      }
    });

    function fit() {
      // Below the title box where they would meet (a narrow map starts the title beside the zoom
      // buttons), then as tall as the map leaves (half of it, beside a legend), and it scrolls.
      var div = box.parentNode, title = api.map.getContainer().querySelector(".arms-routes-title");
      if (!div) { return; }
      api.map.getContainer().classList.toggle("arms-routes-small", small());  // (for arms-routes.css)
      // On a small map the attribution leaves the scale bar (bottom left) its room, on two lines if need be.
      var credit = api.map.getContainer().querySelector(".leaflet-control-attribution");
      if (credit) { credit.style.maxWidth = small() ? Math.max(120, api.map.getSize().x - 130) + "px" : ""; }
      div.style.marginTop = "";
      var size = api.map.getSize(), t = title && title.offsetWidth ? title.getBoundingClientRect() : null;
      var b = toggle.getBoundingClientRect();
      if (t && b.left < t.right && b.right > t.left && b.top < t.bottom + 6 && b.bottom > t.top) {
        div.style.marginTop = Math.round(10 + t.bottom + 8 - b.top) + "px";
      }
      var top = toggle.getBoundingClientRect().bottom - api.map.getContainer().getBoundingClientRect().top;
      figure.style.maxHeight = Math.round(Math.max(120, Math.min(size.y - top - 50, small() ? size.y : size.y * 0.55))) + "px";
      figure.style.width = Math.max(180, Math.min(320, size.x - 40)) + "px";
    }
    api.map.on("resize", fit);
    var padding = api.routes.cardPadding;
    if (padding) {
      // A card opens clear of the list while it shows (on a small map the list folds instead: below).
      api.routes.cardPadding = function () {
        var room = padding.call(this), shown = figure.offsetWidth > 1 && !small();
        if (shown) {
          var right = figure.getBoundingClientRect().right - api.map.getContainer().getBoundingClientRect().left;
          room.topLeft = [Math.max(room.topLeft[0], Math.round(right) + 10), room.topLeft[1]];
        }
        return room;
      };
    }
    api.map.on("popupopen", function (e) {
      // A card on a phone needs the room: the list folds, and a card opened from it takes the focus
      // now, before the card is fitted between the controls (a list with focus in it shows).
      if (!small()) { return; }
      fold(true);
      var node = e.popup.getElement(), content = node && node.querySelector(".leaflet-popup-content");
      if (content && figure.contains(document.activeElement)) { content.focus({preventScroll: true}); }
    });

    var control = L.control({position: "topleft"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "leaflet-control arms-routes-list-control");
      div.appendChild(box);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(api.map);
    // Right under the zoom buttons, before the filter panel: the list is early in the Tab order, and
    // opens over the panel (the panel is found by the toggle that unfolds it, Tab goes on there).
    var div = control.getContainer(), corner = div.parentNode, zoom = corner.querySelector(".leaflet-control-zoom");
    corner.insertBefore(div, zoom ? zoom.nextSibling : corner.firstChild);
    update(api.visibleRoutes());
    fit();
    return {update: update, element: figure, toggle: toggle};
  }

  function followFilters(api, update) {
    // After each redraw: api.onChange (the filter panel's); else after a category box or button changes.
    if (typeof api.onChange === "function") {
      api.onChange(function (ids) { update(ids || api.visibleRoutes()); });
      return;
    }
    // (listened to on the layer control, so after the box's or button's own listener has redrawn the map)
    var container = api.control.getContainer();
    container.addEventListener("change", function () { update(api.visibleRoutes()); });
    container.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest("button")) { update(api.visibleRoutes()); }
    });
    var setCategories = api.setCategories;
    api.setCategories = function (ids) { setCategories(ids); update(api.visibleRoutes()); };
  }

  // -- a list of routes in a popup: through a waypoint, or under the pointer ---------------------------

  function choice(api, latlng, heading, notes, routes, hidden) {
    var data = api.data, box = el("div", "arms-routes-choice");
    box.appendChild(el("h3", null, heading));
    notes.forEach(function (note) { if (note) { box.appendChild(el("p", "arms-routes-describe", note)); } });
    var list = el("ul", "arms-routes-list-items");
    routes.slice(0, LIST_STEP).forEach(function (route) {
      var item = el("li");
      item.appendChild(routeButton(api, route, function (routeId) {
        // (the card opens where the reader clicked; focus goes into it, as from the list of routes)
        focusInto(api.openCard(routeId, latlng), popup.armsRoutesOpener || null);
      }));
      list.appendChild(item);
    });
    box.appendChild(list);
    if (routes.length > LIST_STEP) {
      box.appendChild(el("p", "arms-routes-muted", plural(routes.length - LIST_STEP, "more route") +
                          " not listed here: the filters narrow the list"));
    }
    if (hidden) { box.appendChild(el("p", "arms-routes-muted", plural(hidden, "more route") + " through here hidden by the filters")); }
    var keys = roving(list);
    keys.first();
    // clear of the controls, as a card (api.routes.cardPadding measures them)
    var room = api.map.getSize(), padding = api.routes.cardPadding ? api.routes.cardPadding()
      : {topLeft: [20, 100], bottomRight: [20, 20]};
    var popup = L.popup({maxWidth: Math.max(200, Math.min(340, room.x - 80)), minWidth: Math.min(220, room.x - 80),
                         maxHeight: Math.max(160, Math.min(Math.round(room.y * 0.6),
                                                           room.y - padding.topLeft[1] - padding.bottomRight[1] - 40)),
                         className: "arms-routes-choice-popup",
                         autoPanPaddingTopLeft: padding.topLeft, autoPanPaddingBottomRight: padding.bottomRight})
      .setLatLng(latlng).setContent(box).openOn(api.map);
    return popup;
  }

  function shownSet(api) {
    var set = {};
    api.visibleRoutes().forEach(function (id) { set[id] = true; });
    return set;
  }

  function routesThrough(api, markers) {
    // The routes whose waypoints are drawn at these markers: [routes shown, number hidden].
    var places = {}, shown = shownSet(api), through = [], hidden = 0;
    markers.forEach(function (m) { (m.place.places || []).forEach(function (p) { places[p] = true; }); });
    api.data.routes.forEach(function (route) {
      var path = route.path || [], i;
      for (i = 0; i < path.length; i++) {
        if (places[path[i]]) {
          if (shown[route.id]) { through.push(route); } else { hidden++; }
          return;
        }
      }
    });
    return [through, hidden];
  }

  function waypointLists(api) {
    // A click on a waypoint lists the routes through it (and through any other marker under the pointer there).
    api.waypoints.on("click", function (e) {
      if (!e.layer || !e.layer.place) { return; }
      L.DomEvent.stop(e);
      var point = e.layerPoint || api.map.latLngToLayerPoint(e.latlng), markers = [];
      api.waypoints.eachLayer(function (layer) {
        if (layer.place && layer._map && (layer === e.layer || layer._containsPoint(point))) { markers.push(layer); }
      });
      var found = routesThrough(api, markers), through = found[0];
      var names = [];
      markers.forEach(function (m) { if (names.indexOf(m.place.label) < 0) { names.push(m.place.label); } });
      var notes = markers.map(function (m) { return m.place.describe; });
      notes.push(through.length ? plural(through.length, "route") + " through here:" : "No route shown passes through here.");
      choice(api, L.latLng(e.layer.getLatLng()), names.join(" · "), notes, through, found[1]);
      e.layer.closeTooltip();
    });
  }

  function linesAt(api, point) {
    // The route lines under a layer point, as Leaflet finds the one it clicks (within each line's click tolerance).
    var hits = [];
    api.routes.eachLayer(function (layer) {
      if (layer.route && layer._parts && layer._parts.length && layer._containsPoint(point)) { hits.push(layer); }
    });
    return hits.sort(function (a, b) { return a.route.index - b.route.index; });
  }

  function lineChoices(api) {
    // Where several route lines lie under the pointer, the reader picks one (Leaflet alone opens the topmost).
    var group = api.routes, open = group._openPopup;
    if (typeof open !== "function") { return; }
    group.off("click", open);
    group.on("click", function (e) {
      var hits = e.layerPoint ? linesAt(api, e.layerPoint) : [];
      if (hits.length < 2) { return open.call(group, e); }
      L.DomEvent.stop(e);
      group.closeTooltip();
      choice(api, e.latlng, hits.length + " routes here: choose one",
             ["Several route lines lie under the pointer."], hits.map(function (l) { return l.route; }), 0);
    });
  }

  function addAccess(api) {
    if (api.access) { return; }
    watchPopups(api);
    var list = routeList(api);
    followFilters(api, list.update);
    waypointLists(api);
    lineChoices(api);
    api.access = {list: list.element, toggle: list.toggle, update: list.update};
  }

  window.armsRoutesPlugins = window.armsRoutesPlugins || [];
  window.armsRoutesPlugins.push(addAccess);
})();
