"""The Page, for the Graph API's Page endpoints in the sandbox: who is asking (the Page's
token, or a user token where Graph takes one), the Page's fields, `/me`, and `GET /{page-id}`
with a user token. PageApi is the base of the Page's other endpoints: its posts and photos in
posts.py, its webhook subscriptions in subscriptions.py (__init__.py joins them as PagesApi).

A Page token carries the permissions and tasks of the grant that produced it (grants.py);
publishing needs `pages_manage_posts`, `pages_read_engagement` and the CREATE_CONTENT task,
reading `pages_read_engagement`, subscriptions `pages_manage_metadata`.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox.grants import GrantsApi
from pressroom.platforms.facebook.sandbox.graph import (
    CATEGORY,
    CATEGORY_LIST,
    PLATFORM,
    GraphError,
    fault_error,
    grant_of,
    no_such_field,
    no_such_object,
    select,
    split_fields,
)
from pressroom.platforms.facebook.sandbox.oauth import session_expired
from pressroom.platforms.facebook.sandbox.usage import UsageLimits
from pressroom.sandbox.common import Incoming, bearer_token, read_incoming, server_root
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.endpoints import EmulatedApi, PlatformError, endpoint
from pressroom.sandbox.store import Account, SandboxStore

PAGE_FIELDS = frozenset(
    {
        "id",
        "name",
        "about",
        "access_token",
        "category",
        "category_list",
        "fan_count",
        "followers_count",
        "link",
        "username",
        "verification_status",
        "is_published",
        "tasks",
        "picture",
    }
)


class PageApi(EmulatedApi):
    """The Page and who is asking, one method each; `oauth` answers for user tokens."""

    def __init__(self, store: SandboxStore, oauth: GrantsApi) -> None:
        super().__init__(
            store,
            Gate(
                store,
                platform=PLATFORM,
                render=lambda fault, account: fault_error(fault, account.account_id).response(),
                limiter=UsageLimits(),
                # Pages throttled by a profile: code 32, page-level throttling.
                drawn={"rate_limit": {"code": 32}},
            ),
        )
        self.oauth = oauth

    def bad_body(self, message: str) -> PlatformError:
        return GraphError(100, f"(#100) {message}")

    def token_of(self, request: Request, incoming: Incoming) -> str:
        """The call's token, once its appsecret_proof (when sent) is checked."""
        token = incoming.text("access_token") or bearer_token(request)
        self.oauth.check_proof(incoming, token)
        return token

    def page_of_token(self, token: str) -> Account | None:
        """The Page a Page token opens; an expired grant's token answers 190/463."""
        account = self.store.account_by_token(PLATFORM, token)
        if account is None:
            return None
        grant = grant_of(account)
        if grant and grant.get("expires_at") and grant["expires_at"] <= time.time():
            raise session_expired(grant["expires_at"])
        return account

    def caller(
        self, request: Request, incoming: Incoming, *, refusal: GraphError | None = None
    ) -> Account:
        """The Page whose token this is; a user token gets `refusal` when given."""
        token = self.token_of(request, incoming)
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        account = self.page_of_token(token)
        if account is None:
            if refusal is not None and self.oauth.user_session(token) is not None:
                self.oauth.live_session(token)
                raise refusal
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        return account

    def page_for(
        self,
        request: Request,
        incoming: Incoming,
        page_id: str,
        *,
        refusal: GraphError | None = None,
    ) -> Account:
        """The page, when the token is that page's token (`me` is the token's page)."""
        account = self.caller(request, incoming, refusal=refusal)
        if page_id not in {account.account_id, "me"}:
            raise no_such_object(page_id, request.method.lower())
        return account

    def page_link(self, request: Request, page_id: str) -> str:
        return f"{server_root(request)}/view/{PLATFORM}/{page_id}"

    def page_fields(self, request: Request, account: Account) -> dict[str, Any]:
        extra = account.extra
        fans = int(extra.get("fan_count", 0))
        fields: dict[str, Any] = {
            "id": account.account_id,
            "name": account.name,
            "category": extra.get("category", CATEGORY),
            "category_list": CATEGORY_LIST,
            "fan_count": fans,
            "followers_count": int(extra.get("followers_count", fans)),
            "link": self.page_link(request, account.account_id),
            "verification_status": "not_verified",
            "is_published": True,
            "picture": {"data": {"is_silhouette": True, "url": "", "height": 50, "width": 50}},
        }
        if extra.get("about"):
            fields["about"] = extra["about"]
        if extra.get("username"):
            fields["username"] = extra["username"]
        return fields

    def page_answer(self, request: Request, account: Account, requested: str) -> dict[str, Any]:
        for name in split_fields(requested):
            if name not in PAGE_FIELDS:
                raise no_such_field(name, "Page")
        fields = self.page_fields(request, account)
        if "access_token" in split_fields(requested):
            fields["access_token"] = account.token
        return select(fields, requested, ("name", "id"))

    @endpoint
    async def read_me(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        token = self.token_of(request, incoming)
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        account = self.page_of_token(token)
        if account is None:
            session = self.oauth.live_session(token)

            async def person() -> Response:
                return JSONResponse(self.oauth.person(token, incoming.text("fields")))

            return await self.oauth.through_gate(session["user_id"], "me", person)

        async def handler() -> Response:
            assert account is not None
            return JSONResponse(self.page_answer(request, account, incoming.text("fields")))

        return await self.gate.run(account, operation="object", creates=False, handler=handler)

    async def page_for_user(
        self, request: Request, incoming: Incoming, session: dict[str, Any], page_id: str
    ) -> Response:
        """`GET /{page-id}` with a user token: the Page when it was granted (its token too)."""
        tasks = session["pages"].get(page_id)
        account = self.store.account(PLATFORM, page_id)
        if tasks is None or account is None:
            raise no_such_object(page_id)
        requested = incoming.text("fields")
        for name in split_fields(requested):
            if name not in PAGE_FIELDS:
                raise no_such_field(name, "Page")

        async def handler() -> Response:
            assert account is not None
            entry = self.oauth.page_entry(account, tasks, session)
            fields = {**self.page_fields(request, account), **entry}
            return JSONResponse(select(fields, requested, ("name", "id")))

        return await self.oauth.through_gate(session["user_id"], "object", handler)
