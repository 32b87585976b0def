"""The store contract, once for a directory and once for an S3 bucket (moto's server mode, a real
S3 HTTP endpoint): listing, streaming reads, atomic writes, setting a file aside without losing
it; and the URLs that name stores."""

from __future__ import annotations

import io
from pathlib import Path

import boto3
import pytest

from archive.stores import DirectoryStore, S3Store, Store, StoreError, open_store

ARCHIVE = "school7-2026-2027-Q1-90"


@pytest.fixture(params=["directory", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Each kind of store in turn, empty."""
    if request.param == "directory":
        return open_store(str(tmp_path / "store"))
    bucket = request.getfixturevalue("s3_bucket")
    return open_store(f"s3://{bucket}/archives/school7")


def read(store: Store, path: str) -> bytes:
    with store.open(ARCHIVE, path) as stream:
        return stream.read()


def test_a_written_file_is_listed_with_its_size_and_reads_back(store: Store) -> None:
    store.write(ARCHIVE, "data/documents/journal-5A.pdf", io.BytesIO(b"%PDF journal"))
    store.write(ARCHIVE, "bagit.txt", io.BytesIO(b"BagIt-Version: 0.97\n"))

    assert store.files(ARCHIVE) == {"data/documents/journal-5A.pdf": 12, "bagit.txt": 20}
    assert read(store, "data/documents/journal-5A.pdf") == b"%PDF journal"
    assert store.files("school7-2026-2027-Q2-95") == {}


def test_a_large_file_streams_through_whole(store: Store) -> None:
    content = bytes(range(256)) * (6 * 4096 + 7)  # ~6 MiB: a multipart upload on S3

    store.write(ARCHIVE, "data/events.jsonl", io.BytesIO(content))

    assert read(store, "data/events.jsonl") == content


def test_writing_again_replaces_the_file(store: Store) -> None:
    store.write(ARCHIVE, "data/events.jsonl", io.BytesIO(b"damaged"))
    store.write(ARCHIVE, "data/events.jsonl", io.BytesIO(b"healthy copy"))

    assert read(store, "data/events.jsonl") == b"healthy copy"
    assert store.files(ARCHIVE) == {"data/events.jsonl": 12}


def test_a_missing_file_is_not_found(store: Store) -> None:
    with pytest.raises(FileNotFoundError):
        read(store, "data/events.jsonl")


def test_a_file_set_aside_leaves_the_bag_but_is_kept(store: Store) -> None:
    store.write(ARCHIVE, "data/stray.txt", io.BytesIO(b"not in any manifest"))
    store.write(ARCHIVE, "bagit.txt", io.BytesIO(b"BagIt-Version: 0.97\n"))

    where = store.set_aside(ARCHIVE, "data/stray.txt", "repair-20270601T120000Z")

    assert store.files(ARCHIVE) == {"bagit.txt": 20}
    assert where.endswith(f"{ARCHIVE}.set-aside/repair-20270601T120000Z/data/stray.txt")
    if isinstance(store, DirectoryStore):
        assert Path(where).read_bytes() == b"not in any manifest"
    else:
        assert isinstance(store, S3Store)
        key = where.removeprefix(f"s3://{store.bucket}/")
        body = boto3.client("s3").get_object(Bucket=store.bucket, Key=key)["Body"].read()
        assert body == b"not in any manifest"


@pytest.mark.parametrize("path", ["../escape.txt", "/etc/passwd", "data/../../x", "data//x", ""])
def test_paths_outside_the_bag_are_refused(store: Store, path: str) -> None:
    with pytest.raises(StoreError, match="not a path inside a bag"):
        store.write(ARCHIVE, path, io.BytesIO(b"x"))


@pytest.mark.parametrize("archive_id", ["..", "school7", "School7-2026", "a/b-c", "x-y/../z"])
def test_only_archive_ids_name_archives(store: Store, archive_id: str) -> None:
    with pytest.raises(StoreError, match="not an archive id"):
        store.files(archive_id)


def test_a_directory_write_leaves_nothing_half_written_in_the_bag(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)

    class Failing(io.BytesIO):
        def read(self, size: int | None = -1, /) -> bytes:
            if self.tell() > 0:
                raise OSError("the medium failed")
            return super().read(4)

    with pytest.raises(StoreError, match="the medium failed"):
        store.write(ARCHIVE, "data/events.jsonl", Failing(b"0123456789"))

    assert store.files(ARCHIVE) == {}
    assert list((tmp_path / ".partial").iterdir()) == []


def test_store_urls() -> None:
    assert isinstance(open_store("/srv/archive-a"), DirectoryStore)
    directory = open_store("file:///mnt/archive%20b")
    assert isinstance(directory, DirectoryStore)
    assert directory.root == Path("/mnt/archive b")
    assert directory.url == "file:///mnt/archive%20b"
    s3 = open_store("s3://journal-archive/school7")
    assert isinstance(s3, S3Store)
    assert (s3.bucket, s3.prefix) == ("journal-archive", "school7/")
    for bad in ("s3:///no-bucket", "ftp://host/dir", "file://otherhost/dir"):
        with pytest.raises(StoreError):
            open_store(bad)


def test_an_unreachable_s3_endpoint_is_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    store = open_store("s3://journal-archive/school7")

    with pytest.raises(StoreError, match="cannot list"):
        store.files(ARCHIVE)
