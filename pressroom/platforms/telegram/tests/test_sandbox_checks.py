"""The Bot API methods a connect flow calls (getMe, getChat, getChatMember, getChatMemberCount)
and what a bot that is not an administrator may send, over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pressroom.platforms.testing import RunningSandbox

TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"
BOT_ID = 7012345678


def call(sandbox: RunningSandbox, method: str, token: str = TOKEN, **params: Any) -> httpx.Response:
    return httpx.post(f"{sandbox.base_for('telegram')}/bot{token}/{method}", json=params)


def channel(sandbox: RunningSandbox, account_id: str = "@so_tttt", **extra: Any) -> None:
    extra.setdefault("name", "Sở Thông tin và Truyền thông")
    sandbox.add_account("telegram", account_id, TOKEN, **extra)


def test_get_me_describes_the_bot_of_the_token(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox, bot_username="so_tttt_bot", bot_name="Bot Sở TTTT")
    answer = call(clean_sandbox, "getMe")
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "result": {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Bot Sở TTTT",
            "username": "so_tttt_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "supports_guest_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
            "has_topics_enabled": False,
            "allows_users_to_create_topics": False,
            "can_manage_bots": False,
        },
    }


def test_a_bot_without_a_username_given_still_has_one_ending_in_bot(
    clean_sandbox: RunningSandbox,
) -> None:
    channel(clean_sandbox)
    me = call(clean_sandbox, "getme").json()["result"]
    assert me["username"] == f"sandbox_{BOT_ID}_bot"
    assert me["first_name"]


@pytest.mark.parametrize(
    ("token", "status", "description"),
    [
        ("7012345678:AAH-someone-elses-token-000000000", 401, "Unauthorized"),
        ("not-a-token", 404, "Not Found"),
        ("07012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ", 404, "Not Found"),
    ],
)
def test_a_token_no_account_holds_is_refused(
    clean_sandbox: RunningSandbox, token: str, status: int, description: str
) -> None:
    channel(clean_sandbox)
    answer = call(clean_sandbox, "getMe", token=token)
    assert answer.status_code == status
    assert answer.json() == {"ok": False, "error_code": status, "description": description}


def test_an_unknown_method_is_not_found(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox)
    answer = call(clean_sandbox, "getUpdatez")
    assert answer.status_code == 404
    assert answer.json()["description"] == "Not Found"


def test_get_chat_by_username_and_by_number(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox, chat_id=-1001987654321, linked_chat_id=-1001987654322)
    by_name = call(clean_sandbox, "getChat", chat_id="@SO_TTTT")
    by_number = call(clean_sandbox, "getChat", chat_id=-1001987654321)
    assert by_name.status_code == by_number.status_code == 200
    chat = by_name.json()["result"]
    assert chat == by_number.json()["result"]
    assert chat["id"] == -1001987654321
    assert chat["type"] == "channel"
    assert chat["title"] == "Sở Thông tin và Truyền thông"
    assert chat["username"] == "so_tttt"
    assert chat["active_usernames"] == ["so_tttt"]
    assert chat["linked_chat_id"] == -1001987654322
    assert isinstance(chat["accent_color_id"], int)
    assert isinstance(chat["max_reaction_count"], int)
    assert set(chat["accepted_gift_types"]) == {
        "unlimited_gifts",
        "limited_gifts",
        "unique_gifts",
        "premium_subscription",
        "gifts_from_channels",
    }


@pytest.mark.parametrize(
    ("chat_id", "description"),
    [("@khong_co_kenh", "Bad Request: chat not found"), ("", "Bad Request: chat_id is empty")],
)
def test_get_chat_of_no_chat(clean_sandbox: RunningSandbox, chat_id: str, description: str) -> None:
    channel(clean_sandbox)
    answer = call(clean_sandbox, "getChat", chat_id=chat_id)
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "error_code": 400, "description": description}


def test_a_private_channel_of_another_bot_is_forbidden(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox)
    clean_sandbox.add_account("telegram", "-1005550001111", "6000000001:AAother-bot-token")
    answer = call(clean_sandbox, "getChat", chat_id=-1005550001111)
    assert answer.status_code == 403
    assert answer.json() == {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot is not a member of the channel chat",
    }
    assert call(clean_sandbox, "getChatMemberCount", chat_id=-1005550001111).status_code == 403
    member = call(clean_sandbox, "getChatMember", chat_id=-1005550001111, user_id=BOT_ID)
    assert member.status_code == 403


def test_a_public_channel_is_readable_by_a_bot_that_is_not_in_it(
    clean_sandbox: RunningSandbox,
) -> None:
    # As telegram-bot-api's check_chat_access: reading a public chat needs no membership.
    channel(clean_sandbox)
    clean_sandbox.add_account("telegram", "@kenh_khac", "6000000001:AAother-bot-token")
    assert call(clean_sandbox, "getChat", chat_id="@kenh_khac").status_code == 200
    member = call(clean_sandbox, "getChatMember", chat_id="@kenh_khac", user_id=BOT_ID)
    assert member.status_code == 200
    assert member.json()["result"]["status"] == "left"
    sent = call(clean_sandbox, "sendMessage", chat_id="@kenh_khac", text="Nhầm kênh")
    assert sent.status_code == 403
    assert sent.json()["description"] == "Forbidden: bot is not a member of the channel chat"


def test_get_chat_member_of_the_bot_that_may_post(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox, bot_username="so_tttt_bot", bot_name="Bot Sở TTTT")
    answer = call(clean_sandbox, "getChatMember", chat_id="@so_tttt", user_id=BOT_ID)
    assert answer.status_code == 200
    member = answer.json()["result"]
    assert member["status"] == "administrator"
    assert member["user"] == {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": "Bot Sở TTTT",
        "username": "so_tttt_bot",
    }
    assert member["can_post_messages"] is True
    assert member["can_be_edited"] is False
    assert member["is_anonymous"] is False
    assert member["can_manage_chat"] is True
    for right in (
        "can_edit_messages",
        "can_delete_messages",
        "can_invite_users",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_manage_video_chats",
    ):
        assert isinstance(member[right], bool), right


def test_an_administrator_that_may_not_post_cannot_send(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox, bot_can_post=False)
    member = call(clean_sandbox, "getChatMember", chat_id="@so_tttt", user_id=BOT_ID).json()
    assert member["result"]["status"] == "administrator"
    assert member["result"]["can_post_messages"] is False
    sent = call(clean_sandbox, "sendMessage", chat_id="@so_tttt", text="Không được đăng")
    assert sent.status_code == 400
    assert sent.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: need administrator rights in the channel chat",
    }
    assert clean_sandbox.ledger(platform="telegram") == []


def test_a_bot_that_is_only_a_member_cannot_send(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox, bot_status="member")
    member = call(clean_sandbox, "getChatMember", chat_id="@so_tttt", user_id=BOT_ID).json()
    assert member["result"]["status"] == "member"
    assert "can_post_messages" not in member["result"]
    for method, params in (
        ("sendMessage", {"text": "x"}),
        ("sendPhoto", {"photo": "AgACnothing"}),
        ("sendMediaGroup", {"media": "[]"}),
    ):
        answer = call(clean_sandbox, method, chat_id="@so_tttt", **params)
        assert answer.status_code == 400, method
        description = answer.json()["description"]
        assert description == "Bad Request: need administrator rights in the channel chat"


def test_a_bot_that_left_cannot_send(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox, bot_status="left")
    member = call(clean_sandbox, "getChatMember", chat_id="@so_tttt", user_id=BOT_ID).json()
    assert member["result"] == {"user": member["result"]["user"], "status": "left"}
    for method in ("sendMessage", "sendPhoto", "sendMediaGroup"):
        answer = call(clean_sandbox, method, chat_id="@so_tttt", text="x")
        assert answer.status_code == 403, method
        assert answer.json()["description"] == "Forbidden: bot is not a member of the channel chat"


def test_a_private_channel_the_bot_left_is_forbidden_to_read(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox, "-1004440002222", bot_status="left")
    assert call(clean_sandbox, "getChat", chat_id=-1004440002222).status_code == 403


@pytest.mark.parametrize(
    ("user_id", "description"),
    [
        (123456789, "Bad Request: user not found"),
        ("abc", "Bad Request: invalid user_id specified"),
        (0, "Bad Request: invalid user_id specified"),
        (None, "Bad Request: invalid user_id specified"),
    ],
)
def test_get_chat_member_of_somebody_else(
    clean_sandbox: RunningSandbox, user_id: Any, description: str
) -> None:
    channel(clean_sandbox)
    params = {"chat_id": "@so_tttt"}
    if user_id is not None:
        params["user_id"] = user_id
    answer = call(clean_sandbox, "getChatMember", **params)
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "error_code": 400, "description": description}


def test_get_chat_member_count(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox)
    channel(clean_sandbox, "@kenh_dem", member_count=2417)
    first = call(clean_sandbox, "getChatMemberCount", chat_id="@so_tttt").json()["result"]
    again = call(clean_sandbox, "getChatMemberCount", chat_id="@so_tttt").json()["result"]
    assert isinstance(first, int)
    assert first == again
    assert first > 0
    given = call(clean_sandbox, "getChatMemberCount", chat_id="@kenh_dem").json()
    assert given == {"ok": True, "result": 2417}


def test_the_checks_answer_faults_by_method(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox)
    clean_sandbox.add_fault("telegram", "server_error", operation="getChat")
    clean_sandbox.add_fault("telegram", "server_error", operation="getMe")
    assert call(clean_sandbox, "getChat", chat_id="@so_tttt").status_code == 502
    assert call(clean_sandbox, "getChat", chat_id="@so_tttt").status_code == 200
    assert call(clean_sandbox, "getMe").status_code == 502
    assert call(clean_sandbox, "getMe").status_code == 200


def test_parameters_may_come_in_the_query_string(clean_sandbox: RunningSandbox) -> None:
    channel(clean_sandbox)
    answer = httpx.get(
        f"{clean_sandbox.base_for('telegram')}/bot{TOKEN}/getChatMember",
        params={"chat_id": "@so_tttt", "user_id": str(BOT_ID)},
    )
    assert answer.status_code == 200
    assert answer.json()["result"]["status"] == "administrator"
