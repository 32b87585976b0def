#!/usr/bin/env python3
"""Check an ejournal log without trusting ejournal: an archive's events.jsonl against its signed
checkpoint, and the live service's checkpoints and proofs, all against a key you pinned.

Stand-alone: Python 3.9 or later, its standard library, and the ``cryptography`` package for
Ed25519 signatures (``pip install cryptography``). Nothing of ejournal is imported; the formats
it checks are described in docs/integrity.md, next to this file.

Pin the school's key with ``--key`` (its verifier key text ``<name>+<key id>+<base64>``, or a
file holding it) or with ``--fingerprint`` (``SHA256:…`` as the school gave it to you;
the key itself is then read from the archive or the service and must have that fingerprint).
Both may be repeated: a school that rotated its key has several, and the log names each
(``SigningKeyRegistered``, ``SigningKeyRotated``); a checkpoint is signed by the key named last
among the events it covers (before any key event, the log's first key).

    verify_ejournal.py archive DIR --fingerprint 'SHA256:…' [--log LOG]
        DIR is an archive's bag (with data/) or a directory holding events.jsonl and
        checkpoint.txt (and checkpoint.vkey): the checkpoint's key is the one the archived log
        names for it, and must be pinned; the root recomputed from the lines must be the
        root the checkpoint signs, over exactly as many lines. In a bag, every document must
        be the one the log's ``ArchiveContents.DocumentsRecorded`` line records (sha256 and
        size), and retention.txt must give each the recorded retention. With --log, a
        mismatch also names the first line that is not the live log's (by its public leaf
        hashes), and a key that is not pinned is trusted when the live log's newest
        checkpoint, signed by a pinned key, holds the archived line that names it (an archive
        made before a rotation, checked against today's key).
    verify_ejournal.py checkpoint LOG --key KEY [--size N]
    verify_ejournal.py inclusion LOG --index I (--leaf-hash HEX | --events FILE) [--size N] ...
    verify_ejournal.py consistency LOG (--old N | --old-checkpoint FILE) [--new N] ...
        LOG is the school's public log, https://<host>/api/v1/schools/<school>/log; proofs are
        checked against the roots of checkpoints whose signatures were checked first, never
        against the roots the service states beside them. A checkpoint must carry a valid
        signature of a pinned key (a fingerprint admits the keys LOG/key lists): pin every key
        whose checkpoints you check.

Exit status: 0 when everything checks out ("OK: …" on standard output), 1 when something does
not ("FAILED: …" on standard error, naming it), 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import hashlib
import json
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519 = 0x01
"""The signature type byte of Ed25519 in C2SP signed notes and verifier keys."""
LINE_KEYS = ["originator_id", "originator_version", "position", "state", "topic"]
"""The keys of a log line, in the order they are written."""
TIMEOUT = 30
LEAF_PAGE = 1000
"""The most leaf hashes the service gives in one answer."""


class VerificationFailedError(Exception):
    """Something does not check out; the message names it."""


# --- RFC 9162 Merkle trees --------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Tree:
    """A tree grown leaf by leaf, keeping one perfect subtree per set bit of its size."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    def append(self, leaf: bytes) -> None:
        digest, index = leaf, self.size
        while index & 1:
            digest = node_hash(self._stack.pop(), digest)
            index >>= 1
        self._stack.append(digest)
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return hashlib.sha256(b"").digest()
        root = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            root = node_hash(left, root)
        return root


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
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
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return old_root == hashlib.sha256(b"").digest() and not proof
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


# --- keys, signed notes, checkpoints (C2SP signed-note, tlog-checkpoint) --------------------------


@dataclass(frozen=True)
class Key:
    name: str
    key_id: bytes
    public_key: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(hashlib.sha256(self.public_key).hexdigest())

    @property
    def text(self) -> str:
        material = base64.b64encode(bytes([ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{material}"


def fingerprint_of(digest_hex: str) -> str:
    return "SHA256:" + " ".join(digest_hex[i : i + 4] for i in range(0, len(digest_hex), 4))


def normalized_fingerprint(text: str) -> str:
    body = text.strip()
    if body[:7].upper() == "SHA256:":
        body = body[7:]
    digest = re.sub(r"[\s:]", "", body).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise VerificationFailedError(f"not a SHA-256 fingerprint: {text!r}")
    return digest


def b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise VerificationFailedError(f"the {what} is not base64: {text!r}") from None


def parse_key(text: str) -> Key:
    """A verifier key ``<name>+<key id hex>+<base64(0x01 ‖ 32-byte Ed25519 key)>``."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not re.fullmatch(r"[^\s+]+", parts[0]):
        raise VerificationFailedError(
            f"not a verifier key <name>+<key id>+<base64 key>: {text.strip()!r}"
        )
    name, key_id_hex, material = parts
    raw = b64(material, "verifier key")
    if len(raw) != 33 or raw[0] != ED25519:
        raise VerificationFailedError("the verifier key is not an Ed25519 key")
    key_id = hashlib.sha256(name.encode("utf-8") + b"\n" + raw).digest()[:4]
    if key_id.hex() != key_id_hex:
        raise VerificationFailedError(
            f"the verifier key's id {key_id_hex} is not its name's and key's ({key_id.hex()})"
        )
    return Key(name, key_id, raw[1:])


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: list[str]

    @property
    def time(self) -> str:
        return next((e[5:] for e in self.extensions if e.startswith("time ")), "?")


def open_note(note: str, key: Key) -> Checkpoint:
    """The checkpoint in a signed note, once the key's signature over its text checks out."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise VerificationFailedError(
            "a signed note is its text, a blank line, then signature lines"
        )
    text, signatures = note[: split + 1], note[split + 2 : -1].split("\n")
    ours = [line for line in signatures if line.startswith(f"\u2014 {key.name} ")]
    checked = False
    for line in ours:
        blob = b64(line[len(f"\u2014 {key.name} ") :], "signature")
        if blob[:4] != key.key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(
                blob[4:], text.encode("utf-8")
            )
        except InvalidSignature:
            raise VerificationFailedError(
                f"the signature of {key.name} does not match the checkpoint"
            ) from None
        checked = True
    if not checked:
        raise VerificationFailedError(
            f"the checkpoint carries no signature of the pinned key {key.text}"
        )
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise VerificationFailedError(
            "a checkpoint is an origin, a decimal size and a base64 root, each a line"
        )
    root = b64(lines[2], "root hash")
    if len(root) != 32:
        raise VerificationFailedError("a checkpoint's root is a 32-byte SHA-256 hash")
    checkpoint = Checkpoint(lines[0], int(lines[1]), root, lines[3:])
    if checkpoint.origin != key.name:
        raise VerificationFailedError(
            f"the checkpoint's origin {checkpoint.origin!r} is not the key's {key.name!r}"
        )
    return checkpoint


@dataclass(frozen=True)
class Pins:
    """The keys you trust: given whole (--key) or by fingerprint (--fingerprint), as many as
    you pinned (a school that rotated its key has several)."""

    keys: tuple[Key, ...]
    fingerprints: tuple[str, ...]
    """Normalized: 64 lower-case hex digits."""

    def admits(self, key: Key) -> bool:
        digest = hashlib.sha256(key.public_key).hexdigest()
        return key in self.keys or digest in self.fingerprints

    def describe(self) -> str:
        named = [k.fingerprint for k in self.keys]
        named += [fingerprint_of(f) for f in self.fingerprints]
        return ", ".join(named)


def pins_of(args: argparse.Namespace) -> Pins:
    keys = []
    for given in args.key or []:
        path = Path(given)
        keys.append(parse_key(path.read_text(encoding="utf-8") if path.is_file() else given))
    fingerprints = tuple(normalized_fingerprint(f) for f in args.fingerprint or [])
    return Pins(tuple(keys), fingerprints)


def candidates(pins: Pins, offered: list[str]) -> list[Key]:
    """The keys a signature may be checked with: those pinned whole, and those offered (by
    an archive or the service) that a pin admits."""
    found = list(pins.keys)
    for text in offered:
        key = parse_key(text)
        if pins.admits(key) and key not in found:
            found.append(key)
    return found


def open_note_with_any(
    note: str, keys: list[Key], pins: Pins, where: str
) -> tuple[Checkpoint, Key]:
    """The checkpoint in a signed note and the pinned key that signed it."""
    for key in keys:
        if any(
            line.startswith(f"\u2014 {key.name} ")
            and b64(line[len(f"\u2014 {key.name} ") :], "signature")[:4] == key.key_id
            for line in note.rstrip("\n").rpartition("\n\n")[2].split("\n")
        ):
            return open_note(note, key), key  # a signature by this key must check out
    raise VerificationFailedError(
        f"{where} carries no signature of a pinned key ({pins.describe()})"
    )


def note_size(note: str) -> int:
    """The size a signed note states (read before its signature is checked, to find its key)."""
    lines = note.split("\n")
    if len(lines) < 2 or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise VerificationFailedError("the checkpoint has no decimal size on its second line")
    return int(lines[1])


# --- an archive ------------------------------------------------------------------------------


KEY_EVENTS = ("IntegrityRegister.SigningKeyRegistered", "IntegrityRegister.SigningKeyRotated")
"""The topics' endings of the events that name a signing key in the log."""
CONTENTS_EVENT = "ArchiveContents.DocumentsRecorded"
"""The topic's ending of the event that records an archive's documents before its checkpoint."""


@dataclass(frozen=True)
class NamedKey:
    """A key the log names: the leaf that names it, its line, and the rotation's reason."""

    index: int
    line: bytes
    key: Key
    reason: str | None


def key_in_force(named: list[NamedKey], size: int) -> NamedKey | None:
    """The key the log names for a checkpoint of ``size`` leaves: the last one named among
    them; before any, the log's first (a log older than key events registered the key that
    had signed it)."""
    inside = [n for n in named if n.index < size]
    return inside[-1] if inside else (named[0] if named else None)


def check_line(number: int, line: bytes, previous: int) -> dict[str, Any]:
    """A line's shape (the root decides its content); returns it decoded."""
    try:
        data = json.loads(line)
    except (ValueError, UnicodeDecodeError) as error:
        raise VerificationFailedError(f"events.jsonl line {number} is not JSON: {error}") from None
    if not isinstance(data, dict) or list(data) != LINE_KEYS:
        raise VerificationFailedError(
            f"events.jsonl line {number} is not an event line (keys {LINE_KEYS})"
        )
    position = data["position"]
    if not isinstance(position, int) or position <= previous:
        raise VerificationFailedError(
            f"events.jsonl line {number}: positions must grow, {position} after {previous}"
        )
    return data


@dataclass
class ArchivedLog:
    """What an archive's events.jsonl holds that the checks need: its tree, the keys it
    names, and the documents each archive recorded (archive id → leaf index and state)."""

    tree: Tree
    keys: list[NamedKey]
    contents: dict[str, tuple[int, dict[str, Any]]]


def read_archived_log(events: Path) -> ArchivedLog:
    log = ArchivedLog(Tree(), [], {})
    position = 0
    with events.open("rb") as stream:  # a line at a time: a year's log may be large
        for number, line in enumerate(stream, start=1):
            if not line.endswith(b"\n"):
                raise VerificationFailedError(
                    f"events.jsonl line {number} has no newline: the file is cut off"
                )
            data = check_line(number, line[:-1], position)
            position = data["position"]
            topic, state = str(data["topic"]), data["state"]
            if topic.endswith(KEY_EVENTS) and isinstance(state, dict):
                key = parse_key(str(state.get("verifier_key", "")))
                reason = state.get("reason")
                log.keys.append(NamedKey(log.tree.size, line[:-1], key, reason))
            elif topic.endswith(CONTENTS_EVENT) and isinstance(state, dict):
                log.contents[str(state.get("archive_id"))] = (log.tree.size, state)
            log.tree.append(leaf_hash(line[:-1]))
    return log


def verify_archive(args: argparse.Namespace) -> str:
    directory = Path(args.directory)
    data = directory / "data" if (directory / "data" / "events.jsonl").exists() else directory
    bag = directory if data != directory else directory.parent
    events, note_file, vkey = (
        data / n for n in ("events.jsonl", "checkpoint.txt", "checkpoint.vkey")
    )
    for needed in (events, note_file):
        if not needed.is_file():
            raise VerificationFailedError(f"{needed} is missing")
    pins = pins_of(args)
    note = note_file.read_text(encoding="utf-8")
    log = read_archived_log(events)
    offered = parse_key(vkey.read_text(encoding="utf-8")) if vkey.is_file() else None
    named = key_in_force(log.keys, note_size(note))
    if named is not None:
        key = named.key  # the key the archived log names for its checkpoint
        if offered is not None and offered != key:
            raise VerificationFailedError(
                f"{vkey.name} holds the key with fingerprint {offered.fingerprint}, not the key"
                f" the archived log names for its checkpoint, {key.fingerprint}"
            )
    elif offered is not None:
        key = offered  # an archive from before the log named its keys
    elif len(pins.keys) == 1:
        key = pins.keys[0]
    else:
        raise VerificationFailedError("the archive names no key: pin the school's key with --key")
    trust = trust_of(key, named, pins, args.log)
    checkpoint = open_note(note, key)
    tree = log.tree
    if tree.size != checkpoint.size:
        where = f"; {first_difference(args.log, events)}" if args.log else ""
        raise VerificationFailedError(
            f"events.jsonl has {tree.size} lines, the checkpoint signs a log of"
            f" {checkpoint.size}{where}"
        )
    root = tree.root()
    if root != checkpoint.root:
        where = f"; {first_difference(args.log, events)}" if args.log else ""
        raise VerificationFailedError(
            f"the root of the {tree.size} lines of events.jsonl is {root.hex()}, the checkpoint"
            f" signs {checkpoint.root.hex()}: a line was changed, added, removed or"
            f" reordered{where}"
        )
    documents = verify_documents(bag, log)
    return (
        f"{events} holds the {checkpoint.size} events of the checkpoint of {checkpoint.origin}"
        f" signed at {checkpoint.time}, root {root.hex()}, key {key.fingerprint} ({trust})"
        f"{documents}"
    )


def trust_of(key: Key, named: NamedKey | None, pins: Pins, log: str | None) -> str:
    """Why the key that signed the archive's checkpoint is to be trusted: it is pinned; or the
    live log, in a checkpoint signed by a pinned key, holds the archived line that names it
    (a key rotated since: the log signed under today's key names the keys before it)."""
    if pins.admits(key):
        return "pinned"
    if named is None or not log:
        raise VerificationFailedError(
            f"the key that signs the archive's checkpoint has the fingerprint {key.fingerprint},"
            f" which is not pinned (pinned: {pins.describe()}): pin it, or, if the school has"
            " rotated its key since, pass --log so that the live log, signed by a key you"
            " pinned, vouches for it"
        )
    served = fetch_json(f"{log}/key")
    offered = [str(served.get("verifier_key", ""))]
    offered += [str(k.get("verifier_key", "")) for k in served.get("keys") or []]
    live_note = fetch(f"{log}/checkpoint").decode("utf-8")
    live, signer = open_note_with_any(
        live_note, candidates(pins, offered), pins, f"{log}/checkpoint"
    )
    if named.index >= live.size:
        raise VerificationFailedError(
            f"the live checkpoint of {live.size} events does not cover leaf {named.index}, which"
            f" names the key {key.fingerprint}"
        )
    proof = fetch_json(f"{log}/proof/inclusion?index={named.index}&size={live.size}")
    leaf = leaf_hash(named.line)
    if not verify_inclusion(leaf, named.index, live.size, hashes(proof, "audit_path"), live.root):
        raise VerificationFailedError(
            f"the live log signed by {signer.fingerprint} does not hold the archived line"
            f" {named.index + 1} that names the key {key.fingerprint}"
        )
    return (
        f"named at leaf {named.index} of the log, which the live checkpoint of {live.size}"
        f" events signed by the pinned key {signer.fingerprint} holds"
    )


def verify_documents(bag: Path, log: ArchivedLog) -> str:
    """Every document of the bag against the line of the signed log that recorded it (sha256
    and size), and retention.txt against the same line; a forged PDF is named by its path,
    whatever the bag's manifests say."""
    archive_id = bag_info(bag).get("Ejournal-Archive-Id")
    if archive_id is None:
        return ""  # not a bag: only the log was given
    if archive_id not in log.contents:
        return (
            f"; the log records no documents for archive {archive_id} (an archive made before"
            " documents were recorded): its documents are covered by the manifests only"
        )
    index, state = log.contents[archive_id]
    recorded = {str(d["path"]): d for d in state.get("documents") or []}
    problems = []
    for path, document in sorted(recorded.items()):
        file = bag / path
        if not file.is_file():
            problems.append(f"{path} is missing")
            continue
        content = file.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if digest != document["sha256"] or len(content) != document["size"]:
            problems.append(
                f"{path} is not the document the log recorded at leaf {index}: sha256 {digest}"
                f" and {len(content)} bytes, recorded {document['sha256']} and"
                f" {document['size']} bytes"
            )
    documents = bag / "data" / "documents"
    if documents.is_dir():
        for file in sorted(documents.rglob("*")):
            path = file.relative_to(bag).as_posix()
            if file.is_file() and path not in recorded:
                problems.append(f"{path} is not among the documents the log recorded")
    retention = bag / "retention.txt"
    if retention.is_file():
        problems += retention_problems(retention, recorded)
    if problems:
        raise VerificationFailedError("; ".join(problems))
    kept = ", and retention.txt agrees" if retention.is_file() else ""
    return (
        f"; its {len(recorded)} documents are the ones the log recorded at leaf {index}"
        f" (sha256 and size){kept}"
    )


def retention_problems(retention: Path, recorded: dict[str, dict[str, Any]]) -> list[str]:
    """retention.txt (``<years> <class> <path>`` lines) against the recorded documents."""
    entries = {}
    for line in retention.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3:
            entries[parts[2]] = (parts[0], parts[1])
    problems = []
    for path, document in sorted(recorded.items()):
        wanted = (str(document["retention_years"]), str(document["retention"]))
        if entries.get(path) != wanted:
            problems.append(
                f"retention.txt gives {path} {entries.get(path)}, not the retention the log"
                f" recorded, {wanted[0]} years ({wanted[1]})"
            )
    return problems


def bag_info(bag: Path) -> dict[str, str]:
    """bag-info.txt's fields (the first value of each); empty when there is none."""
    info = bag / "bag-info.txt"
    fields: dict[str, str] = {}
    if not info.is_file():
        return fields
    for line in info.read_text(encoding="utf-8").splitlines():
        name, colon, value = line.partition(":")
        if colon and not line[:1].isspace():
            fields.setdefault(name.strip(), value.strip())
    return fields


def first_difference(log: str, events: Path) -> str:
    """Which line of an archive's log is the first that is not the live log's leaf there, by
    the public leaf hashes (for the message: the signed root decides, not this)."""
    index = 0
    with events.open("rb") as stream:
        while True:
            page = fetch_json(f"{log}/leaves?start={index}&limit={LEAF_PAGE}")
            hashes = page.get("leaf_hashes")
            if not isinstance(hashes, list):
                raise VerificationFailedError(f"{log}/leaves did not answer leaf hashes")
            for expected in hashes:
                line = stream.readline()
                if not line:
                    return f"the live log goes on after its last line, {index}"
                if leaf_hash(line.removesuffix(b"\n")).hex() != expected:
                    return (
                        f"line {index + 1} (leaf {index}) is the first that is not the live"
                        f" log's: its leaf hash is {expected}"
                    )
                index += 1
            if len(hashes) < LEAF_PAGE:
                break
        if stream.readline():
            return f"line {index + 1} and those after it are not in the live log"
    return "every line is the live log's"


# --- the live service ------------------------------------------------------------------------


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "*/*"})  # noqa: S310 (an http URL)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")
        with contextlib.suppress(ValueError, AttributeError):  # a problem+json's detail
            detail = json.loads(detail).get("detail", detail)
        raise VerificationFailedError(f"{url} answered {error.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        raise VerificationFailedError(f"{url} cannot be read: {error}") from None


def fetch_json(url: str) -> dict[str, Any]:
    try:
        found = json.loads(fetch(url))
    except ValueError:
        raise VerificationFailedError(f"{url} did not answer JSON") from None
    if not isinstance(found, dict):
        raise VerificationFailedError(f"{url} did not answer a JSON object")
    return found


def live_keys(args: argparse.Namespace) -> list[Key]:
    """The keys a live checkpoint may be signed by: those pinned whole, and those the service
    names (today's and every key the log named before) that a pinned fingerprint admits."""
    pins = pins_of(args)
    if not pins.fingerprints:
        return list(pins.keys)
    served = fetch_json(f"{args.log}/key")
    offered = [str(served.get("verifier_key", ""))]
    offered += [str(k.get("verifier_key", "")) for k in served.get("keys") or []]
    found = candidates(pins, offered)
    if not found:
        raise VerificationFailedError(
            f"{args.log}/key names no key with a pinned fingerprint ({pins.describe()})"
        )
    return found


def live_checkpoint(args: argparse.Namespace, keys: list[Key], size: int | None) -> Checkpoint:
    url = f"{args.log}/checkpoint" if size is None else f"{args.log}/checkpoints/{size}"
    checkpoint, _ = open_note_with_any(fetch(url).decode("utf-8"), keys, pins_of(args), url)
    if size is not None and checkpoint.size != size:
        raise VerificationFailedError(
            f"{url} is a checkpoint of size {checkpoint.size}, not {size}"
        )
    return checkpoint


def hashes(found: dict[str, Any], field: str) -> list[bytes]:
    try:
        values = [bytes.fromhex(h) for h in found[field]]
    except (KeyError, TypeError, ValueError):
        raise VerificationFailedError(f"the proof's {field} is not a list of hex hashes") from None
    if any(len(h) != 32 for h in values):
        raise VerificationFailedError(f"the proof's {field} holds a hash that is not 32 bytes")
    return values


def verify_live_checkpoint(args: argparse.Namespace) -> str:
    keys = live_keys(args)
    url = f"{args.log}/checkpoint" if args.size is None else f"{args.log}/checkpoints/{args.size}"
    checkpoint, key = open_note_with_any(fetch(url).decode("utf-8"), keys, pins_of(args), url)
    if args.size is not None and checkpoint.size != args.size:
        raise VerificationFailedError(
            f"{url} is a checkpoint of size {checkpoint.size}, not {args.size}"
        )
    return (
        f"the checkpoint of {checkpoint.origin} of {checkpoint.size} events, signed at"
        f" {checkpoint.time}, root {checkpoint.root.hex()}, is signed by {key.fingerprint}"
    )


def verify_live_inclusion(args: argparse.Namespace) -> str:
    if args.events:
        with Path(args.events).open("rb") as stream:
            line = next((ln for i, ln in enumerate(stream) if i == args.index), b"")
        if not line.endswith(b"\n"):
            raise VerificationFailedError(
                f"{args.events} has no whole line of index {args.index} (0-based)"
            )
        leaf = leaf_hash(line[:-1])
    else:
        try:
            leaf = bytes.fromhex(args.leaf_hash)
        except ValueError:
            raise VerificationFailedError(f"not a hex hash: {args.leaf_hash!r}") from None
    keys = live_keys(args)
    checkpoint = live_checkpoint(args, keys, args.size)
    proof = fetch_json(f"{args.log}/proof/inclusion?index={args.index}&size={checkpoint.size}")
    if proof.get("leaf_hash") != leaf.hex():
        raise VerificationFailedError(
            f"the log's leaf {args.index} is {proof.get('leaf_hash')}, not {leaf.hex()}:"
            " that event is not in the log at that index"
        )
    path = hashes(proof, "audit_path")
    if not verify_inclusion(leaf, args.index, checkpoint.size, path, checkpoint.root):
        raise VerificationFailedError(
            f"the audit path does not lead from leaf {args.index} to the signed root of the"
            f" checkpoint of {checkpoint.size}"
        )
    return (
        f"leaf {args.index} ({leaf.hex()}) is in the signed checkpoint of {checkpoint.origin}"
        f" of {checkpoint.size} events, root {checkpoint.root.hex()}"
    )


def verify_live_consistency(args: argparse.Namespace) -> str:
    keys = live_keys(args)
    if args.old_checkpoint:
        old, _ = open_note_with_any(
            Path(args.old_checkpoint).read_text(encoding="utf-8"),
            keys,
            pins_of(args),
            args.old_checkpoint,
        )
    else:
        old = live_checkpoint(args, keys, args.old)
    new = live_checkpoint(args, keys, args.new)
    if new.size < old.size:
        raise VerificationFailedError(
            f"the new checkpoint ({new.size}) is smaller than the old ({old.size})"
        )
    proof = fetch_json(f"{args.log}/proof/consistency?old={old.size}&new={new.size}")
    path = hashes(proof, "proof")
    if not verify_consistency(old.size, new.size, old.root, new.root, path):
        raise VerificationFailedError(
            f"the signed checkpoint of {new.size} events does not extend the signed checkpoint"
            f" of {old.size}: the log's history was changed"
        )
    return (
        f"the signed checkpoint of {new.size} events ({new.root.hex()}) extends the signed"
        f" checkpoint of {old.size} ({old.root.hex()}) of {new.origin}"
    )


# --- the command line ------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        description="Verify an ejournal archive or live log against a pinned key."
    )
    commands = main.add_subparsers(dest="command", required=True)

    def pinned(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--key",
            action="append",
            help="a verifier key text, or a file holding it (repeat for several keys)",
        )
        command.add_argument(
            "--fingerprint",
            action="append",
            help="a key's fingerprint, SHA256:… (repeat for several keys)",
        )

    archive = commands.add_parser("archive", help="an archive's events.jsonl and checkpoint")
    archive.add_argument("directory")
    archive.add_argument(
        "--log", help="the school's public log: on a mismatch, name the first line it differs at"
    )
    pinned(archive)
    checkpoint = commands.add_parser("checkpoint", help="the live log's newest checkpoint")
    checkpoint.add_argument("log", help="https://<host>/api/v1/schools/<school>/log")
    checkpoint.add_argument("--size", type=int, help="the checkpoint of this size instead")
    pinned(checkpoint)
    inclusion = commands.add_parser("inclusion", help="a leaf is in a signed checkpoint")
    inclusion.add_argument("log")
    inclusion.add_argument("--index", type=int, required=True, help="the leaf index, 0-based")
    leaf = inclusion.add_mutually_exclusive_group(required=True)
    leaf.add_argument("--leaf-hash", help="the leaf hash, hex")
    leaf.add_argument("--events", help="an events.jsonl: its line of --index is the leaf")
    inclusion.add_argument("--size", type=int, help="the checkpoint's size; default the newest")
    pinned(inclusion)
    consistency = commands.add_parser("consistency", help="a checkpoint extends an older one")
    consistency.add_argument("log")
    old = consistency.add_mutually_exclusive_group(required=True)
    old.add_argument("--old", type=int, help="the older checkpoint's size")
    old.add_argument("--old-checkpoint", help="a signed checkpoint file (an archive's)")
    consistency.add_argument("--new", type=int, help="the newer checkpoint's size; default newest")
    pinned(consistency)
    return main


def main(argv: list[str] | None = None) -> int:
    command_line = parser()
    args = command_line.parse_args(argv)
    if not args.key and not args.fingerprint:
        command_line.error("pin the school's key: --key or --fingerprint (once or more)")
    if getattr(args, "log", None):
        args.log = args.log.rstrip("/")
    run = {
        "archive": verify_archive,
        "checkpoint": verify_live_checkpoint,
        "inclusion": verify_live_inclusion,
        "consistency": verify_live_consistency,
    }[args.command]
    try:
        print(f"OK: {run(args)}")
    except VerificationFailedError as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
