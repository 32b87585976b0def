"""The provable log in answers: checkpoints, the school's public key, inclusion and consistency
proofs. Hashes are lowercase hex; a checkpoint's ``note`` is the C2SP signed note itself, which
is what a verifier checks (with the key from ``/integrity/public-key`` or, without a login,
``/schools/{school}/log/key``). docs/integrity.md says how, byte by byte."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from ejournal.integrity.checkpoint import VerifierKey
from ejournal.integrity.notary import SignedCheckpoint


class CheckpointPublic(BaseModel):
    """A signed checkpoint: the log's size, its tree's root and when it was signed."""

    origin: str
    """``ejournal/<school id>``: the log, and the name of the key that signs it."""
    size: int
    """How many events the tree held."""
    root: str
    """The tree's root hash (RFC 9162), hex."""
    time: datetime
    note: str
    """The checkpoint as signed: a C2SP tlog-checkpoint in a C2SP signed note."""

    @classmethod
    def of(cls, signed: SignedCheckpoint) -> CheckpointPublic:
        checkpoint = signed.checkpoint
        return cls(
            origin=checkpoint.origin,
            size=checkpoint.size,
            root=checkpoint.root.hex(),
            time=checkpoint.time,
            note=signed.note,
        )


class NamedKeyPublic(BaseModel):
    """A key the log names: by its first key's registration (``SigningKeyRegistered``) or a
    rotation (``SigningKeyRotated``, with its reason). It signs the checkpoints of
    ``from_size`` events on, until the next key's ``from_size``."""

    verifier_key: str
    fingerprint: str
    position: int
    """The log position of the event that names it."""
    from_size: int | None
    """The smallest checkpoint size it signs: 1 for the log's first key (a log older than key
    events was signed by it from the start), the rotation's leaf index + 1 for a rotated key;
    null while the tree has not yet hashed the rotation."""
    rotation_reason: str | None
    """Why the key was rotated; null for the first key."""


class PublicKeyPublic(BaseModel):
    """The school's Ed25519 key that signs its checkpoints."""

    name: str
    """The key's name: the checkpoints' origin."""
    key_id: str
    """The 4-byte id every signature line carries, hex."""
    algorithm: str = "ed25519"
    public_key: str
    """The raw 32-byte public key, hex."""
    verifier_key: str
    """The C2SP verifier key ``<name>+<key id>+<base64>``, for note verifiers."""
    fingerprint: str
    """``SHA256:`` and the SHA-256 of the raw public key, hex in groups of four: what title
    pages print and what a person pins."""
    keys: list[NamedKeyPublic] = []
    """Every key the log names, oldest first (the last is this one): which key signs which
    checkpoint, so that checkpoints from before a rotation can be checked."""

    @classmethod
    def of(cls, key: VerifierKey, keys: list[NamedKeyPublic] | None = None) -> PublicKeyPublic:
        return cls(
            name=key.name,
            key_id=key.key_id.hex(),
            public_key=key.public_key.hex(),
            verifier_key=key.text,
            fingerprint=key.fingerprint,
            keys=keys or [],
        )


class InclusionProofPublic(BaseModel):
    """The event at a log position is the leaf ``leaf_index`` of the tree of ``tree_size``
    leaves: hashing ``leaf_hash`` up the ``audit_path`` (RFC 9162 §2.1.3) gives ``root``."""

    position: int
    leaf_index: int
    """The event's ordinal in the log (0-based): its leaf index."""
    tree_size: int
    leaf: str
    """The event's canonical bytes (one line of JSON): its leaf hash is SHA-256(0x00 ‖ leaf)."""
    leaf_hash: str
    audit_path: list[str]
    root: str
    checkpoint: CheckpointPublic | None
    """The signed checkpoint of this size, when one was signed at it."""


class LeafHashesPublic(BaseModel):
    """Consecutive leaf hashes of the log, from ``start`` on (none past ``tree_size``)."""

    start: int
    tree_size: int
    """How many leaves the stored tree holds now (signed or not yet)."""
    leaf_hashes: list[str]
    """SHA-256(0x00 ‖ canonical line) of the leaves ``start``, ``start + 1``, …, hex."""


class LeafInclusionPublic(BaseModel):
    """The leaf ``leaf_index`` of the tree of ``tree_size`` leaves: hashing ``leaf_hash`` up the
    ``audit_path`` (RFC 9162 §2.1.3) gives ``root``. Public: a hash, never the event."""

    leaf_index: int
    """The event's ordinal in the log (0-based): its line in an archive's events.jsonl."""
    tree_size: int
    leaf_hash: str
    """SHA-256(0x00 ‖ the event's canonical line), hex."""
    audit_path: list[str]
    root: str
    checkpoint: CheckpointPublic | None
    """The signed checkpoint of this size, when one was signed at it."""


class ConsistencyProofPublic(BaseModel):
    """The tree of ``new_size`` leaves extends the tree of ``old_size``: the ``proof``
    (RFC 9162 §2.1.4) leads from ``old_root`` to ``new_root``."""

    old_size: int
    new_size: int
    old_root: str
    new_root: str
    proof: list[str]
    old_checkpoint: CheckpointPublic | None
    new_checkpoint: CheckpointPublic | None
