"""The ledger as exactly-once checks read it: arrival times, keys, counts, duplicates."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import httpx

from pressroom.platforms.base import MediaFile, Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.sandbox.store import SandboxStore
from pressroom.testing import make_image

MICROSECONDS_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def test_entries_say_when_the_request_arrived_and_its_key(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "so-tt")
    clean_sandbox.set_profile("mastodon", latency_ms={"mean": 150, "jitter": 0})
    before = datetime.now().timestamp()
    photo = MediaFile("a.png", make_image(), "image/png")
    publish("mastodon", access, Publication(text="có khóa", media=(photo,), idempotency_key="k-1"))
    publish("mastodon", access, Publication(text="không khóa"))
    after = datetime.now().timestamp()
    media, keyed, plain = clean_sandbox.ledger(platform="mastodon")
    for entry in (media, keyed, plain):
        assert set(entry) >= {
            "platform",
            "account_id",
            "kind",
            "remote_id",
            "text",
            "media_count",
            "created_at",
            "received_at",
            "idempotency_key",
            "top_level",
        }
        assert MICROSECONDS_UTC.match(entry["received_at"]), entry["received_at"]
        assert MICROSECONDS_UTC.match(entry["created_at"]), entry["created_at"]
        received, created = parse_time(entry["received_at"]), parse_time(entry["created_at"])
        assert before <= received <= created <= after
        assert created - received >= 0.14
    assert (media["kind"], media["top_level"], media["idempotency_key"]) == ("media", False, None)
    assert (keyed["kind"], keyed["media_count"], keyed["idempotency_key"]) == ("status", 1, "k-1")
    assert plain["idempotency_key"] is None
    assert parse_time(keyed["received_at"]) < parse_time(plain["received_at"])


def test_top_level_and_paging_filters(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "loc")
    photo = MediaFile("a.png", make_image(), "image/png")
    publish("mastodon", access, Publication(text="một", media=(photo,)))
    publish("mastodon", access, Publication(text="hai"))
    publish("mastodon", access, Publication(text="ba"))
    assert [entry["kind"] for entry in clean_sandbox.ledger(top_level=0)] == ["media"]
    top = clean_sandbox.ledger(top_level=1)
    assert [entry["text"] for entry in top] == ["một", "hai", "ba"]
    later = clean_sandbox.ledger(top_level=1, after_seq=top[0]["seq"], limit=1)
    assert [entry["text"] for entry in later] == ["hai"]
    bad = httpx.get(f"{clean_sandbox.url}/_ledger", params={"limit": "many"})
    assert bad.status_code == 400


def test_summary_counts_top_level_objects_and_finds_duplicates(
    clean_sandbox: RunningSandbox,
) -> None:
    first = clean_sandbox.connect("telegram", "@mot")
    second = clean_sandbox.connect("telegram", "@hai")
    page = clean_sandbox.connect("facebook", "777")
    for access, text in ((first, "A"), (first, "B"), (first, "A"), (second, "A")):
        assert publish("telegram", access, Publication(text=text)).published
    # Facebook refuses a repeat of the latest post; one in between lets it through.
    for text in ("X", "Y", "X"):
        assert publish("facebook", page, Publication(text=text)).published
    photo = MediaFile("a.png", make_image(), "image/png")
    assert publish("facebook", page, Publication(text="Z", media=(photo,))).published

    summary = clean_sandbox.ledger_summary()
    assert summary["total"] == 8
    assert summary["platforms"] == {
        "facebook": {"total": 4, "accounts": {"777": 4}},
        "telegram": {"total": 4, "accounts": {"@hai": 1, "@mot": 3}},
    }
    assert summary["duplicate_objects"] == 2
    facebook_posts = {e["text"]: e["remote_id"] for e in clean_sandbox.ledger(platform="facebook")}
    telegram_a = [
        entry["remote_id"]
        for entry in clean_sandbox.ledger(platform="telegram", account_id="@mot")
        if entry["text"] == "A"
    ]
    assert summary["duplicates"] == [
        {
            "platform": "facebook",
            "account_id": "777",
            "text": "X",
            "count": 2,
            "remote_ids": [
                entry["remote_id"]
                for entry in clean_sandbox.ledger(platform="facebook", kind="post")
                if entry["text"] == "X"
            ],
        },
        {
            "platform": "telegram",
            "account_id": "@mot",
            "text": "A",
            "count": 2,
            "remote_ids": telegram_a,
        },
    ]
    assert "Z" in facebook_posts
    assert clean_sandbox.duplicates(platform="telegram") == summary["duplicates"][1:]
    only_telegram = clean_sandbox.ledger_summary(platform="telegram")
    assert list(only_telegram["platforms"]) == ["telegram"]
    assert only_telegram["duplicate_objects"] == 1


def test_an_empty_ledger_summary(clean_sandbox: RunningSandbox) -> None:
    assert clean_sandbox.ledger_summary() == {
        "total": 0,
        "platforms": {},
        "duplicate_objects": 0,
        "duplicates": [],
    }
    assert clean_sandbox.duplicates() == []


def test_thousands_of_entries_come_back_in_one_answer(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path)
    for n in range(6000):
        store.add_item(
            platform="telegram",
            account_id=f"@kenh_{n % 1000}",
            kind="message",
            remote_id=str(n),
            top_level=True,
            text=f"tin {n}",
            media=["a", "b"] if n % 2 else [],
        )
    store.close()
    with RunningSandbox(tmp_path) as sandbox:
        entries = sandbox.ledger(top_level=1)
        summary = sandbox.ledger_summary()
    assert len(entries) == 6000
    assert [entry["remote_id"] for entry in entries[:3]] == ["0", "1", "2"]
    assert [entry["media_count"] for entry in entries[:2]] == [0, 2]
    assert summary["total"] == 6000
    assert len(summary["platforms"]["telegram"]["accounts"]) == 1000
    assert summary["duplicates"] == []


def test_a_ledger_from_before_arrival_times_still_reads(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path)
    store.add_item(platform="zalo", account_id="42", kind="article", remote_id="a1", top_level=True)
    store.close()
    # The column as an older sandbox left it: missing.
    with sqlite3.connect(tmp_path / "sandbox.sqlite3") as db:
        db.execute("ALTER TABLE objects DROP COLUMN received_at")
    with RunningSandbox(tmp_path) as sandbox:
        [entry] = sandbox.ledger()
        access = sandbox.connect("telegram", "@sau")
        assert publish("telegram", access, Publication(text="mới")).published
        latest = sandbox.ledger(platform="telegram")
    assert entry["received_at"] == entry["created_at"]
    assert latest[0]["seq"] > entry["seq"]


def test_a_resend_after_a_restart_still_finds_its_idempotency_key(tmp_path: Path) -> None:
    publication = Publication(text="Một lần thôi", idempotency_key="delivery-7")
    with RunningSandbox(tmp_path) as sandbox:
        access = sandbox.connect("mastodon", "ben", token="durable-token-123")
        first = publish("mastodon", access, publication)
    with RunningSandbox(tmp_path) as sandbox:
        moved = dataclasses.replace(access, api_base=sandbox.base_for("mastodon"))
        again = publish("mastodon", moved, publication)
        assert again.remote_id == first.remote_id
        assert len(sandbox.ledger(platform="mastodon")) == 1
        assert sandbox.duplicates() == []
