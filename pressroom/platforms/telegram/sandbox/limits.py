"""The Bot API's flood limits on sending, as the sandbox enforces them.

The Bot FAQ ("My bot is hitting limits, how do I avoid this?") gives three numbers: about 30
messages a second in bulk, about one a second in one chat with short bursts allowed, and no
more than 20 a minute in a group. python-telegram-bot's AIORateLimiter, written to stay under
them, applies 30 a second to every request of a bot and 20 a minute to each group **and
channel** (any chat id that is a string or negative). The sandbox refuses what both would:

- per bot token, 30 sends in any rolling second;
- per channel, 20 sends in any rolling minute (a burst is fine until the 21st); a channel's
  discussion group counts on its own, a private chat not at all (the FAQ's one a second there
  allows bursts; the 30 a second of the bot still hold).

An album is one send (one sendMediaGroup call), as the library counts it. A refused send is
not counted, and is answered 429 `Too Many Requests: retry after N` with
`parameters.retry_after` N, whole seconds until the window lets one more through.
"""

from __future__ import annotations

import math
from collections import deque
from contextvars import ContextVar

from pressroom.sandbox.store import Account

MESSAGES_PER_SECOND = 30
MESSAGES_PER_CHAT_MINUTE = 20

# The chat a send goes to, when it is not the account's channel: its own key, or "" for a
# chat without a per-minute limit (set by the method's handler around the Gate).
CHAT: ContextVar[str | None] = ContextVar("telegram_chat", default=None)


def wait_for(sent: deque[float], limit: int, window_s: float, now: float) -> float | None:
    """Seconds until `sent` has room for one more in its window (None: room now)."""
    while sent and sent[0] <= now - window_s:
        sent.popleft()
    if len(sent) < limit:
        return None
    # Telegram says whole seconds, at least one.
    return float(max(1, math.ceil(sent[-limit] + window_s - now)))


class BotLimits:
    """The sends of each bot token in the last second and of each channel in the last minute."""

    def __init__(
        self,
        per_second: int = MESSAGES_PER_SECOND,
        per_chat_minute: int = MESSAGES_PER_CHAT_MINUTE,
    ) -> None:
        self.per_second = per_second
        self.per_chat_minute = per_chat_minute
        self._by_bot: dict[str, deque[float]] = {}
        self._by_chat: dict[str, deque[float]] = {}

    def admit(self, account: Account, *, operation: str, creates: bool, now: float) -> float | None:
        if not creates:
            return None
        chat = CHAT.get()
        by_bot = self._by_bot.setdefault(account.token, deque())
        by_chat = self._by_chat.setdefault(account.account_id if chat is None else chat, deque())
        waits = [wait_for(by_bot, self.per_second, 1.0, now)]
        if chat != "":
            waits.append(wait_for(by_chat, self.per_chat_minute, 60.0, now))
        refused = [wait for wait in waits if wait is not None]
        if refused:
            return max(refused)
        by_bot.append(now)
        if chat != "":
            by_chat.append(now)
        return None

    def headers(self, account: Account, *, operation: str, now: float) -> dict[str, str]:
        return {}

    def reset(self) -> None:
        self._by_bot.clear()
        self._by_chat.clear()
