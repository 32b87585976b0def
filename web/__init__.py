"""The web journal: server-rendered pages in Russian for every user, over the same command
handlers, scope checks and read-model queries as the API (``api/``)."""
