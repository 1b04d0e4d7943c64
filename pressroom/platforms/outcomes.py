"""What the platform clients share once an answer (or none) came back: transport failures and
server errors as outcomes, retry hints, time checks, running uploads side by side."""

from __future__ import annotations

import asyncio
import email.utils
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp

from pressroom.platforms.base import Outcome, OutcomeKind, Publication, with_link

if TYPE_CHECKING:
    from pressroom.platforms.transport import Response

# Transport failures: aiohttp's errors, and the time limits (aiohttp's own are TimeoutErrors).
TransportError = aiohttp.ClientError


def not_supported(what: str) -> Outcome:
    return Outcome(
        OutcomeKind.REJECTED, code="not_supported", reason=f"The platform offers no {what}"
    )


def never_left(error: TransportError) -> bool:
    """True when the request certainly did not reach the platform (no connection was made)."""
    return isinstance(error, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)


def transport_outcome(error: TransportError, *, creating: bool) -> Outcome:
    name = type(error).__name__
    if isinstance(error, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        return Outcome(OutcomeKind.REJECTED, code="invalid_address", reason=name)
    if never_left(error):
        return Outcome(
            OutcomeKind.RETRY_LATER,
            code="connect_failed",
            reason=f"Could not reach the platform ({name})",
        )
    if not creating:
        # Uploads only: nothing visible was created, trying again is safe.
        return Outcome(
            OutcomeKind.RETRY_LATER, code="transport", reason=f"Upload interrupted ({name})"
        )
    timed_out = isinstance(error, aiohttp.ServerTimeoutError)
    return Outcome(
        OutcomeKind.UNKNOWN,
        code="read_timeout" if timed_out else "connection_lost",
        reason=f"The request was sent but no answer came back ({name}); it may be published",
    )


def server_error_outcome(response: Response, *, creating: bool, reason: str) -> Outcome:
    """5xx: the platform failed. A gateway timeout on a create may still have published."""
    if response.status_code == 504 and creating:
        return Outcome(
            OutcomeKind.UNKNOWN,
            code="504",
            reason=reason or "Gateway timeout: the post may be published",
        )
    return Outcome(
        OutcomeKind.RETRY_LATER,
        code=str(response.status_code),
        reason=reason or f"HTTP {response.status_code}",
        retry_after_s=retry_after_header(response.headers),
    )


def unexpected_outcome(response: Response, *, creating: bool, what: str) -> Outcome:
    """A success status without the expected answer: after a create, the post may exist."""
    return Outcome(
        OutcomeKind.UNKNOWN if creating else OutcomeKind.RETRY_LATER,
        code="unexpected_response",
        reason=f"Unexpected answer to {what} (HTTP {response.status_code})",
    )


def json_body(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def seconds_until(value: str, *, now: float | None = None) -> float | None:
    """A reset time as an ISO 8601 datetime or as epoch seconds, as seconds from now."""
    value = value.strip()
    if not value:
        return None
    now = time.time() if now is None else now
    try:
        moment = float(value)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        moment = parsed.timestamp()
    if moment > 1e12:  # epoch milliseconds
        moment /= 1000
    return max(0.0, moment - now)


def retry_after_header(headers: Mapping[str, str]) -> float | None:
    """HTTP Retry-After: delta seconds or an HTTP date."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def minutes_to_seconds(values: Iterable[Any]) -> float | None:
    minutes = [float(value) for value in values if isinstance(value, int | float)]
    longest = max(minutes, default=0.0)
    return math.ceil(longest * 60) if longest > 0 else None


async def gather_all[T](tasks: Iterable[Awaitable[T]]) -> list[T]:
    """Run uploads side by side; every one finishes before the first failure is raised."""
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


async def poll(
    check: Callable[[], Awaitable[bool]], *, first_wait: float = 0.25, max_wait: float = 2.0
) -> None:
    """Call `check` until it says done, waiting longer each time; the publish limit ends it."""
    wait = first_wait
    while not await check():
        await asyncio.sleep(wait)
        wait = min(max_wait, wait * 2)


# Clocks differ: an earlier try may be stamped a little before we think we sent it.
CLOCK_SKEW_S = 300.0


def sent_after(moment: float | None, since: datetime | None) -> bool:
    """Whether a platform timestamp (epoch seconds) is at or after `since`, within skew."""
    if since is None or moment is None:
        return True
    return moment >= since.timestamp() - CLOCK_SKEW_S


def text_with_link(publication: Publication) -> str:
    """The text, with the link added when the author did not already put it in."""
    return with_link(publication.text, publication.link)
