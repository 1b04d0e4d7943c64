"""Zalo's OAuth v4 with PKCE and getoa, in the sandbox, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import time_machine

from pressroom.platforms.base import OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish

APP_ID, APP_SECRET = "3254824024567022257", "oa-app-secret"
OA = "4200000000000007"
CALLBACK = "https://pressroom.example/connect/zalo/done?channel=7"


def pkce() -> tuple[str, str]:
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


class Flow:
    """One consent, as the trainee's browser and the app's server go through it."""

    def __init__(self, sandbox: RunningSandbox, **query: str) -> None:
        self.sandbox = sandbox
        self.verifier, challenge = pkce()
        self.query = {
            "app_id": APP_ID,
            "redirect_uri": CALLBACK,
            "code_challenge": challenge,
            "state": "st-42",
            **query,
        }
        self.browser = httpx.Client(follow_redirects=False, trust_env=False, timeout=10)

    @property
    def url(self) -> str:
        return f"{self.sandbox.url}/zalo-oauth/v4/oa/permission"

    def page(self) -> httpx.Response:
        return self.browser.get(self.url, params=self.query)

    def answer(self, **form: str) -> httpx.Response:
        return self.browser.post(self.url, params=self.query, data=form)

    def allow(self, **form: str) -> dict[str, list[str]]:
        response = self.answer(decision="allow", **form)
        assert response.status_code == 302, response.text
        location = response.headers["location"]
        assert location.startswith("https://pressroom.example/connect/zalo/done?")
        return parse_qs(urlsplit(location).query)


def exchange(
    sandbox: RunningSandbox, code: str, verifier: str, *, secret: str = APP_SECRET, **form: str
) -> dict[str, Any]:
    """The code exchange as Zalo's SDKs send it; `form` overrides or adds fields."""
    fields = {"grant_type": "authorization_code", "code": code, "app_id": APP_ID}
    fields |= {"code_verifier": verifier, **form}
    response = httpx.post(
        f"{sandbox.url}/zalo-oauth/v4/oa/access_token",
        headers={"secret_key": secret},
        data=fields,
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def getoa(sandbox: RunningSandbox, token: str) -> dict[str, Any]:
    response = httpx.get(
        f"{sandbox.base_for('zalo')}/v2.0/oa/getoa", headers={"access_token": token}
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def is_zalo_error(body: dict[str, Any], code: int) -> bool:
    return (
        body.get("error") == code
        and all(body.get(key) for key in ("error_name", "error_reason", "error_description"))
        and "access_token" not in body
    )


@pytest.fixture
def zalo(clean_sandbox: RunningSandbox) -> RunningSandbox:
    clean_sandbox.add_app("zalo", APP_ID, APP_SECRET)
    clean_sandbox.add_account("zalo", OA, "token-before", name="UBND xã Tân Lập")
    return clean_sandbox


def test_the_consent_page_offers_the_sandbox_oas_and_a_new_one(zalo: RunningSandbox) -> None:
    page = Flow(zalo).page()
    assert page.status_code == 200
    text = page.text
    for label in (
        "Official Account (OA)",
        "Tạo OA mới (New OA)",
        "Tên OA mới (New OA name)",
        "Đã xác thực (Verified)",
        "Loại OA (OA type)",
        "OA Cơ quan nhà nước",
        "Cho phép (Allow)",
        "Từ chối (Deny)",
    ):
        assert label in text
    assert f'<option value="{OA}">UBND xã Tân Lập' in text
    assert '<form method="post"' in text
    assert 'type="checkbox" value="1" checked' in text


@pytest.mark.parametrize(
    "query",
    [
        {"app_id": "999"},
        {"app_id": ""},
        {"redirect_uri": ""},
        {"redirect_uri": "javascript:alert(1)"},
        {"code_challenge": ""},
    ],
)
def test_a_consent_it_cannot_answer_is_an_error_page_without_redirect(
    zalo: RunningSandbox, query: dict[str, str]
) -> None:
    flow = Flow(zalo, **query)
    for response in (flow.page(), flow.answer(decision="allow", oa=OA)):
        assert response.status_code == 400
        assert "location" not in response.headers
        assert "Lỗi (Error)" in response.text
        assert "<form" not in response.text


def test_allow_gives_a_code_that_buys_tokens_the_oa_api_accepts(zalo: RunningSandbox) -> None:
    flow = Flow(zalo)
    answer = flow.allow(oa=OA)
    assert answer["oa_id"] == [OA]
    assert answer["state"] == ["st-42"]
    assert answer["code_challenge"] == [flow.query["code_challenge"]]
    assert answer["channel"] == ["7"]
    tokens = exchange(zalo, answer["code"][0], flow.verifier)
    assert set(tokens) == {"access_token", "refresh_token", "expires_in"}
    assert tokens["expires_in"] == "90000"
    info = getoa(zalo, tokens["access_token"])
    assert info["error"] == 0
    assert info["message"] == "Success"
    assert info["data"]["oa_id"] == OA
    assert info["data"]["name"] == "UBND xã Tân Lập"
    # A fresh grant replaces the OA's token: the one from before stops working.
    assert getoa(zalo, "token-before") == {"error": -216, "message": "Access token is invalid"}
    access = zalo.connect("zalo", OA, token=tokens["access_token"], name="UBND xã Tân Lập")
    outcome = publish("zalo", access, Publication(text="Lịch tiếp dân", title="Thông báo"))
    assert outcome.kind is OutcomeKind.PUBLISHED


def test_a_new_oa_is_created_with_the_chosen_type_and_verification(
    zalo: RunningSandbox,
) -> None:
    flow = Flow(zalo)
    answer = flow.allow(oa="new", new_name="Phường Bến Nghé", oa_type="2")
    oa_id = answer["oa_id"][0]
    assert oa_id.isdigit()
    assert len(oa_id) == 19
    assert oa_id in {account["account_id"] for account in zalo.accounts("zalo")}
    tokens = exchange(zalo, answer["code"][0], flow.verifier)
    data = getoa(zalo, tokens["access_token"])["data"]
    assert data["oa_id"] == oa_id
    assert data["name"] == "Phường Bến Nghé"
    # The checkbox was not sent: unchecked.
    assert data["is_verified"] is False
    assert data["oa_type"] == 2


def test_a_new_oa_is_a_verified_state_agency_unless_told_otherwise(zalo: RunningSandbox) -> None:
    flow = Flow(zalo)
    answer = flow.allow(oa="new", new_name="UBND tỉnh", verified="1", oa_type="3")
    tokens = exchange(zalo, answer["code"][0], flow.verifier)
    data = getoa(zalo, tokens["access_token"])["data"]
    assert data["is_verified"] is True
    assert data["oa_type"] == 3


@pytest.mark.parametrize(
    "form",
    [
        {"oa": "new", "new_name": "  "},
        {"oa": "404"},
        {"oa": "new", "new_name": "X", "oa_type": "9"},
    ],
)
def test_an_incomplete_choice_shows_the_page_again(
    zalo: RunningSandbox, form: dict[str, str]
) -> None:
    response = Flow(zalo).answer(decision="allow", **form)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert 'role="alert"' in response.text
    assert "Cho phép (Allow)" in response.text
    assert len(zalo.accounts("zalo")) == 1


def test_deny_sends_access_denied_and_no_code(zalo: RunningSandbox) -> None:
    response = Flow(zalo).answer(decision="deny", oa=OA)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query == {"channel": ["7"], "error": ["access_denied"], "state": ["st-42"]}


def test_the_code_is_used_once(zalo: RunningSandbox) -> None:
    flow = Flow(zalo)
    code = flow.allow(oa=OA)["code"][0]
    assert "access_token" in exchange(zalo, code, flow.verifier)
    assert is_zalo_error(exchange(zalo, code, flow.verifier), -14005)


def test_the_code_lasts_ten_minutes(zalo: RunningSandbox) -> None:
    with time_machine.travel("2026-12-01 08:00:00Z", tick=True) as clock:
        flow = Flow(zalo)
        code = flow.allow(oa=OA)["code"][0]
        clock.shift(601)
        assert is_zalo_error(exchange(zalo, code, flow.verifier), -14005)
    assert getoa(zalo, "token-before")["error"] == 0


def test_a_wrong_verifier_is_refused(zalo: RunningSandbox) -> None:
    flow = Flow(zalo)
    code = flow.allow(oa=OA)["code"][0]
    other_verifier, _ = pkce()
    assert is_zalo_error(exchange(zalo, code, other_verifier), -14019)
    assert getoa(zalo, "token-before")["error"] == 0


def test_a_wrong_secret_is_refused_and_leaves_the_code(zalo: RunningSandbox) -> None:
    flow = Flow(zalo)
    code = flow.allow(oa=OA)["code"][0]
    assert is_zalo_error(exchange(zalo, code, flow.verifier, secret="guess"), -14004)
    assert is_zalo_error(exchange(zalo, code, flow.verifier, secret=""), -14004)
    assert "access_token" in exchange(zalo, code, flow.verifier)


def test_an_unknown_app_or_another_apps_code_is_refused(zalo: RunningSandbox) -> None:
    flow = Flow(zalo)
    code = flow.allow(oa=OA)["code"][0]
    assert is_zalo_error(exchange(zalo, code, flow.verifier, app_id="1"), -14002)
    zalo.add_app("zalo", "2222", "other-secret")
    refused = exchange(zalo, code, flow.verifier, app_id="2222", secret="other-secret")
    assert is_zalo_error(refused, -14005)


@pytest.mark.parametrize(
    "form",
    [{"grant_type": "password"}, {"code": ""}, {"code_verifier": ""}],
)
def test_a_malformed_exchange_is_refused(zalo: RunningSandbox, form: dict[str, str]) -> None:
    flow = Flow(zalo)
    code = flow.allow(oa=OA)["code"][0]
    given = {"code": code, "verifier": flow.verifier}
    if "code" in form:
        given["code"] = form.pop("code")
    if "code_verifier" in form:
        given["verifier"] = form.pop("code_verifier")
    assert is_zalo_error(exchange(zalo, given["code"], given["verifier"], **form), -14001)
    assert "access_token" in exchange(zalo, code, flow.verifier)


def refresh(sandbox: RunningSandbox, refresh_token: str, secret: str) -> dict[str, Any]:
    response = httpx.post(
        f"{sandbox.url}/zalo-oauth/v4/oa/access_token",
        headers={"secret_key": secret},
        data={"refresh_token": refresh_token, "app_id": APP_ID, "grant_type": "refresh_token"},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_refresh_token_from_a_grant_is_single_use_and_checks_the_secret(
    zalo: RunningSandbox,
) -> None:
    flow = Flow(zalo)
    tokens = exchange(zalo, flow.allow(oa=OA)["code"][0], flow.verifier)
    assert is_zalo_error(refresh(zalo, tokens["refresh_token"], "guess"), -14004)
    renewed = refresh(zalo, tokens["refresh_token"], APP_SECRET)
    assert renewed["expires_in"] == "90000"
    assert getoa(zalo, renewed["access_token"])["data"]["oa_id"] == OA
    assert getoa(zalo, tokens["access_token"])["error"] == -216
    assert is_zalo_error(refresh(zalo, tokens["refresh_token"], APP_SECRET), -14014)


def test_getoa_answers_the_oa_profile_and_refuses_a_bad_token(
    clean_sandbox: RunningSandbox,
) -> None:
    clean_sandbox.add_account(
        "zalo", OA, "tok", name="UBND xã", followers=12, package_name="Gói Premium"
    )
    data = getoa(clean_sandbox, "tok")["data"]
    assert set(data) == {
        "oa_id",
        "name",
        "description",
        "oa_alias",
        "is_verified",
        "oa_type",
        "cate_name",
        "num_follower",
        "avatar",
        "cover",
        "package_name",
        "package_valid_through_date",
    }
    assert data["num_follower"] == 12
    assert data["package_name"] == "Gói Premium"
    assert data["is_verified"] is True
    assert data["oa_type"] == 3
    assert data["cate_name"] == "Cơ quan nhà nước"
    for token in ("nope", ""):
        assert getoa(clean_sandbox, token) == {"error": -216, "message": "Access token is invalid"}
