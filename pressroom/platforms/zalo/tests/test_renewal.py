"""An expired Zalo access token is renewed by the client itself, through its keeper, for a
publish as for a reply."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from pressroom.platforms.base import ChannelAccess, Outcome, OutcomeKind, Publication
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.testing import RunningSandbox
from pressroom.platforms.transport import Renewal
from pressroom.platforms.zalo.sandbox.public import ZaloPublic
from pressroom.platforms.zalo.tests.conftest import Official, answer

OA = "4200000000000002"
APP = {"app_id": "1234567890", "secret_key": "oa-app-secret"}
ARTICLE = Publication(text="Lịch tiếp công dân tháng 9", title="Thông báo")


class Keeper:
    """The caller's side, kept in memory: what a channel's row would hold."""

    def __init__(self) -> None:
        self.stored: list[dict[str, Any]] = []
        self.released = 0

    async def begin(self, expired: Mapping[str, Any]) -> Renewal | Outcome:
        return Renewal(expired)

    async def store(self, credentials: Mapping[str, Any]) -> None:
        self.stored.append(dict(credentials))

    async def release(self) -> None:
        self.released += 1


def expired_channel(sandbox: RunningSandbox, refresh_token: str) -> ChannelAccess:
    # The sandbox knows a newer access token than ours: ours has expired.
    sandbox.add_account("zalo", OA, "current-token", refresh_token="r-1", **APP)
    return ChannelAccess(
        api_base=sandbox.base_for("zalo"),
        external_id=OA,
        credentials={"access_token": "expired", "refresh_token": refresh_token, **APP},
        options={"oauth_base": f"{sandbox.url}/zalo-oauth"},
    )


def publish(access: ChannelAccess, keeper: Keeper | None) -> Outcome:
    async def run() -> Outcome:
        async with make_http_client() as http:
            client = client_class("zalo")(access, http, timeout=5.0, keeper=keeper)
            return await client.publish(ARTICLE)

    return asyncio.run(run())


def test_the_token_is_renewed_handed_back_and_the_article_published_once(
    clean_sandbox: RunningSandbox,
) -> None:
    keeper = Keeper()
    outcome = publish(expired_channel(clean_sandbox, "r-1"), keeper)
    assert outcome.kind is OutcomeKind.PUBLISHED
    [stored] = keeper.stored
    assert stored["access_token"] not in ("expired", "current-token")
    assert stored["refresh_token"] not in ("", "r-1")
    assert {key: stored[key] for key in APP} == APP
    assert keeper.released == 0
    assert len(clean_sandbox.ledger(platform="zalo", kind="article")) == 1


def test_a_used_refresh_token_stores_nothing_and_says_the_credentials_expired(
    clean_sandbox: RunningSandbox,
) -> None:
    keeper = Keeper()
    outcome = publish(expired_channel(clean_sandbox, "already-used"), keeper)
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
    assert keeper.stored == []
    assert keeper.released == 1
    assert clean_sandbox.ledger(platform="zalo", kind="article") == []


def test_without_a_keeper_nothing_is_renewed(clean_sandbox: RunningSandbox) -> None:
    outcome = publish(expired_channel(clean_sandbox, "r-1"), None)
    assert outcome.kind is OutcomeKind.CREDENTIALS_EXPIRED
    assert clean_sandbox.ledger(platform="zalo", kind="article") == []


def test_a_reply_renews_the_token_and_is_sent_once(clean_sandbox: RunningSandbox) -> None:
    access = expired_channel(clean_sandbox, "r-1")
    official = Official(clean_sandbox, access)
    store = official.store
    account = store.account("zalo", OA)
    assert account is not None
    public = ZaloPublic(store)
    question = public.message(account, public.citizen(account, 0), "Hỏi")
    assert question is not None
    keeper = Keeper()

    async def run() -> Outcome:
        async with make_http_client() as http:
            client = client_class("zalo")(access, http, timeout=5.0, keeper=keeper)
            return await client.send_reply(answer("Đáp", question))

    outcome = asyncio.run(run())
    assert outcome.kind is OutcomeKind.PUBLISHED
    assert len(keeper.stored) == 1
    replies = [entry for entry in official.messages() if entry["text"] == "Đáp"]
    assert [entry["remote_id"] for entry in replies] == [outcome.remote_id]
