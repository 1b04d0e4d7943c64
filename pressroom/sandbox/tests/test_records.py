"""What OAuth flows keep in the sandbox between their steps: records with an expiry, apps."""

from __future__ import annotations

from pathlib import Path

import time_machine

from pressroom.sandbox.store import SandboxStore
from pressroom.sandbox.testing import RunningEmulator


def test_a_record_expires_and_a_taken_one_is_gone(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path, platforms=["facebook"])
    try:
        with time_machine.travel("2026-12-01 08:00:00Z", tick=False) as clock:
            store.put_record("codes", "abc", {"page": "1"}, ttl_s=600)
            store.put_record("codes", "keep", {"page": "2"})
            assert store.record("codes", "abc") == {"page": "1"}
            assert set(store.records("codes")) == {"abc", "keep"}
            clock.shift(601)
            assert store.record("codes", "abc") is None
            assert store.take_record("codes", "abc") is None
            assert set(store.records("codes")) == {"keep"}
        assert store.take_record("codes", "keep") == {"page": "2"}
        assert store.take_record("codes", "keep") is None
        assert store.drop_record("codes", "keep") is False
    finally:
        store.close()


def test_records_survive_a_restart_and_go_with_a_reset(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path, platforms=["zalo"])
    store.save_app("zalo", "app-1", "s3cret")
    store.close()
    store = SandboxStore(tmp_path, platforms=["zalo"])
    try:
        assert store.app("zalo", "app-1") == {"app_secret": "s3cret"}
        assert store.app("zalo", "other") is None
        store.reset()
        assert store.app("zalo", "app-1") is None
    finally:
        store.close()


def test_apps_are_registered_through_the_controls(tmp_path: Path) -> None:
    with RunningEmulator(tmp_path) as sandbox:
        sandbox.add_app("facebook", "1234", "app-secret")
        refused = sandbox._control.post(
            f"{sandbox.url}/_control/apps", json={"platform": "nowhere", "app_id": "1"}
        )
        assert refused.status_code == 400
        assert "app_secret" in refused.json()["error"]
        store = sandbox._served.app.state.store  # type: ignore[union-attr]
        assert store.app("facebook", "1234") == {"app_secret": "app-secret"}
