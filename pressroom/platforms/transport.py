"""What the platform clients share: the HTTP session, time limits, transport failures as
outcomes, retry hints."""

from __future__ import annotations

import abc
import asyncio
import functools
import json
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from pressroom.platforms.base import (
    ChannelAccess,
    Outcome,
    OutcomeKind,
    Publication,
)
from pressroom.platforms.inbound import Fetched, ModerationKind, OutgoingReply
from pressroom.platforms.metrics import MetricsRequest, Reading
from pressroom.platforms.outcomes import (
    CLOCK_SKEW_S,
    TransportError,
    gather_all,
    json_body,
    minutes_to_seconds,
    never_left,
    not_supported,
    poll,
    retry_after_header,
    seconds_until,
    sent_after,
    server_error_outcome,
    text_with_link,
    transport_outcome,
    unexpected_outcome,
)

# A publish makes a few calls (uploads, create, verify or poll); the whole of it gets this
# many single-call time limits, and never more.
TOTAL_TIMEOUT_FACTOR = 4

# A thousand deliveries at once: enough connections for all of them, kept briefly.
MAX_CONNECTIONS = 2000
KEEPALIVE_S = 4.0


def default_timeout() -> float:
    """Settings are read when a client is made, not when this module is imported."""
    from django.conf import settings

    return float(settings.PLATFORM_TIMEOUT_S)


def make_http_client() -> aiohttp.ClientSession:
    """One aiohttp session for every delivery; use it as `async with make_http_client()`.

    aiohttp rather than httpx: at a thousand calls at once it takes about two thirds of the
    CPU (see docs/DESIGN.md). Keep-alive stays under the common 5 s server idle timeout so a
    pooled connection is not closed by the server just as a post goes out on it (which would
    make the outcome unknown).
    """
    connector = aiohttp.TCPConnector(
        limit=MAX_CONNECTIONS, limit_per_host=0, keepalive_timeout=KEEPALIVE_S
    )
    # Not trust_env: aiohttp would then read .netrc and the proxy settings in a thread for
    # every request. The proxy settings are read once instead (see `proxy_for`).
    return aiohttp.ClientSession(connector=connector)


@functools.cache
def _environment_proxies() -> dict[str, str]:
    return {
        scheme: address
        for scheme, address in urllib.request.getproxies().items()
        if scheme in ("http", "https")
    }


def proxy_for(url: str) -> str | None:
    """The proxy for this URL from the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY)."""
    proxies = _environment_proxies()
    if not proxies:
        return None
    parts = urllib.parse.urlsplit(url)
    proxy = proxies.get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname or ""):
        return proxy
    return None


@dataclass(frozen=True)
class Response:
    """A platform's whole answer, read before the connection goes back to the pool."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes = b""

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not."""
        return json.loads(self.content)

    @classmethod
    def of(
        cls, status_code: int, headers: Mapping[str, str] | None = None, content: bytes = b""
    ) -> Response:
        """A response made in code (tests, and answers we compose ourselves)."""
        return cls(status_code, CIMultiDictProxy(CIMultiDict(headers or {})), content)


def _form(
    data: Mapping[str, Any] | None, files: Mapping[str, tuple[str, bytes, str]] | None
) -> Any:
    """Form fields (a list value repeats its key) and files, as aiohttp sends them."""
    if not data and not files:
        return None
    fields: list[tuple[str, str]] = []
    for key, value in (data or {}).items():
        for item in value if isinstance(value, list | tuple) else [value]:
            fields.append((key, str(item)))
    if not files:
        return fields
    form = aiohttp.FormData(fields)
    for name, (filename, content, content_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=content_type)
    return form


class Stop(Exception):
    """Raised inside a publish to end it with this outcome."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.kind.value)
        self.outcome = outcome


async def request(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    timeout: float,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, tuple[str, bytes, str]] | None = None,
    json: Any = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """One call: `timeout` to connect and again for each read; raises TransportError or a
    TimeoutError subclass of it when the platform cannot be reached or does not answer."""
    limits = aiohttp.ClientTimeout(total=None, connect=timeout, sock_read=timeout)
    async with http.request(
        method,
        url,
        data=_form(data, files),
        json=json,
        params=params,
        headers=headers,
        timeout=limits,
        allow_redirects=False,
        proxy=proxy_for(url),
    ) as answer:
        content = await answer.read()
        return Response(answer.status, answer.headers, content)


class Call:
    """One publish's requests: each under the per-request limit, the creating one marked."""

    def __init__(self, http: aiohttp.ClientSession, timeout: float) -> None:
        self.http = http
        self.timeout = timeout
        # Set before the request that creates the post goes out: from then on a failure
        # may hide a published post.
        self.creating = False

    async def send(
        self, method: str, url: str, *, creating: bool = False, **kwargs: Any
    ) -> Response:
        if creating:
            self.creating = True
        return await request(self.http, method, url, timeout=self.timeout, **kwargs)


@dataclass(frozen=True)
class Renewal:
    """What a keeper gives a client whose credentials expired."""

    credentials: Mapping[str, Any]
    # False when another process renewed them already: use them as they are.
    renew: bool = True


class CredentialKeeper(Protocol):
    """The caller's side of renewing a channel's credentials (Zalo's access token): one
    process renews at a time, and new credentials are stored before they are used."""

    async def begin(self, expired: Mapping[str, Any]) -> Renewal | Outcome:
        """The credentials to renew (held until `store` or `release`), or an outcome."""
        ...

    async def store(self, credentials: Mapping[str, Any]) -> None: ...

    async def release(self) -> None: ...


class HttpPlatformClient(abc.ABC):
    """A client for one channel: `publish` never raises, it answers with an Outcome.

    A platform whose credentials expire renews them itself through `keeper`, when given.
    """

    platform: ClassVar[str] = ""

    def __init__(
        self,
        access: ChannelAccess,
        http: aiohttp.ClientSession,
        *,
        timeout: float | None = None,
        total_timeout: float | None = None,
        keeper: CredentialKeeper | None = None,
    ) -> None:
        self.access = access
        self.keeper = keeper
        self.http = http
        self.timeout = timeout if timeout is not None else default_timeout()
        self.total_timeout = (
            total_timeout if total_timeout is not None else self.timeout * TOTAL_TIMEOUT_FACTOR
        )
        self.api_base = access.api_base.rstrip("/")

    async def publish(self, publication: Publication) -> Outcome:
        call = Call(self.http, self.timeout)
        try:
            async with asyncio.timeout(self.total_timeout):
                outcome = await self._publish(publication, call)
        except Stop as stop:
            outcome = stop.outcome
        except TransportError as error:
            # Before TimeoutError: aiohttp's connect and read time-outs are both.
            outcome = transport_outcome(error, creating=call.creating)
        except TimeoutError:
            outcome = Outcome(
                OutcomeKind.UNKNOWN if call.creating else OutcomeKind.RETRY_LATER,
                code="timeout",
                reason=f"No answer within {self.total_timeout:g} s",
            )
        return self._redacted(outcome)

    @abc.abstractmethod
    async def _publish(self, publication: Publication, call: Call) -> Outcome:
        """The platform's own publish: its calls, in order, through `call`."""

    async def look_for(self, publication: Publication, since: datetime | None) -> Outcome | None:
        """Look on the platform for this publication, sent at or after `since`.

        Answers PUBLISHED (with the remote id) when it is there, None when it certainly is
        not (sending again is safe), or another outcome when the platform could not be asked.
        """
        call = Call(self.http, self.timeout)
        try:
            async with asyncio.timeout(self.total_timeout):
                return await self._look_for(publication, since, call)
        except Stop as stop:
            return self._redacted(stop.outcome)
        except TransportError as error:
            return self._redacted(transport_outcome(error, creating=False))
        except TimeoutError:
            return Outcome(OutcomeKind.RETRY_LATER, code="timeout", reason="Check timed out")

    async def _look_for(
        self, publication: Publication, since: datetime | None, call: Call
    ) -> Outcome | None:
        return Outcome(
            OutcomeKind.UNKNOWN,
            code="cannot_check",
            reason="This platform offers no way to look for an earlier post",
        )

    # The inbound side (see pressroom.platforms.inbound): polling, replies and moderation. A
    # platform without one of them answers REJECTED with code "not_supported".

    async def fetch(self, cursor: Mapping[str, Any]) -> Fetched | Outcome:
        """What happened on the channel since `cursor` (empty: since now, without history),
        or an outcome when the platform could not be asked."""
        fetched: Fetched | Outcome = await self._guarded(
            lambda call: self._fetch(cursor, call), creating=False
        )
        return fetched

    async def _fetch(self, cursor: Mapping[str, Any], call: Call) -> Fetched | Outcome:
        return not_supported("polling")

    async def send_reply(self, reply: OutgoingReply) -> Outcome:
        """Send a reply; PUBLISHED with the reply's remote id, or why not."""
        outcome = await self._guarded(lambda call: self._send_reply(reply, call), creating=True)
        assert isinstance(outcome, Outcome)
        return outcome

    async def _send_reply(self, reply: OutgoingReply, call: Call) -> Outcome:
        return not_supported("replies")

    async def look_for_reply(self, reply: OutgoingReply, since: datetime | None) -> Outcome | None:
        """After a lost answer: PUBLISHED when the reply is there, None when it certainly is
        not (sending again is safe), another outcome when the platform could not be asked."""
        found = await self._guarded(
            lambda call: self._look_for_reply(reply, since, call), creating=False
        )
        return found if isinstance(found, Outcome) or found is None else None

    async def _look_for_reply(
        self, reply: OutgoingReply, since: datetime | None, call: Call
    ) -> Outcome | None:
        return Outcome(
            OutcomeKind.UNKNOWN,
            code="cannot_check",
            reason="This platform offers no way to look for an earlier reply",
        )

    async def moderate(self, remote_id: str, action: ModerationKind) -> Outcome:
        """Hide, show again or delete a comment on the channel's own thread."""
        outcome = await self._guarded(
            lambda call: self._moderate(remote_id, action, call), creating=False
        )
        assert isinstance(outcome, Outcome)
        return outcome

    async def _moderate(self, remote_id: str, action: ModerationKind, call: Call) -> Outcome:
        return not_supported(f"moderation ({action})")

    async def register_webhook(self, url: str, secret: str) -> Outcome:
        """Tell the platform to deliver this channel's updates to `url`, signed with `secret`
        (Telegram's setWebhook); REJECTED "not_supported" where webhooks are the app's."""
        outcome = await self._guarded(
            lambda call: self._register_webhook(url, secret, call), creating=False
        )
        assert isinstance(outcome, Outcome)
        return outcome

    async def _register_webhook(self, url: str, secret: str, call: Call) -> Outcome:
        return not_supported("webhooks per channel")

    async def read_metrics(self, request: MetricsRequest) -> Reading | Outcome:
        """The channel's figures and its posts' (see pressroom.platforms.metrics), or an
        outcome when the platform could not be asked (RETRY_LATER with the platform's wait on
        a rate limit)."""
        reading: Reading | Outcome = await self._guarded(
            lambda call: self._read_metrics(request, call), creating=False
        )
        return reading

    async def _read_metrics(self, request: MetricsRequest, call: Call) -> Reading | Outcome:
        return not_supported("metrics")

    async def _guarded(self, run: Callable[[Call], Awaitable[Any]], *, creating: bool) -> Any:
        """Run calls under the time limits; failures become outcomes, credentials redacted."""
        call = Call(self.http, self.timeout)
        try:
            async with asyncio.timeout(self.total_timeout):
                result = await run(call)
        except Stop as stop:
            result = stop.outcome
        except TransportError as error:
            result = transport_outcome(error, creating=creating and call.creating)
        except TimeoutError:
            result = Outcome(
                OutcomeKind.UNKNOWN if creating and call.creating else OutcomeKind.RETRY_LATER,
                code="timeout",
                reason=f"No answer within {self.total_timeout:g} s",
            )
        return self._redacted(result) if isinstance(result, Outcome) else result

    def permalink(self, remote_id: str, default: str) -> str:
        base = self.access.options.get("permalink_base")
        if base:
            return f"{str(base).rstrip('/')}/{remote_id}"
        return default

    def _redacted(self, outcome: Outcome) -> Outcome:
        """Credentials never leave in a reason, whatever the platform or a library said."""
        secrets = [str(value) for value in self.access.credentials.values() if value]
        reason = outcome.reason
        for secret in secrets:
            reason = reason.replace(secret, "[redacted]")
        if reason == outcome.reason:
            return outcome
        return Outcome(
            outcome.kind,
            remote_id=outcome.remote_id,
            permalink=outcome.permalink,
            retry_after_s=outcome.retry_after_s,
            code=outcome.code,
            reason=reason,
            raw=outcome.raw,
        )


# Where the clients have long found them.
__all__ = [
    "CLOCK_SKEW_S",
    "Call",
    "CredentialKeeper",
    "HttpPlatformClient",
    "Renewal",
    "Response",
    "Stop",
    "TransportError",
    "gather_all",
    "json_body",
    "make_http_client",
    "minutes_to_seconds",
    "never_left",
    "not_supported",
    "poll",
    "request",
    "retry_after_header",
    "seconds_until",
    "sent_after",
    "server_error_outcome",
    "text_with_link",
    "transport_outcome",
    "unexpected_outcome",
]
