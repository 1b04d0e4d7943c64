"""What every Mastodon call shares: the bearer token, reading an answer, and a refusal as an
outcome (publishing, client.py; polling and replies, client_inbound.py)."""

from __future__ import annotations

from typing import Any

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.transport import (
    HttpPlatformClient,
    Response,
    Stop,
    json_body,
    retry_after_header,
    seconds_until,
    server_error_outcome,
    unexpected_outcome,
)


class MastodonClientBase(HttpPlatformClient):
    platform = "mastodon"

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access.credentials['access_token']}"}

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
