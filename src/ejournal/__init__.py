"""ejournal: an event-sourced, audit-first electronic class journal and student diary."""
