/* arms-routes: access without a mouse (issue 16): the routes as an accessible list, keyboard access,
 * waypoint-click route lists, the overlapping-lines chooser, the no-Leaflet message and the phone
 * layout. Loaded after arms-routes.js and arms-routes-filters.js (routes/render/html.py SCRIPTS),
 * on every map: a page, --offline and --embed (once per page).
 *
 * (Empty for now: written by the helper that builds these.)
 */
