"""The canonical bytes of stored events: one sorted-key JSON line per event, the same with or
without encryption at rest, and different as soon as one stored byte is."""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

import orjson
import pytest
from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import Environment
from scenario import World

from ejournal.integrity.canonical import (
    CanonicalFormError,
    canonical_bytes,
    canonical_line,
    event_leaf_hash,
    line_leaf_hash,
    parse_line,
)
from ejournal.integrity.merkle import leaf_hash
from ejournal.transcoding import OrjsonTranscoder, PydanticMapper

AGGREGATE = UUID("47cd2ba5-361d-5367-b517-4f79ae4e68fd")
STATE = b'{"actor":{"role":"teacher"},"note":"\xd0\xbf\xd0\xbe\xd0\xbb\xd0\xb5\\n2","value":"5"}'


def stored(position: int, state: bytes, topic: str = "ejournal.x:Event") -> Notification:
    return Notification(
        id=position, originator_id=AGGREGATE, originator_version=3, topic=topic, state=state
    )


def plain_mapper() -> Mapper[Any]:
    return PydanticMapper(transcoder=OrjsonTranscoder())


def encrypting_mapper() -> Mapper[Any]:
    key = base64.b64encode(bytes(range(32))).decode()
    cipher = AESCipher(Environment(env={"CIPHER_KEY": key}))
    return PydanticMapper(transcoder=OrjsonTranscoder(), cipher=cipher)


def test_the_canonical_line_holds_the_stored_event_in_sorted_keys() -> None:
    line = canonical_bytes(stored(12, STATE), plain_mapper())
    assert b"\n" not in line
    assert line == (
        b'{"originator_id":"47cd2ba5-361d-5367-b517-4f79ae4e68fd","originator_version":3,'
        b'"position":12,"state":' + STATE + b',"topic":"ejournal.x:Event"}'
    )
    parsed = parse_line(line + b"\n")
    assert (parsed.position, parsed.originator_id, parsed.originator_version, parsed.topic) == (
        12,
        str(AGGREGATE),
        3,
        "ejournal.x:Event",
    )
    assert parsed.state == orjson.loads(STATE)
    assert event_leaf_hash(stored(12, STATE), plain_mapper()) == leaf_hash(line)
    assert line_leaf_hash(line + b"\n") == leaf_hash(line)


def test_encryption_at_rest_does_not_change_the_canonical_bytes() -> None:
    mapper = encrypting_mapper()
    assert mapper.cipher is not None
    ciphertext = mapper.cipher.encrypt(STATE)
    assert ciphertext != STATE
    assert canonical_bytes(stored(12, ciphertext), mapper) == canonical_bytes(
        stored(12, STATE), plain_mapper()
    )


@pytest.mark.parametrize("at", [0, 10, 40, len(STATE) - 2])
def test_one_changed_byte_of_the_state_changes_the_leaf_or_is_unreadable(at: int) -> None:
    original = event_leaf_hash(stored(12, STATE), plain_mapper())
    changed = bytearray(STATE)
    changed[at] ^= 0x01
    try:
        tampered = event_leaf_hash(stored(12, bytes(changed)), plain_mapper())
    except CanonicalFormError:
        return
    assert tampered != original


def test_a_changed_ciphertext_is_unreadable() -> None:
    mapper = encrypting_mapper()
    assert mapper.cipher is not None
    ciphertext = bytearray(mapper.cipher.encrypt(STATE))
    ciphertext[20] ^= 0x01
    with pytest.raises(CanonicalFormError, match="cannot be decoded"):
        canonical_bytes(stored(12, bytes(ciphertext)), mapper)


def test_position_aggregate_version_and_topic_are_all_hashed() -> None:
    base = canonical_line(12, AGGREGATE, 3, "t", STATE)
    others = {
        canonical_line(13, AGGREGATE, 3, "t", STATE),
        canonical_line(12, UUID(int=1), 3, "t", STATE),
        canonical_line(12, AGGREGATE, 4, "t", STATE),
        canonical_line(12, AGGREGATE, 3, "u", STATE),
    }
    assert base not in others
    assert len(others) == 4


@pytest.mark.parametrize(
    "state", [b"[1, 2]", b'{"a":1}\n', b'{"a":', b"", b'{"a":"\r"}\r', b"not json"]
)
def test_a_state_that_is_not_a_one_line_json_object_has_no_canonical_form(state: bytes) -> None:
    with pytest.raises(CanonicalFormError):
        canonical_line(1, AGGREGATE, 1, "t", state)


def test_lines_that_are_not_events_are_refused() -> None:
    for line in (b"", b"{}", b'{"position":1}', b"[]"):
        with pytest.raises(CanonicalFormError):
            parse_line(line)


def test_every_event_of_a_real_school_has_its_line(world: World) -> None:
    school = world.school
    notifications = school.recorder.select_notifications(start=1, limit=1000)
    lines = [canonical_bytes(n, school.mapper) for n in notifications]
    assert len(lines) == school.position() > 10
    for notification, line in zip(notifications, lines, strict=True):
        parsed = parse_line(line)
        assert parsed.position == notification.id
        assert parsed.topic == notification.topic
        assert parsed.state == orjson.loads(notification.state)
