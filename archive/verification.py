"""Verifying an archive on its stores: every file, the anchor, and the live log.

For each store, every file of the bag is read once as a stream and hashed with SHA-256 and SHA-512
(files in parallel threads: hashlib releases the GIL on large buffers), then checked against the
manifests: the tag manifests vouch for the tag files (among them the payload manifests), and the
payload manifests for the payload. A file is damaged when it matches none of its digests; when it
matches one algorithm's manifest but not the other's, that other manifest is the damaged file.

Then the anchor: the signed checkpoint in the bag must carry a valid signature of the school's key
(the key in the bag, checked against the school's key when the school is reachable, or a public
key given offline), and the Merkle root recomputed from ``events.jsonl`` must be the checkpoint's.
A bag rebuilt consistently after tampering passes its manifests but not its anchor. The
documents are anchored too: the archived log holds, before its signed checkpoint, the event that
recorded every document's path and SHA-256 (``ArchiveContents.DocumentsRecorded``), so a document
forged on a store, its manifests regenerated, is named by its path from the archive alone. When the
school's database is reachable, the checkpoint is also checked against the live log (a
consistency proof: the log still extends what was archived) and the bag's manifest against the one
the log's register recorded at creation; offline, those checks are skipped and the report says so.

The verdict: healthy (every store whole and anchored, and at least two distinct stores:
Gymnasium 2 §10.3), damaged but repairable (some store is, and every damaged file has its healthy
copy there; a single healthy copy is "repairable" too: `repair` with a second store writes the
copy §10.3 asks for), or not repairable. Works from one archive copy alone, without a database or
a running service.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict, computed_field

from archive.bag import (
    ALGORITHMS,
    BAG_INFO,
    BAGIT_TXT,
    CHECKPOINT,
    DOCUMENTS_DIR,
    EVENTS,
    PUBLIC_KEY,
    RETENTION,
    ArchiveInfo,
    BagFormatError,
    is_payload,
    is_tagmanifest,
    manifest_name,
    parse_manifest,
    parse_retention,
    parse_tag_file,
    tagmanifest_name,
)
from archive.log_tree import LineTree, LineTreeBuilder, tree_of_stream
from archive.stores import (
    MIN_STORES,
    Store,
    StoreError,
    StoreUnreachableError,
    check_archive_id,
    distinct_places,
)
from ejournal.aggregates.archive_register import (
    ArchiveContents,
    ArchivedDocument,
    ArchiveOutcome,
    ArchiveProblem,
    ArchiveProblemKind,
)
from ejournal.errors import EjournalError, NotFoundError
from ejournal.integrity.canonical import parse_line
from ejournal.integrity.checkpoint import (
    Checkpoint,
    CheckpointError,
    VerifierKey,
    format_fingerprint,
    open_signed,
    read_unverified,
    school_of_origin,
)

Kind = ArchiveProblemKind

EXIT_CODES = {
    ArchiveOutcome.HEALTHY: 0,
    ArchiveOutcome.REPAIRABLE: 2,
    ArchiveOutcome.NOT_REPAIRABLE: 3,
}
"""``ejournal archive verify`` (and ``repair``) exit with these (DESIGN.md §11)."""

REQUIRED = (
    BAGIT_TXT,
    BAG_INFO,
    *(manifest_name(a) for a in ALGORITHMS),
    *(tagmanifest_name(a) for a in ALGORITHMS),
    EVENTS,
    CHECKPOINT,
    PUBLIC_KEY,
)
"""The files every journal archive has, whatever its manifests say."""

_ANCHOR_FILES = (BAG_INFO, CHECKPOINT, PUBLIC_KEY, EVENTS)

CONTENTS_TOPIC_SUFFIX = ":" + ArchiveContents.DocumentsRecorded.__qualname__
"""The topic of the event that records an archive's documents ends so (its module may move)."""
_CONTENTS_MARKER = ArchiveContents.DocumentsRecorded.__qualname__.encode()


class NoSuchArchiveError(NotFoundError):
    """No store holds a single file of the archive: a wrong id or wrong stores, not damage."""

    slug = "archive-not-found"
    title = "No such archive on these stores"


_CHUNK = 1 << 22


class StoreCheck(BaseModel):
    """What one store holds of the archive, and whether it is fit to restore from."""

    model_config = ConfigDict(frozen=True)

    url: str
    reachable: bool
    files: int
    bytes: int
    whole: bool
    """Every file its manifests list is there and matches, and nothing else is in the bag."""
    anchored: bool
    """Its log matches its signed checkpoint (and the log's register, when reachable)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def healthy(self) -> bool:
        """Whole and anchored: fit to restore the other copies from."""
        return self.reachable and self.whole and self.anchored


class AnchorReport(BaseModel):
    """The signed checkpoint the archive is anchored to."""

    model_config = ConfigDict(frozen=True)

    origin: str
    size: int
    root: str
    time: datetime
    key: str
    key_source: str
    """Which key the signature was checked with: the school's, a given file, or the bag's own."""


class DocumentsReport(BaseModel):
    """Whether the documents were checked against the log's record of them."""

    model_config = ConfigDict(frozen=True)

    checked: bool
    documents: int = 0
    """How many documents the log recorded for this archive."""
    position: int | None = None
    """The recording event's position in the log (covered by the signed checkpoint)."""
    detail: str


class LiveLogReport(BaseModel):
    """How the archive stands against the school's live log."""

    model_config = ConfigDict(frozen=True)

    checked: bool
    consistent: bool | None = None
    log_size: int | None = None
    detail: str


class Restoration(BaseModel):
    """A file a repair copies from a healthy store onto a damaged one."""

    model_config = ConfigDict(frozen=True)

    file: str
    from_store: str
    to_store: str
    sha512: str
    """The healthy copy's digest: what the restored file must hash to."""
    replaces_damaged: bool


class Removal(BaseModel):
    """A file in a store's bag that the healthy copy does not have: a repair sets it aside."""

    model_config = ConfigDict(frozen=True)

    file: str
    store: str


class VerificationReport(BaseModel):
    """Everything a verification found, as ``ejournal archive verify --json`` prints it."""

    model_config = ConfigDict(frozen=True)

    archive: str
    school: str | None
    outcome: ArchiveOutcome
    exit_code: int
    checked_at: datetime
    stores: tuple[StoreCheck, ...]
    problems: tuple[ArchiveProblem, ...]
    anchor: AnchorReport | None
    documents: DocumentsReport = DocumentsReport(checked=False, detail="not checked")
    live_log: LiveLogReport
    repairs: tuple[Restoration, ...]
    set_aside: tuple[Removal, ...]


@dataclass(frozen=True)
class TrustedKey:
    """The key an archive's checkpoint must be signed with, and where it came from: the key
    itself, or its fingerprint (the bag's key must have it)."""

    key: VerifierKey | None
    source: str
    fingerprint: str | None = None
    """The SHA-256 of the raw public key, hex, when only the fingerprint was given."""

    def admits(self, key: VerifierKey) -> bool:
        if self.key is not None:
            return key == self.key
        return self.fingerprint is not None and key.fingerprint == format_fingerprint(
            self.fingerprint
        )


class LiveLog(Protocol):
    """The school's side of a verification, when its database is reachable."""

    school_id: str

    def verifier(self, size: int | None = None) -> VerifierKey | None:
        """The school's public key that signs a checkpoint of ``size`` events, as its log
        names it (the key now, without a size); None when there is none to be found."""
        ...

    def check_consistency(self, checkpoint: Checkpoint) -> LiveLogReport:
        """Whether the live log extends the archived checkpoint."""
        ...

    def recorded_manifest(self, archive_id: str) -> str | None:
        """The SHA-256 of ``manifest-sha256.txt`` the register recorded; None without one."""
        ...


@dataclass
class _Digest:
    size: int = 0
    hex: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    tree: LineTree | None = None
    """The Merkle tree of the log, for the one copy whose tree was grown as it was read."""
    error: str | None = None


@dataclass
class _StoreState:
    store: Store
    listing: dict[str, int] | None
    """None when the store could not be listed."""
    error: str | None = None
    digests: dict[str, _Digest] = field(default_factory=dict)
    problems: list[ArchiveProblem] = field(default_factory=list)
    anchor_problems: list[ArchiveProblem] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    key: VerifierKey | None = None
    documents: DocumentsReport | None = None

    @property
    def url(self) -> str:
        return self.store.url

    def problem(self, file: str | None, kind: ArchiveProblemKind, detail: str) -> None:
        self.problems.append(ArchiveProblem(store=self.url, file=file, kind=kind, detail=detail))

    def damaged(self, path: str) -> bool:
        return any(p.file == path for p in self.problems)

    def content(self, path: str) -> bytes | None:
        digest = self.digests.get(path)
        return digest.content if digest is not None else None

    @property
    def whole(self) -> bool:
        return self.listing is not None and not self.problems

    @property
    def anchored(self) -> bool:
        return self.checkpoint is not None and not self.anchor_problems

    @property
    def healthy(self) -> bool:
        return self.whole and self.anchored


def read_info(archive_id: str, stores: Sequence[Store]) -> ArchiveInfo | None:
    """What the archive says about itself (its bag-info), from the first store that has it;
    None when no store holds a readable one. Used to find the school before verifying. A store
    that cannot be reached at all raises StoreUnreachableError."""
    for store in stores:
        try:
            with store.open(archive_id, BAG_INFO) as stream:
                return ArchiveInfo.from_bag_info(parse_tag_file(stream.read()))
        except StoreUnreachableError:
            raise
        except (OSError, StoreError, BagFormatError):
            continue
    return None


def verify_archive(
    archive_id: str,
    stores: Sequence[Store],
    *,
    checked_at: datetime,
    trusted_key: TrustedKey | None = None,
    live: LiveLog | None = None,
    offline_reason: str = "the school's database is not reachable",
    workers: int | None = None,
) -> VerificationReport:
    """Check every file of an archive on every store, its anchor, and (when the school is
    reachable) the live log; decide whether it is healthy, repairable or not.

    A store that cannot be reached raises StoreUnreachableError: its copy is not known to be
    damaged, and a repair could not write to it. An archive no store holds a file of raises
    NoSuchArchiveError: that is a wrong id (or wrong stores), not an archive beyond repair."""
    check_archive_id(archive_id)
    states = [_list(archive_id, store) for store in stores]
    if states and all(state.listing == {} for state in states):
        raise NoSuchArchiveError(
            f"no store holds an archive {archive_id!r}"
            f" (looked on {', '.join(state.url for state in states)})"
        )
    workers = workers or max(2, os.cpu_count() or 2)
    _hash_all(archive_id, states, workers)
    for state in states:
        if state.listing:  # a store without the archive has one problem, said when listed
            _check_manifests(state)
    roots = _LogRoots(archive_id, states)
    keys: dict[str, TrustedKey | None] = {}
    for state in states:
        keys[state.url] = _school_key(state, live, trusted_key)
        _check_anchor(archive_id, state, keys[state.url], live, roots)
    # The checkpoint to report and to hold against the live log: from a healthy store if
    # there is one, else from any store whose checkpoint's signature checked out.
    anchored = min(
        (s for s in states if s.checkpoint is not None),
        key=lambda s: (not s.healthy, not s.anchored),
        default=None,
    )
    problems = [p for s in states for p in (*s.problems, *s.anchor_problems)]
    if distinct_places(stores) < MIN_STORES:
        problems.append(
            ArchiveProblem(
                store=None,
                file=None,
                kind=Kind.TOO_FEW_STORES,
                detail=f"{distinct_places(stores)} distinct store(s) checked: electronic archives"
                " are kept on at least two media, in different rooms (Gymnasium 2 §10.3);"
                " name the second store (`archive repair` writes the copy to it)",
            )
        )
    if live is None:
        live_report = LiveLogReport(
            checked=False, detail=f"not checked: {offline_reason}; checked from the archive alone"
        )
    elif anchored is None or anchored.checkpoint is None:
        live_report = LiveLogReport(
            checked=False, detail="not checked: no store holds a checkpoint with a valid signature"
        )
    else:
        live_report = live.check_consistency(anchored.checkpoint)
        if live_report.consistent is False:
            problems.append(
                ArchiveProblem(
                    store=None,
                    file=CHECKPOINT,
                    kind=Kind.INCONSISTENT_WITH_LIVE_LOG,
                    detail=live_report.detail,
                )
            )
    problems.extend(_disagreements(states))
    outcome, repairs, removals = _classify(states, problems)
    info = _info(anchored) if anchored is not None else None
    return VerificationReport(
        archive=archive_id,
        school=info.school if info is not None else (live.school_id if live else None),
        outcome=outcome,
        exit_code=EXIT_CODES[outcome],
        checked_at=checked_at,
        stores=tuple(
            StoreCheck(
                url=s.url,
                reachable=s.listing is not None,
                files=len(s.listing or {}),
                bytes=sum((s.listing or {}).values()),
                whole=s.whole,
                anchored=s.anchored,
            )
            for s in states
        ),
        problems=tuple(problems),
        anchor=_anchor_report(anchored, keys[anchored.url] if anchored else trusted_key),
        documents=(
            anchored.documents
            if anchored is not None and anchored.documents is not None
            else DocumentsReport(
                checked=False, detail="not checked: no store holds an anchored log"
            )
        ),
        live_log=live_report,
        repairs=tuple(repairs),
        set_aside=tuple(removals),
    )


# --- reading and hashing ------------------------------------------------------------------------


def _list(archive_id: str, store: Store) -> _StoreState:
    try:
        listing = store.files(archive_id)
    except StoreUnreachableError:
        raise
    except StoreError as error:
        state = _StoreState(store, None, error=error.detail)
        state.problem(None, Kind.MISSING, f"the store cannot be read: {error.detail}")
        return state
    state = _StoreState(store, listing)
    if not listing:
        state.problem(None, Kind.MISSING, "the store holds no copy of this archive")
    return state


def _keeps_content(path: str) -> bool:
    # Tag files and the small anchor files are parsed after hashing; the payload is streamed.
    return not is_payload(path) or path in (CHECKPOINT, PUBLIC_KEY)


def _hash_all(archive_id: str, states: Sequence[_StoreState], workers: int) -> None:
    tasks = [
        (state, path, size) for state in states for path, size in (state.listing or {}).items()
    ]
    # Largest first, so one big file does not start last and leave the other threads idle.
    tasks.sort(key=lambda task: -task[2])
    # One copy of the log grows its Merkle tree in the same pass as its digests, overlapping
    # the Python-bound tree with the other threads' hashing; an identical copy elsewhere (same
    # digest) reuses that tree.
    grows_tree = next((t for t in tasks if t[1] == EVENTS), None)
    # Every copy is listed: a task tuple is compared by identity below.
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
        digests = pool.map(
            lambda task: _hash_file(task[0].store, archive_id, task[1], task is grows_tree),
            tasks,
        )
        for (state, path, _size), digest in zip(tasks, digests, strict=True):
            state.digests[path] = digest


def _hash_file(store: Store, archive_id: str, path: str, grow_tree: bool) -> _Digest:
    hashers = {name: hashlib.new(name) for name in ALGORITHMS}
    kept: list[bytes] | None = [] if _keeps_content(path) else None
    tree = LineTreeBuilder(_CONTENTS_MARKER) if grow_tree else None
    size = 0
    try:
        with store.open(archive_id, path) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                for hasher in hashers.values():
                    hasher.update(chunk)
                if kept is not None:
                    kept.append(chunk)
                if tree is not None:
                    tree.feed(chunk)
    except (OSError, StoreError) as error:
        return _Digest(error=str(error))
    return _Digest(
        size=size,
        hex={name: hasher.hexdigest() for name, hasher in hashers.items()},
        content=b"".join(kept) if kept is not None else None,
        tree=tree.finish() if tree is not None else None,
    )


# --- checking against the manifests -------------------------------------------------------------


def _check_manifests(state: _StoreState) -> None:
    listing = state.listing or {}
    for path, digest in state.digests.items():
        if digest.error is not None:
            state.problem(path, Kind.MISSING, f"cannot be read: {digest.error}")
    tag_files = {p for p in listing if not is_payload(p) and not is_tagmanifest(p)}
    tagmanifests = _manifests(state, tagmanifest_name)
    if tagmanifests:
        _reconcile(state, tag_files, tagmanifests, tagmanifest_name)
    # A payload manifest the tag manifests found damaged cannot vouch for the payload.
    manifests = {
        algorithm: entries
        for algorithm, entries in _manifests(state, manifest_name).items()
        if not state.damaged(manifest_name(algorithm))
    }
    if manifests:
        payload = {p for p in listing if is_payload(p)}
        _reconcile(state, payload, manifests, manifest_name)
    for path in REQUIRED:
        if path not in listing and not state.damaged(path):
            state.problem(path, Kind.MISSING, "a journal archive always has this file")
    for path in listing:
        if is_tagmanifest(path) and path not in {tagmanifest_name(a) for a in ALGORITHMS}:
            state.problem(path, Kind.EXTRA_FILE, "a tag manifest this archive never has")


def _manifests(state: _StoreState, name: Callable[[str], str]) -> dict[str, dict[str, str]]:
    parsed: dict[str, dict[str, str]] = {}
    for algorithm in ALGORITHMS:
        path = name(algorithm)
        content = state.content(path)
        if content is None:
            continue
        try:
            parsed[algorithm] = parse_manifest(content)
        except BagFormatError as error:
            if not state.damaged(path):
                state.problem(path, Kind.CHECKSUM_MISMATCH, f"malformed: {error.detail}")
    return parsed


def _reconcile(
    state: _StoreState,
    present: Iterable[str],
    manifests: Mapping[str, Mapping[str, str]],
    name: Callable[[str], str],
) -> None:
    """Check files against the manifests of each algorithm; blame a file only when none of its
    digests match, and a manifest when the file matches the other algorithm's."""
    present = set(present)
    disagreeing: dict[str, str] = {}
    for path in sorted(present):
        digest = state.digests.get(path)
        if digest is None or digest.error is not None:
            continue
        listing = [a for a in manifests if path in manifests[a]]
        if not listing:
            state.problem(path, Kind.EXTRA_FILE, "in the bag but in no manifest")
            continue
        matching = [a for a in listing if digest.hex[a] == manifests[a][path]]
        if not matching:
            state.problem(path, Kind.CHECKSUM_MISMATCH, _mismatch(listing))
            continue
        for algorithm in manifests:
            if algorithm not in matching:
                disagreeing.setdefault(algorithm, path)
    listed = {p for entries in manifests.values() for p in entries}
    for path in sorted(listed - present):
        listing = [a for a in manifests if path in manifests[a]]
        if len(listing) == len(manifests):
            state.problem(path, Kind.MISSING, "listed in the manifests but not in the bag")
        else:
            for algorithm in listing:
                disagreeing.setdefault(algorithm, path)
    for algorithm, path in disagreeing.items():
        manifest = name(algorithm)
        if not state.damaged(manifest):
            state.problem(
                manifest,
                Kind.CHECKSUM_MISMATCH,
                f"its entry for {path} disagrees with the file and the other manifest",
            )


def _mismatch(algorithms: Sequence[str]) -> str:
    names = " and ".join(a.upper().replace("SHA", "SHA-") for a in algorithms)
    return f"its {names} digest{'s' if len(algorithms) > 1 else ''} differ from the manifest"


# --- the anchor ---------------------------------------------------------------------------------


def _info(state: _StoreState) -> ArchiveInfo | None:
    try:
        return ArchiveInfo.from_bag_info(parse_tag_file(state.content(BAG_INFO) or b""))
    except BagFormatError:
        return None


def _school_key(
    state: _StoreState, live: LiveLog | None, trusted: TrustedKey | None
) -> TrustedKey | None:
    """The key a store's checkpoint must be signed by: when the school is reachable, the key
    its log names for a checkpoint of that size (a key rotated since the archive was made
    does not make it unverifiable), else the key pinned, if any."""
    if live is None:
        return trusted
    try:
        size: int | None = read_unverified((state.content(CHECKPOINT) or b"").decode()).size
    except (CheckpointError, UnicodeDecodeError):
        size = None  # not a checkpoint: the signature check names it
    school_key = live.verifier(size)
    return TrustedKey(school_key, "the school's key") if school_key is not None else trusted


def _check_anchor(
    archive_id: str,
    state: _StoreState,
    trusted: TrustedKey | None,
    live: LiveLog | None,
    roots: _LogRoots,
) -> None:
    listing = state.listing or {}
    if any(path not in listing or state.damaged(path) for path in _ANCHOR_FILES):
        return  # damage already named; nothing intact to anchor

    def mismatch(file: str, kind: ArchiveProblemKind, detail: str) -> None:
        state.anchor_problems.append(
            ArchiveProblem(store=state.url, file=file, kind=kind, detail=detail)
        )

    try:
        info = ArchiveInfo.from_bag_info(parse_tag_file(state.content(BAG_INFO) or b""))
    except BagFormatError as error:
        mismatch(BAG_INFO, Kind.ANCHOR_MISMATCH, error.detail)
        return
    if info.archive_id != archive_id:
        mismatch(BAG_INFO, Kind.ANCHOR_MISMATCH, f"it is the bag of archive {info.archive_id}")
    key = _signing_key(state, trusted, mismatch)
    if key is None:
        return
    try:
        checkpoint = open_signed((state.content(CHECKPOINT) or b"").decode("utf-8"), key)
    except (CheckpointError, UnicodeDecodeError) as error:
        mismatch(CHECKPOINT, Kind.BAD_SIGNATURE, str(error))
        return
    state.checkpoint, state.key = checkpoint, key
    if school_of_origin(checkpoint.origin) != info.school:
        mismatch(CHECKPOINT, Kind.ANCHOR_MISMATCH, f"a checkpoint of {checkpoint.origin}")
    if (info.checkpoint_size, info.checkpoint_root) != (checkpoint.size, checkpoint.root):
        mismatch(BAG_INFO, Kind.ANCHOR_MISMATCH, "its checkpoint size and root are not the note's")
    if _check_log(state, checkpoint, roots, mismatch) and _check_documents(
        archive_id, state, roots.of(state), mismatch
    ):
        return  # the bag was rebuilt around the named documents: its manifest differs too
    if live is not None and not state.damaged(manifest_name("sha256")):
        recorded = live.recorded_manifest(archive_id)
        manifest = state.digests[manifest_name("sha256")].hex["sha256"]
        if recorded is not None and recorded != manifest:
            mismatch(
                manifest_name("sha256"),
                Kind.ANCHOR_MISMATCH,
                "not the manifest the school's log recorded when the archive was created",
            )


def _check_retention(
    state: _StoreState,
    documents: Sequence[ArchivedDocument],
    position: int,
    mismatch: Callable[[str, ArchiveProblemKind, str], None],
) -> list[str]:
    """``retention.txt`` against the log's record: a summary sheet relabelled a 5-year journal
    (to have it disposed of early) is named, whatever the tag manifests say."""
    content = state.content(RETENTION)
    if content is None or state.damaged(RETENTION):
        return []  # an archive made before retention was recorded, or damage already named
    try:
        entries = parse_retention(content)
    except BagFormatError as error:
        mismatch(RETENTION, Kind.ANCHOR_MISMATCH, error.detail)
        return [RETENTION]
    wrong = [
        d.path for d in documents if entries.get(d.path) != (d.retention_years, d.retention.value)
    ]
    if not wrong:
        return []
    mismatch(
        RETENTION,
        Kind.ANCHOR_MISMATCH,
        f"the retention it gives {', '.join(wrong)} is not the one the school's log recorded"
        f" at position {position}",
    )
    return [RETENTION]


def _signing_key(
    state: _StoreState,
    trusted: TrustedKey | None,
    mismatch: Callable[[str, ArchiveProblemKind, str], None],
) -> VerifierKey | None:
    """The key to check the checkpoint's signature with: the trusted key, else the bag's own
    (when no key was pinned, or its fingerprint was pinned and matches); None when nothing is
    left to check with."""
    try:
        bag_key = VerifierKey.from_text((state.content(PUBLIC_KEY) or b"").decode("utf-8"))
    except (CheckpointError, UnicodeDecodeError) as error:
        mismatch(PUBLIC_KEY, Kind.BAD_SIGNATURE, f"not a public key: {error}")
        return None
    if trusted is not None and not trusted.admits(bag_key):
        mismatch(
            PUBLIC_KEY,
            Kind.ANCHOR_MISMATCH,
            f"the bag's key ({bag_key.fingerprint}) is not {trusted.source}",
        )
        if trusted.key is None:
            return None  # only a fingerprint was pinned: the bag's key vouches for nothing
    return trusted.key if trusted is not None and trusted.key is not None else bag_key


def _check_log(
    state: _StoreState,
    checkpoint: Checkpoint,
    roots: _LogRoots,
    mismatch: Callable[[str, ArchiveProblemKind, str], None],
) -> bool:
    """The anchor proper: the log's lines make the tree the checkpoint signs."""
    tree = roots.of(state)
    size, root = tree.size, tree.root()
    if not tree.terminated:
        mismatch(EVENTS, Kind.ANCHOR_MISMATCH, "its last line has no newline")
        return False
    if (size, root) != (checkpoint.size, checkpoint.root):
        mismatch(
            EVENTS,
            Kind.ANCHOR_MISMATCH,
            f"its {size} lines make the root {root.hex()}, but the signed checkpoint is"
            f" {checkpoint.size} events with root {checkpoint.root.hex()}",
        )
        return False
    return True


def recorded_documents(
    archive_id: str, marked: Iterable[bytes]
) -> tuple[int, tuple[ArchivedDocument, ...]] | None:
    """The documents the log recorded for an archive, and the event's position, from the lines
    of an anchored log that mention the recording event; None when the log has no such event
    (an archive made before documents were recorded)."""
    for line in marked:
        try:
            event = parse_line(line)
        except EjournalError:
            continue
        if not event.topic.endswith(CONTENTS_TOPIC_SUFFIX):
            continue
        if event.state.get("archive_id") != archive_id:
            continue
        documents = tuple(ArchivedDocument.model_validate(d) for d in event.state["documents"])
        return event.position, documents
    return None


def _check_documents(
    archive_id: str,
    state: _StoreState,
    tree: LineTree,
    mismatch: Callable[[str, ArchiveProblemKind, str], None],
) -> bool:
    """Every document of the bag against the log's signed record of it; True when one differs
    (forged, added or taken away). Damage the manifests already named is not named twice."""
    found = recorded_documents(archive_id, tree.marked)
    if found is None:
        state.documents = DocumentsReport(
            checked=False,
            detail="not checked: the archived log records no documents for this archive"
            " (made before documents were recorded in the log)",
        )
        return False
    position, documents = found
    recorded = {d.path: d for d in documents}
    present = {p for p in state.listing or {} if p.startswith(DOCUMENTS_DIR)}
    named: list[str] = []
    for path in sorted(present | set(recorded)):
        if state.damaged(path):
            continue
        if path not in recorded:
            mismatch(
                path,
                Kind.EXTRA_FILE,
                f"a document the school's log did not record for this archive (position"
                f" {position})",
            )
        elif path not in present:
            mismatch(path, Kind.MISSING, f"recorded in the school's log (position {position})")
        elif state.digests[path].hex["sha256"] != recorded[path].sha256:
            mismatch(
                path,
                Kind.ANCHOR_MISMATCH,
                f"its SHA-256 is not the one the school's log recorded at position {position},"
                " under the signed checkpoint: the document was altered",
            )
        else:
            continue
        named.append(path)
    named.extend(_check_retention(state, documents, position, mismatch))
    state.documents = DocumentsReport(
        checked=True,
        documents=len(documents),
        position=position,
        detail=(
            f"{len(documents)} documents checked against the log's record at position"
            f" {position}" + (f"; {len(named)} differ from it" if named else "; all match")
        ),
    )
    return bool(named)


class _LogRoots:
    """The trees of the archived logs, one per distinct log (by its digest): the stores
    usually hold the same one, whose tree was grown while it was hashed."""

    def __init__(self, archive_id: str, states: Sequence[_StoreState]) -> None:
        self.archive_id = archive_id
        self._known = {
            digest.hex["sha512"]: digest.tree
            for state in states
            if (digest := state.digests.get(EVENTS)) is not None and digest.tree is not None
        }

    def of(self, state: _StoreState) -> LineTree:
        """The tree of a store's log."""
        key = state.digests[EVENTS].hex["sha512"]
        if key not in self._known:
            with state.store.open(self.archive_id, EVENTS) as stream:
                self._known[key] = tree_of_stream(stream, _CONTENTS_MARKER)
        return self._known[key]


def _anchor_report(state: _StoreState | None, trusted: TrustedKey | None) -> AnchorReport | None:
    if state is None or state.checkpoint is None or state.key is None:
        return None
    checkpoint = state.checkpoint
    return AnchorReport(
        origin=checkpoint.origin,
        size=checkpoint.size,
        root=checkpoint.root.hex(),
        time=checkpoint.time,
        key=state.key.text,
        key_source=(
            trusted.source
            if trusted is not None
            else "the archive's own key (not pinned: pass --public-key to pin it)"
        ),
    )


# --- the verdict --------------------------------------------------------------------------------


def _disagreements(states: Sequence[_StoreState]) -> list[ArchiveProblem]:
    """Healthy stores holding different bags under one id: which is the archive is for a
    person to decide, not for a repair."""
    healthy = [s for s in states if s.healthy]
    reference = healthy[0] if healthy else None
    return [
        ArchiveProblem(
            store=other.url,
            file=manifest_name("sha512"),
            kind=Kind.ANCHOR_MISMATCH,
            detail=f"a different bag under the same id than on {reference.url}",
        )
        for other in healthy[1:]
        if reference is not None
        and other.digests[manifest_name("sha512")].hex
        != reference.digests[manifest_name("sha512")].hex
    ]


def _classify(
    states: Sequence[_StoreState], problems: Sequence[ArchiveProblem]
) -> tuple[ArchiveOutcome, list[Restoration], list[Removal]]:
    if not problems and states:
        return ArchiveOutcome.HEALTHY, [], []
    fatal = (Kind.INCONSISTENT_WITH_LIVE_LOG,)
    healthy = [s for s in states if s.healthy]
    if not healthy or any(p.kind in fatal for p in problems) or _disagreements(states):
        return ArchiveOutcome.NOT_REPAIRABLE, [], []
    reference = healthy[0]
    restorations: list[Restoration] = []
    removals: list[Removal] = []
    for state in states:
        if state.healthy:
            continue
        present = state.listing or {}
        for path, good in sorted(reference.digests.items()):
            copy = state.digests.get(path)
            if copy is None or copy.error is not None or copy.hex != good.hex:
                restorations.append(
                    Restoration(
                        file=path,
                        from_store=reference.url,
                        to_store=state.url,
                        sha512=good.hex["sha512"],
                        replaces_damaged=path in present,
                    )
                )
        removals.extend(
            Removal(file=path, store=state.url)
            for path in sorted(present)
            if path not in reference.digests
        )
    return ArchiveOutcome.REPAIRABLE, restorations, removals
