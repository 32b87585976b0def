"""The public log on both backends: the key, the signed checkpoints and the proofs answer without
a login, carry hashes and never an event, and an unknown school is not found as anything else is.
Signatures are checked with ``cryptography`` alone and audit paths with the RFC's recursion, not
with our verifier."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from api_session import Api
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ejournal.commands import lessons
from ejournal.integrity.checkpoint import VerifierKey
from ejournal.integrity.merkle import leaf_hash
from ejournal.integrity.notary import Notary

V1 = "/api/v1"
MONDAY = date(2026, 9, 7)
PROBLEM = "application/problem+json"


def log_url(api: Api, school: str | None = None) -> str:
    return f"{V1}/schools/{school or api.school}/log"


def notary(api: Api) -> Notary:
    services = api.client.app.state.deployment.school(api.school)
    assert services is not None
    found: Notary = services.notary
    return found


def hold_lesson(api: Api, slot: int) -> None:
    api.world.at(MONDAY, 7 + slot)
    lessons.hold_lesson(
        api.world.school,
        api.world.math,
        lessons.HoldLesson(
            journal_id=api.world.journals["math"], on=MONDAY, slot=slot, topic=f"Урок {slot}"
        ),
    )


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root_from_audit_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """MTH from a leaf and its audit path, by PATH(m, D[n]) of RFC 9162 §2.1.3.1, recursively."""
    if size == 1:
        assert not path
        return leaf
    k = split(size)
    if index < k:
        return node(root_from_audit_path(index, k, leaf, path[:-1]), path[-1])
    return node(path[-1], root_from_audit_path(index - k, size - k, leaf, path[:-1]))


def signature_checks(note: str, public_key: bytes, name: str, key_id: bytes) -> bool:
    text, _, signatures = note.rpartition("\n\n")
    prefix = f"\u2014 {name} "
    (line,) = [line for line in signatures.splitlines() if line.startswith(prefix)]
    blob = base64.b64decode(line[len(prefix) :])
    Ed25519PublicKey.from_public_bytes(public_key).verify(blob[4:], (text + "\n").encode())
    return blob[:4] == key_id


def test_key_and_checkpoints_need_no_login(api: Api) -> None:
    first = notary(api).checkpoint()
    hold_lesson(api, 1)
    second = notary(api).checkpoint()
    url = log_url(api)

    key = api.get(f"{url}/key", None)
    assert key.status_code == 200, key.text
    key_body = key.json()
    assert key_body == api.get(f"{V1}/integrity/public-key", "inspector").json()
    public = bytes.fromhex(key_body["public_key"])
    digest = hashlib.sha256(public).hexdigest()
    assert key_body["fingerprint"] == "SHA256:" + " ".join(
        digest[i : i + 4] for i in range(0, 64, 4)
    )
    assert key_body["verifier_key"] == notary(api).verifier().text

    latest = api.get(f"{url}/checkpoint", None)
    assert latest.status_code == 200
    assert latest.headers["content-type"].startswith("text/plain")
    assert latest.text == second.note
    assert signature_checks(
        latest.text, public, key_body["name"], bytes.fromhex(key_body["key_id"])
    )
    at_first = api.get(f"{url}/checkpoints/{first.checkpoint.size}", None)
    assert at_first.status_code == 200
    assert at_first.text == first.note
    listed = api.get(f"{url}/checkpoints", None).json()
    assert [c["note"] for c in listed][-2:] == [first.note, second.note]
    after = api.get(f"{url}/checkpoints?after={first.checkpoint.size}&limit=1", None).json()
    assert [c["size"] for c in after] == [second.checkpoint.size]
    # A token that is no longer any good does not matter where none is needed.
    stale = api.client.get(f"{url}/checkpoint", headers={"Authorization": "Bearer nonsense"})
    assert stale.status_code == 200


@pytest.fixture
def keys_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys and checkpoints under the test's directory (read when ``api`` builds the service):
    a rotation moves key files about."""
    monkeypatch.setenv("EJOURNAL_SIGNING_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("EJOURNAL_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))


def test_the_key_lists_every_key_the_log_names_and_which_checkpoints_each_signs(
    keys_in_tmp: None, api: Api
) -> None:
    before = notary(api).checkpoint()
    old, new, after = notary(api).rotate_key("the deputy's laptop was stolen")
    hold_lesson(api, 1)
    latest = notary(api).checkpoint()
    url = log_url(api)

    key = api.get(f"{url}/key", None)
    assert key.status_code == 200, key.text
    body = key.json()
    assert body["verifier_key"] == new.text  # the key that signs from now on
    assert body == api.get(f"{V1}/integrity/public-key", "inspector").json()
    keys = body["keys"]
    assert [(k["verifier_key"], k["fingerprint"], k["rotation_reason"]) for k in keys] == [
        (old.text, old.fingerprint, None),
        (new.text, new.fingerprint, "the deputy's laptop was stolen"),
    ]
    assert keys[0]["from_size"] == 1
    assert before.checkpoint.size < keys[1]["from_size"] <= after.checkpoint.size
    # Each checkpoint verifies with the key whose range holds its size, and not the other.
    for signed in (before, after, latest):
        size = signed.checkpoint.size
        signer = [k for k in keys if k["from_size"] <= size][-1]
        other = next(k for k in keys if k is not signer)
        for named, good in ((signer, True), (other, False)):
            verifier = VerifierKey.from_text(named["verifier_key"])
            try:
                ok = signature_checks(
                    signed.note, verifier.public_key, verifier.name, verifier.key_id
                )
            except InvalidSignature:
                ok = False
            assert ok is good, (size, named["fingerprint"])


def test_proofs_need_no_login_and_carry_no_event(api: Api) -> None:
    first = notary(api).checkpoint().checkpoint
    hold_lesson(api, 1)
    hold_lesson(api, 2)
    second = notary(api).checkpoint().checkpoint
    lines = list(notary(api).leaves(0, second.size))
    url = log_url(api)

    for index in (0, 1, first.size - 1, first.size, second.size - 1):
        response = api.get(f"{url}/proof/inclusion?index={index}&size={second.size}", None)
        assert response.status_code == 200, response.text
        proof = response.json()
        assert set(proof) == {
            "leaf_index",
            "tree_size",
            "leaf_hash",
            "audit_path",
            "root",
            "checkpoint",
        }
        leaf = bytes.fromhex(proof["leaf_hash"])
        assert leaf == leaf_hash(lines[index])
        path = [bytes.fromhex(p) for p in proof["audit_path"]]
        assert root_from_audit_path(index, second.size, leaf, path) == second.root
        assert proof["checkpoint"]["root"] == second.root.hex()
    default = api.get(f"{url}/proof/inclusion?index=0", None).json()
    assert default["tree_size"] == second.size

    hashes = api.get(f"{url}/leaves", None).json()
    assert hashes["start"] == 0
    assert hashes["tree_size"] == second.size
    assert hashes["leaf_hashes"] == [leaf_hash(line).hex() for line in lines]
    page = api.get(f"{url}/leaves?start=2&limit=3", None).json()
    assert page["leaf_hashes"] == hashes["leaf_hashes"][2:5]
    past = api.get(f"{url}/leaves?start={second.size}", None).json()
    assert past["leaf_hashes"] == []

    response = api.get(f"{url}/proof/consistency?old={first.size}&new={second.size}", None)
    assert response.status_code == 200
    consistency = response.json()
    assert (
        consistency
        == api.get(
            f"{V1}/integrity/consistency?old={first.size}&new={second.size}", "auditor"
        ).json()
    )
    assert bytes.fromhex(consistency["old_root"]) == first.root
    assert bytes.fromhex(consistency["new_root"]) == second.root
    assert api.get(f"{url}/proof/consistency?old={first.size}", None).json() == consistency

    # Nothing of an event leaves through the public log: no line, no name, no topic.
    every = [
        api.get(f"{url}/{tail}", None).text
        for tail in (
            "key",
            "checkpoint",
            "checkpoints",
            "leaves",
            f"proof/inclusion?index=1&size={second.size}",
            f"proof/consistency?old=1&new={second.size}",
        )
    ]
    for text in every:
        assert "Урок" not in text
        assert "ejournal.aggregates" not in text
        assert '"state"' not in text
        for line in lines[:3]:
            assert line.decode() not in text


def test_what_the_tree_cannot_prove(api: Api) -> None:
    size = notary(api).checkpoint().checkpoint.size
    url = log_url(api)
    beyond = api.get(f"{url}/proof/inclusion?index=0&size={size + 1000}", None)
    assert beyond.status_code == 404
    assert beyond.headers["content-type"] == PROBLEM
    outside = api.get(f"{url}/proof/inclusion?index={size}&size={size}", None)
    assert outside.status_code == 422
    assert outside.json()["type"] == "/problems/proof-request-invalid"
    backwards = api.get(f"{url}/proof/consistency?old={size}&new=1", None)
    assert backwards.status_code == 422
    assert api.get(f"{url}/checkpoints/{size + 1}", None).status_code == 404
    negative = api.get(f"{url}/proof/inclusion?index=-1", None)
    assert negative.status_code == 422
    assert negative.headers["content-type"] == PROBLEM


def test_an_unknown_school_is_not_found(api: Api) -> None:
    notary(api).checkpoint()
    answers = []
    for school in ("nosuchschool", "no school!", "-", "t" + "0" * 12):
        for tail in (
            "key",
            "checkpoint",
            "checkpoints",
            "checkpoints/1",
            "proof/inclusion?index=0",
        ):
            response = api.get(f"{log_url(api, school)}/{tail}", None)
            assert response.status_code == 404, (school, tail, response.text)
            assert response.headers["content-type"] == PROBLEM
            body = response.json()
            body.pop("instance", None)
            answers.append(body)
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["type"] == "/problems/not-found"
