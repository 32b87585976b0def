"""History, or time travel (DESIGN.md §6): a class journal as it stood at any moment
(``as_of``), what changed on it between two moments (``diff``), and the whole story of one mark
(``story``); ``superseded`` reads what a journal's corrections superseded, and ``answer`` is the
base of the answers.

Everything here is replayed from the log, never read from a read model, and answered in the
shapes the read models give. Who may read what is decided by the core's access module
(``ejournal.access``).
"""
