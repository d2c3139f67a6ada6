/* arms-routes: the filter panel, time control and state in the URL of every map (issue 16).
 * Loaded after arms-routes.js (routes/render/html.py SCRIPTS). */
