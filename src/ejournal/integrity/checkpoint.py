"""Signed checkpoints: a school's tree size, root and time, signed with its Ed25519 key.

The body is a C2SP ``tlog-checkpoint`` (origin line, size, base64 root hash, then extension lines;
ours carries the time as ``time <RFC 3339 UTC>``), and the whole is a C2SP ``signed-note``: the
body, a blank line, and one signature line ``— <key name> base64(key id ‖ signature)``. Keys are
written in the notes' text forms (``<name>+<key id hex>+<base64(0x01 ‖ public key)>`` and
``PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 ‖ seed)>``), so the Go ``sumdb/note`` package and
every tool built on it read our keys and verify our checkpoints. A school's key name is its
checkpoints' origin: ``<installation>/ejournal/<school_id>`` for a log started now (the
installation's name makes two installations' logs of one school id distinct),
``ejournal/<school_id>`` for a log started before installations named their origins. A log's
origin is the one its key event names (``IntegrityRegister``), and never changes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ejournal.errors import EjournalError
from ejournal.integrity.merkle import HASH_SIZE

ALGORITHM_ED25519 = 0x01
"""The signature type byte of Ed25519 in signed notes."""
KEY_ID_SIZE = 4
SIGNATURE_SIZE = 64
ORIGIN_PREFIX = "ejournal/"
TIME_EXTENSION = "time "

_PRIVATE_PREFIX = "PRIVATE+KEY+"
_SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space open every signature line
_MAX_SIGNATURES = 100
_NAME = re.compile(r"[^\s+]+")


class CheckpointError(EjournalError):
    """A checkpoint or a key that cannot be trusted: a bad signature, a wrong key, a malformed
    note or key."""

    slug = "checkpoint-invalid"
    title = "The checkpoint cannot be verified"
    status = 422


def origin_of(school_id: str) -> str:
    """The origin line (and key name) of a school's log started before installations named
    their origins: ``ejournal/<school_id>``. A new log's is ``origin_for``'s."""
    return ORIGIN_PREFIX + school_id


def origin_for(installation: str, school_id: str) -> str:
    """The origin line (and key name) of a new log of a school in an installation:
    ``<installation>/ejournal/<school_id>``."""
    return f"{installation}/{ORIGIN_PREFIX}{school_id}"


def school_of_origin(origin: str) -> str | None:
    """The school id an origin line names (either form), or None when it names none: what an
    archive's checkpoint is matched against, since its installation part varies."""
    match = re.fullmatch(r"(?:[^\s+]+/)?ejournal/([a-z0-9_]{1,40})", origin)
    return match.group(1) if match else None


@dataclass(frozen=True)
class Checkpoint:
    """The state of a school's log at one moment: how many events, the tree's root, when."""

    origin: str
    size: int
    root: bytes
    time: datetime
    """When it was signed, in UTC."""

    def __post_init__(self) -> None:
        if not self.origin or any(c.isspace() for c in self.origin):
            raise CheckpointError(f"a checkpoint's origin is one word: {self.origin!r}")
        if self.size < 0:
            raise CheckpointError(f"a tree has no negative size: {self.size}")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError("a checkpoint's root is a 32-byte SHA-256 hash")
        if self.time.tzinfo is None:
            raise CheckpointError("a checkpoint's time is timezone-aware")
        object.__setattr__(self, "time", self.time.astimezone(UTC))

    def body(self) -> str:
        """The checkpoint's text, as signed: origin, size, base64 root, then the time line."""
        return (
            f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"
            f"{TIME_EXTENSION}{_format_time(self.time)}\n"
        )

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """Read a checkpoint's text (the note's body, signature not checked)."""
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise CheckpointError("a checkpoint has an origin, a size and a root, each on a line")
        origin, size_text, root_text, *extensions = lines[:-1]
        if not re.fullmatch(r"0|[1-9][0-9]{0,18}", size_text):
            raise CheckpointError(f"a checkpoint's size is a decimal number: {size_text!r}")
        root = _b64decode(root_text, "root hash")
        times = [e[len(TIME_EXTENSION) :] for e in extensions if e.startswith(TIME_EXTENSION)]
        if len(times) != 1 or any(not e for e in extensions):
            raise CheckpointError("a checkpoint of ejournal carries exactly one time line")
        try:
            time = datetime.fromisoformat(times[0])
        except ValueError:
            raise CheckpointError(f"a checkpoint's time is RFC 3339: {times[0]!r}") from None
        if time.tzinfo is None:
            raise CheckpointError(f"a checkpoint's time names its zone: {times[0]!r}")
        return cls(origin=origin, size=int(size_text), root=root, time=time)


def _format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- keys ---------------------------------------------------------------------------------------


def _key_id(name: str, public_key: bytes) -> bytes:
    # The C2SP key id: the first 4 bytes of SHA-256(name ‖ "\n" ‖ type ‖ public key).
    digest = hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ALGORITHM_ED25519]) + public_key
    ).digest()
    return digest[:KEY_ID_SIZE]


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise CheckpointError(f"a key name is one word without '+': {name!r}")
    return name


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CheckpointError(f"the {what} is not base64") from None


class VerifierKey:
    """A school's public key, which checks its checkpoints' signatures."""

    def __init__(self, name: str, public_key: bytes) -> None:
        self.name = _check_name(name)
        self._raw = public_key
        try:
            self._key = Ed25519PublicKey.from_public_bytes(public_key)
        except ValueError:
            raise CheckpointError("not an Ed25519 public key") from None
        self.key_id = _key_id(name, public_key)
        """The 4-byte id that each signature line carries."""

    @classmethod
    def from_text(cls, vkey: str) -> VerifierKey:
        """Read the ``<name>+<key id hex>+<base64(0x01 ‖ public key)>`` form."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise CheckpointError("a verifier key reads <name>+<key id hex>+<base64 key>")
        name, key_id, material = parts
        decoded = _b64decode(material, "verifier key")
        if len(decoded) != 33 or decoded[0] != ALGORITHM_ED25519:
            raise CheckpointError("the verifier key is not an Ed25519 key")
        key = cls(name, decoded[1:])
        if key.key_id.hex() != key_id:
            raise CheckpointError("the verifier key's id does not match its name and key")
        return key

    @property
    def text(self) -> str:
        """The key's text form, to publish and to configure verifiers with."""
        material = base64.b64encode(bytes([ALGORITHM_ED25519]) + self._raw).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        return self._raw

    @property
    def fingerprint(self) -> str:
        """The key's fingerprint for people: ``SHA256:`` and the SHA-256 of the raw public key
        in lower-case hex, in groups of four (printed on every title page, given to
        ``archive verify --public-key``). Anyone can recompute it from the key's text form."""
        return format_fingerprint(hashlib.sha256(self._raw).hexdigest())

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifierKey) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"VerifierKey({self.text!r})"


def format_fingerprint(digest_hex: str) -> str:
    """``SHA256:`` and a hex digest in groups of four, the form a fingerprint is printed in."""
    groups = " ".join(digest_hex[i : i + 4] for i in range(0, len(digest_hex), 4))
    return f"SHA256:{groups}"


def parse_fingerprint(text: str) -> str | None:
    """The hex digest of a fingerprint as a person may type it (with or without ``SHA256:``,
    spaces or colons, any case), or None when it is not one."""
    body = text.strip()
    if body[:7].upper() == "SHA256:":
        body = body[7:]
    digest = re.sub(r"[\s:]", "", body).lower()
    return digest if re.fullmatch(r"[0-9a-f]{64}", digest) else None


class SigningKey:
    """A school's private key: it signs checkpoints and lives in a file, never in the database."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = _check_name(name)
        self._key = private_key
        self._public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = _key_id(name, self._public)

    @classmethod
    def generate(cls, name: str) -> SigningKey:
        """A new random key with this name."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_text(cls, skey: str) -> SigningKey:
        """Read the ``PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 ‖ seed)>`` form."""
        if not skey.startswith(_PRIVATE_PREFIX):
            raise CheckpointError("a signing key starts with PRIVATE+KEY+")
        parts = skey.strip()[len(_PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise CheckpointError("a signing key reads PRIVATE+KEY+<name>+<key id>+<base64 key>")
        name, key_id, material = parts
        decoded = _b64decode(material, "signing key")
        if len(decoded) != 33 or decoded[0] != ALGORITHM_ED25519:
            raise CheckpointError("the signing key is not an Ed25519 key")
        key = cls(name, Ed25519PrivateKey.from_private_bytes(decoded[1:]))
        if key.key_id.hex() != key_id:
            raise CheckpointError("the signing key's id does not match its name and key")
        return key

    @property
    def text(self) -> str:
        """The private key's text form (secret: written to its file only)."""
        seed = self._key.private_bytes_raw()
        material = base64.b64encode(bytes([ALGORITHM_ED25519]) + seed).decode("ascii")
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        """Read a key file written by ``save``."""
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise CheckpointError(f"cannot read the signing key {path}: {error}") from error
        return cls.from_text(text)

    def save(self, path: Path) -> None:
        """Write the key to a new file readable by its owner only (mode 0600); an existing key
        is never overwritten, since every checkpoint it signed would lose its verifier."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under a temporary name, then linked into place: another process that
        # finds the key file finds all of it, never an empty or half-written one; the link
        # fails, like O_EXCL, when a key is there already. Created with its final mode: the
        # secret is never readable by others, even briefly.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as file:
                file.write(self.text + "\n")
                file.flush()
                os.fsync(file.fileno())
            os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    def verifier(self) -> VerifierKey:
        """The public half, to verify this key's signatures."""
        return VerifierKey(self.name, self._public)

    def sign_bytes(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"SigningKey({self.name!r}, key id {self.key_id.hex()})"


# --- notes --------------------------------------------------------------------------------------


def sign_note(text: str, key: SigningKey) -> str:
    """A signed note of ``text`` (non-empty lines, each ending in a newline) signed by ``key``."""
    _check_text(text)
    signature = key.key_id + key.sign_bytes(text.encode("utf-8"))
    return f"{text}\n{_SIGNATURE_PREFIX}{key.name} {base64.b64encode(signature).decode('ascii')}\n"


def open_note(note: str, verifier: VerifierKey) -> str:
    """The text of a signed note once a signature by ``verifier`` checks out.

    Signatures by other keys are ignored, as the format says; a note without a valid signature
    of this key (wrong key, another key's name, a changed text, a forged signature) is refused.
    """
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise CheckpointError("a signed note is its text, a blank line and signature lines")
    text, signatures = note[: split + 1], note[split + 2 :]
    _check_text(text)
    lines = signatures[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise CheckpointError("a signed note carries at most 100 signatures")
    ours = 0
    for line in lines:
        if not line.startswith(_SIGNATURE_PREFIX) or line.count(" ") != 2:
            raise CheckpointError(f"a malformed signature line: {line!r}")
        name, blob = line[len(_SIGNATURE_PREFIX) :].split(" ")
        _check_name(name)
        signature = _b64decode(blob, "signature")
        if len(signature) < KEY_ID_SIZE:
            raise CheckpointError(f"a malformed signature line: {line!r}")
        if name != verifier.name or signature[:KEY_ID_SIZE] != verifier.key_id:
            continue
        ours += 1
        if len(signature) != KEY_ID_SIZE + SIGNATURE_SIZE or not verifier.verify(
            text.encode("utf-8"), signature[KEY_ID_SIZE:]
        ):
            raise CheckpointError(f"the signature of {verifier.name} does not match the note")
    if not ours:
        raise CheckpointError(f"the note carries no signature of the key {verifier.text}")
    return text


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text or text.startswith("\n"):
        raise CheckpointError("a note's text is non-empty lines, each ending in a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise CheckpointError("a note's text holds no control characters")


def sign(checkpoint: Checkpoint, key: SigningKey) -> str:
    """The signed note of a checkpoint: its body, a blank line, the key's signature line."""
    if checkpoint.origin != key.name:
        raise CheckpointError(
            f"the key {key.name!r} signs checkpoints of {key.name!r}, not {checkpoint.origin!r}"
        )
    return sign_note(checkpoint.body(), key)


def read_unverified(note: str) -> Checkpoint:
    """The checkpoint a signed note claims, its signature NOT checked: for listing and indexing
    notes whose signature is checked elsewhere (``open_signed``), never for trusting them."""
    split = note.rfind("\n\n")
    if split < 0:
        raise CheckpointError("a signed note is its text, a blank line and signature lines")
    return Checkpoint.parse(note[: split + 1])


def open_signed(note: str, verifier: VerifierKey) -> Checkpoint:
    """The checkpoint in a signed note, once its signature by ``verifier`` checks out and its
    origin is the key's name; ``CheckpointError`` otherwise."""
    checkpoint = Checkpoint.parse(open_note(note, verifier))
    if checkpoint.origin != verifier.name:
        raise CheckpointError(
            f"the checkpoint's origin {checkpoint.origin!r} is not the key's {verifier.name!r}"
        )
    return checkpoint
