"""The Merkle tree against RFC 6962/9162's reference vectors, against pymerkle (an independent
implementation) and against the RFC's recursive definitions, over random sizes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InclusionProof, InmemoryTree, InvalidProof
from pymerkle import verify_consistency as pymerkle_verify_consistency
from pymerkle import verify_inclusion as pymerkle_verify_inclusion

from ejournal.integrity.merkle import (
    EMPTY_ROOT,
    MerkleAccumulator,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

# The reference tree of Certificate Transparency's test suite (merkle_tree_test.cc), used
# unchanged by RFC 6962 and RFC 9162 implementations: eight leaves and the root of each prefix.
LEAVES = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]
ROOTS = [
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]
INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 1, []),
    (
        0,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]
CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]
REFERENCE_HASHES = [leaf_hash(leaf) for leaf in LEAVES]


# --- the RFC's vectors --------------------------------------------------------------------------


def test_hashing_is_rfc_9162s() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == root_of([])
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert (
        node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_the_reference_tree(size: int) -> None:
    assert root_of(REFERENCE_HASHES[:size]) == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_of_the_reference_tree(index: int, size: int, path: list[bytes]) -> None:
    assert inclusion_proof(index, REFERENCE_HASHES[:size]) == path
    assert verify_inclusion(REFERENCE_HASHES[index], index, size, path, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proofs_of_the_reference_tree(old: int, new: int, proof: list[bytes]) -> None:
    assert consistency_proof(old, REFERENCE_HASHES[:new]) == proof
    assert verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], proof)


def test_a_proof_against_a_forged_root_or_the_wrong_leaf_fails() -> None:
    index, size, path = INCLUSION[2]
    forged = bytes(32)
    assert not verify_inclusion(REFERENCE_HASHES[index], index, size, path, forged)
    assert not verify_inclusion(REFERENCE_HASHES[4], index, size, path, ROOTS[7])
    assert not verify_inclusion(REFERENCE_HASHES[index], 4, size, path, ROOTS[7])
    assert not verify_inclusion(REFERENCE_HASHES[index], index, 4, path, ROOTS[7])
    assert not verify_inclusion(REFERENCE_HASHES[index], index, size, path[:-1], ROOTS[7])
    old, new, proof = CONSISTENCY[2]
    assert not verify_consistency(old, new, ROOTS[4], ROOTS[7], proof)  # another old root
    assert not verify_consistency(old, new, ROOTS[5], forged, proof)
    assert not verify_consistency(old, new, ROOTS[5], ROOTS[7], [*proof, forged])
    assert not verify_consistency(old, new, ROOTS[5], ROOTS[7], [])
    assert not verify_consistency(new, old, ROOTS[7], ROOTS[5], proof)


def test_edge_sizes() -> None:
    assert consistency_proof(0, REFERENCE_HASHES) == []
    assert verify_consistency(0, 8, EMPTY_ROOT, ROOTS[7], [])
    assert not verify_consistency(0, 8, ROOTS[0], ROOTS[7], [])
    assert verify_consistency(8, 8, ROOTS[7], ROOTS[7], [])
    assert not verify_consistency(8, 8, ROOTS[6], ROOTS[7], [])
    assert not verify_inclusion(REFERENCE_HASHES[0], 0, 0, [], EMPTY_ROOT)
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(8, REFERENCE_HASHES)
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(9, REFERENCE_HASHES)


# --- the accumulator ---------------------------------------------------------------------------


def test_the_accumulator_grows_the_reference_tree_and_resumes_from_its_state() -> None:
    accumulator = MerkleAccumulator()
    for size, leaf in enumerate(REFERENCE_HASHES, start=1):
        completed = accumulator.append(leaf)
        assert completed[0].level == 0
        assert completed[0].index == size - 1
        assert accumulator.root() == ROOTS[size - 1]
        assert len(accumulator.compact_range) == size.bit_count()
        resumed = MerkleAccumulator.from_bytes(accumulator.size, accumulator.to_bytes())
        assert resumed.root() == accumulator.root()
    # The eighth leaf completes the pairs (6, 7), (4..7) and the whole tree (0..7).
    assert [(n.level, n.index) for n in completed] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert completed[-1].hash == ROOTS[7]


def test_the_accumulator_refuses_a_state_that_does_not_fit_its_size() -> None:
    with pytest.raises(ValueError, match="perfect subtrees"):
        MerkleAccumulator(3, [ROOTS[1]])
    with pytest.raises(ValueError, match="32-byte"):
        MerkleAccumulator.from_bytes(1, b"short")


# --- random sizes, and an independent implementation ---------------------------------------------


def _leaves(n: int) -> list[bytes]:
    return [f"event {i}".encode() for i in range(n)]


def _pymerkle(data: list[bytes]) -> InmemoryTree:
    tree = InmemoryTree(algorithm="sha256")
    for entry in data:
        tree.append_entry(entry)
    return tree


def _reference_consistency(m: int, hashes: list[bytes], complete: bool = True) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1, written recursively as the RFC states it."""
    n = len(hashes)
    if m == n:
        return [] if complete else [root_of(hashes)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*_reference_consistency(m, hashes[:k], complete), root_of(hashes[k:])]
    return [*_reference_consistency(m - k, hashes[k:], False), root_of(hashes[:k])]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_inclusion_proofs_verify_with_pymerkle(data: st.DataObject) -> None:
    size = data.draw(st.integers(min_value=1, max_value=300), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    entries = _leaves(size)
    hashes = [leaf_hash(e) for e in entries]
    theirs = _pymerkle(entries)
    root = root_of(hashes)
    assert theirs.get_root(size) == root
    proof = inclusion_proof(index, hashes)
    assert verify_inclusion(hashes[index], index, size, proof, root)
    # pymerkle's verifier over our path: it rebuilds the proof's shape from (index, size) and
    # refuses any path that does not hash up to the root.
    shape = theirs.prove_inclusion(index + 1, size)
    ours = InclusionProof("sha256", True, size, index + 1, shape.rule, [hashes[index], *proof])
    pymerkle_verify_inclusion(hashes[index], root, ours, index=index + 1, size=size)
    if proof:
        forged = InclusionProof(
            "sha256", True, size, index + 1, shape.rule, [hashes[index], *proof[:-1], bytes(32)]
        )
        with pytest.raises(InvalidProof):
            pymerkle_verify_inclusion(hashes[index], root, forged)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_consistency_proofs_follow_the_rfc_and_verify(data: st.DataObject) -> None:
    new = data.draw(st.integers(min_value=1, max_value=300), label="new size")
    old = data.draw(st.integers(min_value=1, max_value=new), label="old size")
    entries = _leaves(new)
    hashes = [leaf_hash(e) for e in entries]
    old_root, new_root = root_of(hashes[:old]), root_of(hashes)
    proof = consistency_proof(old, hashes)
    assert proof == ([] if old == new else _reference_consistency(old, hashes))
    assert verify_consistency(old, new, old_root, new_root, proof)
    # pymerkle agrees that the two roots are consistent (in its own proof format).
    theirs = _pymerkle(entries)
    pymerkle_verify_consistency(old_root, new_root, theirs.prove_consistency(old, new))
    # A history rewritten after the old tree's leaves cannot be proved to extend it.
    if old < new:
        rewritten = [*hashes[: old - 1], leaf_hash(b"rewritten"), *hashes[old:]]
        assert not verify_consistency(
            old, new, old_root, root_of(rewritten), consistency_proof(old, rewritten)
        )
    for i in range(len(proof)):
        tampered = [*proof[:i], bytes(32), *proof[i + 1 :]]
        assert not verify_consistency(old, new, old_root, new_root, tampered)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=600), st.integers(min_value=0, max_value=600))
def test_an_accumulator_resumed_anywhere_reaches_the_same_root(size: int, cut: int) -> None:
    hashes = [leaf_hash(e) for e in _leaves(size)]
    cut = min(cut, size)
    first = MerkleAccumulator()
    first.extend(hashes[:cut])
    resumed = MerkleAccumulator.from_bytes(first.size, first.to_bytes())
    resumed.extend(hashes[cut:])
    assert resumed.size == size
    assert resumed.root() == root_of(hashes) == _pymerkle(_leaves(size)).get_root(size)
