"""What the Facebook client's parts share: the Page token in a header, Graph answers checked,
Graph errors as outcomes, Graph times and the Business Use Case wait."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.transport import (
    HttpPlatformClient,
    Response,
    Stop,
    json_body,
    minutes_to_seconds,
    server_error_outcome,
    unexpected_outcome,
)

TOKEN_CODES = frozenset({190, 102})
THROTTLE_CODES = frozenset({1, 2, 4, 17, 32, 613, 80001})
# A duplicate ("You've already posted this") or a block that may hide a published post.
MAYBE_PUBLISHED_CODES = frozenset({506, 368})


class GraphClient(HttpPlatformClient):
    """A Page's client: its calls carry the Page token and read Graph's answers."""

    platform = "facebook"

    @property
    def _headers(self) -> dict[str, str]:
        # In a header rather than the query string, so the token never lands in a URL or log.
        return {"Authorization": f"Bearer {self.access.credentials['page_token']}"}

    @property
    def _page_url(self) -> str:
        return f"{self.api_base}/{self.access.external_id}"

    def _checked(self, response: Response, *, creating: bool) -> dict[str, Any]:
        """The answer's JSON when it is a success; otherwise stop with the error's outcome."""
        body = json_body(response)
        if response.is_success and isinstance(body, dict) and "error" not in body:
            return body
        raise Stop(error_outcome(response, body, creating=creating))


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
