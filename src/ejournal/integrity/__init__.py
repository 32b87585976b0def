"""The provable log: canonical event bytes, the RFC 9162 Merkle tree, signed checkpoints, proofs.

``merkle``, ``checkpoint`` and ``canonical`` are pure (hashlib, cryptography, orjson); ``tree`` is
the tree as a read model of a school's database, ``notary`` signs checkpoints over it, and
``verification`` recomputes everything from the stored events.
"""
