"""Read models: projections of a school's log into tables, tracked exactly once."""
