/* arms-routes --embed --offline: Leaflet's own script, inlined where the marker below is (by
 * routes/render/html.py, from the installed django-js-lib-leaflet package), and run by the first
 * fragment on the page only; its stylesheet was put on the page by arms-routes-embed.js. */
if (!window.armsRoutesLeaflet) {
  if (!window.L) {
/*@leaflet.js@*/
  }
  window.armsRoutesLeaflet = Promise.resolve(window.L);
}
