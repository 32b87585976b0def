"""The rows of the log's integrity: the signing key and the notary."""

from __future__ import annotations

from ejournal.aggregates.integrity_register import IntegrityRegister
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.read_model import Handlers

HANDLERS: Handlers[Batch] = Handlers()
_on = HANDLERS.on


# --- the log's integrity -----------------------------------------------------------------------
# Not changes to the journal, but to what vouches for it: an auditor sees when the signing key
# was named or replaced (and why), and when the notary refused to sign the log.


@_on(IntegrityRegister.SigningKeyRegistered)
def _key_registered(e: IntegrityRegister.SigningKeyRegistered, position: int, b: Batch) -> None:
    b.row(position, AuditKind.SIGNING_KEY_REGISTERED, e, value_after=e.fingerprint, note=e.origin)


@_on(IntegrityRegister.SigningKeyRotated)
def _key_rotated(e: IntegrityRegister.SigningKeyRotated, position: int, b: Batch) -> None:
    b.row(
        position,
        AuditKind.SIGNING_KEY_ROTATED,
        e,
        value_before=e.previous_fingerprint,
        value_after=e.fingerprint,
        reason=e.reason,
    )


@_on(IntegrityRegister.NotaryRefusedToSign)
def _notary_refused(e: IntegrityRegister.NotaryRefusedToSign, position: int, b: Batch) -> None:
    b.row(
        position, AuditKind.NOTARY_REFUSED_TO_SIGN, e, value_after=e.reason.value, reason=e.detail
    )


@_on(IntegrityRegister.NotarySigningResumed)
def _notary_resumed(e: IntegrityRegister.NotarySigningResumed, position: int, b: Batch) -> None:
    b.row(position, AuditKind.NOTARY_SIGNING_RESUMED, e, value_after=str(e.checkpoint_size))
