"""The Merkle tree of a school's log, as RFC 9162 §2.1 (Certificate Transparency v2) defines it.

Leaf hash = SHA-256(0x00 ‖ data), node hash = SHA-256(0x01 ‖ left ‖ right), the empty tree's
hash = SHA-256(""), and a tree of n > 1 leaves splits at the largest power of two below n. Leaf
indexes are 0-based. Proofs are lists of 32-byte hashes in the RFC's order, so any RFC 6962/9162
verifier checks them.

Every proof is computed through one callback, the hash of a subtree of consecutive leaves: over a
list of leaf hashes (``inclusion_proof``, ``consistency_proof``) it is computed from the leaves;
over a stored tree (``TreeHashes``) it is folded from stored perfect subtrees, so a proof costs
O(log² n) look-ups instead of reading the whole log. ``MerkleAccumulator`` grows a tree one leaf at
a time, holding only its compact range (one perfect subtree per set bit of the size).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The hash of the empty tree (RFC 9162 §2.1.1)."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

SubtreeHash = Callable[[int, int], bytes]
"""The hash (MTH) of the leaves [start, end) of a tree, 0 <= start < end."""


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """The tree hash (MTH) of a list of leaf hashes; SHA-256("") for none."""
    accumulator = MerkleAccumulator()
    for leaf in leaf_hashes:
        accumulator.append(leaf)
    return accumulator.root()


# --- proofs, over any source of subtree hashes -------------------------------------------------


def inclusion_path(index: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    path: list[bytes] = []
    start, end = 0, size
    # The recursion PATH(m, D[start:end]) unrolled: the sibling hash of each level is appended
    # deepest first, so it is collected top-down and reversed.
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_path(old_size: int, new_size: int, subtree: SubtreeHash) -> list[bytes]:
    """The proof that the tree of ``new_size`` leaves extends the one of ``old_size``
    (RFC 9162 §2.1.4.1); empty when either tree is empty or both are the same."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size} leaves")
    if old_size in (0, new_size):
        return []
    path: list[bytes] = []
    # SUBPROOF(m, D[start:end], b) unrolled, collected top-down and reversed like the path above.
    m, start, end, complete = old_size, 0, new_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            m -= k
            start += k
            complete = False
    if not complete:
        path.append(subtree(start, end))
    path.reverse()
    return path


def _list_subtree(leaf_hashes: Sequence[bytes]) -> SubtreeHash:
    def subtree(start: int, end: int) -> bytes:
        return root_of(leaf_hashes[start:end])

    return subtree


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of these leaf hashes."""
    return inclusion_path(index, len(leaf_hashes), _list_subtree(leaf_hashes))


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The proof that the tree of these leaf hashes extends its first ``old_size`` leaves."""
    return consistency_path(old_size, len(leaf_hashes), _list_subtree(leaf_hashes))


# --- verifying proofs (RFC 9162 §2.1.3.2 and §2.1.4.2, step by step) -----------------------------


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows the leaf at ``index`` in the tree of ``size`` leaves and ``root``."""
    if not 0 <= index < size or not _well_formed(proof):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows that the tree (``new_size``, ``new_root``) extends the tree
    (``old_size``, ``old_root``): every leaf of the old tree is in the new one, unchanged."""
    if not 0 <= old_size <= new_size or not _well_formed(proof):
        return False
    if old_size == 0:
        return old_root == EMPTY_ROOT and not proof
    if old_size == new_size:
        return old_root == new_root and not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def _well_formed(proof: Iterable[bytes]) -> bool:
    return all(isinstance(p, bytes) and len(p) == HASH_SIZE for p in proof)


# --- the tree grown one leaf at a time ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """A perfect subtree: the 2**level leaves from index * 2**level on, and its hash."""

    level: int
    index: int
    hash: bytes


class MerkleAccumulator:
    """A tree grown leaf by leaf, holding only its compact range: the hashes of the perfect
    subtrees that make it up, largest (leftmost) first, one per set bit of its size.

    Its state (``size`` and ``compact_range``, or ``to_bytes``) is what a notary stores to resume
    where it stopped without reading the leaves again.
    """

    def __init__(self, size: int = 0, compact_range: Sequence[bytes] = ()) -> None:
        if size < 0 or len(compact_range) != size.bit_count():
            raise ValueError(
                f"a tree of {size} leaves has {max(size, 0).bit_count()} perfect subtrees,"
                f" not {len(compact_range)}"
            )
        if not _well_formed(compact_range):
            raise ValueError("a compact range holds 32-byte hashes")
        self._size = size
        self._range = list(compact_range)

    @property
    def size(self) -> int:
        """How many leaves the tree has."""
        return self._size

    @property
    def compact_range(self) -> tuple[bytes, ...]:
        """The perfect subtrees' hashes, largest first."""
        return tuple(self._range)

    def append(self, leaf_hash: bytes) -> list[Node]:
        """Add a leaf; returns the perfect subtrees it completed, the leaf itself first."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError("a leaf hash has 32 bytes")
        index = self._size
        completed = [Node(0, index, leaf_hash)]
        current, level = leaf_hash, 0
        # Each trailing one bit of the old size is a perfect subtree of the same height as the
        # one just completed, to its left: they merge into one twice as high.
        while (index >> level) & 1:
            current = node_hash(self._range.pop(), current)
            level += 1
            completed.append(Node(level, index >> level, current))
        self._range.append(current)
        self._size += 1
        return completed

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        for leaf in leaf_hashes:
            self.append(leaf)

    def root(self) -> bytes:
        """The tree hash of the leaves so far."""
        if not self._range:
            return EMPTY_ROOT
        root = self._range[-1]
        for left in reversed(self._range[:-1]):
            root = node_hash(left, root)
        return root

    def to_bytes(self) -> bytes:
        """The compact range as one blob (32 bytes per subtree), to store beside ``size``."""
        return b"".join(self._range)

    @classmethod
    def from_bytes(cls, size: int, blob: bytes) -> MerkleAccumulator:
        """Resume a tree from its size and ``to_bytes`` blob."""
        if len(blob) % HASH_SIZE:
            raise ValueError("a compact range blob holds whole 32-byte hashes")
        return cls(size, [blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)])

    def copy(self) -> MerkleAccumulator:
        return MerkleAccumulator(self._size, self._range)


def subtree_from_perfect(perfect: Callable[[int, int], bytes]) -> SubtreeHash:
    """Subtree hashes folded from perfect subtrees: ``perfect(level, index)`` is the hash of the
    2**level leaves from index * 2**level on. The ranges a proof asks for always start on a
    boundary of their largest perfect part, so they decompose exactly."""

    def subtree(start: int, end: int) -> bytes:
        parts: list[bytes] = []
        while start < end:
            # The largest aligned perfect subtree starting here that fits before ``end``.
            level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
            while start + (1 << level) > end:
                level -= 1
            parts.append(perfect(level, start >> level))
            start += 1 << level
        root = parts[-1]
        for left in reversed(parts[:-1]):
            root = node_hash(left, root)
        return root

    return subtree
