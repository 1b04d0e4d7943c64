"""Connecting a Telegram channel: a bot token and the channel, checked with the Bot API.

Telegram has no consent page for channels: a person creates a bot with @BotFather, adds it
to the channel as an administrator allowed to post, and gives Pressroom the bot's token and the
channel's @username (or id). `getMe` checks the token, `getChat` finds the channel, and
`getChatMember` must show the bot as an administrator with `can_post_messages`.

Comments live in the channel's linked discussion group (getChat's `linked_chat_id`, kept in the
channel's options as `discussion_chat_id`). After connecting, `after_connect` reads the bot's
place there: it sees every comment only as an administrator of the group, or as a member with
BotFather's privacy mode off; it deletes comments only with `can_delete_messages`. The webhook
is set by the app, which knows its own address (webhooks.py: `webhook_setup`); disconnecting
removes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.platforms.base import OutcomeKind
from pressroom.platforms.connecting import (
    ConnectField,
    Connector,
    ConnectRefused,
    Found,
    Target,
    client,
    get_json,
    unreachable,
)
from pressroom.platforms.telegram.descriptor import DESCRIPTOR
from pressroom.platforms.telegram.webhooks import webhook_removal, webhook_setup

__all__ = ["CONNECTOR", "TelegramConnector", "normalise_chat", "webhook_setup"]

# BotFather's tokens: the bot's id, a colon, then at least 30 characters.
TOKEN = re.compile(r"^(\d{3,20}):[A-Za-z0-9_-]{20,100}$")
USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
CHAT_ID = re.compile(r"^-?\d{5,20}$")


def normalise_chat(text: str) -> str:
    """`@ubnd_tinh`, `ubnd_tinh`, `https://t.me/ubnd_tinh` or `-1001234567890` → a chat_id."""
    value = text.strip()
    for prefix in ("https://t.me/", "http://t.me/", "t.me/"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip("/")
    if CHAT_ID.match(value):
        return value
    value = value.removeprefix("@")
    if USERNAME.match(value):
        return f"@{value}"
    raise ConnectRefused(
        _("“%(text)s” is not a channel's @username or id.") % {"text": text[:100]},
        code="bad_chat",
    )


class TelegramConnector(Connector):
    platform = DESCRIPTOR.name
    label = DESCRIPTOR.label
    uses_consent = False
    hint = gettext_lazy(
        "You give the token of a bot that is an administrator of the channel, and the "
        "channel's @username. The next page explains the steps."
    )
    steps = (
        gettext_lazy(
            "In Telegram, open @BotFather, send /newbot and follow its questions. It answers "
            "with the bot's token (digits, a colon, then letters)."
        ),
        gettext_lazy(
            "Open the channel's settings → Administrators → Add administrator, find the bot by "
            "its @username, and leave “Post messages” on."
        ),
        gettext_lazy("Give the token and the channel's @username (or its t.me link) below."),
    )
    sandbox_helper = f"{DESCRIPTOR.sandbox_path}/botfather"
    fields = (
        ConnectField(
            "bot_token",
            gettext_lazy("Bot token"),
            gettext_lazy("The token @BotFather gave when the bot was created (/newbot)."),
            secret=True,
            placeholder="123456789:AA…",
        ),
        ConnectField(
            "chat",
            gettext_lazy("Channel"),
            gettext_lazy("The channel's @username, its t.me link, or its id (-100…)."),
            placeholder="@ubnd_tinh",
        ),
    )

    def target(self, sandbox_url: str | None) -> Target:
        if sandbox_url:
            return Target(
                sandbox=True, bases={"api": sandbox_url.rstrip("/") + DESCRIPTOR.sandbox_path}
            )
        return Target(sandbox=False, bases={"api": settings.TELEGRAM_API_URL})

    def check(self, target: Target, fields: Mapping[str, str]) -> Found:
        token = (fields.get("bot_token") or "").strip()
        if not TOKEN.match(token):
            raise ConnectRefused(
                _("This is not a bot token: @BotFather's look like 123456789:AAE… ."),
                code="bad_token",
            )
        chat = normalise_chat(fields.get("chat") or "")
        api = target.base("api")
        with client() as http:
            bot = self._call(http, api, token, "getMe", {})
            channel = self._call(http, api, token, "getChat", {"chat_id": chat})
            if channel.get("type") != "channel":
                raise ConnectRefused(
                    _("“%(chat)s” is a %(type)s, not a channel.")
                    % {"chat": chat, "type": channel.get("type")},
                    code="not_channel",
                )
            member = self._call(
                http,
                api,
                token,
                "getChatMember",
                {"chat_id": channel["id"], "user_id": bot["id"]},
            )
        problems = []
        status = member.get("status")
        if status not in {"administrator", "creator"}:
            problems.append(
                _(
                    "The bot @%(bot)s is not an administrator of the channel. In the channel's "
                    "settings, add it under Administrators."
                )
                % {"bot": bot.get("username")}
            )
        elif status == "administrator" and not member.get("can_post_messages"):
            problems.append(
                _(
                    "The bot @%(bot)s may not post in the channel. In the channel's settings, "
                    "give it the right to post messages."
                )
                % {"bot": bot.get("username")}
            )
        username = str(channel.get("username") or "")
        options: dict[str, Any] = {
            "username": username,
            "bot_username": str(bot.get("username") or ""),
        }
        details = [f"@{username}"] if username else []
        linked = channel.get("linked_chat_id")
        if isinstance(linked, int):
            options["discussion_chat_id"] = linked
        else:
            details.append(_("No discussion group: nobody can comment on the channel's posts."))
        return Found(
            external_id=str(channel["id"]),
            name=str(channel.get("title") or chat),
            api_base=api,
            credentials={"bot_token": token},
            options=options,
            problems=tuple(problems),
            details=tuple(details),
            aliases=(f"@{username}",) if username else (),
        )

    def after_connect(self, found: Found) -> dict[str, Any]:
        """Where the channel's comments are, and whether the bot sees and may delete them:
        `discussion_chat_id` (None without a group), `discussion_bot_status`
        (administrator, member, left), `discussion_bot_can_delete`,
        `bot_reads_all_group_messages` (privacy mode off), `discussion_error`."""
        token = str(found.credentials.get("bot_token") or "")
        options: dict[str, Any] = {"discussion_chat_id": None, "discussion_error": ""}
        try:
            with client() as http:
                bot = self._call(http, found.api_base, token, "getMe", {})
                channel = self._call(
                    http, found.api_base, token, "getChat", {"chat_id": found.external_id}
                )
                group = channel.get("linked_chat_id")
                options["bot_reads_all_group_messages"] = (
                    bot.get("can_read_all_group_messages") is True
                )
                if not isinstance(group, int):
                    return options
                options["discussion_chat_id"] = group
                member = self._call(
                    http,
                    found.api_base,
                    token,
                    "getChatMember",
                    {"chat_id": group, "user_id": bot["id"]},
                )
        except ConnectRefused as refused:
            options["discussion_error"] = refused.message
            return options
        options["discussion_bot_status"] = str(member.get("status") or "")
        options["discussion_bot_can_delete"] = member.get("can_delete_messages") is True
        return options

    def disconnect(self, api_base: str, external_id: str, credentials: Mapping[str, Any]) -> bool:
        """Remove the bot's webhook: Telegram stops sending its updates to Pressroom."""
        token = str(credentials.get("bot_token") or "")
        if not token:
            return False
        return webhook_removal(api_base, token).kind is OutcomeKind.PUBLISHED

    def _call(
        self, http: httpx.Client, api: str, token: str, method: str, params: Mapping[str, Any]
    ) -> dict[str, Any]:
        try:
            response = http.post(f"{api}/bot{token}/{method}", json=dict(params))
        except httpx.HTTPError as error:
            raise unreachable(self.label, error) from error
        body = get_json(response)
        result = body.get("result") if isinstance(body, dict) and body.get("ok") else None
        if isinstance(result, dict):
            return result
        description = str(body.get("description") or "") if isinstance(body, dict) else ""
        status = response.status_code
        if status == 401 or (status == 404 and method == "getMe"):
            raise ConnectRefused(
                _("Telegram does not know this bot token. Copy it again from @BotFather."),
                code="bad_token",
            )
        if "chat not found" in description.lower():
            raise ConnectRefused(
                _("Telegram finds no such channel. Check the @username, or use the id."),
                code="chat_not_found",
            )
        if status == 403:
            raise ConnectRefused(
                _("The bot is not in the channel. Add it to the channel as an administrator."),
                code="not_member",
            )
        raise ConnectRefused(
            _("Telegram refused: %(message)s") % {"message": description[:300] or status},
            code=str(status),
        )


CONNECTOR = TelegramConnector()
