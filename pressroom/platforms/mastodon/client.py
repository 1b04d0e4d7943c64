"""Publish a status to a Mastodon account: upload media (waiting for processing), then post.
The account's notifications, replies and direct messages are the inbound side's
(client_inbound.py), the figures read for reports client_metrics.py's, mixed into the same
Client."""

from __future__ import annotations

from typing import Any

from pressroom.platforms.base import MediaFile, Outcome, OutcomeKind, Publication, titled
from pressroom.platforms.mastodon.client_base import error_outcome
from pressroom.platforms.mastodon.client_metrics import MetricsClient
from pressroom.platforms.transport import (
    Call,
    Stop,
    gather_all,
    poll,
    text_with_link,
    unexpected_outcome,
)

__all__ = ["Client", "error_outcome"]


class Client(MetricsClient):
    """A Mastodon account: publishing here, polling and replies in client_inbound.py, figures
    in client_metrics.py."""

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
