"""Read queries over the aggregates and the read models, each taking what the core's access
module (``ejournal.access``) answered for the reader: a route calls the access rule, then one of
these, and renders."""
