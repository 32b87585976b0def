"""Commands (one frozen pydantic model each) and their handlers.

A handler has one shape: resolve and authorise the actor, apply the regulation profile, call the
aggregate, save once (``School.run`` retries on a concurrency conflict), return the log position.
"""
