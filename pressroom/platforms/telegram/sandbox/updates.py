"""Each bot's updates, as telegram-bot-api keeps them: one queue per bot, read with getUpdates
or pushed to the bot's webhook (webhook.py), never both.

- An update gets the bot's next `update_id` (in sequence); only the types the bot allows are
  queued (the `allowed_updates` last given to getUpdates or setWebhook, kept until changed;
  by default every type but `chat_member`, `message_reaction` and `message_reaction_count`).
- getUpdates: a positive `offset` confirms (forgets) every update below it, a negative one
  forgets all but the last -offset; `limit` 1-100 (default 100); `timeout` waits up to 50 s
  for one to come. While a webhook is set it answers 409. (Telegram also makes a poll repeated
  within 3 s with the same offset wait 3 s; the sandbox does not.)
- Updates older than 24 hours are forgotten, delivered or not.

The state of a bot (queue, webhook, the people who started a private chat with it or wrote in
its group) is one record of the store per bot id, also kept in memory for the account that
holds the bot's token, with the set of bots that have a record: a channel's posting path asks
whether its bot has a queue at all without reading the database, so publishing stays one
write-behind insert. A bot gets a queue with its first getUpdates or setWebhook, or with the
first thing a citizen does that reaches it; until then its channel's automatic forwards are
not queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

from pressroom.platforms.telegram.sandbox.chats import bot_id
from pressroom.platforms.telegram.sandbox.errors import BotApiError
from pressroom.sandbox.common import loads_json
from pressroom.sandbox.store import Account, SandboxStore

PLATFORM = "telegram"
NAMESPACE = "telegram:bots"
UPDATE_TTL_S = 24 * 3600
LONG_POLL_MAX_S = 50
LONG_POLL_STEP_S = 0.05
MAX_LIMIT = 100
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# In telegram-bot-api's order (its UpdateType), which getWebhookInfo lists them in.
UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
    "message_reaction",
    "message_reaction_count",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "purchased_paid_media",
    "managed_bot",
    "guest_message",
)
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


def first_update_id(bot: int) -> int:
    """Where a bot's update ids start (Telegram's look random; these are stable per bot)."""
    return 100000000 + bot % 800000000


def allowed_types(value: Any) -> list[str] | None:
    """`allowed_updates` as telegram-bot-api reads it: a JSON list of names (unknown ones
    ignored; only unknown ones: the default); anything else, or nothing, changes nothing."""
    value = loads_json(value)
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(name, str) for name in value):
        return None
    known = [name for name in UPDATE_TYPES if name in {item.lower() for item in value}]
    return known or default_types()


def default_types() -> list[str]:
    return [name for name in UPDATE_TYPES if name not in NOT_BY_DEFAULT]


def integer(value: Any, default: int, low: int, high: int) -> int:
    """An integer parameter, clamped to its range (as telegram-bot-api's get_integer_arg)."""
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    return max(low, min(high, number))


def truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"true", "1"}


def new_state(bot: int) -> dict[str, Any]:
    return {
        "next_update_id": first_update_id(bot),
        "allowed": None,
        "webhook": None,
        "queue": [],
        "users": {},
    }


class Bots:
    """Every bot's updates and private chats (see the module's notes). Thread-safe."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self._lock = threading.RLock()
        # bot id → (the account holding its token when read, its state or None).
        self._cache: dict[int, tuple[Account | None, dict[str, Any] | None]] = {}
        # The bots with a record (read once; a reset may leave ids whose record is gone): a
        # bot not here has none, and its channel's posts need no read of the database.
        self._recorded = {int(key) for key in store.records(NAMESPACE)}

    def _load(self, bot: int, holder: Account | None) -> dict[str, Any] | None:
        # A reset or a re-registered account makes a new Account object: read again.
        cached = self._cache.get(bot)
        if cached is not None and cached[0] is holder:
            return cached[1]
        state = None
        if holder is not None and bot in self._recorded:
            state = self.store.record(NAMESPACE, str(bot))
        self._cache[bot] = (holder, state)
        return state

    @contextlib.contextmanager
    def state(self, token: str, *, create: bool = True) -> Iterator[dict[str, Any] | None]:
        """The bot's state, to read or change in place; kept when it changed."""
        with self._lock:
            bot = bot_id(token)
            holder = self.store.account_by_token(PLATFORM, token)
            state = self._load(bot, holder)
            before = json.dumps(state, sort_keys=True) if state is not None else ""
            if state is None and create and holder is not None:
                state = new_state(bot)
            if state is not None:
                expire(state)
            yield state
            if state is None or holder is None:
                return
            if json.dumps(state, sort_keys=True) != before:
                self.store.put_record(NAMESPACE, str(bot), state)
                self._recorded.add(bot)
                self._cache[bot] = (holder, state)

    def has_queue(self, token: str) -> bool:
        """Whether the bot has updates at all (from memory, once read)."""
        with self._lock:
            return (
                self._load(bot_id(token), self.store.account_by_token(PLATFORM, token)) is not None
            )

    # Queueing

    def push(self, token: str, kind: str, payload: dict[str, Any], *, create: bool = True) -> None:
        """An update for the bot: queued, or sent to its webhook."""
        with self.state(token, create=create) as state:
            if state is None or kind not in (state["allowed"] or default_types()):
                return
            update_id = state["next_update_id"]
            state["next_update_id"] = update_id + 1
            update = {"update_id": update_id, kind: payload}
            if state["webhook"]:
                self.deliver(state["webhook"], [update])
            else:
                state["queue"].append({"date": time.time(), "update": update})

    def deliver(self, webhook: dict[str, Any], updates: list[dict[str, Any]]) -> None:
        headers = {"Content-Type": "application/json"}
        if webhook.get("secret_token"):
            headers[SECRET_HEADER] = webhook["secret_token"]
        for update in updates:
            body = json.dumps(update, ensure_ascii=False).encode()
            self.store.webhooks.queue(PLATFORM, webhook["url"], body, headers)

    # getUpdates

    def take(self, token: str, incoming_offset: Any, limit: int, allowed: Any) -> list[Any]:
        with self.state(token) as state:
            assert state is not None
            if state["webhook"]:
                raise BotApiError(409, CONFLICT)
            chosen = allowed_types(allowed)
            if chosen is not None:
                state["allowed"] = chosen
            offset = integer(incoming_offset, 0, -(2**31), 2**31 - 1)
            queue = state["queue"]
            if offset < 0:
                del queue[: max(0, len(queue) + offset)]
            elif offset > 0:
                queue[:] = [entry for entry in queue if entry["update"]["update_id"] >= offset]
            return [entry["update"] for entry in queue[:limit]]

    async def get_updates(
        self, token: str, offset: Any, limit: Any, timeout: Any, allowed: Any
    ) -> Any:
        count = integer(limit, MAX_LIMIT, 1, MAX_LIMIT)
        wait = integer(timeout, 0, 0, LONG_POLL_MAX_S)
        deadline = time.monotonic() + wait
        found = self.take(token, offset, count, allowed)
        while not found and time.monotonic() < deadline:
            await asyncio.sleep(LONG_POLL_STEP_S)
            found = self.take(token, offset, count, None)
        return found

    # People in private chats with the bot

    def meet(self, token: str, user: dict[str, Any], *, started: bool = False) -> None:
        with self.state(token) as state:
            assert state is not None
            known = state["users"].setdefault(str(user["id"]), {"user": user, "started": False})
            known["user"] = user
            known["started"] = known["started"] or started

    def person(self, token: str, user_id: int) -> dict[str, Any] | None:
        """A person the bot knows: `{"user": User, "started": bool}`."""
        with self.state(token, create=False) as state:
            if state is None:
                return None
            known: dict[str, Any] | None = state["users"].get(str(user_id))
            return known


def expire(state: dict[str, Any]) -> None:
    since = time.time() - UPDATE_TTL_S
    if state["queue"] and state["queue"][0]["date"] < since:
        state["queue"] = [entry for entry in state["queue"] if entry["date"] >= since]


_BOTS: weakref.WeakKeyDictionary[SandboxStore, Bots] = weakref.WeakKeyDictionary()
_BOTS_LOCK = threading.Lock()


def bots_for(store: SandboxStore) -> Bots:
    """The store's bots, shared by the Bot API's routes and the simulated public."""
    with _BOTS_LOCK:
        bots = _BOTS.get(store)
        if bots is None:
            bots = _BOTS[store] = Bots(store)
        return bots
