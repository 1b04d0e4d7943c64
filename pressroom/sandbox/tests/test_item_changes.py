"""Objects changed in place or removed (an edited or a removed Zalo article), as the ledger,
the viewer and publishing's lookups see them."""

from __future__ import annotations

from pathlib import Path

from pressroom.sandbox.store import SandboxStore


def test_an_updated_object_is_read_back_changed_everywhere(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path, platforms=["zalo"])
    try:
        store.add_item(
            platform="zalo",
            account_id="oa",
            kind="article",
            remote_id="a1",
            top_level=True,
            text="before",
            title="Title",
            media=["m1"],
            data={"token": "t1"},
        )
        assert store.latest_item(platform="zalo", account_id="oa", kind="article") is not None
        changed = store.update_item(
            platform="zalo",
            account_id="oa",
            remote_id="a1",
            text="after",
            media=[],
            data={"token": "t2"},
        )
        assert changed is not None
        assert (changed.text, changed.title, changed.media) == ("after", "Title", [])
        [entry] = store.reports.entries(platform="zalo")
        assert (entry["text"], entry["media_count"]) == ("after", 0)
        latest = store.latest_item(platform="zalo", account_id="oa", kind="article")
        assert latest is not None
        assert latest.text == "after"
        assert store.item_by_creation_token("zalo", "t1") is None
        by_token = store.item_by_creation_token("zalo", "t2")
        assert by_token is not None
        assert by_token.text == "after"
        assert store.update_item(platform="zalo", account_id="other", remote_id="a1") is None
    finally:
        store.close()


def test_a_removed_object_is_gone_from_the_ledger_and_the_lookups(tmp_path: Path) -> None:
    store = SandboxStore(tmp_path, platforms=["zalo"])
    try:
        for number in (1, 2):
            store.add_item(
                platform="zalo",
                account_id="oa",
                kind="article",
                remote_id=f"a{number}",
                top_level=True,
                text="same",
                data={"token": f"t{number}"},
            )
        assert store.reports.summary("zalo")["duplicate_objects"] == 1
        removed = store.remove_item(platform="zalo", account_id="oa", remote_id="a2")
        assert removed is not None
        assert removed.remote_id == "a2"
        assert [entry["remote_id"] for entry in store.reports.entries()] == ["a1"]
        assert store.reports.summary("zalo")["duplicate_objects"] == 0
        latest = store.latest_item(platform="zalo", account_id="oa", kind="article")
        assert latest is not None
        assert latest.remote_id == "a1"
        assert store.item_by_creation_token("zalo", "t2") is None
        assert store.item("zalo", "a2") is None
        assert store.remove_item(platform="zalo", account_id="oa", remote_id="a2") is None
    finally:
        store.close()
