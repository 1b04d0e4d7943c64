"""The emulated Mastodon's apps and OAuth server (Doorkeeper's answers), over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import time_machine

from pressroom.platforms.testing import RunningSandbox

REDIRECT = "https://pressroom.example/connect/mastodon/done"
OOB = "urn:ietf:wg:oauth:2.0:oob"
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)


def base(sandbox: RunningSandbox) -> str:
    return sandbox.base_for("mastodon")


def register(
    sandbox: RunningSandbox, *, scopes: str = "read write", redirect: str = REDIRECT
) -> dict[str, Any]:
    response = httpx.post(
        f"{base(sandbox)}/api/v1/apps",
        data={"client_name": "Pressroom", "redirect_uris": redirect, "scopes": scopes},
    )
    assert response.status_code == 200, response.text
    app: dict[str, Any] = response.json()
    return app


def authorize_url(app: dict[str, Any], sandbox: RunningSandbox, **params: str) -> str:
    query = {
        "client_id": app["client_id"],
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "read write",
        "state": "xyz-1",
        **params,
    }
    return f"{base(sandbox)}/oauth/authorize?{urlencode(query)}"


def consent(url: str, **form: str) -> httpx.Response:
    return httpx.post(url, data={"decision": "authorize", **form}, follow_redirects=False)


def redirected_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def exchange(
    sandbox: RunningSandbox, app: dict[str, Any], code: str, **extra: str
) -> httpx.Response:
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": REDIRECT,
        **extra,
    }
    return httpx.post(f"{base(sandbox)}/oauth/token", data=body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# Registering apps


def test_an_app_is_registered_with_its_redirect_uris_and_scopes(
    clean_sandbox: RunningSandbox,
) -> None:
    response = httpx.post(
        f"{base(clean_sandbox)}/api/v1/apps",
        json={
            "client_name": "Pressroom",
            "redirect_uris": [REDIRECT, OOB],
            "scopes": "read write:statuses write:media",
            "website": "https://pressroom.example",
        },
    )
    assert response.status_code == 200
    app = response.json()
    assert app["name"] == "Pressroom"
    assert app["website"] == "https://pressroom.example"
    assert app["scopes"] == ["read", "write:statuses", "write:media"]
    assert app["redirect_uris"] == [REDIRECT, OOB]
    assert app["redirect_uri"] == f"{REDIRECT}\n{OOB}"
    assert app["client_secret_expires_at"] == 0
    assert app["id"] and app["vapid_key"]
    assert len(app["client_id"]) >= 32 and len(app["client_secret"]) >= 32


def test_redirect_uris_may_come_one_per_line_and_scopes_default_to_read(
    clean_sandbox: RunningSandbox,
) -> None:
    response = httpx.post(
        f"{base(clean_sandbox)}/api/v1/apps",
        data={"client_name": "Pressroom", "redirect_uris": f"{REDIRECT}\n{OOB}"},
    )
    assert response.json()["redirect_uris"] == [REDIRECT, OOB]
    assert response.json()["scopes"] == ["read"]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"redirect_uris": REDIRECT}, "Validation failed: Application name can't be blank"),
        ({"client_name": "P"}, "Validation failed: Redirect URI can't be blank"),
        (
            {"client_name": "P", "redirect_uris": REDIRECT, "scopes": "read publish"},
            "Validation failed: Scopes doesn't match configured on the server.",
        ),
        (
            {"client_name": "P", "redirect_uris": "https://a.example/#x"},
            "Validation failed: Redirect URI cannot contain a fragment.",
        ),
        (
            {"client_name": "P", "redirect_uris": "/relative/callback"},
            "Validation failed: Redirect URI must be an absolute URI.",
        ),
        (
            {},
            "Validation failed: Application name can't be blank, Redirect URI can't be blank",
        ),
    ],
)
def test_an_app_without_what_it_needs_is_refused(
    clean_sandbox: RunningSandbox, body: dict[str, str], error: str
) -> None:
    response = httpx.post(f"{base(clean_sandbox)}/api/v1/apps", data=body)
    assert response.status_code == 422
    assert response.json() == {"error": error}


# The consent page


def test_the_consent_page_lists_accounts_scopes_and_choices(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1", username="sotttt", name="Sở TT")
    clean_sandbox.add_account("mastodon", "ubnd", "t-2")
    app = register(clean_sandbox)
    page = httpx.get(authorize_url(app, clean_sandbox))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert re.search(r'<label for="account">Tài khoản \(Account\)</label>', html)
    assert re.search(r'<label for="new_username">Tên tài khoản mới \(New username\)</label>', html)
    assert '<option value="so-tt" selected>@sotttt</option>' in html
    assert '<option value="ubnd">@ubnd</option>' in html
    assert "Tạo tài khoản mới (New account)</option>" in html
    assert "<li><code>read</code></li><li><code>write</code></li>" in html
    assert "Cho phép (Authorize)</button>" in html
    assert "Từ chối (Deny)</button>" in html
    assert '<form method="post">' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"client_id": "nobody"}, INVALID_CLIENT),
        ({"client_id": ""}, "Missing required parameter: client_id."),
        (
            {"redirect_uri": "https://elsewhere.example/cb"},
            "The redirect uri included is not valid.",
        ),
    ],
)
def test_an_unknown_client_or_redirect_gets_an_error_page_not_a_redirect(
    clean_sandbox: RunningSandbox, params: dict[str, str], message: str
) -> None:
    app = register(clean_sandbox)
    for method in ("GET", "POST"):
        response = httpx.request(
            method, authorize_url(app, clean_sandbox, **params), follow_redirects=False
        )
        assert response.status_code == 400
        assert "location" not in response.headers
        assert "An error has occurred" in response.text
        assert message in response.text


@pytest.mark.parametrize(
    ("params", "error", "description"),
    [
        (
            {"scope": "read follow"},
            "invalid_scope",
            "The requested scope is invalid, unknown, or malformed.",
        ),
        (
            {"response_type": "token"},
            "unsupported_response_type",
            "The authorization server does not support this response type.",
        ),
        (
            {"code_challenge": "abc", "code_challenge_method": "plain"},
            "invalid_request",
            "The code_challenge_method must be S256.",
        ),
    ],
)
def test_a_bad_request_from_a_known_client_is_sent_back_to_it(
    clean_sandbox: RunningSandbox, params: dict[str, str], error: str, description: str
) -> None:
    app = register(clean_sandbox)
    response = httpx.get(authorize_url(app, clean_sandbox, **params), follow_redirects=False)
    assert redirected_query(response) == {
        "error": error,
        "error_description": description,
        "state": "xyz-1",
    }


def test_deny_sends_access_denied_back_with_the_state(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox)
    response = httpx.post(
        authorize_url(app, clean_sandbox), data={"decision": "deny", "account": "so-tt"}
    )
    assert redirected_query(response) == {
        "error": "access_denied",
        "error_description": "The resource owner or authorization server denied the request.",
        "state": "xyz-1",
    }


# Codes and tokens


def test_authorise_then_exchange_gives_the_accounts_working_token(
    clean_sandbox: RunningSandbox,
) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "token-so-tt", username="sotttt")
    app = register(clean_sandbox)
    query = redirected_query(consent(authorize_url(app, clean_sandbox), account="so-tt"))
    assert query["state"] == "xyz-1"
    token = exchange(clean_sandbox, app, query["code"])
    assert token.status_code == 200
    body = token.json()
    assert body["access_token"] == "token-so-tt"
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read write"
    assert isinstance(body["created_at"], int)
    me = httpx.get(
        f"{base(clean_sandbox)}/api/v1/accounts/verify_credentials",
        headers=bearer(body["access_token"]),
    )
    assert me.json()["username"] == "sotttt"
    # A token the sandbox's controls made keeps every scope.
    posted = httpx.post(
        f"{base(clean_sandbox)}/api/v1/statuses",
        data={"status": "Xin chào"},
        headers=bearer(body["access_token"]),
    )
    assert posted.status_code == 200


def test_a_code_is_used_once(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox)
    code = redirected_query(consent(authorize_url(app, clean_sandbox), account="so-tt"))["code"]
    assert exchange(clean_sandbox, app, code).status_code == 200
    again = exchange(clean_sandbox, app, code)
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant", "error_description": INVALID_GRANT}


def test_a_code_expires_after_ten_minutes(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox)
    code = redirected_query(consent(authorize_url(app, clean_sandbox), account="so-tt"))["code"]
    with time_machine.travel(timedelta(minutes=10, seconds=5)):
        late = exchange(clean_sandbox, app, code)
    assert late.status_code == 400
    assert late.json()["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_client_and_redirect_uri(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox)
    other = register(clean_sandbox)
    code = redirected_query(consent(authorize_url(app, clean_sandbox), account="so-tt"))["code"]
    wrong_redirect = exchange(clean_sandbox, app, code, redirect_uri="https://x.example/cb")
    assert wrong_redirect.status_code == 400
    assert wrong_redirect.json()["error"] == "invalid_grant"
    other_client = exchange(clean_sandbox, other, code)
    assert other_client.status_code == 400
    assert other_client.json()["error"] == "invalid_grant"
    # Refused attempts do not use the code up.
    assert exchange(clean_sandbox, app, code).status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "nobody"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, 400, "invalid_request"),
        ({"code": ""}, 400, "invalid_request"),
        ({"redirect_uri": ""}, 400, "invalid_request"),
        ({"code": "made-up"}, 400, "invalid_grant"),
    ],
)
def test_token_errors_are_doorkeepers(
    clean_sandbox: RunningSandbox, change: dict[str, str], status: int, error: str
) -> None:
    change = dict(change)
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox)
    code = redirected_query(consent(authorize_url(app, clean_sandbox), account="so-tt"))["code"]
    response = exchange(clean_sandbox, app, change.pop("code", code), **change)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_pkce_needs_the_verifier_that_made_the_challenge(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox)
    verifier = "a-verifier-of-forty-three-characters-at-least-1234"
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    )
    url = authorize_url(app, clean_sandbox, code_challenge=challenge, code_challenge_method="S256")
    code = redirected_query(consent(url, account="so-tt"))["code"]
    assert exchange(clean_sandbox, app, code).json()["error"] == "invalid_grant"
    assert exchange(clean_sandbox, app, code, code_verifier="other").json()["error"] == (
        "invalid_grant"
    )
    assert exchange(clean_sandbox, app, code, code_verifier=verifier).status_code == 200


def test_basic_authentication_of_the_client_works_too(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox)
    code = redirected_query(consent(authorize_url(app, clean_sandbox), account="so-tt"))["code"]
    response = httpx.post(
        f"{base(clean_sandbox)}/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        auth=(app["client_id"], app["client_secret"]),
    )
    assert response.status_code == 200


def test_out_of_band_shows_the_code_on_a_page(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox, redirect=OOB)
    page = consent(authorize_url(app, clean_sandbox, redirect_uri=OOB), account="so-tt")
    assert page.status_code == 200
    match = re.search(r'<code class="oauth-code" id="code">([^<]+)</code>', page.text)
    assert match is not None
    token = exchange(clean_sandbox, app, match.group(1), redirect_uri=OOB)
    assert token.json()["access_token"] == "t-1"


# A new account made on the consent page, and scopes


def test_a_new_account_made_on_the_page_gets_a_token_with_only_the_granted_scopes(
    clean_sandbox: RunningSandbox,
) -> None:
    app = register(clean_sandbox, scopes="read write:media")
    url = authorize_url(app, clean_sandbox, scope="read write:media")
    query = redirected_query(consent(url, account="__new__", new_username="phuong_1"))
    token = exchange(clean_sandbox, app, query["code"]).json()
    assert token["scope"] == "read write:media"
    [account] = clean_sandbox.accounts("mastodon")
    assert account["username"] == "phuong_1"
    headers = bearer(token["access_token"])
    me = httpx.get(f"{base(clean_sandbox)}/api/v1/accounts/verify_credentials", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == "phuong_1"
    refused = httpx.post(
        f"{base(clean_sandbox)}/api/v1/statuses", data={"status": "x"}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.json() == {"error": "This action is outside the authorized scopes"}
    assert "X-RateLimit-Remaining" in refused.headers
    assert clean_sandbox.ledger(platform="mastodon", kind="status") == []


def test_write_statuses_alone_cannot_read_the_account(clean_sandbox: RunningSandbox) -> None:
    app = register(clean_sandbox, scopes="write:statuses")
    url = authorize_url(app, clean_sandbox, scope="write:statuses")
    query = redirected_query(consent(url, account="__new__", new_username="chi_dang"))
    headers = bearer(exchange(clean_sandbox, app, query["code"]).json()["access_token"])
    me = httpx.get(f"{base(clean_sandbox)}/api/v1/accounts/verify_credentials", headers=headers)
    assert me.status_code == 403
    posted = httpx.post(
        f"{base(clean_sandbox)}/api/v1/statuses", data={"status": "x"}, headers=headers
    )
    assert posted.status_code == 200


@pytest.mark.parametrize(
    ("username", "problem"),
    [
        ("", "Enter a new username"),
        ("có dấu", "letters, numbers and underscores"),
        ("x" * 31, "at most 30 characters"),
        ("Taken", "Username is already taken"),
    ],
)
def test_a_bad_new_username_shows_the_page_again(
    clean_sandbox: RunningSandbox, username: str, problem: str
) -> None:
    clean_sandbox.add_account("mastodon", "t", "t-1", username="taken")
    app = register(clean_sandbox)
    response = consent(authorize_url(app, clean_sandbox), account="__new__", new_username=username)
    assert response.status_code == 422
    assert problem in response.text
    assert "Tài khoản (Account)" in response.text
    assert len(clean_sandbox.accounts("mastodon")) == 1


def test_an_account_that_is_not_there_is_refused_on_the_page(
    clean_sandbox: RunningSandbox,
) -> None:
    app = register(clean_sandbox)
    response = consent(authorize_url(app, clean_sandbox), account="ghost")
    assert response.status_code == 422
    assert "No such account" in response.text


# App tokens, revocation, metadata


def test_client_credentials_give_an_app_token(clean_sandbox: RunningSandbox) -> None:
    app = register(clean_sandbox)
    response = httpx.post(
        f"{base(clean_sandbox)}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert response.status_code == 200
    token = response.json()
    assert token["scope"] == "read"
    headers = bearer(token["access_token"])
    mine = httpx.get(f"{base(clean_sandbox)}/api/v1/apps/verify_credentials", headers=headers)
    assert mine.json()["name"] == "Pressroom"
    assert "client_secret" not in mine.json()
    me = httpx.get(f"{base(clean_sandbox)}/api/v1/accounts/verify_credentials", headers=headers)
    assert me.status_code == 422
    assert me.json() == {"error": "This method requires an authenticated user"}
    too_much = httpx.post(
        f"{base(clean_sandbox)}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "push",
        },
    )
    assert too_much.status_code == 400
    assert too_much.json()["error"] == "invalid_scope"


def test_a_revoked_token_stops_working(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = register(clean_sandbox)
    code = redirected_query(consent(authorize_url(app, clean_sandbox), account="so-tt"))["code"]
    token = exchange(clean_sandbox, app, code).json()["access_token"]
    revoke = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    response = httpx.post(f"{base(clean_sandbox)}/oauth/revoke", data={**revoke, "token": token})
    assert response.status_code == 200
    assert response.json() == {}
    me = httpx.get(
        f"{base(clean_sandbox)}/api/v1/accounts/verify_credentials", headers=bearer(token)
    )
    assert me.status_code == 401
    assert me.json() == {"error": "The access token is invalid"}
    [account] = clean_sandbox.accounts("mastodon")
    assert account["account_id"] == "so-tt"
    # Revoking is idempotent: an unknown token is not an error.
    again = httpx.post(f"{base(clean_sandbox)}/oauth/revoke", data={**revoke, "token": token})
    assert again.status_code == 200


def test_only_the_client_that_got_a_token_may_revoke_it(clean_sandbox: RunningSandbox) -> None:
    app = register(clean_sandbox)
    other = register(clean_sandbox)
    query = redirected_query(
        consent(authorize_url(app, clean_sandbox), account="__new__", new_username="an")
    )
    token = exchange(clean_sandbox, app, query["code"]).json()["access_token"]
    for client_id, secret in ((other["client_id"], other["client_secret"]), ("x", "y")):
        response = httpx.post(
            f"{base(clean_sandbox)}/oauth/revoke",
            data={"client_id": client_id, "client_secret": secret, "token": token},
        )
        assert response.status_code == 403
        assert response.json() == {
            "error": "unauthorized_client",
            "error_description": "You are not authorized to revoke this token",
        }
    me = httpx.get(
        f"{base(clean_sandbox)}/api/v1/accounts/verify_credentials", headers=bearer(token)
    )
    assert me.status_code == 200


def test_the_server_metadata_names_the_endpoints(clean_sandbox: RunningSandbox) -> None:
    response = httpx.get(f"{base(clean_sandbox)}/.well-known/oauth-authorization-server")
    metadata = response.json()
    assert metadata["authorization_endpoint"] == f"{base(clean_sandbox)}/oauth/authorize"
    assert metadata["token_endpoint"] == f"{base(clean_sandbox)}/oauth/token"
    assert metadata["revocation_endpoint"] == f"{base(clean_sandbox)}/oauth/revoke"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "write:statuses" in metadata["scopes_supported"]


def test_an_app_from_the_console_accepts_any_redirect_uri(clean_sandbox: RunningSandbox) -> None:
    clean_sandbox.add_app("mastodon", "console-app", "console-secret")
    clean_sandbox.add_account("mastodon", "so-tt", "t-1")
    app = {"client_id": "console-app", "client_secret": "console-secret"}
    code = redirected_query(consent(authorize_url(app, clean_sandbox), account="so-tt"))["code"]
    assert exchange(clean_sandbox, app, code).json()["access_token"] == "t-1"
