"""The Bot API's error answers: `{"ok":false,"error_code","description","parameters"?}` with
the same HTTP status, worded as telegram-bot-api words them."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from pressroom.sandbox import faults
from pressroom.sandbox.endpoints import PlatformError


class BotApiError(PlatformError):
    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return JSONResponse(body, status_code=self.code)


def bad_request(description: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {description}")


def forbidden(description: str) -> BotApiError:
    return BotApiError(403, f"Forbidden: {description}")


def too_many_requests(retry_after: int) -> BotApiError:
    return BotApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


NOT_A_MEMBER = "bot is not a member of the channel chat"
NEED_ADMIN = "need administrator rights in the channel chat"


def fault_error(fault: faults.Fault) -> BotApiError:
    if fault.kind == "rate_limit":
        wait = int(fault.retry_after if fault.retry_after is not None else 8)
        return BotApiError(
            fault.status or 429,
            fault.message or f"Too Many Requests: retry after {wait}",
            {"retry_after": wait},
        )
    if fault.kind == "token_expired":
        return BotApiError(fault.status or 401, fault.message or "Unauthorized")
    if fault.kind == "reject":
        return BotApiError(fault.status or 400, fault.message or "Bad Request: PEER_ID_INVALID")
    if fault.kind == "server_error":
        return BotApiError(fault.status or 502, fault.message or "Bad Gateway")
    status = fault.status or (int(fault.code) if fault.code is not None else 500)
    return BotApiError(status, fault.message or "Internal Server Error")
