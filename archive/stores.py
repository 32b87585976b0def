"""The places an archive is kept: a directory on its own medium, or an S3-compatible bucket.

A store keeps each archive under its id, ``<root>/<archive id>/<path in the bag>``, and is named by
a URL: a directory path or ``file:///…``, or ``s3://bucket/prefix`` (the endpoint and credentials
come from the usual AWS variables, ``AWS_ENDPOINT_URL`` among them). Writing a file is atomic (a
reader sees the old file or the whole new one, never a part of it), and nothing here destroys a
file's content: a file that must leave a bag is set aside beside it, kept whole.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from ejournal.errors import EjournalError

ARCHIVE_ID_PATTERN = re.compile(r"^[a-z0-9_]+(?:-[A-Za-z0-9_]+)+$")
"""An archive id: the school id, then dash-separated parts (``demo-2026-2027-Q1-1532``)."""

SET_ASIDE_SUFFIX = ".set-aside"
"""Files taken out of an archive's bag are kept under ``<archive id>.set-aside/<label>/``."""

_PARTIAL_DIR = ".partial"
_CHUNK = 1 << 20


class StoreError(EjournalError):
    """An archive store could not be reached, read or written."""

    slug = "archive-store-failed"
    title = "The archive store could not be used"
    status = 503


class StoreUnreachableError(StoreError):
    """A store as a whole cannot be used: its endpoint does not answer, its bucket does not
    exist or refuses our credentials, its directory cannot be listed. Nothing can be said about
    the copies it holds, so verifying or repairing stops rather than calling them damaged."""

    slug = "archive-store-unreachable"
    title = "The archive store cannot be reached"


_UNREACHABLE_S3_CODES = frozenset(
    {"NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"}
)


class Readable(Protocol):
    """A stream of bytes to copy from (a file, an S3 body, a hashing wrapper)."""

    def read(self, size: int = -1, /) -> bytes: ...


class Store(Protocol):
    """Where copies of archives are kept."""

    url: str
    """The URL the store was named by (without credentials), for reports."""

    def files(self, archive_id: str) -> dict[str, int]:
        """Every file of an archive, by its path in the bag, with its size; empty if none."""
        ...

    def open(self, archive_id: str, path: str) -> AbstractContextManager[BinaryIO]:
        """A file of an archive to read as a stream (FileNotFoundError when it is not there)."""
        ...

    def write(self, archive_id: str, path: str, source: Readable) -> None:
        """Write a file of an archive from a stream, atomically, replacing any file there."""
        ...

    def set_aside(self, archive_id: str, path: str, label: str) -> str:
        """Move a file out of the archive's bag, keeping its content; returns where it went."""
        ...


def check_archive_id(archive_id: str) -> str:
    """An archive id that is safe as a directory name and an object-key prefix."""
    if not ARCHIVE_ID_PATTERN.fullmatch(archive_id):
        raise StoreError(f"{archive_id!r} is not an archive id (like demo-2026-2027-Q1-1532)")
    return archive_id


def _check_path(path: str) -> str:
    # Split by hand: PurePosixPath would quietly fold "a//b" and drop a trailing "/".
    if "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        raise StoreError(f"{path!r} is not a path inside a bag")
    return path


class DirectoryStore:
    """Archives as directories under a root directory (two roots on different media)."""

    def __init__(self, root: Path, url: str | None = None) -> None:
        self.root = root
        self.url = url or str(root)

    def _bag(self, archive_id: str) -> Path:
        return self.root / check_archive_id(archive_id)

    def files(self, archive_id: str) -> dict[str, int]:
        bag = self._bag(archive_id)
        found: dict[str, int] = {}
        try:
            for directory, _dirs, names in os.walk(bag, onerror=_raise):
                for name in names:
                    full = Path(directory, name)
                    found[full.relative_to(bag).as_posix()] = full.stat().st_size
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise StoreUnreachableError(f"cannot list {bag}: {error}") from error
        return found

    def open(self, archive_id: str, path: str) -> AbstractContextManager[BinaryIO]:
        return (self._bag(archive_id) / _check_path(path)).open("rb")

    def write(self, archive_id: str, path: str, source: Readable) -> None:
        target = self._bag(archive_id) / _check_path(path)
        partial_dir = self.root / _PARTIAL_DIR
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial_dir.mkdir(parents=True, exist_ok=True)
            # Written beside the bag, on the same filesystem, so the rename is atomic and a
            # half-written file is never seen inside the bag.
            partial = partial_dir / f"{uuid.uuid4().hex}.partial"
            try:
                with partial.open("xb") as out:
                    shutil.copyfileobj(source, out, _CHUNK)
                    out.flush()
                    os.fsync(out.fileno())
                partial.replace(target)
            finally:
                partial.unlink(missing_ok=True)
            _fsync_directory(target.parent)
        except OSError as error:
            raise StoreError(f"cannot write {target}: {error}") from error

    def set_aside(self, archive_id: str, path: str, label: str) -> str:
        source = self._bag(archive_id) / _check_path(path)
        target = self.root / f"{archive_id}{SET_ASIDE_SUFFIX}" / _check_path(label) / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}")
            source.replace(target)
        except OSError as error:
            raise StoreError(f"cannot set {source} aside: {error}") from error
        return str(target)


class S3Store:
    """Archives as objects under a prefix of an S3-compatible bucket (boto3)."""

    def __init__(self, bucket: str, prefix: str, url: str, client: Any | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url = url
        self._client = client if client is not None else _s3_client()

    def _key(self, archive_id: str, path: str) -> str:
        return f"{self.prefix}{check_archive_id(archive_id)}/{_check_path(path)}"

    def files(self, archive_id: str) -> dict[str, int]:
        start = f"{self.prefix}{check_archive_id(archive_id)}/"
        found: dict[str, int] = {}
        with _s3_errors(f"cannot list {self.url}/{archive_id}", self.url):
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=start
            )
            for page in pages:
                for item in page.get("Contents", []):
                    found[item["Key"][len(start) :]] = int(item["Size"])
        return found

    @contextmanager
    def open(self, archive_id: str, path: str) -> Iterator[BinaryIO]:
        from botocore.exceptions import ClientError  # noqa: PLC0415 (see _s3_client)

        key = self._key(archive_id, path)
        try:
            with _s3_errors(f"cannot read s3://{self.bucket}/{key}", self.url):
                body = self._client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except StoreError as error:
            cause = error.__cause__
            if isinstance(cause, ClientError) and _s3_code(cause) in ("NoSuchKey", "404"):
                raise FileNotFoundError(f"{self.url}/{archive_id}/{path}") from cause
            raise
        try:
            yield body
        finally:
            body.close()

    def write(self, archive_id: str, path: str, source: Readable) -> None:
        key = self._key(archive_id, path)
        # An S3 object appears whole or not at all, even after a multipart upload.
        with _s3_errors(f"cannot write s3://{self.bucket}/{key}", self.url):
            self._client.upload_fileobj(source, self.bucket, key)

    def set_aside(self, archive_id: str, path: str, label: str) -> str:
        key = self._key(archive_id, path)
        target = f"{self.prefix}{archive_id}{SET_ASIDE_SUFFIX}/{_check_path(label)}/{path}"
        with _s3_errors(f"cannot set s3://{self.bucket}/{key} aside", self.url):
            self._client.copy({"Bucket": self.bucket, "Key": key}, self.bucket, target)
            self._client.delete_object(Bucket=self.bucket, Key=key)
        return f"s3://{self.bucket}/{target}"


def open_store(url: str) -> Store:
    """The store a URL names: ``s3://bucket/prefix``, ``file:///dir`` or a directory path."""
    if url.startswith("s3://"):
        parts = urlsplit(url)
        if not parts.netloc:
            raise StoreError(f"{url!r} names no bucket (s3://bucket/prefix)")
        return S3Store(parts.netloc, unquote(parts.path), url=url)
    if url.startswith("file://"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise StoreError(f"{url!r}: a file URL names a local directory (file:///path)")
        return DirectoryStore(Path(unquote(parts.path)), url=url)
    if "://" in url:
        raise StoreError(f"{url!r}: a store is a directory, file:///… or s3://bucket/prefix")
    return DirectoryStore(Path(url).expanduser(), url=url)


MIN_STORES = 2
"""Archived data is kept on at least two media, in different rooms (Gymnasium 2 §10.3)."""


def place(store: Store) -> str:
    """Where a store keeps its archives, so two URLs for one place are one store: a directory
    by its resolved path (``./a``, ``file:///abs/a`` and a symlink to it are the same), a bucket
    by its endpoint, name and prefix."""
    if isinstance(store, DirectoryStore):
        return "file://" + os.path.realpath(store.root)
    if isinstance(store, S3Store):
        endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL", "")
        return f"s3://{endpoint}/{store.bucket}/{store.prefix}"
    return store.url


def distinct_places(stores: Sequence[Store]) -> int:
    """How many different places the stores are (Gymnasium 2 §10.3 asks for two at least)."""
    return len({place(store) for store in stores})


def _s3_client() -> Any:
    # boto3 is imported only when an S3 store is used: every `ejournal` command loads this
    # plugin, and importing boto3 takes a noticeable part of a second.
    import boto3  # noqa: PLC0415
    from botocore.config import Config  # noqa: PLC0415

    # S3-compatible servers (MinIO, Ceph, moto) answer on their own host: address buckets by
    # path there, since bucket-name host names would not resolve.
    custom = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    config = Config(s3={"addressing_style": "path"}) if custom else None
    return boto3.client("s3", config=config)


@contextmanager
def _s3_errors(what: str, url: str) -> Iterator[None]:
    from botocore.exceptions import (  # noqa: PLC0415 (see _s3_client)
        BotoCoreError,
        ClientError,
        HTTPClientError,
        NoCredentialsError,
    )
    from botocore.exceptions import ConnectionError as EndpointError  # noqa: PLC0415

    try:
        yield
    except (EndpointError, HTTPClientError, NoCredentialsError) as error:
        raise StoreUnreachableError(f"{what}: the store {url} does not answer: {error}") from error
    except ClientError as error:
        if _s3_code(error) in _UNREACHABLE_S3_CODES:
            raise StoreUnreachableError(f"{what}: the store {url} refuses it: {error}") from error
        raise StoreError(f"{what}: {error}") from error
    except BotoCoreError as error:
        raise StoreError(f"{what}: {error}") from error


def _s3_code(error: Any) -> str:
    code: str = error.response.get("Error", {}).get("Code", "")
    return code


def _raise(error: OSError) -> None:
    raise error


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
