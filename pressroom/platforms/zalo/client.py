"""Publish to a Zalo Official Account as an article: upload images, create, verify."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pressroom.platforms.base import MediaFile, Outcome, OutcomeKind, Publication
from pressroom.platforms.transport import (
    Call,
    HttpPlatformClient,
    Response,
    Stop,
    gather_all,
    json_body,
    poll,
    sent_after,
    server_error_outcome,
    text_with_link,
    unexpected_outcome,
)
from pressroom.platforms.zalo.oauth import renew

# -216, -124, -201 from platforms.md; -220 "access token has expired" from Zalo's error table.
TOKEN_ERRORS = frozenset({-216, -124, -201, -220})
MEDIA_PROCESSING = -214
# Zalo's error table: -32 "exceeding the request rate limit".
RATE_LIMITED = -32
# "Unknown error, try again later": transient, but on a create the article may exist.
UNKNOWN_ERROR = -100
MAX_DESCRIPTION = 300


class Client(HttpPlatformClient):
    platform = "zalo"

    @property
    def _headers(self) -> dict[str, str]:
        return {"access_token": str(self.access.credentials["access_token"])}

    async def publish(self, publication: Publication) -> Outcome:
        """Publish; an access token that expired (they last 25 hours) is renewed with the
        refresh token through the keeper, and the publish is tried once more."""
        outcome = await super().publish(publication)
        if outcome.kind is not OutcomeKind.CREDENTIALS_EXPIRED or self.keeper is None:
            return outcome
        renewed = await renew(self.access, self.http, self.keeper, timeout=self.timeout)
        if renewed is None:
            return outcome
        if isinstance(renewed, Outcome):
            return self._redacted(renewed)
        self.access = renewed
        return await super().publish(publication)

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

    def _checked(
        self, response: Response, *, creating: bool, after_create: bool = False
    ) -> dict[str, Any]:
        """`data` of a successful answer; Zalo reports failures inside HTTP 200."""
        body = json_body(response)
        if response.status_code >= 500:
            raise Stop(server_error_outcome(response, creating=creating, reason=""))
        if not isinstance(body, dict) or "error" not in body:
            raise Stop(unexpected_outcome(response, creating=creating, what="the Zalo call"))
        outcome = error_outcome(body)
        if outcome is None:
            data = body.get("data")
            return data if isinstance(data, dict) else {}
        if creating and outcome.code == str(UNKNOWN_ERROR):
            after_create = True
        if after_create:
            # The article was created (or may have been); whatever Zalo says, it may be on
            # the OA already: look before creating it again.
            outcome = Outcome(
                OutcomeKind.UNKNOWN, code=outcome.code, reason=outcome.reason, raw=outcome.raw
            )
        raise Stop(outcome)


def error_outcome(body: dict[str, Any]) -> Outcome | None:
    """None for success (`error` 0); otherwise what the error means for the delivery."""
    try:
        code = int(body.get("error", 0))
    except (TypeError, ValueError):
        code = -1
    if code == 0:
        return None
    reason = str(body.get("message") or "")
    common: dict[str, Any] = {"code": str(code), "reason": reason, "raw": {"error": code}}
    if code in TOKEN_ERRORS:
        return Outcome(OutcomeKind.CREDENTIALS_EXPIRED, **common)
    if code in {MEDIA_PROCESSING, RATE_LIMITED, UNKNOWN_ERROR}:
        return Outcome(OutcomeKind.RETRY_LATER, **common)
    return Outcome(OutcomeKind.REJECTED, **common)
