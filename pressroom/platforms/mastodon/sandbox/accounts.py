"""Who is asking the emulated Mastodon API, and how: the account behind a token, the scopes
it holds (doorkeeper.py), the gate every endpoint goes through (Mastodon's default rate limits,
the answers to the sandbox's faults), `GET /api/v1/accounts/verify_credentials` and
`GET /api/v1/accounts/{id}` (any account the instance knows: its own or a citizen; without a
token too, as Mastodon answers a public profile; with one, it needs `read` or
`read:accounts`).
AccountsApi is the base of the status and media endpoints (statuses.py, media.py).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.mastodon.sandbox import people, scopes
from pressroom.platforms.mastodon.sandbox.doorkeeper import granted_scopes
from pressroom.platforms.mastodon.sandbox.entities import (
    OUTSIDE_SCOPES,
    PLATFORM,
    MastodonError,
    account_entity,
    citizen_entity,
)
from pressroom.platforms.mastodon.sandbox.instance import Instance, InstanceSettings
from pressroom.platforms.mastodon.sandbox.oauth import OAuthServer
from pressroom.platforms.mastodon.sandbox.scheduled import ScheduledStatuses
from pressroom.sandbox import faults
from pressroom.sandbox.common import bearer_token
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, SandboxStore, iso_us

RATE_LIMIT, RATE_PERIOD_S = 300, 300
MEDIA_LIMIT, MEDIA_PERIOD_S = 30, 1800

Handler = Callable[[], Awaitable[Response]]


class Window:
    """Requests counted in clock-aligned periods, per key (a token, an account)."""

    def __init__(self, limit: int, period_s: int) -> None:
        self.limit = limit
        self.period_s = period_s
        self._counts: dict[str, tuple[int, int]] = {}

    def count(self, key: str, now: float) -> int:
        period = int(now // self.period_s)
        seen_period, seen = self._counts.get(key, (period, 0))
        used = (seen if seen_period == period else 0) + 1
        self._counts[key] = (period, used)
        return used

    def used(self, key: str, now: float) -> int:
        period, used = self._counts.get(key, (-1, 0))
        return used if period == int(now // self.period_s) else 0

    def reset_at(self, now: float) -> float:
        return (int(now // self.period_s) + 1) * self.period_s

    def headers(self, key: str, now: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self.used(key, now))),
            "X-RateLimit-Reset": iso_us(self.reset_at(now)),
        }

    def clear(self) -> None:
        self._counts.clear()


class ApiLimits:
    """Mastodon's default throttles: API calls per token, media uploads per account."""

    def __init__(self, also_reset: Callable[[], None]) -> None:
        self.api = Window(RATE_LIMIT, RATE_PERIOD_S)
        self.media = Window(MEDIA_LIMIT, MEDIA_PERIOD_S)
        # What else the emulation keeps in memory (the instance's settings, which status took
        # which attachment): a sandbox reset clears it with the counters.
        self.also_reset = also_reset

    def admit(self, account: Account, *, operation: str, creates: bool, now: float) -> float | None:
        # rack-attack counts every request, the refused ones too.
        over = self.api.count(account.token, now) > self.api.limit
        wait = self.api.reset_at(now) - now if over else None
        if operation == "media" and self.media.count(account.account_id, now) > self.media.limit:
            wait = max(wait or 0.0, self.media.reset_at(now) - now)
        return wait

    def headers(self, account: Account, *, operation: str, now: float) -> dict[str, str]:
        if operation == "media" and self.media.used(account.account_id, now) > self.media.limit:
            return self.media.headers(account.account_id, now)
        return self.api.headers(account.token, now)

    def reset(self) -> None:
        self.api.clear()
        self.media.clear()
        self.also_reset()


class AccountsApi(EmulatedApi):
    """The account behind a token and the gate, one method each; `verify_credentials`."""

    def __init__(self, store: SandboxStore) -> None:
        self.settings = InstanceSettings()
        # Which status took each attachment: one attachment goes to one status only.
        self.attached: dict[str, str] = {}
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault).response(),
                limiter=ApiLimits(also_reset=self.forget),
            ),
        )
        self.oauth = OAuthServer(store)
        self.instance = Instance(store, self.settings)
        self.scheduled = ScheduledStatuses(store)

    def forget(self) -> None:
        self.settings.reset()
        self.attached.clear()

    def bad_body(self, message: str) -> PlatformError:
        return MastodonError(400, message)

    def owner(self, request: Request) -> Account:
        token = bearer_token(request)
        account = self.store.account_by_token(PLATFORM, token)
        if account is None:
            if self.oauth.app_token_record(token) is not None:
                raise MastodonError(422, "This method requires an authenticated user")
            raise MastodonError(401, "The access token is invalid")
        return account

    async def run(
        self,
        account: Account,
        operation: str,
        accepted: tuple[str, ...],
        handler: Handler,
        *,
        creates: bool = False,
    ) -> Response:
        """The handler behind the gate, for a token holding one of the accepted scopes."""

        async def permitted() -> Response:
            granted = granted_scopes(account)
            if granted is not None and not scopes.allows(granted, accepted):
                raise MastodonError(403, OUTSIDE_SCOPES)
            return await handler()

        return await self.guarded(account, operation, permitted, creates=creates)

    @endpoint
    async def verify_credentials(self, request: Request) -> Response:
        account = self.owner(request)

        async def handler() -> Response:
            return JSONResponse(account_entity(request, self.store, account, own=True))

        return await self.run(account, "verify_credentials", scopes.READ_ACCOUNT, handler)

    @endpoint
    async def show_account(self, request: Request) -> Response:
        account_id = request.path_params["account_id"]

        def entity() -> Response:
            known = self.store.account(PLATFORM, account_id)
            if known is not None:
                return JSONResponse(account_entity(request, self.store, known))
            record = people.citizen(self.store, account_id)
            if record is None:
                raise MastodonError(404, "Record not found")
            return JSONResponse(citizen_entity(request, self.store, record))

        if not bearer_token(request):
            return entity()
        asking = self.owner(request)

        async def handler() -> Response:
            return entity()

        return await self.run(asking, "accounts/get", ACCOUNT_READS, handler)


# accounts#show: `authorize_if_got_token! :read, :'read:accounts'` (profile is not enough).
ACCOUNT_READS = ("read", "read:accounts")


def fault_error(fault: faults.Fault) -> MastodonError:
    if fault.kind == "rate_limit":
        wait = fault.retry_after if fault.retry_after is not None else 300
        reset = iso_us(time.time() + wait)
        return MastodonError(
            fault.status or 429,
            fault.message or "Too many requests",
            headers={
                "X-RateLimit-Limit": str(RATE_LIMIT),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset,
            },
        )
    if fault.kind == "token_expired":
        return MastodonError(fault.status or 401, fault.message or "The access token is invalid")
    if fault.kind == "reject":
        return MastodonError(
            fault.status or 422, fault.message or "Validation failed: Text can't be blank"
        )
    if fault.kind == "server_error":
        return MastodonError(fault.status or 503, fault.message or "Service Unavailable")
    status = fault.status or (int(fault.code) if fault.code is not None else 503)
    return MastodonError(status, fault.message or "Service Unavailable")
