"""Publish to a Facebook Page through the Graph API (feed posts, photos, multi-photo posts)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pressroom.platforms.base import MediaFile, Outcome, OutcomeKind, Publication, titled
from pressroom.platforms.facebook.client_inbound import InboundClient
from pressroom.platforms.facebook.client_metrics import InsightsClient
from pressroom.platforms.facebook.graph import error_outcome, graph_timestamp, usage_wait
from pressroom.platforms.transport import (
    Call,
    Stop,
    gather_all,
    sent_after,
    text_with_link,
    unexpected_outcome,
)

__all__ = ["Client", "error_outcome", "graph_timestamp", "message_of", "usage_wait"]


class Client(InboundClient, InsightsClient):
    """Publishing here; the inbound side (polling, replies, moderation) in client_inbound.py,
    the reading of insights in client_metrics.py."""

    async def _publish(self, publication: Publication, call: Call) -> Outcome:
        if len(publication.media) == 1:
            return await self._publish_photo(publication, call)
        if publication.media:
            photo_ids = await gather_all(
                self._upload_unpublished(media, call) for media in publication.media
            )
            data = {"message": message_of(publication)}
            for index, photo_id in enumerate(photo_ids):
                data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
        else:
            data = {"message": message_of(publication)}
            if publication.link:
                data["link"] = publication.link
        response = await call.send(
            "POST", f"{self._page_url}/feed", creating=True, data=data, headers=self._headers
        )
        body = self._checked(response, creating=True)
        post_id = str(body.get("id") or "")
        if not post_id:
            return unexpected_outcome(response, creating=True, what="the feed post")
        return self._published(post_id, body)

    async def _publish_photo(self, publication: Publication, call: Call) -> Outcome:
        media = publication.media[0]
        response = await call.send(
            "POST",
            f"{self._page_url}/photos",
            creating=True,
            data={"caption": message_of(publication), "published": "true"},
            files={"source": (media.filename, media.content, media.content_type)},
            headers=self._headers,
        )
        body = self._checked(response, creating=True)
        post_id = str(body.get("post_id") or body.get("id") or "")
        if not post_id:
            return unexpected_outcome(response, creating=True, what="the photo post")
        return self._published(post_id, body)

    async def _upload_unpublished(self, media: MediaFile, call: Call) -> str:
        data = {"published": "false"}
        if media.description:
            data["alt_text_custom"] = media.description
        response = await call.send(
            "POST",
            f"{self._page_url}/photos",
            data=data,
            files={"source": (media.filename, media.content, media.content_type)},
            headers=self._headers,
        )
        body = self._checked(response, creating=False)
        photo_id = str(body.get("id") or "")
        if not photo_id:
            raise Stop(unexpected_outcome(response, creating=False, what="a photo upload"))
        return photo_id

    async def _look_for(
        self, publication: Publication, since: datetime | None, call: Call
    ) -> Outcome | None:
        """Look among the page's recent posts for one with exactly this message."""
        expected = message_of(publication)
        response = await call.send(
            "GET",
            f"{self._page_url}/feed",
            params={"fields": "id,message,created_time,permalink_url", "limit": "50"},
            headers=self._headers,
        )
        body = self._checked(response, creating=False)
        for post in body.get("data") or []:
            if not isinstance(post, dict) or post.get("message") != expected:
                continue
            if not sent_after(graph_timestamp(str(post.get("created_time") or "")), since):
                continue
            return self._published(str(post["id"]), post)
        return None

    def _published(self, post_id: str, body: dict[str, Any]) -> Outcome:
        return Outcome(
            OutcomeKind.PUBLISHED,
            remote_id=post_id,
            permalink=self.permalink(post_id, f"https://www.facebook.com/{post_id}"),
            raw=body,
        )


def message_of(publication: Publication) -> str:
    """The post's message: its title as the first line, then the text (and the link, which
    a feed post without photos carries in its own field)."""
    text = text_with_link(publication) if publication.media else publication.text
    return titled(publication.title, text)
