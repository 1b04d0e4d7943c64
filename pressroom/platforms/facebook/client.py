"""Publish to a Facebook Page through the Graph API (feed posts, photos, multi-photo posts)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pressroom.platforms.base import MediaFile, Outcome, OutcomeKind, Publication, titled
from pressroom.platforms.transport import (
    Call,
    HttpPlatformClient,
    Response,
    Stop,
    gather_all,
    json_body,
    minutes_to_seconds,
    sent_after,
    server_error_outcome,
    text_with_link,
    unexpected_outcome,
)

TOKEN_CODES = frozenset({190, 102})
THROTTLE_CODES = frozenset({1, 2, 4, 17, 32, 613, 80001})
# A duplicate ("You've already posted this") or a block that may hide a published post.
MAYBE_PUBLISHED_CODES = frozenset({506, 368})


class Client(HttpPlatformClient):
    platform = "facebook"

    @property
    def _headers(self) -> dict[str, str]:
        # In a header rather than the query string, so the token never lands in a URL or log.
        return {"Authorization": f"Bearer {self.access.credentials['page_token']}"}

    @property
    def _page_url(self) -> str:
        return f"{self.api_base}/{self.access.external_id}"

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

    def _checked(self, response: Response, *, creating: bool) -> dict[str, Any]:
        """The answer's JSON when it is a success; otherwise stop with the error's outcome."""
        body = json_body(response)
        if response.is_success and isinstance(body, dict) and "error" not in body:
            return body
        raise Stop(error_outcome(response, body, creating=creating))


def message_of(publication: Publication) -> str:
    """The post's message: its title as the first line, then the text (and the link, which
    a feed post without photos carries in its own field)."""
    text = text_with_link(publication) if publication.media else publication.text
    return titled(publication.title, text)


def error_outcome(response: Response, body: Any, *, creating: bool) -> Outcome:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or "code" not in error:
        if response.status_code >= 500:
            return server_error_outcome(response, creating=creating, reason="")
        return unexpected_outcome(response, creating=creating, what="the Graph API call")
    try:
        code = int(error["code"])
    except (TypeError, ValueError):
        code = -1
    reason = str(error.get("error_user_msg") or error.get("message") or "")
    raw = {key: error.get(key) for key in ("code", "error_subcode", "type", "fbtrace_id")}
    common: dict[str, Any] = {"code": str(error["code"]), "reason": reason, "raw": raw}
    if code in TOKEN_CODES:
        return Outcome(OutcomeKind.CREDENTIALS_EXPIRED, **common)
    if code in THROTTLE_CODES or (error.get("is_transient") and code not in MAYBE_PUBLISHED_CODES):
        return Outcome(OutcomeKind.RETRY_LATER, retry_after_s=usage_wait(response), **common)
    if code in MAYBE_PUBLISHED_CODES:
        return Outcome(OutcomeKind.UNKNOWN, **common)
    if response.status_code >= 500:
        return server_error_outcome(response, creating=creating, reason=reason)
    # 100 invalid parameter, 10 and 200-299 permissions, and anything else the page refuses.
    return Outcome(OutcomeKind.REJECTED, **common)


def graph_timestamp(value: str) -> float | None:
    """Graph API times look like 2026-11-29T05:13:14+0000."""
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").timestamp()
    except ValueError:
        return None


def usage_wait(response: Response) -> float | None:
    """Seconds until access returns, from the Business Use Case usage header (in minutes)."""
    header = response.headers.get("x-business-use-case-usage", "")
    try:
        usage = json.loads(header) if header else {}
    except ValueError:
        return None
    if not isinstance(usage, dict):
        return None
    minutes = [
        entry.get("estimated_time_to_regain_access")
        for entries in usage.values()
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]
    return minutes_to_seconds(minutes)
