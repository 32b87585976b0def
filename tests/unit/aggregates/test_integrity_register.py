"""The integrity register: the keys a log names and the notary's refusals, as events."""

from __future__ import annotations

from uuid import UUID

import pytest

from ejournal.aggregates.integrity_register import (
    IntegrityRegister,
    IntegrityRegisterError,
    RefusalReason,
    integrity_register_id,
)
from ejournal.integrity.checkpoint import SigningKey
from ejournal.roles import Actor, Role

SYSTEM = Actor(account_id=UUID(int=0), role=Role.SYSTEM)
ORIGIN = "journal.school77.example/ejournal/school77"


def registered() -> tuple[IntegrityRegister, SigningKey]:
    key = SigningKey.generate(ORIGIN)
    register = IntegrityRegister.register(
        verifier_key=key.verifier().text, installation="journal.school77.example", actor=SYSTEM
    )
    return register, key


def test_the_first_key_is_registered_with_its_origin_and_fingerprint() -> None:
    register, key = registered()
    (created,) = register.collect_events()
    assert isinstance(created, IntegrityRegister.SigningKeyRegistered)
    assert register.id == integrity_register_id()
    assert created.origin == ORIGIN
    assert created.verifier_key == key.verifier().text
    assert created.fingerprint == key.verifier().fingerprint
    assert created.installation == "journal.school77.example"


def test_a_rotation_names_the_new_key_the_old_one_and_the_reason() -> None:
    register, old = registered()
    new = SigningKey.generate(ORIGIN)
    register.rotate(new.verifier().text, "  Ключ скомпрометирован  ", SYSTEM)
    rotated = register.collect_events()[-1]
    assert isinstance(rotated, IntegrityRegister.SigningKeyRotated)
    assert rotated.previous_fingerprint == old.verifier().fingerprint
    assert rotated.fingerprint == new.verifier().fingerprint
    assert rotated.reason == "Ключ скомпрометирован"
    assert register.current.verifier_key == new.verifier().text


@pytest.mark.parametrize("case", ["no-reason", "same-key", "another-origin", "not-a-key"])
def test_a_rotation_that_would_confuse_verifiers_is_refused(case: str) -> None:
    register, old = registered()
    text = {
        "no-reason": SigningKey.generate(ORIGIN).verifier().text,
        "same-key": old.verifier().text,
        "another-origin": SigningKey.generate("elsewhere/ejournal/school77").verifier().text,
        "not-a-key": "nonsense",
    }[case]
    with pytest.raises(IntegrityRegisterError):
        register.rotate(text, "" if case == "no-reason" else "scheduled", SYSTEM)
    assert len(register.collect_events()) == 1


def test_a_refusal_is_recorded_once_per_distinct_reason_and_the_resumption_once() -> None:
    register, _ = registered()
    assert register.resumed(10, SYSTEM) is False  # nothing was refused
    assert register.refused(RefusalReason.KEY_NOT_NAMED, "the key at /k", 10, SYSTEM)
    assert not register.refused(RefusalReason.KEY_NOT_NAMED, "the key at /k", 12, SYSTEM)
    assert register.refused(RefusalReason.HISTORY_REWRITTEN, "changed", 13, SYSTEM)
    assert register.resumed(14, SYSTEM)
    assert not register.resumed(15, SYSTEM)
    kinds = [type(e).__name__ for e in register.collect_events()]
    assert kinds == [
        "SigningKeyRegistered",
        "NotaryRefusedToSign",
        "NotaryRefusedToSign",
        "NotarySigningResumed",
    ]
