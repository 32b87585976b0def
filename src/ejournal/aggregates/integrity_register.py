"""IntegrityRegister: the log's own record of the keys that sign its checkpoints, and of the
notary's refusals to sign.

A checkpoint is only worth what its key is worth, so the key belongs in the log it vouches for
(DESIGN.md §7): the first key of a school is registered in the log, with its public half and the
checkpoints' origin, and a deliberate rotation is another event naming the new public key and
the reason. A checkpoint is signed by the key the log it covers names last (the newest key event
among its leaves; before the first one, the first key), so every checkpoint ever signed stays
verifiable from the log alone. When the notary refuses to sign (the log no longer extends a
checkpoint signed before, or the key at hand is not the one the log names), the refusal is
recorded here once per distinct reason, where operators and auditors see it, and the return to
signing after it too.

One register per school log, found again without a lookup (``integrity_register_id``).
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState, Value
from ejournal.aggregates.identity import NAMESPACE
from ejournal.errors import InvariantError
from ejournal.integrity.checkpoint import CheckpointError, VerifierKey
from ejournal.roles import Actor


class IntegrityRegisterError(InvariantError):
    """A record about the log's keys contradicts the register."""

    slug = "integrity-register-invariant"


class RefusalReason(StrEnum):
    """Why the notary would not sign a checkpoint."""

    HISTORY_REWRITTEN = "history-rewritten"
    """The log no longer extends a checkpoint signed before."""
    KEY_NOT_NAMED = "key-not-named"
    """The key file is not the key the log names (another key directory, a stray key)."""
    KEY_MISSING = "key-missing"
    """The key the log names is not in the key directory."""
    KEY_UNUSABLE = "key-unusable"
    """The key file cannot be read, or is not a key of this log's origin."""


class NotaryRefusal(Value):
    """An outstanding refusal: why, in words an operator can act on, and since when."""

    reason: RefusalReason
    detail: str
    tree_size: int


class NamedKey(Value):
    """A key the log names, in the order it named them."""

    verifier_key: str
    """The C2SP verifier key text ``<origin>+<key id>+<base64>``."""
    fingerprint: str
    """``SHA256:`` and the SHA-256 of the raw public key, in groups of four."""


def integrity_register_id() -> UUID:
    """The register of a school's log (one log per school, so one register)."""
    return uuid5(NAMESPACE, "integrity-register")


def _verifier(text: str) -> VerifierKey:
    try:
        return VerifierKey.from_text(text)
    except CheckpointError as error:
        raise IntegrityRegisterError(
            f"not a verifier key: {error.detail}", invariant="integrity.key_invalid"
        ) from None


class IntegrityRegister(Aggregate):
    """The keys of one school's log and the notary's standing."""

    class State(SnapshotState):
        origin: str
        installation: str
        keys: tuple[NamedKey, ...]
        refusal: NotaryRefusal | None

    class Snapshot(AggregateSnapshot):
        state: IntegrityRegister.State

    class SigningKeyRegistered(Aggregate.Created):
        """The school's checkpoint-signing key was named in its log for the first time (made
        for a new log, or the key that signed an existing log's checkpoints)."""

        origin: str
        """The checkpoints' origin line, which is also the key's name."""
        installation: str
        """The installation the origin names (EJOURNAL_INSTALLATION when the key was made)."""
        verifier_key: str
        fingerprint: str
        actor: Actor

    class SigningKeyRotated(Aggregate.Event):
        """A new key signs the log's checkpoints from this event on; the reason says why."""

        verifier_key: str
        fingerprint: str
        previous_fingerprint: str
        reason: str
        actor: Actor

    class NotaryRefusedToSign(Aggregate.Event):
        """The notary would not sign a checkpoint of the log, and why."""

        reason: RefusalReason
        detail: str
        tree_size: int
        """How many events the tree held when it refused."""
        actor: Actor

    class NotarySigningResumed(Aggregate.Event):
        """The notary signed a checkpoint again after a refusal."""

        checkpoint_size: int
        actor: Actor

    @staticmethod
    def create_id(**_: object) -> UUID:
        return integrity_register_id()

    @classmethod
    def register(cls, *, verifier_key: str, installation: str, actor: Actor) -> IntegrityRegister:
        key = _verifier(verifier_key)
        return cls(
            origin=key.name,
            installation=installation,
            verifier_key=key.text,
            fingerprint=key.fingerprint,
            actor=actor,
        )

    @event(SigningKeyRegistered)
    def __init__(
        self, *, origin: str, installation: str, verifier_key: str, fingerprint: str, actor: Actor
    ) -> None:
        self.origin = origin
        self.installation = installation
        self.keys: tuple[NamedKey, ...] = (
            NamedKey(verifier_key=verifier_key, fingerprint=fingerprint),
        )
        self.refusal: NotaryRefusal | None = None

    @property
    def current(self) -> NamedKey:
        """The key that signs the log's checkpoints now."""
        return self.keys[-1]

    def rotate(self, verifier_key: str, reason: str, actor: Actor) -> None:
        key = _verifier(verifier_key)
        if key.name != self.origin:
            raise IntegrityRegisterError(
                f"a new key of the log keeps its origin {self.origin!r}, not {key.name!r}",
                invariant="integrity.key_origin_differs",
            )
        if any(named.fingerprint == key.fingerprint for named in self.keys):
            raise IntegrityRegisterError(
                f"the key {key.fingerprint} was named before",
                invariant="integrity.key_named_before",
            )
        if not reason.strip():
            raise IntegrityRegisterError(
                "a key is rotated for a reason: say it",
                invariant="integrity.rotation_reason_missing",
            )
        self._rotated(
            verifier_key=key.text,
            fingerprint=key.fingerprint,
            previous_fingerprint=self.current.fingerprint,
            reason=reason.strip(),
            actor=actor,
        )

    @event(SigningKeyRotated)
    def _rotated(
        self,
        verifier_key: str,
        fingerprint: str,
        previous_fingerprint: str,
        reason: str,
        actor: Actor,
    ) -> None:
        self.keys = (*self.keys, NamedKey(verifier_key=verifier_key, fingerprint=fingerprint))
        self.refusal = None  # a refusal about the old key is moot

    def refused(self, reason: RefusalReason, detail: str, tree_size: int, actor: Actor) -> bool:
        """Record a refusal unless it is the one outstanding already; whether it recorded."""
        if self.refusal is not None and (self.refusal.reason, self.refusal.detail) == (
            reason,
            detail,
        ):
            return False
        self._refused(reason=reason, detail=detail, tree_size=tree_size, actor=actor)
        return True

    @event(NotaryRefusedToSign)
    def _refused(self, reason: RefusalReason, detail: str, tree_size: int, actor: Actor) -> None:
        self.refusal = NotaryRefusal(reason=reason, detail=detail, tree_size=tree_size)

    def resumed(self, checkpoint_size: int, actor: Actor) -> bool:
        """Record that the notary signs again, if a refusal was outstanding."""
        if self.refusal is None:
            return False
        self._resumed(checkpoint_size=checkpoint_size, actor=actor)
        return True

    @event(NotarySigningResumed)
    def _resumed(self, checkpoint_size: int, actor: Actor) -> None:
        self.refusal = None
