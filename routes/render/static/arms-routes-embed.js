/* arms-routes --embed: what a fragment needs on the host page, put there by whichever fragment comes
 * first and only once (routes/render/html.py fills in `config` with JSON values, nothing else):
 *
 *   config.leaflet     null when Leaflet is inlined (--offline: arms-routes-leaflet.js), else where
 *                      to load it from: {css, cssIntegrity, js, jsIntegrity} (its CDN, with
 *                      subresource integrity)
 *   config.leafletCss  Leaflet's stylesheet as text, when inlined; else null
 *   config.css         our stylesheet (arms-routes.css) as text
 *
 * Stylesheets go at the start of the document head (ours right after Leaflet's), so that the host page's own
 * styles, which come later, win over ours. window.armsRoutesLeaflet is a promise of Leaflet:
 * resolved at once when it is inlined (or the page already has it), else when the CDN's copy has
 * loaded. window.armsRoutesWhenLeaflet(boxId, draw) runs a fragment's `draw` when that promise
 * resolves, and otherwise says in the fragment's box, in words, why the map could not be drawn.
 */
(function (config) {
  "use strict";

  function addStyle(id, css) {
    if (document.getElementById(id)) { return; }
    var style = document.createElement("style"), head = document.head;
    var leaflet = document.getElementById("arms-routes-leaflet-css");
    style.id = id;
    style.textContent = css;
    head.insertBefore(style, leaflet ? leaflet.nextSibling : head.firstChild);
  }

  if (!window.armsRoutesLeaflet) {
    if (config.leafletCss !== null) {
      addStyle("arms-routes-leaflet-css", config.leafletCss);  // (its script follows, inlined)
    } else if (window.L) {
      window.armsRoutesLeaflet = Promise.resolve(window.L);
    } else {
      window.armsRoutesLeaflet = new Promise(function (resolve, reject) {
        var head = document.head, css = document.createElement("link"), js = document.createElement("script");
        css.id = "arms-routes-leaflet-css";
        css.rel = "stylesheet";
        css.href = config.leaflet.css;
        css.crossOrigin = "anonymous";
        css.integrity = config.leaflet.cssIntegrity;
        js.src = config.leaflet.js;
        js.crossOrigin = "anonymous";
        js.integrity = config.leaflet.jsIntegrity;
        js.onload = function () { resolve(window.L); };
        js.onerror = function () { reject(new Error("could not load Leaflet from " + js.src)); };
        head.insertBefore(css, head.firstChild);
        head.appendChild(js);
      });
    }
  }
  addStyle("arms-routes-css", config.css);

  if (!window.armsRoutesWhenLeaflet) {
    window.armsRoutesWhenLeaflet = function (boxId, draw) {
      (window.armsRoutesLeaflet || Promise.reject(new Error("arms-routes: Leaflet was not loaded"))).then(draw)
        .catch(function (error) {
          var box = document.getElementById(boxId), note = document.createElement("p");
          // No Leaflet: the words of arms-routes-access.js, which name --offline
          if (box && !window.L && window.armsRoutesNoLeaflet) { window.armsRoutesNoLeaflet(box, true); return; }
          note.className = "arms-routes-failed";
          note.textContent = "The map could not be drawn: " + (error && error.message || error);
          if (box) { box.appendChild(note); }
          if (window.console) { console.error(error); }
        });
    };
  }
})(/*@config@*/null);
