"""The event-sourced aggregates: SchoolYear, Account, Student, ClassJournal."""
