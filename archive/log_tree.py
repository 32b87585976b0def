"""The Merkle tree of an archived log, computed from its JSON Lines alone.

Each line (without its newline) is a leaf; the tree is RFC 9162's, exactly as
``ejournal.integrity.merkle`` builds it, so its root is comparable with a signed checkpoint. The
log is hashed as a stream, keeping only the compact range (one perfect subtree per set bit of the
size), and can be fed the very chunks a file is read in for its manifest digests, so a log is read
once. Splitting the work over processes was measured and dropped: on two cores, starting workers
and finding line boundaries cost what the second core saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

_READ = 4 * 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class LineTree:
    """A log's tree: how many lines, its compact range, whether the last line was ended."""

    size: int
    compact_range: tuple[bytes, ...]
    terminated: bool
    marked: tuple[bytes, ...] = ()
    """The lines that hold the builder's marker (the candidates a verifier reads closer)."""

    def root(self) -> bytes:
        return fold(self.compact_range)


def fold(compact_range: Sequence[bytes]) -> bytes:
    """The root of a tree from its compact range (largest subtree first)."""
    if not compact_range:
        return hashlib.sha256(b"").digest()
    root = compact_range[-1]
    for left in reversed(compact_range[:-1]):
        root = hashlib.sha256(b"\x01" + left + root).digest()
    return root


def _grow(stack: list[bytes], size: int, leaves: Iterable[bytes]) -> int:
    """Append leaves (line bytes) to a compact range of ``size`` leaves; returns the new size.
    The loop is written out (not MerkleAccumulator.append) because it runs once per event."""
    sha256 = hashlib.sha256
    push, pop = stack.append, stack.pop
    for line in leaves:
        digest = sha256(b"\x00" + line).digest()
        index = size
        while index & 1:
            digest = sha256(b"\x01" + pop() + digest).digest()
            index >>= 1
        push(digest)
        size += 1
    return size


class LineTreeBuilder:
    """Grows a log's tree from the chunks the log is read in, whatever their boundaries; keeps
    the lines that contain ``marker`` (searched in each chunk at C speed, so lines are looked
    at one by one only in the rare chunk that has it)."""

    def __init__(self, marker: bytes | None = None) -> None:
        self._stack: list[bytes] = []
        self._size = 0
        self._pending = b""
        self._marker = marker
        self._marked: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        data = self._pending + chunk
        lines = data.split(b"\n")
        self._pending = lines.pop()
        if self._marker is not None and self._marker in data:
            self._marked.extend(line for line in lines if self._marker in line)
        self._size = _grow(self._stack, self._size, lines)

    def finish(self) -> LineTree:
        """The tree of everything fed; a last line without its newline is still a leaf."""
        if self._pending:
            self._size = _grow(self._stack, self._size, [self._pending])
            if self._marker is not None and self._marker in self._pending:
                self._marked.append(self._pending)
        return LineTree(
            self._size,
            tuple(self._stack),
            terminated=not self._pending,
            marked=tuple(self._marked),
        )


def tree_of_stream(stream: Readable, marker: bytes | None = None) -> LineTree:
    """The tree of the lines read from a stream (keeping the lines with ``marker``)."""
    builder = LineTreeBuilder(marker)
    while chunk := stream.read(_READ):
        builder.feed(chunk)
    return builder.finish()
