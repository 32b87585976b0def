"""The API's own models shared by several routers: ``<Thing>Request`` bodies and ``<Thing>Public``
answers, kept apart from the core's commands and aggregates so the HTTP contract is reviewable."""
