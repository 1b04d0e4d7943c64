"""What the Zalo OA API's answers mean: errors come inside HTTP 200, the `error` field decides."""

from __future__ import annotations

from typing import Any

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.transport import (
    HttpPlatformClient,
    Response,
    Stop,
    json_body,
    server_error_outcome,
    unexpected_outcome,
)

# -216, -124, -201 from platforms.md; -220 "access token has expired" from Zalo's error table.
TOKEN_ERRORS = frozenset({-216, -124, -201, -220})
MEDIA_PROCESSING = -214
# Zalo's error table: -32 "exceeding the request rate limit".
RATE_LIMITED = -32
# "Unknown error, try again later": transient, but on a create the article may exist.
UNKNOWN_ERROR = -100
# Customer-service messages (message/cs), as integrations report them [t, UNCONFIRMED codes]:
# -230 "user has not interacted with the OA in the past 7 days" (nor ever), -211 "out of
# quota" (the OA's proactive messages for the month are used up).
NOT_INTERACTED = -230
OUT_OF_QUOTA = -211


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


class ZaloApiClient(HttpPlatformClient):
    """What every Zalo OA call shares: the token header and reading the envelope."""

    platform = "zalo"

    @property
    def _headers(self) -> dict[str, str]:
        return {"access_token": str(self.access.credentials["access_token"])}

    def _answer(self, response: Response, *, creating: bool, after_create: bool = False) -> Any:
        """`data` of a successful answer, as Zalo gives it (an object, a list, or None)."""
        body = json_body(response)
        if response.status_code >= 500:
            raise Stop(server_error_outcome(response, creating=creating, reason=""))
        if not isinstance(body, dict) or "error" not in body:
            raise Stop(unexpected_outcome(response, creating=creating, what="the Zalo call"))
        outcome = error_outcome(body)
        if outcome is None:
            return body.get("data")
        if creating and outcome.code == str(UNKNOWN_ERROR):
            after_create = True
        if after_create:
            # The object was created (or may have been); whatever Zalo says, it may be on
            # the OA already: look before creating it again.
            outcome = Outcome(
                OutcomeKind.UNKNOWN, code=outcome.code, reason=outcome.reason, raw=outcome.raw
            )
        raise Stop(outcome)

    def _checked(
        self, response: Response, *, creating: bool, after_create: bool = False
    ) -> dict[str, Any]:
        """`data` of a successful answer that is an object ({} when it is not)."""
        data = self._answer(response, creating=creating, after_create=after_create)
        return data if isinstance(data, dict) else {}
