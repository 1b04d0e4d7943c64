"""Once connected, the account's notification policy lets citizens' mentions through."""

from __future__ import annotations

import httpx

from pressroom.platforms.connecting import Found
from pressroom.platforms.mastodon.connect import CONNECTOR, SCOPES, covered
from pressroom.platforms.testing import RunningSandbox

ACCEPT_ALL = {
    "for_not_following": "accept",
    "for_not_followers": "accept",
    "for_new_accounts": "accept",
    "for_private_mentions": "accept",
    "for_limited_accounts": "accept",
}


def found(sandbox: RunningSandbox, token: str, scopes: str) -> Found:
    return Found(
        external_id="ubnd",
        name="UBND",
        api_base=sandbox.base_for("mastodon"),
        credentials={"access_token": token},
        options={"scopes": scopes.split()},
    )


def policy(sandbox: RunningSandbox, token: str) -> dict[str, str]:
    answer = httpx.get(
        f"{sandbox.base_for('mastodon')}/api/v2/notifications/policy",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200
    body: dict[str, str] = answer.json()
    return {key: value for key, value in body.items() if key != "summary"}


def test_what_the_policy_filters_or_drops_becomes_accept(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "ubnd")
    token = access.credentials["access_token"]
    httpx.patch(
        f"{clean_sandbox.base_for('mastodon')}/api/v2/notifications/policy",
        data={"for_not_following": "drop", "for_new_accounts": "filter"},
        headers={"Authorization": f"Bearer {token}"},
    ).raise_for_status()
    options = CONNECTOR.after_connect(found(clean_sandbox, token, SCOPES))
    assert options["notification_policy"] == ACCEPT_ALL
    assert options["notification_policy_drops"] == []
    assert options["notification_policy_error"] == ""
    assert policy(clean_sandbox, token) == ACCEPT_ALL


def test_without_the_scope_the_policy_is_recorded_as_it_is(clean_sandbox: RunningSandbox) -> None:
    full = clean_sandbox.connect("mastodon", "ubnd")
    httpx.patch(
        f"{clean_sandbox.base_for('mastodon')}/api/v2/notifications/policy",
        data={"for_not_following": "drop"},
        headers={"Authorization": f"Bearer {full.credentials['access_token']}"},
    ).raise_for_status()
    scopes = "read write:statuses write:media"
    limited = clean_sandbox.connect("mastodon", "ubnd", token_scopes=scopes)
    token = limited.credentials["access_token"]
    options = CONNECTOR.after_connect(found(clean_sandbox, token, scopes))
    assert options["notification_policy"]["for_not_following"] == "drop"
    # Mastodon's default: private mentions and limited accounts are filtered.
    assert options["notification_policy"]["for_private_mentions"] == "filter"
    assert options["notification_policy_drops"] == ["for_not_following"]
    assert options["polling_include_filtered"] is True
    assert policy(clean_sandbox, token)["for_not_following"] == "drop"


def test_an_unreachable_server_is_reported_not_raised(clean_sandbox: RunningSandbox) -> None:
    gone = Found(
        external_id="ubnd",
        name="UBND",
        api_base="http://127.0.0.1:9",
        credentials={"access_token": "x"},
    )
    assert CONNECTOR.after_connect(gone)["notification_policy_error"] == "ConnectError"


def test_the_scopes_asked_cover_the_inbox() -> None:
    granted = set(SCOPES.split())
    for scope in ("read:notifications", "read:statuses", "write:notifications", "write:statuses"):
        assert covered(granted, scope)
    assert not covered({"read"}, "write:notifications")
