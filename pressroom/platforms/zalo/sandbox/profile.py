"""The OA's own endpoints, emulated: its profile (`GET v2.0/oa/getoa`) and its followers
(`GET v3.0/oa/user/getlist`, `data` JSON in the query string, `count` at most 50). What getoa
answers comes from the account's settings (see the package's notes), else a verified state
agency's OA. Fault operations: `oa/getoa`, `user/getlist`.

The followers (getoa's `num_follower`, getlist's `total`, the same number): the account's
`followers` setting on the day it was registered, growing day by day from then
(pressroom.sandbox.audience), with the simulated public's follows and unfollows added.
With the account setting `getoa_followers: false`, getoa leaves `num_follower` out (some
answers integrators quote have no such field: UNCONFIRMED)."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.zalo.sandbox.articles import (
    BAD_PARAMETER,
    MAX_FOLLOWERS_PAGE,
    ZaloError,
    fault_error,
    official_account,
    success,
)
from pressroom.platforms.zalo.sandbox.citizens import follower_id
from pressroom.platforms.zalo.sandbox.oauth import STATE_AGENCY
from pressroom.sandbox import audience
from pressroom.sandbox.common import loads_json, read_incoming
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, SandboxStore

PLATFORM = "zalo"
# getoa's cate_name when the account's settings give none, by OA type (see oauth.py).
CATEGORIES = {3: "Cơ quan nhà nước", 2: "Doanh nghiệp", 1: "Nhà sáng tạo nội dung"}
# The simulated public's follows less its unfollows, per OA.
FOLLOWS = "zalo:follows"


def follower_count(store: SandboxStore, account: Account) -> int:
    """The OA's followers now (see the module's notes)."""
    net = int((store.record(FOLLOWS, account.account_id) or {}).get("net") or 0)
    return audience.followers(
        f"{PLATFORM}:{account.account_id}",
        base=int(account.extra.get("followers") or 0),
        created_at=account.created_at,
        now=time.time(),
        net=net,
    )


def count_follow(store: SandboxStore, account: Account, *, follows: bool) -> None:
    """A citizen followed the OA (or unfollowed it): one more follower (or one fewer)."""
    net = int((store.record(FOLLOWS, account.account_id) or {}).get("net") or 0)
    store.put_record(FOLLOWS, account.account_id, {"net": net + (1 if follows else -1)})


class ProfileApi(EmulatedApi):
    def __init__(self, store: SandboxStore) -> None:
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault).response(),
            ),
        )

    def bad_body(self, message: str) -> PlatformError:
        return ZaloError(BAD_PARAMETER, message)

    def official_account(self, request: Request) -> Account:
        return official_account(self.store, request)

    @endpoint
    async def official_account_info(self, request: Request) -> Response:
        """getoa: the OA's profile, from its settings (account extra) or the sandbox's defaults."""
        account = self.official_account(request)

        async def handler() -> Response:
            return success(oa_profile(account, follower_count(self.store, account)))

        return await self.guarded(account, "oa/getoa", handler)

    @endpoint
    async def list_followers(self, request: Request) -> Response:
        """user/getlist: `data` is JSON in the query string, `count` at most 50."""
        account = self.official_account(request)
        incoming = await read_incoming(request)

        async def handler() -> Response:
            query = loads_json(incoming.text("data") or "{}")
            if not isinstance(query, dict):
                raise ZaloError(BAD_PARAMETER, "data must be a JSON object")
            try:
                offset = int(query.get("offset", 0))
                count = int(query.get("count", 20))
            except (TypeError, ValueError) as error:
                raise ZaloError(BAD_PARAMETER, "offset and count must be numbers") from error
            if offset < 0 or not 1 <= count <= MAX_FOLLOWERS_PAGE:
                raise ZaloError(BAD_PARAMETER, f"count must be 1 to {MAX_FOLLOWERS_PAGE}")
            followers = follower_count(self.store, account)
            # Only followers in the sandbox: nobody who wrote to the OA without following it.
            total = followers if str(query.get("is_follower", "true")).lower() == "true" else 0
            numbers = range(offset, min(total, offset + count))
            users = [{"user_id": follower_id(account.account_id, n)} for n in numbers]
            return success({"total": total, "count": len(users), "offset": offset, "users": users})

        return await self.guarded(account, "user/getlist", handler)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/v2.0/oa/getoa", self.official_account_info, methods=["GET"]),
            Route("/v3.0/oa/user/getlist", self.list_followers, methods=["GET"]),
        ]


def oa_profile(account: Account, followers: int) -> dict[str, Any]:
    """getoa's `data`: what the account's settings say, else a verified state agency's OA."""
    extra = account.extra
    oa_type = extra.get("oa_type", STATE_AGENCY)
    profile: dict[str, Any] = {
        "oa_id": account.account_id,
        "name": account.name,
        "description": str(extra.get("description") or ""),
        "oa_alias": str(extra.get("oa_alias") or ""),
        "is_verified": bool(extra.get("is_verified", True)),
        "oa_type": oa_type,
        "cate_name": str(extra.get("cate_name") or CATEGORIES.get(oa_type, "")),
        "num_follower": followers,
        "avatar": str(extra.get("avatar") or ""),
        "cover": str(extra.get("cover") or ""),
        "package_name": str(extra.get("package_name") or "Gói Nâng cao"),
        "package_valid_through_date": str(
            extra.get("package_valid_through_date")
            or time.strftime("%d/%m/%Y", time.gmtime(account.created_at + 365 * 86400))
        ),
    }
    if extra.get("getoa_followers", True) in (False, "false", "0", 0):
        del profile["num_follower"]
    return profile
