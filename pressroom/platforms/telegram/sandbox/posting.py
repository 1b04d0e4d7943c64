"""Posting to a channel (sendMessage, sendPhoto, sendMediaGroup), as the Bot API answers it:
the post is an object of the ledger; the channel's discussion group gets its automatic forwards
(discussion.py), which the bot sees as updates when it has a queue and sees every message of
the group."""

from __future__ import annotations

import secrets
import time
from typing import Any

from pressroom.platforms.telegram.sandbox.chats import chat_object
from pressroom.platforms.telegram.sandbox.discussion import (
    discussion_chat_id,
    forwards_of,
    group_bot_status,
    next_group_message_id,
    photo_sizes,
    sees_every_comment,
)
from pressroom.platforms.telegram.sandbox.errors import bad_request
from pressroom.platforms.telegram.sandbox.text import count_characters, formatted
from pressroom.platforms.telegram.sandbox.updates import Bots
from pressroom.sandbox.common import Incoming, Upload, image_info, loads_json
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "telegram"
MAX_TEXT, MAX_CAPTION = 4096, 1024
MIN_ALBUM, MAX_ALBUM = 2, 10
MAX_PHOTO_BYTES = 10 * 1024 * 1024


class ChannelPosting:
    """The Bot API's sending methods for channels (mixed into its BotApi)."""

    store: SandboxStore
    bots: Bots

    def save_photo(self, channel: Account, upload: Upload) -> str:
        info = image_info(upload.content)
        if info is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        if len(upload.content) > MAX_PHOTO_BYTES:
            raise bad_request("file is too big")
        media_id = "AgAC" + secrets.token_urlsafe(24)
        self.store.files.save(
            platform=PLATFORM,
            account_id=channel.account_id,
            media_id=media_id,
            content=upload.content,
            content_type=info.content_type,
            width=info.width,
            height=info.height,
        )
        return media_id

    def photo_from(self, channel: Account, incoming: Incoming, reference: Any) -> str:
        """An uploaded file (`attach://name` or the field itself) or a known file_id."""
        if isinstance(reference, str) and reference.startswith("attach://"):
            upload = incoming.files.get(reference.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            return self.save_photo(channel, upload)
        if isinstance(reference, str) and self.store.files.get(PLATFORM, reference) is not None:
            return reference
        raise bad_request("wrong file identifier/HTTP URL specified")

    def caption(self, caption: Any, parse_mode: Any) -> tuple[str, list[dict[str, Any]]]:
        """A photo's caption as Telegram keeps it: parsed, cleaned, at most 1,024 characters."""
        kept = formatted(
            "" if caption is None else str(caption),
            "" if parse_mode is None else str(parse_mode),
            allow_empty=True,
        )
        if count_characters(kept.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return kept.text, kept.entities

    def message(
        self,
        channel: Account,
        message_id: int,
        text: str,
        photo: str | None,
        entities: list[dict[str, Any]],
        **extra: Any,
    ) -> dict[str, Any]:
        chat = chat_object(channel)
        body: dict[str, Any] = {
            "message_id": message_id,
            "sender_chat": chat,
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        if photo:
            body["photo"] = photo_sizes(self.store, photo)
            if text:
                body["caption"] = text
            if entities:
                body["caption_entities"] = entities
        else:
            body["text"] = text
            if entities:
                body["entities"] = entities
        return body

    def next_message_id(self, channel: Account, count: int = 1) -> int:
        first = self.store.next_number(f"telegram:{channel.account_id}")
        for _ in range(count - 1):
            self.store.next_number(f"telegram:{channel.account_id}")
        return first

    def record(
        self,
        channel: Account,
        message_id: int,
        text: str,
        photos: list[str],
        entities: list[dict[str, Any]],
        **data: Any,
    ) -> None:
        if entities:
            data["entities"] = entities
        if discussion_chat_id(channel) is not None:
            # The group's automatic forwards take its next message ids, one per photo.
            data["discussion_message_id"] = next_group_message_id(
                self.store, channel, max(1, len(photos))
            )
        post = self.store.add_item(
            platform=PLATFORM,
            account_id=channel.account_id,
            kind="message",
            remote_id=str(message_id),
            top_level=True,
            text=text,
            media=photos,
            data=data,
        )
        if self.bots.has_queue(channel.token):
            self.forwarded(channel, post)

    def forwarded(self, channel: Account, post: Item) -> None:
        """The bot sees the automatic forwards when it sees every message of the group."""
        bot = self.store.account_by_token(PLATFORM, channel.token)
        if bot is None or group_bot_status(channel, channel.token) == "left":
            return
        if sees_every_comment(channel, channel.token, bot):
            for forward in forwards_of(self.store, channel, post):
                self.bots.push(channel.token, "message", forward, create=False)

    def send_message(self, channel: Account, token: str, incoming: Incoming) -> Any:
        raw = incoming.text("text")
        if not raw:
            raise bad_request("message text is empty")
        kept = formatted(raw, incoming.text("parse_mode"), allow_empty=False)
        text, entities = kept.text, kept.entities
        if count_characters(text) > MAX_TEXT:
            raise bad_request("message is too long")
        message_id = self.next_message_id(channel)
        self.record(channel, message_id, text, [], entities)
        return self.message(channel, message_id, text, None, entities)

    def send_photo(self, channel: Account, token: str, incoming: Incoming) -> Any:
        caption, entities = self.caption(incoming.get("caption"), incoming.get("parse_mode"))
        upload = incoming.files.get("photo")
        if upload is not None:
            photo = self.save_photo(channel, upload)
        elif incoming.get("photo"):
            photo = self.photo_from(channel, incoming, incoming.get("photo"))
        else:
            raise bad_request("there is no photo in the request")
        message_id = self.next_message_id(channel)
        self.record(channel, message_id, caption, [photo], entities)
        return self.message(channel, message_id, caption, photo, entities)

    def send_media_group(self, channel: Account, token: str, incoming: Incoming) -> Any:
        items = loads_json(incoming.get("media"))
        if not isinstance(items, list):
            raise bad_request("can't parse media JSON object")
        if not MIN_ALBUM <= len(items) <= MAX_ALBUM:
            raise bad_request("wrong number of media in the album: 2 to 10 are allowed")
        captions, photos = [], []
        for item in items:
            if not isinstance(item, dict) or item.get("type") != "photo":
                raise bad_request("only photos are accepted in a sandbox album")
            captions.append(self.caption(item.get("caption"), item.get("parse_mode")))
        for item in items:
            photos.append(self.photo_from(channel, incoming, item.get("media")))
        first = self.next_message_id(channel, len(photos))
        group_id = str(self.store.next_number("telegram:media_groups", 13000000000000000))
        first_caption, first_entities = captions[0]
        self.record(channel, first, first_caption, photos, first_entities, media_group_id=group_id)
        return [
            self.message(channel, first + index, text, photo, entities, media_group_id=group_id)
            for index, ((text, entities), photo) in enumerate(zip(captions, photos, strict=True))
        ]
