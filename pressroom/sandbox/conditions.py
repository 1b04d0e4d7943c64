"""What every sandbox request goes through before and after a platform answers it.

In order: the profile's latency (an asyncio sleep), an expired token, the platform's own rate
limits (when `enforce_limits` is on), a registered one-shot fault (faults.py), a fault drawn by
chance from the profile (profiles.py, creating requests only), then the platform's handler.
Every answer then gets the platform's usage headers (Mastodon's X-RateLimit-*, Facebook's
X-App-Usage and X-Business-Use-Case-Usage): an injected error keeps the ones it carries (its
retry-after), a request refused by the real limits gets the limiter's. A request refused
before its account is known (an unknown token, a missing chat) is answered at once.

Each platform builds one `Gate` with its error renderer and its limiter; the shared state (the
fault book, the profiles, the limiters' counters, the settings, the expired tokens) lives in the
store's `Conditions`, so `POST /_control/reset` clears it all.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from starlette.responses import Response

from pressroom.sandbox import profiles
from pressroom.sandbox.faults import ERROR_KINDS, Fault, FaultBook

if TYPE_CHECKING:
    from pressroom.sandbox.store import Account, SandboxStore


class Limiter(Protocol):
    """A platform's real rate limits, counted per token or per account."""

    def admit(self, account: Account, *, operation: str, creates: bool, now: float) -> float | None:
        """Count this request; the seconds to wait when it is over a limit, else None."""

    def headers(self, account: Account, *, operation: str, now: float) -> dict[str, str]:
        """The usage headers the platform puts on its answers."""

    def reset(self) -> None: ...


@dataclass
class Settings:
    enforce_limits: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"enforce_limits": self.enforce_limits}

    def update(self, values: Mapping[str, Any]) -> None:
        unknown = sorted(set(values) - {"enforce_limits"})
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)} (known: enforce_limits)")
        if "enforce_limits" in values:
            if not isinstance(values["enforce_limits"], bool):
                raise ValueError("enforce_limits must be true or false")
            self.enforce_limits = values["enforce_limits"]


class Conditions:
    """The sandbox's misbehaviour on purpose: faults, profiles, limits, expired tokens."""

    def __init__(self, platforms: Collection[str] = ()) -> None:
        self.platforms = frozenset(platforms)
        self.faults = FaultBook(self.platforms)
        self.profiles = profiles.ProfileBook()
        self.settings = Settings()
        self._limiters: list[Limiter] = []
        # (platform, account_id) → the token that stopped working; a new token ends it.
        self._expired: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def add_limiter(self, limiter: Limiter) -> None:
        self._limiters.append(limiter)

    def reset(self) -> None:
        self.faults.clear()
        self.profiles.clear()
        self.settings = Settings()
        with self._lock:
            self._expired.clear()
        for limiter in self._limiters:
            limiter.reset()

    # Token expiry

    def expire(self, accounts: list[Account], *, expired: bool) -> None:
        """Make the accounts' current tokens invalid (until replaced), or valid again."""
        with self._lock:
            for account in accounts:
                key = (account.platform, account.account_id)
                if expired:
                    self._expired[key] = account.token
                else:
                    self._expired.pop(key, None)

    def clear_expired(self, platform: str | None = None, account_id: str | None = None) -> None:
        with self._lock:
            for key in list(self._expired):
                if platform not in (None, profiles.ANY_PLATFORM, key[0]):
                    continue
                if account_id is not None and key[1] != account_id:
                    continue
                del self._expired[key]

    def token_expired(self, account: Account) -> bool:
        return self._expired.get((account.platform, account.account_id)) == account.token

    def expired_accounts(self) -> list[dict[str, str]]:
        with self._lock:
            return [
                {"platform": platform, "account_id": account_id}
                for platform, account_id in sorted(self._expired)
            ]


class Gate:
    """One platform's way through the conditions: its error shapes and its rate limits."""

    def __init__(
        self,
        store: SandboxStore,
        *,
        platform: str,
        render: Callable[[Fault, Account], Response],
        limiter: Limiter | None = None,
        drawn: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.conditions = store.conditions
        self.platform = platform
        self.render = render
        self.limiter = limiter
        # Overrides for the faults a profile draws (e.g. Facebook's rate-limit code), by kind.
        self.drawn = drawn or {}
        if limiter is not None:
            self.conditions.add_limiter(limiter)

    async def run(
        self,
        account: Account,
        *,
        operation: str,
        creates: bool,
        handler: Callable[[], Awaitable[Response]],
    ) -> Response:
        """Answer one request from this account, through whatever is set to happen to it."""
        effective = self.conditions.profiles.effective(self.platform, account.account_id)
        latency = effective.latency_s()
        if latency > 0:
            await asyncio.sleep(latency)
        now = time.time()
        response, limited = await self._answer(
            account, effective, operation=operation, creates=creates, handler=handler, now=now
        )
        if self.limiter is not None:
            headers = response.headers
            for name, value in self.limiter.headers(account, operation=operation, now=now).items():
                if limited:
                    headers[name] = value
                else:
                    headers.setdefault(name, value)
        return response

    async def _answer(
        self,
        account: Account,
        effective: profiles.Effective,
        *,
        operation: str,
        creates: bool,
        handler: Callable[[], Awaitable[Response]],
        now: float,
    ) -> tuple[Response, bool]:
        """The answer, and whether the platform's real limits refused the request."""
        conditions = self.conditions
        if conditions.token_expired(account):
            return self.render(self._fault("token_expired"), account), False
        if self.limiter is not None:
            wait = self.limiter.admit(account, operation=operation, creates=creates, now=now)
            if wait is not None and conditions.settings.enforce_limits:
                return self.render(self._fault("rate_limit", retry_after=wait), account), True
        response = await self._faulted(
            account, effective, operation=operation, creates=creates, handler=handler
        )
        return response, False

    async def _faulted(
        self,
        account: Account,
        effective: profiles.Effective,
        *,
        operation: str,
        creates: bool,
        handler: Callable[[], Awaitable[Response]],
    ) -> Response:
        conditions = self.conditions
        fault = conditions.faults.take(
            platform=self.platform,
            account_id=account.account_id,
            operation=operation,
            creates=creates,
        )
        if fault is None and creates:
            draw = effective.draw()
            if draw.kind is not None:
                fault = self._fault(
                    draw.kind,
                    retry_after=draw.retry_after_s if draw.kind == "rate_limit" else None,
                    delay_s=draw.delay_s if draw.kind == "timeout_after_create" else None,
                    **self.drawn.get(draw.kind, {}),
                )
        if fault is None:
            return await handler()
        if fault.kind in ERROR_KINDS:
            return self.render(fault, account)
        if fault.kind == "delay":
            await asyncio.sleep(fault.wait_s)
            return await handler()
        # timeout_after_create: the object exists, the answer comes too late.
        response = await handler()
        await asyncio.sleep(fault.wait_s)
        return response

    def _fault(self, kind: str, **fields: Any) -> Fault:
        return Fault(id=0, platform=self.platform, kind=kind, **fields)
