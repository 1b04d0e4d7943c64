"""The Zalo OA's message endpoints, emulated: the two conversation reads and the
customer-service reply (see conversations.py for what they keep and count).

- `GET /v2.0/oa/listrecentchat?data={"offset","count"}`: the latest message of each
  conversation, newest first; `count` 1 to 10.
- `GET /v2.0/oa/conversation?data={"user_id","offset","count"}`: one person's messages, newest
  first (`user_id` a number or a string; nobody's conversation is empty).
- `POST /v3.0/oa/message/cs` `{"recipient":{"user_id"}|{"message_id"},"message":{"text"}}` →
  `data{message_id, user_id, quota{quota_type, remain, total, expired_date, owner_type,
  owner_id}}`.

Answers `{"error":0,"message":"Success","data":…}` (HTTP 200), errors inside HTTP 200 as the
rest of the OA API. Fault operations: `oa/listrecentchat`, `oa/conversation`, `message/cs`
(creates).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.zalo.sandbox.articles import (
    BAD_PARAMETER,
    ZaloError,
    fault_error,
    official_account,
    success,
)
from pressroom.platforms.zalo.sandbox.conversations import Conversations
from pressroom.sandbox.common import Incoming, loads_json, read_incoming
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, SandboxStore

PLATFORM = "zalo"
MAX_COUNT = 10


def listing(data: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"error": 0, "message": "Success", "data": data})


def page_of(incoming: Incoming) -> tuple[dict[str, Any], int, int]:
    """The `data` query (JSON in the query string) and its offset and count."""
    query = loads_json(incoming.text("data") or "{}")
    if not isinstance(query, dict):
        raise ZaloError(BAD_PARAMETER, "data must be a JSON object")
    try:
        offset = int(query.get("offset", 0))
        count = int(query.get("count", MAX_COUNT))
    except (TypeError, ValueError) as error:
        raise ZaloError(BAD_PARAMETER, "offset and count must be numbers") from error
    if offset < 0 or not 1 <= count <= MAX_COUNT:
        raise ZaloError(BAD_PARAMETER, f"count must be 1 to {MAX_COUNT}")
    return query, offset, count


class MessagingApi(EmulatedApi):
    def __init__(self, store: SandboxStore) -> None:
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault).response(),
            ),
        )
        self.conversations = Conversations(store)

    def bad_body(self, message: str) -> PlatformError:
        return ZaloError(BAD_PARAMETER, message)

    def official_account(self, request: Request) -> Account:
        return official_account(self.store, request)

    @endpoint
    async def recent_chats(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            _, offset, count = page_of(incoming)
            chats = self.conversations.chats(account)[offset : offset + count]
            latest = (self.conversations.message(account, chat["last_msg_id"]) for chat in chats)
            return listing(
                [self.conversations.as_zalo(account, item) for item in latest if item is not None]
            )

        return await self.guarded(account, "oa/listrecentchat", handler)

    @endpoint
    async def conversation(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            query, offset, count = page_of(incoming)
            user_id = query.get("user_id")
            if isinstance(user_id, bool) or not isinstance(user_id, int | str) or user_id == "":
                raise ZaloError(BAD_PARAMETER, "user_id is required")
            items = self.conversations.messages(account, str(user_id), offset=offset, count=count)
            return listing([self.conversations.as_zalo(account, item) for item in items])

        return await self.guarded(account, "oa/conversation", handler)

    @endpoint
    async def reply(self, request: Request) -> Response:
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            message = incoming.get("message")
            text = message.get("text") if isinstance(message, dict) else None
            return success(self.conversations.reply(account, incoming.get("recipient"), text))

        return await self.guarded(account, "message/cs", handler, creates=True)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/v2.0/oa/listrecentchat", self.recent_chats, methods=["GET"]),
            Route("/v2.0/oa/conversation", self.conversation, methods=["GET"]),
            Route("/v3.0/oa/message/cs", self.reply, methods=["POST"]),
        ]
