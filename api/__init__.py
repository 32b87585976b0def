"""The HTTP API of ejournal: thin routers over the journal core (DESIGN.md §11)."""
