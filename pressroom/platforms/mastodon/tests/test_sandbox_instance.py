"""The emulated instance's description, its status length setting, and the own account."""

from __future__ import annotations

import httpx

from pressroom.platforms.testing import RunningSandbox


def base(sandbox: RunningSandbox) -> str:
    return sandbox.base_for("mastodon")


def set_instance(sandbox: RunningSandbox, **values: object) -> httpx.Response:
    return httpx.put(f"{base(sandbox)}/_control/instance", json=values)


def post(sandbox: RunningSandbox, token: str, text: str) -> httpx.Response:
    return httpx.post(
        f"{base(sandbox)}/api/v1/statuses",
        data={"status": text},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_v2_instance_describes_the_server(clean_sandbox: RunningSandbox) -> None:
    response = httpx.get(f"{base(clean_sandbox)}/api/v2/instance")
    assert response.status_code == 200
    instance = response.json()
    assert instance["domain"] == clean_sandbox.url.removeprefix("http://")
    assert instance["version"].startswith("4.5.")
    assert instance["api_versions"] == {"mastodon": 7}
    assert instance["source_url"] == "https://github.com/mastodon/mastodon"
    for key in ("title", "description", "usage", "thumbnail", "languages", "registrations"):
        assert key in instance
    assert instance["contact"] == {"email": "", "account": None}
    assert instance["rules"][0]["id"] == "1"
    configuration = instance["configuration"]
    assert configuration["urls"]["streaming"].startswith("ws://")
    assert configuration["statuses"] == {
        "max_characters": 500,
        "max_media_attachments": 4,
        "characters_reserved_per_url": 23,
    }
    media = configuration["media_attachments"]
    assert media["image_size_limit"] == 16 * 1024 * 1024
    assert media["image_matrix_limit"] == 33_177_600
    assert "image/png" in media["supported_mime_types"]
    assert media["video_size_limit"] > 0
    assert configuration["polls"]["max_options"] == 4
    assert configuration["translation"] == {"enabled": False}
    assert configuration["accounts"]["max_pinned_statuses"] == 5


def test_v1_instance_has_the_older_shape(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "so-tt")
    assert post(clean_sandbox, access.credentials["access_token"], "Một").status_code == 200
    instance = httpx.get(f"{base(clean_sandbox)}/api/v1/instance").json()
    assert instance["uri"] == clean_sandbox.url.removeprefix("http://")
    assert instance["version"].startswith("4.5.")
    assert instance["urls"]["streaming_api"].startswith("ws://")
    assert instance["stats"] == {"user_count": 1, "status_count": 1, "domain_count": 0}
    assert isinstance(instance["thumbnail"], str)
    assert instance["registrations"] is False
    assert instance["configuration"]["statuses"]["max_characters"] == 500
    assert "image_size_limit" in instance["configuration"]["media_attachments"]


def test_the_instances_limit_is_a_sandbox_setting_an_account_may_override(
    clean_sandbox: RunningSandbox,
) -> None:
    plain = clean_sandbox.connect("mastodon", "so-tt").credentials["access_token"]
    own = clean_sandbox.connect("mastodon", "ubnd", max_characters=20).credentials["access_token"]
    assert post(clean_sandbox, plain, "x" * 501).status_code == 422
    assert set_instance(clean_sandbox, max_characters=1000).json() == {"max_characters": 1000}
    statuses = httpx.get(f"{base(clean_sandbox)}/api/v2/instance").json()["configuration"]
    assert statuses["statuses"]["max_characters"] == 1000
    assert post(clean_sandbox, plain, "x" * 1000).status_code == 200
    refused = post(clean_sandbox, plain, "x" * 1001)
    assert refused.json() == {"error": "Validation failed: Text character limit of 1000 exceeded"}
    assert post(clean_sandbox, own, "x" * 21).status_code == 422
    clean_sandbox.reset()
    assert httpx.get(f"{base(clean_sandbox)}/_control/instance").json() == {"max_characters": 500}


def test_the_instance_setting_is_checked(clean_sandbox: RunningSandbox) -> None:
    for values in ({"max_characters": 0}, {"max_characters": "500"}, {"colour": "red"}):
        response = set_instance(clean_sandbox, **values)
        assert response.status_code == 400
        assert response.json()["error"]
    cross_site = httpx.put(
        f"{base(clean_sandbox)}/_control/instance",
        json={"max_characters": 9},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert cross_site.status_code == 403


def test_verify_credentials_answers_the_full_own_account(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("mastodon", "so-tt", username="sotttt", name="Sở TT")
    token = access.credentials["access_token"]
    assert post(clean_sandbox, token, "Tút đầu").status_code == 200
    response = httpx.get(
        f"{base(clean_sandbox)}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    account = response.json()
    assert account["id"] == "so-tt"
    assert account["username"] == account["acct"] == "sotttt"
    assert account["display_name"] == "Sở TT"
    assert account["url"] == f"{clean_sandbox.url}/view/mastodon/so-tt"
    assert account["uri"] == f"{base(clean_sandbox)}/users/sotttt"
    assert account["statuses_count"] == 1
    assert account["last_status_at"] is not None and len(account["last_status_at"]) == 10
    assert account["created_at"].endswith("T00:00:00.000Z")
    for key in ("locked", "bot", "discoverable", "group"):
        assert isinstance(account[key], bool)
    for key in ("avatar", "avatar_static", "header", "header_static"):
        assert account[key].startswith("http")
    assert account["followers_count"] == account["following_count"] == 0
    assert account["emojis"] == account["fields"] == []
    assert account["source"]["privacy"] == "public"
    assert account["source"]["note"] == ""
    assert account["role"]["id"] == "-99"


def test_verify_credentials_with_a_wrong_token_is_401(clean_sandbox: RunningSandbox) -> None:
    response = httpx.get(
        f"{base(clean_sandbox)}/api/v1/accounts/verify_credentials",
        headers={"Authorization": "Bearer nothing"},
    )
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}
