"""What every Bot API call of the client shares: the method's address and the answer read as
a result or an outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.transport import (
    Response,
    Stop,
    json_body,
    server_error_outcome,
    unexpected_outcome,
)

# A 403 with these words means the bot lost its place in the channel: reconnect it.
LOST_ACCESS = ("not a member of the channel", "kicked from the channel")


def method_url(api_base: str, token: str, method: str) -> str:
    # The token is part of the path: this URL must never be logged or put in a reason.
    return f"{api_base.rstrip('/')}/bot{token}/{method}"


def result_of(response: Response, *, creating: bool, what: str) -> Any:
    """The call's `result`; raises Stop with the outcome when the call failed."""
    body = json_body(response)
    if not isinstance(body, dict) or "ok" not in body:
        if response.status_code >= 500:
            raise Stop(server_error_outcome(response, creating=creating, reason=""))
        raise Stop(unexpected_outcome(response, creating=creating, what=what))
    if not body["ok"]:
        raise Stop(error_outcome(response, body, creating=creating))
    return body.get("result")


def error_outcome(response: Response, body: dict[str, Any], *, creating: bool = True) -> Outcome:
    code = body.get("error_code") or response.status_code
    reason = str(body.get("description") or "")
    parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
    common: dict[str, Any] = {
        "code": str(code),
        "reason": reason,
        "raw": {"error_code": code, "parameters": parameters},
    }
    if code == 401 or (code == 403 and any(words in reason for words in LOST_ACCESS)):
        return Outcome(OutcomeKind.CREDENTIALS_EXPIRED, **common)
    if code == 429:
        retry_after = parameters.get("retry_after") if parameters else None
        return Outcome(
            OutcomeKind.RETRY_LATER,
            retry_after_s=float(retry_after) if isinstance(retry_after, int | float) else None,
            **common,
        )
    if isinstance(code, int) and code >= 500:
        return server_error_outcome(response, creating=creating, reason=reason)
    # 400 bad request (too long, chat not found, …), other 403s, 409.
    return Outcome(OutcomeKind.REJECTED, **common)


@dataclass(frozen=True)
class WebhookInfo:
    """getWebhookInfo's answer, for the channel's health page."""

    url: str
    pending_update_count: int = 0
    last_error_at: datetime | None = None
    last_error_message: str = ""
    max_connections: int | None = None
    allowed_updates: tuple[str, ...] = ()
    has_custom_certificate: bool = False

    @property
    def is_set(self) -> bool:
        return bool(self.url)

    @classmethod
    def of(cls, result: Any) -> WebhookInfo | None:
        """The info in a getWebhookInfo result, or None when it is not one."""
        if not isinstance(result, dict) or not isinstance(result.get("url"), str):
            return None
        error_date = result.get("last_error_date")
        allowed = result.get("allowed_updates")
        pending = result.get("pending_update_count")
        connections = result.get("max_connections")
        return cls(
            url=result["url"],
            pending_update_count=pending if isinstance(pending, int) else 0,
            last_error_at=datetime.fromtimestamp(error_date, UTC)
            if isinstance(error_date, int) and error_date > 0
            else None,
            last_error_message=str(result.get("last_error_message") or ""),
            max_connections=connections if isinstance(connections, int) else None,
            allowed_updates=tuple(str(name) for name in allowed)
            if isinstance(allowed, list)
            else (),
            has_custom_certificate=result.get("has_custom_certificate") is True,
        )
