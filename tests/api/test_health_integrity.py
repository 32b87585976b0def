"""/health reports the default school's log under signed checkpoints: covered, events waiting
past the grace period, and a notary that refuses to sign (the run with another key directory)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_session import Api

from ejournal.commands import lessons
from ejournal.integrity.checkpoint import SigningKey
from ejournal.integrity.notary import Notary, SigningKeyError
from ejournal.settings import Settings

HEALTH = "/api/v1/health"
MONDAY = date(2026, 9, 7)


@pytest.fixture(autouse=True)
def _checkpoints_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    # The service signs its first checkpoint on its own, and then none the tests do not ask for.
    monkeypatch.setenv("EJOURNAL_CHECKPOINT_EVERY_EVENTS", str(10**9))
    monkeypatch.setenv("EJOURNAL_CHECKPOINT_EVERY_SECONDS", str(10**9))
    monkeypatch.setenv("EJOURNAL_UNCOVERED_GRACE_SECONDS", "900")


def service_notary(api: Api) -> Notary:
    services = api.client.app.state.deployment.school(api.school)
    assert services is not None
    found: Notary = services.notary
    return found


def health(api: Api) -> dict[str, Any]:
    answer = api.client.get(HEALTH)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def eventually(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def hold_lesson(api: Api, slot: int) -> None:
    api.world.at(MONDAY, 7 + slot)
    lessons.hold_lesson(
        api.world.school,
        api.world.math,
        lessons.HoldLesson(
            journal_id=api.world.journals["math"], on=MONDAY, slot=slot, topic=f"Урок {slot}"
        ),
    )


def test_health_reports_a_covered_log_then_events_waiting_past_the_grace_period(
    api: Api,
) -> None:
    signed = service_notary(api).checkpoint()
    body = health(api)
    assert body["status"] == "ok"
    integrity = body["integrity"]
    assert integrity["status"] == "ok"
    # Sizes count events, positions are notification ids: on PostgreSQL a rolled-back write
    # leaves a gap in the ids, so the position may be ahead of the size of a covering checkpoint.
    assert integrity["checkpoint_size"] == signed.checkpoint.size <= body["position"]
    assert integrity["uncovered_events"] == 0
    assert integrity["refusal"] is None
    assert integrity["key_fingerprint"] == service_notary(api).verifier().fingerprint

    hold_lesson(api, 1)
    body = health(api)
    assert body["status"] == "ok"  # just recorded: within the grace period
    assert body["integrity"]["status"] == "uncovered"
    assert 1 <= body["integrity"]["uncovered_events"] <= body["position"] - signed.checkpoint.size
    assert body["integrity"]["oldest_uncovered_at"] is not None

    api.world.clock.advance(timedelta(seconds=901))
    body = health(api)
    assert body["status"] == "degraded"
    assert body["integrity"]["status"] == "uncovered"

    service_notary(api).checkpoint()
    body = health(api)
    assert (body["status"], body["integrity"]["status"]) == ("ok", "ok")


def test_a_run_with_another_key_directory_is_refused_and_health_says_so(
    api: Api, tmp_path: Path
) -> None:
    service_notary(api).checkpoint()
    hold_lesson(api, 1)
    elsewhere = Settings(
        database_url=service_notary(api).settings.database_url,
        signing_key_dir=tmp_path / "other-keys",
        checkpoint_dir=service_notary(api).settings.checkpoint_dir,
        _env_file=None,
    )
    stray = SigningKey.generate(service_notary(api).origin)
    stray.save(tmp_path / "other-keys" / f"{api.school}.key")

    with Notary.open(elsewhere, api.school) as misconfigured:
        with pytest.raises(SigningKeyError) as refused:
            misconfigured.checkpoint()
        with pytest.raises(SigningKeyError):
            misconfigured.checkpoint()  # again: recorded once

    named = service_notary(api).verifier().fingerprint
    detail = refused.value.detail
    assert str(tmp_path / "other-keys" / f"{api.school}.key") in detail
    assert stray.verifier().fingerprint in detail
    assert named in detail
    assert eventually(lambda: health(api)["integrity"]["status"] == "refused")
    body = health(api)
    assert body["status"] == "degraded"
    refusal = body["integrity"]["refusal"]
    assert refusal["reason"] == "key-not-named"
    assert refusal["detail"] == detail
    assert body["integrity"]["key_fingerprint"] == named

    # The service, holding the key the log names, signs again: the refusal is over.
    service_notary(api).checkpoint()
    body = health(api)
    assert (body["status"], body["integrity"]["status"]) == ("ok", "ok")
