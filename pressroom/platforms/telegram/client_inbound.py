"""The Telegram client's inbound side: polling getUpdates, replies in the discussion group or
in a private chat, deleting a comment, and the bot's webhook.

- fetch: getUpdates from the cursor's `offset` (the last update_id + 1; an empty cursor starts
  from now: `offset=-1` forgets what was waiting, as "without history" says), 100 at most,
  no waiting, with ALLOWED_UPDATES. While a webhook is set Telegram answers 409: RETRY_LATER
  with code `webhook_set` (the webhook brings the updates). Updates of another discussion group
  than the channel's (`discussion_chat_id`) are left out: a bot should serve one channel.
- send_reply: PUBLIC, a message in the discussion group replying to the comment
  (`reply_parameters.message_id`); MESSAGE, a message in the person's private chat (a reply
  to their message when it is still there). The reply's remote id is `<chat id>:<message id>`.
- look_for_reply: a bot cannot read a chat's history: UNKNOWN, cannot_check (a person looks).
- moderate: DELETE only (deleteMessage); a message already gone counts as deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.inbound import (
    Fetched,
    Happening,
    ModerationKind,
    OutgoingReply,
    ReplyWay,
    ThreadKind,
    Unreadable,
)
from pressroom.platforms.telegram.botapi import WebhookInfo, method_url, result_of
from pressroom.platforms.telegram.inbound import ALLOWED_UPDATES, LISTENER
from pressroom.platforms.transport import Call, HttpPlatformClient, Stop, not_supported

PAGE = 100
GONE = "message to delete not found"


def split_remote_id(remote_id: str) -> tuple[str, int | None]:
    """`<chat id>:<message id>` → (chat id, message id); a bare id has no chat."""
    chat, separator, message = remote_id.rpartition(":")
    try:
        number = int(message)
    except ValueError:
        return "", None
    return (chat if separator else ""), number


class TelegramInbound(HttpPlatformClient):
    """Mixed into the Telegram client (client.py)."""

    def _method_url(self, method: str) -> str:
        return method_url(self.api_base, str(self.access.credentials["bot_token"]), method)

    async def _call(
        self, call: Call, method: str, payload: Mapping[str, Any], *, creating: bool = False
    ) -> Any:
        response = await call.send(
            "POST", self._method_url(method), creating=creating, json=dict(payload)
        )
        return result_of(response, creating=creating, what=f"the Bot API's {method}")

    # Polling

    async def _fetch(self, cursor: Mapping[str, Any], call: Call) -> Fetched | Outcome:
        given = cursor.get("offset")
        start = given if isinstance(given, int) and not isinstance(given, bool) else None
        payload = {
            "offset": -1 if start is None else start,
            "limit": PAGE,
            "timeout": 0,
            "allowed_updates": list(ALLOWED_UPDATES),
        }
        try:
            updates = await self._call(call, "getUpdates", payload)
        except Stop as stop:
            if stop.outcome.code == "409":
                return Outcome(
                    OutcomeKind.RETRY_LATER,
                    code="webhook_set",
                    reason=stop.outcome.reason or "A webhook is set: updates come through it",
                )
            raise
        if not isinstance(updates, list):
            raise Stop(
                Outcome(OutcomeKind.RETRY_LATER, code="unexpected_response", reason="getUpdates")
            )
        ids = [
            update["update_id"]
            for update in updates
            if isinstance(update, dict) and isinstance(update.get("update_id"), int)
        ]
        next_offset = max(ids) + 1 if ids else (start or 0)
        if start is None:
            # Since now: what was waiting is history (and confirmed by the next poll).
            return Fetched((), {"offset": next_offset})
        happenings: list[Happening] = []
        for update in updates:
            try:
                found = LISTENER.parse(update, account_id=self.access.external_id)
            except Unreadable:
                continue
            happenings.extend(happening for happening in found if self._ours(happening))
        return Fetched(tuple(happenings), {"offset": next_offset}, more=len(updates) >= PAGE)

    def _ours(self, happening: Happening) -> bool:
        """A comment in another group than the channel's belongs to another channel."""
        group = self.access.options.get("discussion_chat_id")
        if happening.thread_kind is not ThreadKind.COMMENTS or not group:
            return True
        if not happening.remote_id.count(":"):
            return True  # a reaction on the channel's own post
        chat, _message = split_remote_id(happening.remote_id)
        return chat == str(group)

    # Replies

    async def _send_reply(self, reply: OutgoingReply, call: Call) -> Outcome:
        chat, answered = split_remote_id(reply.in_reply_to)
        payload: dict[str, Any] = {"text": reply.text}
        if reply.way is ReplyWay.PUBLIC:
            chat = chat or str(self.access.options.get("discussion_chat_id") or "")
            if not chat or answered is None:
                return Outcome(
                    OutcomeKind.REJECTED,
                    code="no_comment",
                    reason="The comment to answer is not in the channel's discussion group",
                )
            payload.update(chat_id=chat, reply_parameters={"message_id": answered})
        elif reply.way is ReplyWay.MESSAGE:
            person = reply.person or reply.thread.removeprefix("person:")
            if not person:
                return Outcome(OutcomeKind.REJECTED, code="no_person", reason="Nobody to write to")
            payload["chat_id"] = person
            if answered is not None and chat == person:
                payload["reply_parameters"] = {
                    "message_id": answered,
                    "allow_sending_without_reply": True,
                }
        else:
            return not_supported("private reply to a comment")
        sent = await self._call(call, "sendMessage", payload, creating=True)
        if not isinstance(sent, dict) or not isinstance(sent.get("message_id"), int):
            return Outcome(
                OutcomeKind.UNKNOWN, code="unexpected_response", reason="sendMessage's answer"
            )
        chat_of = sent.get("chat")
        sent_chat: dict[str, Any] = chat_of if isinstance(chat_of, dict) else {}
        remote_id = f"{sent_chat.get('id', payload['chat_id'])}:{sent['message_id']}"
        return Outcome(
            OutcomeKind.PUBLISHED,
            remote_id=remote_id,
            permalink=self._comment_link(reply, sent["message_id"]),
            raw={"message_id": sent["message_id"], "chat": sent_chat},
        )

    def _comment_link(self, reply: OutgoingReply, message_id: int) -> str:
        username = str(self.access.options.get("username") or "")
        if reply.way is not ReplyWay.PUBLIC or not username or not reply.post_id.isdigit():
            return ""
        return f"https://t.me/{username}/{reply.post_id}?comment={message_id}"

    # Moderation

    async def _moderate(self, remote_id: str, action: ModerationKind, call: Call) -> Outcome:
        if action is not ModerationKind.DELETE:
            return not_supported(f"moderation ({action}): Telegram can only delete")
        chat, message_id = split_remote_id(remote_id)
        chat = chat or str(self.access.options.get("discussion_chat_id") or "")
        if not chat or message_id is None:
            return Outcome(OutcomeKind.REJECTED, code="no_comment", reason="No such comment")
        try:
            await self._call(call, "deleteMessage", {"chat_id": chat, "message_id": message_id})
        except Stop as stop:
            if GONE not in stop.outcome.reason:
                raise
            return Outcome(
                OutcomeKind.PUBLISHED,
                remote_id=remote_id,
                code="already_gone",
                reason=stop.outcome.reason,
            )
        return Outcome(OutcomeKind.PUBLISHED, remote_id=remote_id)

    # The bot's webhook (the app calls these at connect, disconnect and on the health page)

    async def set_webhook(self, url: str, secret_token: str) -> Outcome:
        """Updates to `url`, each with the header X-Telegram-Bot-Api-Secret-Token."""
        payload = {
            "url": url,
            "secret_token": secret_token,
            "allowed_updates": list(ALLOWED_UPDATES),
            "drop_pending_updates": False,
        }
        return await self._webhook_call("setWebhook", payload, "Webhook was set")

    async def register_webhook(self, url: str, secret: str) -> Outcome:
        return await self.set_webhook(url, secret)

    async def delete_webhook(self) -> Outcome:
        """Back to getUpdates; what was not delivered stays waiting there."""
        return await self._webhook_call(
            "deleteWebhook", {"drop_pending_updates": False}, "Webhook was deleted"
        )

    async def webhook_info(self) -> WebhookInfo | Outcome:
        async def run(call: Call) -> WebhookInfo | Outcome:
            info = WebhookInfo.of(await self._call(call, "getWebhookInfo", {}))
            if info is None:
                return Outcome(
                    OutcomeKind.RETRY_LATER, code="unexpected_response", reason="getWebhookInfo"
                )
            return info

        found: WebhookInfo | Outcome = await self._guarded(run, creating=False)
        return found

    async def _webhook_call(self, method: str, payload: Mapping[str, Any], done: str) -> Outcome:
        async def run(call: Call) -> Outcome:
            if await self._call(call, method, payload) is not True:
                return Outcome(OutcomeKind.RETRY_LATER, code="unexpected_response", reason=method)
            return Outcome(OutcomeKind.PUBLISHED, reason=done)

        outcome: Outcome = await self._guarded(run, creating=False)
        return outcome
