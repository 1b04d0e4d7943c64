"""Facebook Login in the sandbox over real HTTP: the dialog a trainee signs in with, codes,
user and Page tokens, debug_token, /me/accounts, subscriptions and revoking."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import time_machine

from pressroom.platforms.base import ChannelAccess, OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, credentials_for, publish

APP_ID = "880011223344556"
APP_SECRET = "sandbox-app-secret-1"
REDIRECT = "https://pressroom.example/channels/facebook/callback"
SCOPES = "pages_show_list,pages_read_engagement,pages_manage_posts,pages_manage_metadata"
PAGE = "100000000000777"
OTHER_PAGE = "100000000000888"
ADMIN_TASKS = ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"]


@pytest.fixture
def sandbox(clean_sandbox: RunningSandbox) -> RunningSandbox:
    clean_sandbox.add_app("facebook", APP_ID, APP_SECRET)
    clean_sandbox.add_account("facebook", PAGE, "page-token-777", name="UBND xã Hợp Thành")
    clean_sandbox.add_account("facebook", OTHER_PAGE, "page-token-888", name="Xã Yên Lạc")
    return clean_sandbox


def graph(sandbox: RunningSandbox, version: str = "v24.0") -> str:
    return f"{sandbox.url}/facebook/{version}"


def dialog_params(**changes: str | None) -> dict[str, str]:
    params = {
        "client_id": APP_ID,
        "redirect_uri": REDIRECT,
        "state": "state-42",
        "scope": SCOPES,
        "response_type": "code",
        **changes,
    }
    return {key: value for key, value in params.items() if value is not None}


def sign_in(
    sandbox: RunningSandbox,
    *,
    pages: tuple[str, ...] = (PAGE,),
    scopes: tuple[str, ...] | None = None,
    role: str = "admin",
    person: str = "Nguyễn Văn An",
    new_page: str = "",
    action: str = "continue",
    version: str = "v24.0",
    query: dict[str, str | None] | None = None,
) -> httpx.Response:
    """The trainee's choices on the dialog, posted back to it as the browser does."""
    chosen = SCOPES.split(",") if scopes is None else list(scopes)
    form: dict[str, str | list[str]] = {
        "person": person,
        "page": list(pages),
        "new_page": new_page,
        "role": role,
        "scope": chosen,
        "action": action,
    }
    return httpx.post(
        f"{graph(sandbox, version)}/dialog/oauth", params=dialog_params(**(query or {})), data=form
    )


def redirect_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def code_of(response: httpx.Response) -> str:
    query = redirect_query(response)
    assert query["state"] == "state-42"
    return query["code"]


def exchange(sandbox: RunningSandbox, code: str, **changes: str) -> httpx.Response:
    params = {
        "client_id": APP_ID,
        "client_secret": APP_SECRET,
        "redirect_uri": REDIRECT,
        "code": code,
        **changes,
    }
    return httpx.get(f"{graph(sandbox)}/oauth/access_token", params=params)


def user_token(sandbox: RunningSandbox, **choices: Any) -> str:
    answer = exchange(sandbox, code_of(sign_in(sandbox, **choices)))
    assert answer.status_code == 200
    token: str = answer.json()["access_token"]
    return token


def long_lived(sandbox: RunningSandbox, token: str) -> httpx.Response:
    return httpx.get(
        f"{graph(sandbox)}/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": APP_ID,
            "client_secret": APP_SECRET,
            "fb_exchange_token": token,
        },
    )


def accounts(sandbox: RunningSandbox, token: str, **params: str) -> dict[str, Any]:
    response = httpx.get(f"{graph(sandbox)}/me/accounts", params={"access_token": token, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def debug(sandbox: RunningSandbox, token: str, app_token: str = "") -> httpx.Response:
    return httpx.get(
        f"{graph(sandbox)}/debug_token",
        params={"input_token": token, "access_token": app_token or f"{APP_ID}|{APP_SECRET}"},
    )


def error_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code >= 400
    error: dict[str, Any] = response.json()["error"]
    assert error["type"] and error["fbtrace_id"]
    return error


def page_access(sandbox: RunningSandbox, page_token: str, page_id: str = PAGE) -> ChannelAccess:
    return ChannelAccess(
        api_base=sandbox.base_for("facebook"),
        external_id=page_id,
        credentials=credentials_for("facebook", page_token),
        options={},
    )


# The dialog


@pytest.mark.parametrize("version", ["v18.0", "v24.0", "v26.0", "v30.0"])
def test_the_dialog_is_a_consent_page_under_every_version(
    sandbox: RunningSandbox, version: str
) -> None:
    response = httpx.get(f"{graph(sandbox, version)}/dialog/oauth", params=dialog_params())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<form method="post">' in page
    assert '<label for="person">Tên người dùng (Your name)</label>' in page
    assert 'value="Học viên"' in page
    assert '<label for="new_page">Tạo Trang mới (New Page name)</label>' in page
    assert '<label for="role">Vai trò (Role)</label>' in page
    for role in ("Quản trị (Admin)", "Biên tập (Editor)", "Phân tích (Analyst)"):
        assert role in page
    for name, page_id in (("UBND xã Hợp Thành", PAGE), ("Xã Yên Lạc", OTHER_PAGE)):
        assert f'name="page" value="{page_id}"> {name}</label>' in page
    for scope in SCOPES.split(","):
        assert f'name="scope" value="{scope}" checked> {scope}</label>' in page
    assert "Tiếp tục (Continue)</button>" in page
    assert "Hủy (Cancel)</button>" in page


@pytest.mark.parametrize(
    "params",
    [
        {"client_id": "999"},
        {"client_id": None},
        {"redirect_uri": None},
        {"response_type": "token"},
        {"scope": "pages_manage_posts,<script>"},
    ],
)
def test_a_bad_dialog_request_is_an_error_page_without_redirect(
    sandbox: RunningSandbox, params: dict[str, str | None]
) -> None:
    shown = httpx.get(f"{graph(sandbox)}/dialog/oauth", params=dialog_params(**params))
    assert shown.status_code == 400
    assert shown.headers["content-type"].startswith("text/html")
    assert "<form" not in shown.text
    assert "<script>" not in shown.text
    posted = sign_in(sandbox, query=params)
    assert posted.status_code == 400
    assert "location" not in posted.headers


def test_cancel_redirects_with_the_denial(sandbox: RunningSandbox) -> None:
    query = redirect_query(sign_in(sandbox, action="cancel"))
    assert query == {
        "error": "access_denied",
        "error_code": "200",
        "error_description": "Permissions error",
        "error_reason": "user_denied",
        "state": "state-42",
    }


def test_continue_gives_a_code_for_a_user_token_and_the_pages_chosen(
    sandbox: RunningSandbox,
) -> None:
    response = sign_in(sandbox, version="v26.0")
    code = code_of(response)
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", code)
    answer = exchange(sandbox, code)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert 5000 <= body["expires_in"] <= 7200
    token = body["access_token"]

    me = httpx.get(f"{graph(sandbox)}/me", params={"fields": "id,name", "access_token": token})
    assert me.status_code == 200
    assert me.json()["name"] == "Nguyễn Văn An"
    by_header = httpx.get(f"{graph(sandbox)}/me", headers={"Authorization": f"Bearer {token}"})
    assert by_header.json() == me.json()

    listing = accounts(sandbox, token, fields="access_token,category,name,id,tasks")
    [page] = listing["data"]
    assert page == {
        "access_token": "page-token-777",
        "category": "Government organization",
        "name": "UBND xã Hợp Thành",
        "id": PAGE,
        "tasks": ADMIN_TASKS,
    }
    assert set(listing["paging"]["cursors"]) == {"before", "after"}
    assert "next" not in listing["paging"]
    full = accounts(sandbox, token)["data"][0]
    assert full["category_list"] == [{"id": "2235", "name": "Government organization"}]

    # The Page token the app keeps publishes, and /me with it answers the Page.
    outcome = publish(
        "facebook", page_access(sandbox, page["access_token"]), Publication(text="Xin chào")
    )
    assert outcome.kind is OutcomeKind.PUBLISHED
    as_page = httpx.get(f"{graph(sandbox)}/me", params={"access_token": page["access_token"]})
    assert as_page.json() == {"name": "UBND xã Hợp Thành", "id": PAGE}


def test_the_same_name_signs_in_as_the_same_person(sandbox: RunningSandbox) -> None:
    first = user_token(sandbox, person="Trần Thị Bình")
    again = user_token(sandbox, person="Trần Thị Bình")
    other = user_token(sandbox, person="Lê Văn Cường")

    def me(token: str) -> str:
        return str(httpx.get(f"{graph(sandbox)}/me", params={"access_token": token}).json()["id"])

    assert me(first) == me(again) != me(other)


def test_no_page_chosen_still_gives_a_code_and_no_pages(sandbox: RunningSandbox) -> None:
    token = user_token(sandbox, pages=())
    assert accounts(sandbox, token)["data"] == []


def test_a_new_page_is_created_with_an_id_shaped_like_facebooks(sandbox: RunningSandbox) -> None:
    # An account already holding the first id the dialog would give: never overwritten.
    sandbox.add_account("facebook", "105000000000001", "taken-token", name="Đã có")
    token = user_token(sandbox, pages=(OTHER_PAGE,), new_page="Phường Mới")
    second = user_token(sandbox, pages=(), new_page="Phường Mới Nữa")
    listing = accounts(sandbox, token)["data"]
    assert [page["name"] for page in listing] == ["Xã Yên Lạc", "Phường Mới"]
    created = listing[1]
    assert re.fullmatch(r"10\d{13}", created["id"])
    assert created["id"] != "105000000000001"
    assert created["access_token"] not in {"taken-token", "page-token-888"}
    [newer] = accounts(sandbox, second)["data"]
    assert newer["id"] != created["id"]
    known = {account["account_id"]: account["name"] for account in sandbox.accounts("facebook")}
    assert known["105000000000001"] == "Đã có"
    assert known[created["id"]] == "Phường Mới"
    outcome = publish(
        "facebook",
        page_access(sandbox, created["access_token"], created["id"]),
        Publication(text="Trang mới đăng bài"),
    )
    assert outcome.kind is OutcomeKind.PUBLISHED


@pytest.mark.parametrize(
    ("role", "tasks"),
    [
        ("admin", ADMIN_TASKS),
        ("editor", ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE"]),
        ("analyst", ["ANALYZE"]),
    ],
)
def test_the_role_gives_the_pages_tasks(
    sandbox: RunningSandbox, role: str, tasks: list[str]
) -> None:
    token = user_token(sandbox, role=role)
    [page] = accounts(sandbox, token)["data"]
    assert page["tasks"] == tasks
    outcome = publish(
        "facebook", page_access(sandbox, page["access_token"]), Publication(text="Vai trò")
    )
    if "CREATE_CONTENT" in tasks:
        assert outcome.kind is OutcomeKind.PUBLISHED
    else:
        assert outcome.kind is OutcomeKind.REJECTED
        assert outcome.code == "200"


def test_an_unticked_permission_is_declined_and_refused(sandbox: RunningSandbox) -> None:
    token = user_token(
        sandbox, scopes=("pages_show_list", "pages_read_engagement", "pages_manage_metadata")
    )
    [page] = accounts(sandbox, token)["data"]
    outcome = publish(
        "facebook", page_access(sandbox, page["access_token"]), Publication(text="Không quyền")
    )
    assert outcome.kind is OutcomeKind.REJECTED
    assert outcome.code == "200"
    assert "pages_manage_posts" in outcome.reason
    assert sandbox.ledger(platform="facebook") == []
    permissions = httpx.get(
        f"{graph(sandbox)}/me/permissions", params={"access_token": token}
    ).json()["data"]
    assert {"permission": "pages_manage_posts", "status": "declined"} in permissions
    assert {"permission": "pages_show_list", "status": "granted"} in permissions
    scopes = debug(sandbox, page["access_token"]).json()["data"]["scopes"]
    assert "pages_manage_posts" not in scopes
    assert "pages_read_engagement" in scopes


# The code exchange


def test_a_wrong_secret_is_refused(sandbox: RunningSandbox) -> None:
    code = code_of(sign_in(sandbox))
    error = error_of(exchange(sandbox, code, client_secret="not-the-secret"))
    assert error["code"] == 1
    assert error["message"] == "Error validating client secret."
    # The code was not spent on the refused attempt.
    assert exchange(sandbox, code).status_code == 200


def test_an_unknown_app_is_refused(sandbox: RunningSandbox) -> None:
    code = code_of(sign_in(sandbox))
    assert error_of(exchange(sandbox, code, client_id="111"))["code"] == 101


def test_a_code_is_used_once(sandbox: RunningSandbox) -> None:
    code = code_of(sign_in(sandbox))
    assert exchange(sandbox, code).status_code == 200
    error = error_of(exchange(sandbox, code))
    assert error["code"] == 100
    assert error["error_subcode"] == 36009
    assert error["message"] == "This authorization code has been used."


def test_a_code_expires_after_ten_minutes(sandbox: RunningSandbox) -> None:
    start = datetime.now(tz=UTC)
    with time_machine.travel(start, tick=False) as clock:
        code = code_of(sign_in(sandbox))
        clock.shift(timedelta(minutes=9))
        fresh = code_of(sign_in(sandbox))
        clock.shift(timedelta(minutes=2))
        error = error_of(exchange(sandbox, code))
        assert error["code"] == 100
        assert error["error_subcode"] == 36007
        assert exchange(sandbox, fresh).status_code == 200


def test_the_redirect_uri_must_be_the_dialogs(sandbox: RunningSandbox) -> None:
    code = code_of(sign_in(sandbox))
    error = error_of(exchange(sandbox, code, redirect_uri=REDIRECT + "/other"))
    assert error["code"] == 100
    assert error["error_subcode"] == 36008
    assert error["message"] == (
        "Error validating verification code. Please make sure your redirect_uri is identical "
        "to the one you used in the OAuth dialog request"
    )


def test_an_unknown_code_is_refused(sandbox: RunningSandbox) -> None:
    error = error_of(exchange(sandbox, "AQnot-a-code"))
    assert error["code"] == 100
    assert "error_subcode" not in error


def test_a_long_lived_token_gives_page_tokens_that_never_expire(sandbox: RunningSandbox) -> None:
    short = user_token(sandbox)
    answer = long_lived(sandbox, short)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 5183944
    token = body["access_token"]
    assert token != short
    me = httpx.get(f"{graph(sandbox)}/me", params={"access_token": token}).json()
    assert me["name"] == "Nguyễn Văn An"
    [page] = accounts(sandbox, token)["data"]

    facts = debug(sandbox, page["access_token"]).json()["data"]
    assert facts["type"] == "PAGE"
    assert facts["expires_at"] == 0
    assert facts["is_valid"] is True
    assert facts["app_id"] == APP_ID
    assert facts["profile_id"] == PAGE
    assert facts["user_id"] == me["id"]
    assert set(facts["scopes"]) == set(SCOPES.split(","))
    assert {"scope": "pages_manage_posts", "target_ids": [PAGE]} in facts["granular_scopes"]

    user = debug(sandbox, token).json()["data"]
    assert user["type"] == "USER"
    assert user["user_id"] == me["id"]
    assert user["is_valid"] is True
    assert user["expires_at"] - user["issued_at"] == 5183944
    assert "public_profile" in user["scopes"]
    assert {"scope": "pages_show_list", "target_ids": [PAGE]} in user["granular_scopes"]
    assert set(user) >= {"app_id", "application", "data_access_expires_at", "issued_at"}


def test_the_exchange_needs_a_live_user_token_of_the_app(sandbox: RunningSandbox) -> None:
    assert error_of(long_lived(sandbox, "EAAnot-a-token"))["code"] == 190
    assert error_of(long_lived(sandbox, "page-token-777"))["code"] == 190


def test_a_page_token_from_a_short_lived_token_expires_with_it(sandbox: RunningSandbox) -> None:
    start = datetime.now(tz=UTC)
    with time_machine.travel(start, tick=False) as clock:
        token = user_token(sandbox)
        [page] = accounts(sandbox, token)["data"]
        facts = debug(sandbox, page["access_token"]).json()["data"]
        assert facts["expires_at"] > start.timestamp()
        clock.shift(timedelta(hours=2))
        outcome = publish(
            "facebook", page_access(sandbox, page["access_token"]), Publication(text="Hết hạn")
        )
        assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
        assert outcome.code == "190"
        error = error_of(httpx.get(f"{graph(sandbox)}/me", params={"access_token": token}))
        assert (error["code"], error["error_subcode"]) == (190, 463)
        expired = debug(sandbox, token).json()["data"]
        assert expired["is_valid"] is False
        assert expired["error"]["code"] == 190


def test_pages_registered_without_a_grant_have_every_permission(sandbox: RunningSandbox) -> None:
    facts = debug(sandbox, "page-token-888").json()["data"]
    assert facts["type"] == "PAGE"
    assert facts["is_valid"] is True
    assert facts["expires_at"] == 0
    assert {"pages_manage_posts", "pages_read_engagement", "pages_manage_metadata"} <= set(
        facts["scopes"]
    )


def test_debug_token_of_nothing_and_with_a_wrong_app_token(sandbox: RunningSandbox) -> None:
    invalid = debug(sandbox, "EAAnothing")
    assert invalid.status_code == 200
    assert invalid.json() == {
        "data": {
            "is_valid": False,
            "error": {"code": 190, "message": "Invalid OAuth access token."},
            "scopes": [],
        }
    }
    assert error_of(debug(sandbox, "page-token-777", f"{APP_ID}|wrong"))["code"] == 190
    assert error_of(debug(sandbox, "page-token-777", "page-token-888"))["code"] == 190


def test_me_accounts_pages_through_with_cursors(sandbox: RunningSandbox) -> None:
    token = user_token(sandbox, pages=(PAGE, OTHER_PAGE), new_page="Trang thứ ba")
    first = accounts(sandbox, token, limit="2")
    assert [page["id"] for page in first["data"]] == [PAGE, OTHER_PAGE]
    following = httpx.get(first["paging"]["next"])
    assert following.status_code == 200
    [third] = following.json()["data"]
    assert third["name"] == "Trang thứ ba"
    assert "next" not in following.json()["paging"]
    after = accounts(sandbox, token, limit="2", after=first["paging"]["cursors"]["after"])
    assert after["data"] == following.json()["data"]


def test_me_accounts_wants_a_user_token(sandbox: RunningSandbox) -> None:
    error = error_of(
        httpx.get(f"{graph(sandbox)}/me/accounts", params={"access_token": "page-token-777"})
    )
    assert error["code"] == 100
    assert (
        error_of(httpx.get(f"{graph(sandbox)}/me/accounts", params={"access_token": "x"}))["code"]
        == 190
    )


# Webhook subscriptions


def subscriptions(
    sandbox: RunningSandbox, method: str, token: str, **params: str
) -> httpx.Response:
    return httpx.request(
        method,
        f"{graph(sandbox)}/{PAGE}/subscribed_apps",
        params={"access_token": token, **params},
    )


def test_a_page_subscribes_the_app_to_its_webhook_fields(sandbox: RunningSandbox) -> None:
    wanted = f"{SCOPES},pages_messaging"
    token = user_token(sandbox, query={"scope": wanted}, scopes=tuple(wanted.split(",")))
    [page] = accounts(sandbox, token)["data"]
    page_token = page["access_token"]
    subscribed = subscriptions(sandbox, "POST", page_token, subscribed_fields="feed,messages")
    assert subscribed.json() == {"success": True}
    listing = subscriptions(sandbox, "GET", page_token).json()
    [app] = listing["data"]
    assert app["id"] == APP_ID
    assert app["subscribed_fields"] == ["feed", "messages"]
    assert app["name"]
    assert subscriptions(sandbox, "DELETE", page_token).json() == {"success": True}
    assert subscriptions(sandbox, "GET", page_token).json() == {"data": []}


def test_subscribing_needs_the_metadata_permission(sandbox: RunningSandbox) -> None:
    token = user_token(sandbox, scopes=("pages_show_list", "pages_manage_posts"))
    [page] = accounts(sandbox, token)["data"]
    error = error_of(subscriptions(sandbox, "POST", page["access_token"], subscribed_fields="feed"))
    assert error["code"] == 200
    assert "permission" in error["message"]


def test_subscribing_to_messages_needs_pages_messaging(sandbox: RunningSandbox) -> None:
    token = user_token(sandbox)
    [page] = accounts(sandbox, token)["data"]
    fields = subscriptions(sandbox, "POST", page["access_token"], subscribed_fields="messages")
    error = error_of(fields)
    assert error["code"] == 200
    assert "pages_messaging" in error["message"]
    unknown = subscriptions(sandbox, "POST", page["access_token"], subscribed_fields="fed")
    assert error_of(unknown)["code"] == 100
    missing = subscriptions(sandbox, "POST", page["access_token"])
    assert error_of(missing)["code"] == 100


# Revoking


def test_removing_the_apps_permissions_ends_the_user_token(sandbox: RunningSandbox) -> None:
    token = user_token(sandbox)
    other = long_lived(sandbox, token).json()["access_token"]
    removed = httpx.delete(f"{graph(sandbox)}/me/permissions", params={"access_token": token})
    assert removed.json() == {"success": True}
    for gone in (token, other):
        error = error_of(httpx.get(f"{graph(sandbox)}/me", params={"access_token": gone}))
        assert error["code"] == 190
        assert debug(sandbox, gone).json()["data"]["is_valid"] is False


# Faults reach Facebook Login too


def test_a_fault_on_the_exchange_leaves_the_code_usable(sandbox: RunningSandbox) -> None:
    code = code_of(sign_in(sandbox))
    sandbox.add_fault("facebook", "server_error", operation="access_token")
    failed = exchange(sandbox, code)
    assert failed.status_code == 500
    assert failed.json()["error"]["code"] == 2
    assert exchange(sandbox, code).status_code == 200


def test_a_fault_on_me_accounts(sandbox: RunningSandbox) -> None:
    token = user_token(sandbox)
    sandbox.add_fault("facebook", "rate_limit", operation="accounts", code=4)
    limited = httpx.get(f"{graph(sandbox)}/me/accounts", params={"access_token": token})
    assert error_of(limited)["code"] == 4
    assert accounts(sandbox, token)["data"][0]["id"] == PAGE
