"""The rows of the log's integrity: the signing key and the notary."""

from __future__ import annotations

from ejournal.aggregates.integrity_register import IntegrityRegister
from ejournal.projections.audit_trail.batch import Batch, Handler
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.conventions import registrar

HANDLERS: dict[type, Handler] = {}
_on = registrar(HANDLERS)


# --- the log's integrity -----------------------------------------------------------------------
# Not changes to the journal, but to what vouches for it: an auditor sees when the signing key
# was named or replaced (and why), and when the notary refused to sign the log.


@_on(IntegrityRegister.SigningKeyRegistered)
def _key_registered(b: Batch, position: int, e: IntegrityRegister.SigningKeyRegistered) -> None:
    b.add(position, AuditKind.SIGNING_KEY_REGISTERED, e, value_after=e.fingerprint, note=e.origin)


@_on(IntegrityRegister.SigningKeyRotated)
def _key_rotated(b: Batch, position: int, e: IntegrityRegister.SigningKeyRotated) -> None:
    b.add(
        position,
        AuditKind.SIGNING_KEY_ROTATED,
        e,
        value_before=e.previous_fingerprint,
        value_after=e.fingerprint,
        reason=e.reason,
    )


@_on(IntegrityRegister.NotaryRefusedToSign)
def _notary_refused(b: Batch, position: int, e: IntegrityRegister.NotaryRefusedToSign) -> None:
    b.add(
        position, AuditKind.NOTARY_REFUSED_TO_SIGN, e, value_after=e.reason.value, reason=e.detail
    )


@_on(IntegrityRegister.NotarySigningResumed)
def _notary_resumed(b: Batch, position: int, e: IntegrityRegister.NotarySigningResumed) -> None:
    b.add(position, AuditKind.NOTARY_SIGNING_RESUMED, e, value_after=str(e.checkpoint_size))
