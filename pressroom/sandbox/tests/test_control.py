"""The sandbox's controls: accounts without tokens, the ledger, faults, reset, restarts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import httpx

from pressroom.platforms.base import MediaFile, OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.testing import make_image


def test_control_never_returns_tokens(clean_sandbox: RunningSandbox) -> None:
    tokens = {
        "facebook": "EAAB-page-token-1234567890",
        "zalo": "zalo-access-token-1234567890",
        "telegram": "123456789:AAH-bot-token-1234567890",
        "mastodon": "mastodon-token-1234567890",
    }
    for platform, token in tokens.items():
        answer = clean_sandbox.add_account(platform, f"{platform}-1", token, name="Kênh")
        assert token not in str(answer)
    listing = httpx.get(f"{clean_sandbox.url}/_control/accounts")
    assert listing.status_code == 200
    assert len(listing.json()) == 4
    for token in tokens.values():
        assert token not in listing.text


def test_registering_again_updates_the_account(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "old-token", name="Sở TT")
    clean_sandbox.add_account(
        "mastodon", "so-tt", "new-token", name="Sở Thông tin", max_characters=1000
    )
    [account] = httpx.get(f"{clean_sandbox.url}/_control/accounts").json()
    assert account["name"] == "Sở Thông tin"
    assert account["max_characters"] == 1000


def test_registering_needs_platform_account_and_token(clean_sandbox: RunningSandbox) -> None:
    response = httpx.post(
        f"{clean_sandbox.url}/_control/accounts", json={"platform": "myspace", "account_id": "x"}
    )
    assert response.status_code == 400


def test_ledger_filters_by_platform_and_account(clean_sandbox: RunningSandbox) -> None:
    first = clean_sandbox.connect("telegram", "@mot")
    second = clean_sandbox.connect("telegram", "@hai")
    page = clean_sandbox.connect("facebook", "999")
    publish("telegram", first, Publication(text="một"))
    publish("telegram", second, Publication(text="hai"))
    publish("facebook", page, Publication(text="ba"))
    assert [entry["text"] for entry in clean_sandbox.ledger()] == ["một", "hai", "ba"]
    assert [entry["text"] for entry in clean_sandbox.ledger(platform="telegram")] == ["một", "hai"]
    [entry] = clean_sandbox.ledger(platform="telegram", account_id="@hai")
    assert set(entry) >= {
        "platform",
        "account_id",
        "kind",
        "remote_id",
        "text",
        "media_count",
        "created_at",
    }


def test_faults_are_consumed_by_matching_requests(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("telegram", "@kenh")
    other = clean_sandbox.connect("telegram", "@kenh_khac")
    clean_sandbox.add_fault("telegram", "rate_limit", account_id="@kenh", count=2)
    faults = httpx.get(f"{clean_sandbox.url}/_control/faults").json()
    assert faults == [
        {
            "id": faults[0]["id"],
            "platform": "telegram",
            "kind": "rate_limit",
            "account_id": "@kenh",
            "count": 2,
        }
    ]
    assert publish("telegram", other, Publication(text="a")).published
    assert publish("telegram", access, Publication(text="b")).kind is OutcomeKind.RETRY_LATER
    assert publish("telegram", access, Publication(text="c")).kind is OutcomeKind.RETRY_LATER
    assert publish("telegram", access, Publication(text="d")).published
    assert httpx.get(f"{clean_sandbox.url}/_control/faults").json() == []


def test_faults_can_be_cleared_and_are_checked(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "so")
    clean_sandbox.add_fault("mastodon", "error", status=503, count=5)
    cleared = httpx.delete(f"{clean_sandbox.url}/_control/faults")
    assert cleared.json() == {"removed": 1}
    assert publish("mastodon", access, Publication(text="ok")).published
    bad = httpx.post(
        f"{clean_sandbox.url}/_control/faults", json={"platform": "mastodon", "kind": "meteor"}
    )
    assert bad.status_code == 400
    assert "kind" in bad.json()["error"]


def test_reset_forgets_everything(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("facebook", "123")
    publish("facebook", access, Publication(text="trước khi xóa"))
    clean_sandbox.add_fault("facebook", "error")
    clean_sandbox.reset()
    assert clean_sandbox.ledger() == []
    assert httpx.get(f"{clean_sandbox.url}/_control/accounts").json() == []
    assert httpx.get(f"{clean_sandbox.url}/_control/faults").json() == []


def test_state_survives_a_restart(tmp_path: Path) -> None:
    photo = MediaFile("a.png", make_image(), "image/png")
    with RunningSandbox(tmp_path) as sandbox:
        access = sandbox.connect("mastodon", "luu-tru", token="persistent-token")
        outcome = publish("mastodon", access, Publication(text="Còn đó", media=(photo,)))
        before = sandbox.ledger()
        first_url = sandbox.url
    with RunningSandbox(tmp_path) as sandbox:
        assert sandbox.url != first_url
        assert sandbox.ledger() == before
        page = httpx.get(f"{sandbox.url}/view/mastodon/luu-tru/{outcome.remote_id}")
        assert "Còn đó" in page.text
        image = page.text.split('<img src="')[1].split('"')[0]
        assert httpx.get(f"{sandbox.url}{image}").content == photo.content
        # The account and its token are still there: publishing goes on.
        moved = dataclasses.replace(access, api_base=sandbox.base_for("mastodon"))
        assert publish("mastodon", moved, Publication(text="Sau khi khởi động lại")).published


def test_a_form_posted_from_any_page_cannot_reset_or_change_tokens(
    clean_sandbox: RunningSandbox,
) -> None:
    clean_sandbox.add_account("telegram", "@kenh", "123:good-token")
    url = clean_sandbox.url
    form = {"platform": "telegram", "account_id": "@kenh", "token": "123:attacker"}
    # What a <form method="post"> on another site sends: refused before anything changes.
    answers = [
        httpx.post(f"{url}/_control/reset"),
        httpx.post(f"{url}/_control/reset", data={"x": "1"}),
        httpx.post(f"{url}/_control/accounts", data=form),
        httpx.post(
            f"{url}/_control/accounts",
            content=json.dumps(form),
            headers={"Content-Type": "text/plain"},
        ),
    ]
    assert [answer.status_code for answer in answers] == [415, 415, 415, 415]
    # JSON from another origin (or marked cross-site by the browser) is refused too.
    for headers in (
        {"Origin": "https://example.com"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ):
        assert httpx.post(f"{url}/_control/reset", json={}, headers=headers).status_code == 403
        answer = httpx.post(f"{url}/_control/accounts", json=form, headers=headers)
        assert answer.status_code == 403
        assert "own origin" in answer.json()["error"]
        answer = httpx.delete(f"{url}/_control/faults", headers=headers)
        assert answer.status_code == 403
    [account] = clean_sandbox.accounts("telegram")
    assert account["token_hint"] == "123:…"


def test_json_from_the_sandboxs_own_origin_works(clean_sandbox: RunningSandbox) -> None:
    url = clean_sandbox.url
    form = {"platform": "telegram", "account_id": "@kenh", "token": "123:good-token"}
    own = {"Origin": url, "Sec-Fetch-Site": "same-origin"}
    assert httpx.post(f"{url}/_control/accounts", json=form, headers=own).status_code == 201
    # A program sends neither header.
    answer = httpx.put(f"{url}/_control/settings", json={"enforce_limits": False})
    assert answer.status_code == 200
    assert httpx.post(f"{url}/_control/reset", json={}, headers=own).status_code == 200
    assert clean_sandbox.accounts() == []
    assert httpx.post(f"{url}/_control/reset", json=[]).status_code == 400
