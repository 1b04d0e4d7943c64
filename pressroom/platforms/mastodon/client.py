"""Publish a status to a Mastodon account: upload media (waiting for processing), then post."""

from __future__ import annotations

from typing import Any

from pressroom.platforms.base import MediaFile, Outcome, OutcomeKind, Publication, titled
from pressroom.platforms.transport import (
    Call,
    HttpPlatformClient,
    Response,
    Stop,
    gather_all,
    json_body,
    poll,
    retry_after_header,
    seconds_until,
    server_error_outcome,
    text_with_link,
    unexpected_outcome,
)


class Client(HttpPlatformClient):
    platform = "mastodon"

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access.credentials['access_token']}"}

    async def _publish(self, publication: Publication, call: Call) -> Outcome:
        media_ids = await gather_all(self._upload(media, call) for media in publication.media)
        data: dict[str, Any] = {
            # The title is the status's first line.
            "status": titled(publication.title, text_with_link(publication)),
            "visibility": str(self.access.options.get("visibility") or "public"),
        }
        if media_ids:
            data["media_ids[]"] = media_ids
        language = self.access.options.get("language")
        if language:
            data["language"] = str(language)
        headers = dict(self._headers)
        if publication.idempotency_key:
            headers["Idempotency-Key"] = publication.idempotency_key
        response = await call.send(
            "POST",
            f"{self.api_base}/api/v1/statuses",
            creating=True,
            data=data,
            headers=headers,
        )
        status = self._checked(response, creating=True)
        status_id = str(status.get("id") or "")
        if not status_id:
            return unexpected_outcome(response, creating=True, what="the status")
        return Outcome(
            OutcomeKind.PUBLISHED,
            remote_id=status_id,
            permalink=self.permalink(status_id, str(status.get("url") or "")),
            raw={key: status.get(key) for key in ("id", "url", "uri", "created_at")},
        )

    async def _upload(self, media: MediaFile, call: Call) -> str:
        data = {"description": media.description} if media.description else {}
        response = await call.send(
            "POST",
            f"{self.api_base}/api/v2/media",
            data=data,
            files={"file": (media.filename, media.content, media.content_type)},
            headers=self._headers,
        )
        attachment = self._checked(response, creating=False)
        media_id = str(attachment.get("id") or "")
        if not media_id:
            raise Stop(unexpected_outcome(response, creating=False, what="the media upload"))
        if response.status_code == 202 or not attachment.get("url"):
            await self._wait_until_processed(media_id, call)
        return media_id

    async def _wait_until_processed(self, media_id: str, call: Call) -> None:
        """202 means the server is still processing: poll until the attachment answers 200."""

        async def check() -> bool:
            response = await call.send(
                "GET", f"{self.api_base}/api/v1/media/{media_id}", headers=self._headers
            )
            if response.status_code == 206:
                return False
            self._checked(response, creating=False)
            return True

        await poll(check)

    def _checked(self, response: Response, *, creating: bool) -> dict[str, Any]:
        body = json_body(response)
        if response.is_success and isinstance(body, dict):
            return body
        raise Stop(error_outcome(response, body, creating=creating))


def error_outcome(response: Response, body: Any, *, creating: bool) -> Outcome:
    status = response.status_code
    reason = ""
    if isinstance(body, dict):
        reason = str(body.get("error_description") or body.get("error") or "")
    common: dict[str, Any] = {"code": str(status), "reason": reason or f"HTTP {status}"}
    if status == 401:
        return Outcome(OutcomeKind.CREDENTIALS_EXPIRED, **common)
    if status == 429:
        reset = response.headers.get("x-ratelimit-reset", "")
        wait = seconds_until(reset) if reset else retry_after_header(response.headers)
        return Outcome(OutcomeKind.RETRY_LATER, retry_after_s=wait, **common)
    if status >= 500:
        return server_error_outcome(response, creating=creating, reason=reason)
    # 422 validation, 403 forbidden, 404 not found, and the other refusals.
    if 400 <= status < 500:
        return Outcome(OutcomeKind.REJECTED, **common)
    return unexpected_outcome(response, creating=creating, what="the Mastodon call")
