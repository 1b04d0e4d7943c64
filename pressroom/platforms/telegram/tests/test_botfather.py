"""The training BotFather page: a trainee makes a bot and a channel, then the bot works."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

from pressroom.platforms.testing import RunningSandbox


def botfather(sandbox: RunningSandbox) -> str:
    return f"{sandbox.base_for('telegram')}/botfather"


def create(sandbox: RunningSandbox, **form: Any) -> httpx.Response:
    return httpx.post(botfather(sandbox), data=form)


def element(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    assert found, element_id
    return html.unescape(found.group(1))


def api(sandbox: RunningSandbox, token: str, method: str, **params: Any) -> Any:
    answer = httpx.post(f"{sandbox.base_for('telegram')}/bot{token}/{method}", json=params)
    return answer.json()


def test_the_form_has_its_labelled_fields(clean_sandbox: RunningSandbox) -> None:
    page = httpx.get(botfather(clean_sandbox))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert '<form method="post"' in text
    assert '<label for="title">Tên kênh (Channel title)</label>' in text
    assert '<label for="username">Tên công khai của kênh (Channel @username)</label>' in text
    assert re.search(
        r'<label class="check" for="bot_can_post"><input type="checkbox" id="bot_can_post" '
        r'name="bot_can_post" value="1" checked>'
        r"Bot là quản trị viên được đăng bài \(The bot is an admin that may post\)</label>",
        text,
    )
    assert '<button type="submit">Tạo (Create)</button>' in text
    assert "<script" not in text


def test_creating_a_bot_and_a_channel(clean_sandbox: RunningSandbox) -> None:
    page = create(
        clean_sandbox, title="UBND xã Hợp Thành", username="ubnd_hop_thanh", bot_can_post="1"
    )
    assert page.status_code == 201
    token = element(page.text, "bot-token")
    assert re.fullmatch(r"[1-9][0-9]{7,9}:[A-Za-z0-9_-]{35}", token)
    assert element(page.text, "channel-username") == "@ubnd_hop_thanh"
    assert "/newbot" in page.text
    assert "Post Messages" in page.text
    me = api(clean_sandbox, token, "getMe")["result"]
    assert me["id"] == int(token.split(":")[0])
    assert me["username"].endswith("bot")
    assert element(page.text, "bot-username") == f"@{me['username']}"
    chat = api(clean_sandbox, token, "getChat", chat_id="@ubnd_hop_thanh")["result"]
    assert chat["title"] == "UBND xã Hợp Thành"
    assert chat["username"] == "ubnd_hop_thanh"
    assert str(chat["id"]).startswith("-100")
    member = api(clean_sandbox, token, "getChatMember", chat_id=chat["id"], user_id=me["id"])
    assert member["result"]["status"] == "administrator"
    assert member["result"]["can_post_messages"] is True
    sent = api(clean_sandbox, token, "sendMessage", chat_id="@ubnd_hop_thanh", text="Xin chào")
    assert sent["ok"] is True
    [entry] = clean_sandbox.ledger(platform="telegram", account_id="@ubnd_hop_thanh")
    assert entry["text"] == "Xin chào"


def test_an_unchecked_box_makes_a_bot_that_may_not_post(clean_sandbox: RunningSandbox) -> None:
    page = create(clean_sandbox, title="Kênh thử", username="kenh_thu_nghiem")
    assert page.status_code == 201
    token = element(page.text, "bot-token")
    me = api(clean_sandbox, token, "getMe")["result"]
    member = api(
        clean_sandbox, token, "getChatMember", chat_id="@kenh_thu_nghiem", user_id=me["id"]
    )
    assert member["result"]["can_post_messages"] is False
    sent = api(clean_sandbox, token, "sendMessage", chat_id="@kenh_thu_nghiem", text="x")
    assert sent["description"] == "Bad Request: need administrator rights in the channel chat"


def test_each_creation_has_its_own_token(clean_sandbox: RunningSandbox) -> None:
    first = element(create(clean_sandbox, title="Một", username="kenh_mot").text, "bot-token")
    second = element(create(clean_sandbox, title="Hai", username="kenh_hai").text, "bot-token")
    assert first != second


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "Enter a public @username for the channel"),
        ("kênh_xã", "Use only letters a-z, digits and underscores"),
        ("kenh-xa", "Use only letters a-z, digits and underscores"),
        ("kenh", "It must be 5 to 32 characters long"),
        ("k" * 33, "It must be 5 to 32 characters long"),
        ("1kenh_xa", "It must start with a letter"),
        ("_kenh_xa", "It must start with a letter"),
        ("kenh_xa_", "It cannot end with an underscore or have two in a row"),
        ("kenh__xa", "It cannot end with an underscore or have two in a row"),
        ("Da_Co_Roi", "This username is already taken"),
    ],
)
def test_a_wrong_username_is_refused_with_a_reason(
    clean_sandbox: RunningSandbox, username: str, message: str
) -> None:
    clean_sandbox.add_account("telegram", "@da_co_roi", "5000000001:AAexisting-token")
    page = create(clean_sandbox, title="Kênh mới", username=username, bot_can_post="1")
    assert page.status_code == 400
    error = element(page.text, "username-error")
    assert message in error
    # The form comes back with what was typed.
    assert 'value="Kênh mới"' in page.text
    assert len(clean_sandbox.accounts("telegram")) == 1


def test_a_username_taken_by_a_bot_is_taken(clean_sandbox: RunningSandbox) -> None:
    first = create(clean_sandbox, title="Một", username="kenh_mot")
    bot = element(first.text, "bot-username").removeprefix("@")
    page = create(clean_sandbox, title="Hai", username=bot)
    assert page.status_code == 400
    assert "already taken" in element(page.text, "username-error")


def test_a_missing_title_is_refused(clean_sandbox: RunningSandbox) -> None:
    page = create(clean_sandbox, title="  ", username="kenh_khong_ten")
    assert page.status_code == 400
    assert "Enter the channel's title" in element(page.text, "title-error")
    assert 'value="kenh_khong_ten"' in page.text
    assert clean_sandbox.accounts("telegram") == []


def test_a_title_too_long_is_refused(clean_sandbox: RunningSandbox) -> None:
    page = create(clean_sandbox, title="x" * 129, username="kenh_dai_qua")
    assert page.status_code == 400
    assert "At most 128 characters" in element(page.text, "title-error")


def test_an_unchecked_box_stays_unchecked_when_the_form_comes_back(
    clean_sandbox: RunningSandbox,
) -> None:
    page = create(clean_sandbox, title="", username="kenh_bo_tick")
    assert page.status_code == 400
    assert 'name="bot_can_post" value="1">' in page.text


def test_a_form_posted_from_another_site_is_refused(clean_sandbox: RunningSandbox) -> None:
    answer = httpx.post(
        botfather(clean_sandbox),
        data={"title": "Giả", "username": "kenh_gia_mao", "bot_can_post": "1"},
        headers={"Origin": "https://example.com", "Sec-Fetch-Site": "cross-site"},
    )
    assert answer.status_code == 403
    assert clean_sandbox.accounts("telegram") == []


def test_the_new_channel_shows_in_the_viewer(clean_sandbox: RunningSandbox) -> None:
    create(clean_sandbox, title="Kênh xem", username="kenh_xem_thu", bot_can_post="1")
    feed = httpx.get(f"{clean_sandbox.url}/view/telegram/@kenh_xem_thu")
    assert feed.status_code == 200
    assert "Kênh xem" in feed.text
