"""Publish to a Zalo Official Account as an article: upload images, create, verify. The
inbound side (polling conversations, replies) is in client_inbound.py, the figures read for
reports in client_metrics.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from pressroom.platforms.base import MediaFile, Outcome, OutcomeKind, Publication
from pressroom.platforms.inbound import Fetched, OutgoingReply
from pressroom.platforms.metrics import MetricsRequest, Reading
from pressroom.platforms.transport import (
    Call,
    Stop,
    gather_all,
    json_body,
    poll,
    sent_after,
    text_with_link,
    unexpected_outcome,
)
from pressroom.platforms.zalo.answers import MEDIA_PROCESSING
from pressroom.platforms.zalo.client_metrics import MetricsClient
from pressroom.platforms.zalo.oauth import renew

MAX_DESCRIPTION = 300


class Client(MetricsClient):
    async def _renewing[T](self, attempt: Callable[[], Awaitable[T]]) -> T | Outcome:
        """The attempt; when the access token expired (they last 25 hours), it is renewed
        with the refresh token through the keeper and the attempt made once more. Zalo
        refuses an expired token before doing anything, so trying again is safe."""
        result = await attempt()
        if (
            not isinstance(result, Outcome)
            or result.kind is not OutcomeKind.CREDENTIALS_EXPIRED
            or self.keeper is None
        ):
            return result
        renewed = await renew(self.access, self.http, self.keeper, timeout=self.timeout)
        if renewed is None:
            return result
        if isinstance(renewed, Outcome):
            return self._redacted(renewed)
        self.access = renewed
        return await attempt()

    async def publish(self, publication: Publication) -> Outcome:
        return await self._renewing(lambda: super(Client, self).publish(publication))

    async def fetch(self, cursor: Mapping[str, Any]) -> Fetched | Outcome:
        return await self._renewing(lambda: super(Client, self).fetch(cursor))

    async def send_reply(self, reply: OutgoingReply) -> Outcome:
        return await self._renewing(lambda: super(Client, self).send_reply(reply))

    async def look_for_reply(self, reply: OutgoingReply, since: datetime | None) -> Outcome | None:
        return await self._renewing(lambda: super(Client, self).look_for_reply(reply, since))

    async def read_metrics(self, request: MetricsRequest) -> Reading | Outcome:
        return await self._renewing(lambda: super(Client, self).read_metrics(request))

    async def _publish(self, publication: Publication, call: Call) -> Outcome:
        if not publication.title.strip():
            return Outcome(
                OutcomeKind.REJECTED,
                code="title_required",
                reason="A Zalo article needs a title",
            )
        uploaded = await gather_all(self._upload(media, call) for media in publication.media)
        image_urls = [
            given or media.public_url
            for given, media in zip(uploaded, publication.media, strict=True)
        ]
        missing = [
            media.filename
            for url, media in zip(image_urls, publication.media, strict=True)
            if not url
        ]
        if missing:
            return Outcome(
                OutcomeKind.REJECTED,
                code="image_url_needed",
                reason=(
                    "A Zalo article shows its pictures from a web address, and none is known for "
                    f"{', '.join(missing)}: Zalo's upload gives none, and Pressroom has no public "
                    "address for its files. Ask an administrator to set Pressroom's public "
                    "address, or publish this post to Zalo without pictures."
                ),
            )
        token = await self._create(publication, image_urls, call)
        article_id, data = await self._verify(token, call)
        link_view = str(data.get("link_view") or "")
        return Outcome(
            OutcomeKind.PUBLISHED,
            remote_id=article_id,
            permalink=self.permalink(article_id, link_view),
            raw=data,
        )

    async def _look_for(
        self, publication: Publication, since: datetime | None, call: Call
    ) -> Outcome | None:
        """Look among the OA's latest articles (getslice) for one with this title."""
        response = await call.send(
            "GET",
            f"{self.api_base}/v2.0/article/getslice",
            params={"offset": "0", "limit": "10", "type": "normal"},
            headers=self._headers,
        )
        data = self._checked(response, creating=False)
        for media in data.get("medias") or []:
            if not isinstance(media, dict) or media.get("title") != publication.title:
                continue
            created = media.get("create_date")
            moment = float(created) / 1000 if isinstance(created, int | float) else None
            if not sent_after(moment, since):
                continue
            article_id = str(media.get("id") or "")
            link_view = str(media.get("link_view") or "")
            return Outcome(
                OutcomeKind.PUBLISHED,
                remote_id=article_id,
                permalink=self.permalink(article_id, link_view),
                raw=media,
            )
        return None

    async def _upload(self, media: MediaFile, call: Call) -> str:
        """Upload one image (Zalo checks its type and size); the web address Zalo gives it, or
        "" when Zalo answers its `attachment_id` alone, as integrations read it
        (UNCONFIRMED whether a `url` comes too: both readings are handled)."""
        response = await call.send(
            "POST",
            f"{self.api_base}/v2.0/oa/upload/image",
            files={"file": (media.filename, media.content, media.content_type)},
            headers=self._headers,
        )
        data = self._checked(response, creating=False)
        url = str(data.get("url") or data.get("photo_url") or "")
        if not url and not data.get("attachment_id"):
            raise Stop(unexpected_outcome(response, creating=False, what="the image upload"))
        return url

    async def _create(self, publication: Publication, image_urls: list[str], call: Call) -> str:
        text = text_with_link(publication)
        body: list[dict[str, str]] = [{"type": "text", "content": text}]
        body += [
            {"type": "image", "url": url, "caption": media.description}
            for url, media in zip(image_urls, publication.media, strict=True)
        ]
        article: dict[str, Any] = {
            "type": "normal",
            "title": publication.title,
            "description": text[:MAX_DESCRIPTION],
            "body": body,
            "status": "show",
            "comment": "show",
        }
        author = self.access.options.get("author")
        if author:
            article["author"] = str(author)
        cover = image_urls[0] if image_urls else self.access.options.get("default_cover_url")
        if cover:
            article["cover"] = {"cover_type": "photo", "photo_url": cover, "status": "show"}
        response = await call.send(
            "POST",
            f"{self.api_base}/v2.0/article/create",
            creating=True,
            json=article,
            headers=self._headers,
        )
        data = self._checked(response, creating=True)
        token = str(data.get("token") or "")
        if not token:
            raise Stop(unexpected_outcome(response, creating=True, what="the article creation"))
        return token

    async def _verify(self, token: str, call: Call) -> tuple[str, dict[str, Any]]:
        """The article's id, asking again while Zalo is still processing its media."""
        found: dict[str, Any] = {}

        async def check() -> bool:
            response = await call.send(
                "POST",
                f"{self.api_base}/v2.0/article/verify",
                json={"token": token},
                headers=self._headers,
            )
            body = json_body(response)
            if isinstance(body, dict) and body.get("error") == MEDIA_PROCESSING:
                return False
            found.update(self._checked(response, creating=True, after_create=True))
            return True

        # Until the id comes back, the article exists but we cannot name it: a timeout here
        # is an unknown outcome, never a reason to create it again.
        await poll(check, first_wait=0.5)
        article_id = str(found.get("id") or found.get("article_id") or "")
        if not article_id:
            raise Stop(
                Outcome(
                    OutcomeKind.UNKNOWN,
                    code="no_article_id",
                    reason="Zalo accepted the article but did not give its id",
                    raw=found,
                )
            )
        return article_id, found
