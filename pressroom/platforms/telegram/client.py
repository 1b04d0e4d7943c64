"""Publish to a Telegram channel through the Bot API: a message, a photo or an album; the
inbound side (polling, replies, deleting, the webhook) is client_inbound.py, the figures read
for reports client_metrics.py."""

from __future__ import annotations

import html
import json
from typing import Any

from pressroom.platforms.base import Outcome, OutcomeKind, Publication
from pressroom.platforms.telegram.botapi import LOST_ACCESS, error_outcome
from pressroom.platforms.telegram.client_metrics import TelegramMetrics
from pressroom.platforms.transport import (
    Call,
    Response,
    json_body,
    server_error_outcome,
    text_with_link,
    unexpected_outcome,
)

__all__ = ["LOST_ACCESS", "Client", "error_outcome", "rendered"]


class Client(TelegramMetrics):
    platform = "telegram"

    async def _publish(self, publication: Publication, call: Call) -> Outcome:
        text, markup = rendered(publication)
        chat_id = self.access.external_id
        media = publication.media
        if not media:
            request: dict[str, Any] = {"json": {"chat_id": chat_id, "text": text, **markup}}
            method = "sendMessage"
        elif len(media) == 1:
            method = "sendPhoto"
            request = {
                "data": {"chat_id": chat_id, "caption": text, **markup},
                "files": {"photo": (media[0].filename, media[0].content, media[0].content_type)},
            }
        else:
            method = "sendMediaGroup"
            items = [
                {"type": "photo", "media": f"attach://photo{index}"} for index in range(len(media))
            ]
            items[0].update(caption=text, **markup)
            request = {
                "data": {"chat_id": chat_id, "media": json.dumps(items, ensure_ascii=False)},
                "files": {
                    f"photo{index}": (item.filename, item.content, item.content_type)
                    for index, item in enumerate(media)
                },
            }
        response = await call.send("POST", self._method_url(method), creating=True, **request)
        return self._outcome(response)

    def _outcome(self, response: Response) -> Outcome:
        body = json_body(response)
        if not isinstance(body, dict) or "ok" not in body:
            if response.status_code >= 500:
                return server_error_outcome(response, creating=True, reason="")
            return unexpected_outcome(response, creating=True, what="the Bot API call")
        if body["ok"]:
            result = body.get("result")
            first = result[0] if isinstance(result, list) and result else result
            if not isinstance(first, dict) or "message_id" not in first:
                return unexpected_outcome(response, creating=True, what="the Bot API call")
            message_id = str(first["message_id"])
            return Outcome(
                OutcomeKind.PUBLISHED,
                remote_id=message_id,
                permalink=self.permalink(message_id, self._public_link(first, message_id)),
                raw={"message_id": first["message_id"], "chat": first.get("chat", {})},
            )
        return error_outcome(response, body)

    def _public_link(self, message: dict[str, Any], message_id: str) -> str:
        chat = message.get("chat")
        username = chat.get("username") if isinstance(chat, dict) else None
        if not username and self.access.external_id.startswith("@"):
            username = self.access.external_id[1:]
        return f"https://t.me/{username}/{message_id}" if username else ""


def rendered(publication: Publication) -> tuple[str, dict[str, str]]:
    """The message and its parse mode: a title is the first line, in bold (HTML, so the
    text is escaped; Telegram measures the text once the markup is parsed)."""
    text = text_with_link(publication)
    title = publication.title.strip()
    if not title:
        return text, {}
    body = f"<b>{html.escape(title, quote=False)}</b>"
    if text:
        body += f"\n\n{html.escape(text, quote=False)}"
    return body, {"parse_mode": "HTML"}
