"""The emulated notifications API as Mastodon answers it: paging and its Link header, the type
filters, the policy's effect and its refusals."""

from __future__ import annotations

from typing import Any

import httpx

from pressroom.platforms.testing import RunningSandbox

ACCOUNT = "ubnd"


class Instance:
    def __init__(self, sandbox: RunningSandbox, **extra: Any) -> None:
        self.base = sandbox.base_for("mastodon")
        access = sandbox.connect("mastodon", ACCOUNT, username="ubnd", **extra)
        self.http = httpx.Client(
            base_url=self.base,
            headers={"Authorization": f"Bearer {access.credentials['access_token']}"},
        )

    def citizen(self, action: str, **body: Any) -> str:
        answer = httpx.post(f"{self.base}/_control/citizens/{action}", json=body)
        answer.raise_for_status()
        return str(answer.json().get("id") or "")

    def ids(self, **params: Any) -> list[int]:
        answer = self.http.get("/api/v1/notifications", params=params)
        assert answer.status_code == 200, answer.text
        return [int(entity["id"]) for entity in answer.json()]


def test_max_id_since_id_and_min_id_cut_as_mastodon_does(clean_sandbox: RunningSandbox) -> None:
    instance = Instance(clean_sandbox)
    post = instance.http.post("/api/v1/statuses", data={"status": "Thông báo"}).json()["id"]
    for n in range(50):
        instance.citizen("comment", status_id=post, citizen=n, text=f"Ý kiến {n}")
    everything = instance.ids(limit=80)
    assert len(everything) == 50
    assert everything == sorted(everything, reverse=True)
    assert len(instance.ids()) == 40
    assert len(instance.ids(limit=200)) == 50
    oldest = everything[-1]
    # since_id: the newest page above it (a gap below); min_id: the ones right after it.
    assert instance.ids(since_id=oldest, limit=5) == everything[:5]
    assert instance.ids(min_id=oldest, limit=5) == everything[-6:-1]
    assert instance.ids(max_id=everything[2], limit=2) == everything[3:5]
    assert instance.ids(min_id=oldest, since_id=everything[1], limit=2) == everything[-3:-1]


def test_the_link_header_keeps_the_filters(clean_sandbox: RunningSandbox) -> None:
    instance = Instance(clean_sandbox)
    post = instance.http.post("/api/v1/statuses", data={"status": "Thông báo"}).json()["id"]
    for n in range(3):
        instance.citizen("comment", status_id=post, citizen=n, text="Hỏi")
    answer = instance.http.get(
        "/api/v1/notifications",
        params=[("types[]", "mention"), ("types[]", "quote"), ("limit", "2"), ("min_id", "0")],
    )
    first, last = answer.json()[0]["id"], answer.json()[-1]["id"]
    # Rails' to_query: the parameters sorted, brackets escaped.
    path = f"{instance.base}/api/v1/notifications?limit=2"
    types = "types%5B%5D=mention&types%5B%5D=quote"
    assert answer.headers["link"] == (
        f'<{path}&max_id={last}&{types}>; rel="next", <{path}&min_id={first}&{types}>; rel="prev"'
    )
    empty = instance.http.get("/api/v1/notifications", params={"max_id": "1"})
    assert empty.json() == []
    assert "link" not in empty.headers


def test_types_exclude_types_and_one_notification(clean_sandbox: RunningSandbox) -> None:
    instance = Instance(clean_sandbox)
    post = instance.http.post("/api/v1/statuses", data={"status": "Thông báo"}).json()["id"]
    instance.citizen("comment", status_id=post, citizen=1, text="Hỏi")
    instance.citizen("react", status_id=post, citizen=1)
    instance.citizen("follow", account_id=ACCOUNT, citizen=1)

    def kinds(**params: Any) -> list[str]:
        entities = instance.http.get("/api/v1/notifications", params=params).json()
        return [entity["type"] for entity in entities]

    assert kinds() == ["follow", "favourite", "mention"]
    assert kinds(**{"types[]": ["mention", "favourite"]}) == ["favourite", "mention"]
    assert kinds(**{"exclude_types[]": ["follow"]}) == ["favourite", "mention"]
    assert kinds(**{"types[]": ["bogus"]}) == []
    favourite = instance.http.get("/api/v1/notifications", params={"types[]": "favourite"}).json()
    assert favourite[0]["group_key"].startswith(f"favourite-{post}-")
    assert favourite[0]["status"]["id"] == post
    one = instance.http.get(f"/api/v1/notifications/{favourite[0]['id']}")
    assert one.json()["type"] == "favourite"
    assert instance.http.get("/api/v1/notifications/1").status_code == 404


def test_the_policy_and_its_refusals(clean_sandbox: RunningSandbox) -> None:
    instance = Instance(clean_sandbox)
    bad = instance.http.patch("/api/v2/notifications/policy", data={"for_new_accounts": "hide"})
    assert bad.status_code == 422
    put = instance.http.put("/api/v2/notifications/policy", json={"for_limited_accounts": "drop"})
    assert put.json()["for_limited_accounts"] == "drop"
    limited = 4
    httpx.put(
        f"{instance.base}/_control/citizens/{limited}", json={"limited": True}
    ).raise_for_status()
    post = instance.http.post("/api/v1/statuses", data={"status": "Thông báo"}).json()["id"]
    instance.citizen("comment", status_id=post, citizen=limited, text="Bị giới hạn")
    assert instance.ids(include_filtered="true") == []
    # The thread still has the reply: only the notification was not made.
    context = instance.http.get(f"/api/v1/statuses/{post}/context").json()
    assert len(context["descendants"]) == 1


def test_account_id_includes_the_filtered_ones(clean_sandbox: RunningSandbox) -> None:
    instance = Instance(clean_sandbox)
    instance.citizen("message", account_id=ACCOUNT, citizen=2, text="Riêng tư")
    assert instance.ids() == []
    sender = instance.http.get("/api/v1/notifications", params={"include_filtered": "1"}).json()
    assert instance.ids(account_id=sender[0]["account"]["id"]) == [int(sender[0]["id"])]


def test_notifications_need_read_notifications(clean_sandbox: RunningSandbox) -> None:
    instance = Instance(clean_sandbox, token_scopes="read:statuses write:statuses")
    refused = instance.http.get("/api/v1/notifications")
    assert refused.status_code == 403
    assert refused.json() == {"error": "This action is outside the authorized scopes"}
    assert instance.http.get("/api/v2/notifications/policy").status_code == 403
