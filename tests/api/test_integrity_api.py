"""The integrity API on both backends: checkpoints and the public key as a verifier outside the
service would fetch them, checked here without our verifier (the note's Ed25519 signature with
``cryptography`` alone, the audit paths with pymerkle and the RFC's recursive definitions)."""

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
from pymerkle import InmemoryTree

from ejournal.commands import lessons
from ejournal.integrity.notary import Notary

V1 = "/api/v1/integrity"
MONDAY = date(2026, 9, 7)


@pytest.fixture(autouse=True)
def _keys_and_checkpoints_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read by the service's settings when the ``api`` fixture builds it (autouse runs first).
    monkeypatch.setenv("EJOURNAL_SIGNING_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("EJOURNAL_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    # The service signs its first checkpoint on its own, and then none the tests do not ask for.
    monkeypatch.setenv("EJOURNAL_CHECKPOINT_EVERY_EVENTS", str(10**9))
    monkeypatch.setenv("EJOURNAL_CHECKPOINT_EVERY_SECONDS", str(10**9))


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
    """MTH from a leaf and its audit path, following PATH(m, D[n]) of RFC 9162 §2.1.3.1
    recursively (not the iterative verifier of §2.1.3.2 that ours implements)."""
    if size == 1:
        assert not path
        return leaf
    k = split(size)
    if index < k:
        return node(root_from_audit_path(index, k, leaf, path[:-1]), path[-1])
    return node(path[-1], root_from_audit_path(index - k, size - k, leaf, path[:-1]))


def roots_from_consistency(
    old: int, new: int, old_root: bytes, proof: Sequence[bytes], complete: bool = True
) -> tuple[bytes, bytes]:
    """The (old, new) roots a consistency proof leads to, following SUBPROOF(m, D[n], b) of
    RFC 9162 §2.1.4.1 recursively."""
    if old == new:
        if complete:
            assert not proof
            return old_root, old_root
        assert len(proof) == 1
        return proof[0], proof[0]
    k = split(new)
    if old <= k:
        sub_old, sub_new = roots_from_consistency(old, k, old_root, proof[:-1], complete)
        return sub_old, node(sub_new, proof[-1])
    sub_old, sub_new = roots_from_consistency(old - k, new - k, old_root, proof[:-1], False)
    return node(proof[-1], sub_old), node(proof[-1], sub_new)


def check_signature(note: str, public_key: bytes, name: str, key_id: bytes) -> None:
    """A C2SP signed note's signature, checked with the raw Ed25519 key alone."""
    text, _, signatures = note.rpartition("\n\n")
    prefix = f"\u2014 {name} "
    (line,) = [line for line in signatures.splitlines() if line.startswith(prefix)]
    blob = base64.b64decode(line[len(prefix) :])
    assert blob[:4] == key_id
    Ed25519PublicKey.from_public_bytes(public_key).verify(blob[4:], (text + "\n").encode())


def test_checkpoints_and_the_key_verify_outside_the_service(api: Api) -> None:
    first = notary(api).checkpoint()
    hold_lesson(api, 1)
    second = notary(api).checkpoint()

    key = api.get(f"{V1}/public-key", "inspector").json()
    assert key["name"] == notary(api).origin
    assert key["name"].endswith(f"/ejournal/{api.school}")  # <installation>/ejournal/<school>
    assert key["verifier_key"].startswith(f"{key['name']}+{key['key_id']}+")
    public = bytes.fromhex(key["public_key"])
    assert base64.b64decode(key["verifier_key"].split("+", 2)[2]) == b"\x01" + public

    listed = api.get(f"{V1}/checkpoints", "auditor").json()
    sizes = [c["size"] for c in listed]
    assert sizes == sorted(sizes)
    assert sizes[-2:] == [first.checkpoint.size, second.checkpoint.size]
    assert api.get(f"{V1}/checkpoints?after={first.checkpoint.size}", "auditor").json() == [
        listed[-1]
    ]
    latest = api.get(f"{V1}/checkpoints/latest", "director").json()
    assert latest == listed[-1]
    assert latest["note"] == second.note
    for checkpoint in listed:
        check_signature(checkpoint["note"], public, key["name"], bytes.fromhex(key["key_id"]))
        body = checkpoint["note"].split("\n")
        assert body[:3] == [
            key["name"],
            str(checkpoint["size"]),
            base64.b64encode(bytes.fromhex(checkpoint["root"])).decode(),
        ]
    forged = latest["note"].replace(body[2], base64.b64encode(bytes(32)).decode())
    with pytest.raises(InvalidSignature):
        check_signature(forged, public, key["name"], bytes.fromhex(key["key_id"]))

    as_note = api.get(f"{V1}/checkpoints/latest?format=note", "deputy")
    assert as_note.status_code == 200
    assert as_note.headers["content-type"].startswith("text/plain")
    assert as_note.text == second.note
    one = api.get(f"{V1}/checkpoints/{first.checkpoint.size}", "admin")
    assert one.json() == listed[-2]


def test_inclusion_proofs_verify_with_pymerkle_and_the_rfc(api: Api) -> None:
    hold_lesson(api, 1)
    signed = notary(api).checkpoint().checkpoint
    size = signed.size
    lines = list(notary(api).leaves(0, size))
    independent = InmemoryTree(algorithm="sha256")
    for line in lines:
        independent.append_entry(line)
    assert independent.get_root(size) == signed.root

    for position in (1, 2, size // 2, size):
        proof = api.get(f"{V1}/inclusion?position={position}&size={size}", "auditor").json()
        leaf = proof["leaf"].encode()
        leaf_hash = bytes.fromhex(proof["leaf_hash"])
        path = [bytes.fromhex(p) for p in proof["audit_path"]]
        assert proof["position"] == position
        assert proof["tree_size"] == size
        assert hashlib.sha256(b"\x00" + leaf).digest() == leaf_hash
        assert f'"position":{position},' in proof["leaf"]
        assert root_from_audit_path(proof["leaf_index"], size, leaf_hash, path) == signed.root
        assert bytes.fromhex(proof["root"]) == signed.root
        assert proof["checkpoint"]["root"] == signed.root.hex()
        theirs = independent.prove_inclusion(proof["leaf_index"] + 1, size)
        assert theirs.path == [leaf_hash, *path]
        # A root it was not signed for: the path leads elsewhere.
        assert root_from_audit_path(proof["leaf_index"], size, leaf_hash, path) != bytes(32)

    default = api.get(f"{V1}/inclusion?position=1", "inspector").json()
    assert default["tree_size"] == size


def test_consistency_proofs_verify_with_the_rfc(api: Api) -> None:
    first = notary(api).checkpoint().checkpoint
    hold_lesson(api, 1)
    hold_lesson(api, 2)
    second = notary(api).checkpoint().checkpoint

    proof = api.get(f"{V1}/consistency?old={first.size}&new={second.size}", "inspector").json()
    path = [bytes.fromhex(p) for p in proof["proof"]]
    assert bytes.fromhex(proof["old_root"]) == first.root
    assert bytes.fromhex(proof["new_root"]) == second.root
    assert proof["old_checkpoint"]["size"] == first.size
    assert proof["new_checkpoint"]["size"] == second.size
    assert roots_from_consistency(first.size, second.size, first.root, path) == (
        first.root,
        second.root,
    )
    # A forged old root is not what the proof leads to from the signed new root.
    forged = bytes(32)
    assert roots_from_consistency(first.size, second.size, forged, path) != (forged, second.root)
    default = api.get(f"{V1}/consistency?old={first.size}", "auditor").json()
    assert default == proof
    for old in (1, 2, 3, 5):
        other = api.get(f"{V1}/consistency?old={old}&new={second.size}", "admin").json()
        path = [bytes.fromhex(p) for p in other["proof"]]
        old_root = bytes.fromhex(other["old_root"])
        assert roots_from_consistency(old, second.size, old_root, path)[1] == second.root


def test_proofs_the_tree_cannot_give(api: Api) -> None:
    size = notary(api).checkpoint().checkpoint.size
    beyond = api.get(f"{V1}/inclusion?position=1&size={size + 1000}", "auditor")
    assert beyond.status_code == 404
    assert beyond.headers["content-type"] == "application/problem+json"
    unknown = api.get(f"{V1}/inclusion?position={size + 1000}&size={size}", "auditor")
    assert unknown.status_code == 404
    hold_lesson(api, 1)
    notary(api).catch_up()
    later = api.get(f"{V1}/inclusion?position={size + 1}&size={size}", "auditor")
    assert later.status_code == 422
    assert later.json()["type"] == "/problems/proof-request-invalid"
    backwards = api.get(f"{V1}/consistency?old={size}&new=1", "auditor")
    assert backwards.status_code == 422
    assert api.get(f"{V1}/checkpoints/{size + 1}", "auditor").status_code == 404
    assert api.get(f"{V1}/consistency?old=0&new={size}", "auditor").json()["proof"] == []


def test_families_and_teachers_see_none_of_it(api: Api) -> None:
    notary(api).checkpoint()
    for who in ("parent", "student", "math", "class_teacher", "secretary"):
        response = api.get(f"{V1}/checkpoints/latest", who)
        assert response.status_code == 403, who
