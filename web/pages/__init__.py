"""One module per page family: a role's pages, over the core's handlers and queries."""
