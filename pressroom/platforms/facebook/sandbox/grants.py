"""What a Facebook Login token is and what it was granted, for the sandbox: `debug_token`
(a user or Page token's app, type, scopes and expiry), `/me/accounts` (the Pages granted, each
with its Page token: handing one out writes the grant onto the Page's account, see oauth.py),
`/me/permissions` (granted and declined; DELETE ends the person's user tokens for the app) and
a user token's `/me`.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox.graph import (
    CATEGORY,
    CATEGORY_LIST,
    PLATFORM,
    GraphError,
    decode_cursor,
    encode_cursor,
    grant_of,
    limit_of,
    next_url,
    no_such_field,
    page_scopes,
    page_tasks,
    select,
    split_fields,
)
from pressroom.platforms.facebook.sandbox.oauth import USER_TOKENS, TokensApi, session_expired
from pressroom.sandbox.common import bearer_token, read_incoming
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account

DEFAULT_ACCOUNT_FIELDS = ("access_token", "category", "category_list", "name", "id", "tasks")


class GrantsApi(TokensApi):
    """What a token is, and the person's Pages and permissions, one method each."""

    # What a token is

    @endpoint
    async def debug_token(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        token = incoming.text("access_token") or bearer_token(request)
        if not token:
            raise GraphError(104, "An access token is required to request this resource.")
        app = self.app_of_token(token)

        async def handler() -> Response:
            input_token = incoming.text("input_token")
            if not input_token:
                raise GraphError(100, "(#100) The parameter input_token is required")
            return JSONResponse({"data": self.token_facts(input_token, app)})

        return await self.through_gate(app["app_id"], "debug_token", handler)

    def app_name(self, app_id: str) -> str:
        app = self.store.app(PLATFORM, app_id) or {}
        return str(app.get("name") or f"App {app_id}")

    def token_facts(self, token: str, app: dict[str, Any]) -> dict[str, Any]:
        session = self.user_session(token)
        if session is not None:
            facts: dict[str, Any] = {
                "app_id": session["app_id"],
                "type": "USER",
                "application": self.app_name(session["app_id"]),
                "data_access_expires_at": session["data_access_expires_at"],
                "expires_at": session["expires_at"],
                "is_valid": session["expires_at"] > time.time(),
                "issued_at": session["issued_at"],
                "scopes": session["scopes"],
                "granular_scopes": granular(session["scopes"], list(session["pages"])),
                "user_id": session["user_id"],
            }
            if not facts["is_valid"]:
                expired = session_expired(session["expires_at"])
                facts["error"] = {"code": 190, "message": expired.message, "subcode": 463}
            return facts
        account = self.store.account_by_token(PLATFORM, token)
        if account is not None:
            grant = grant_of(account) or {}
            expires_at = int(grant.get("expires_at", 0))
            scopes = page_scopes(account)
            facts = {
                "app_id": grant.get("app_id", app["app_id"]),
                "type": "PAGE",
                "application": self.app_name(grant.get("app_id", app["app_id"])),
                "data_access_expires_at": grant.get("data_access_expires_at", 0),
                "expires_at": expires_at,
                "is_valid": not expires_at or expires_at > time.time(),
                "issued_at": grant.get("issued_at", int(account.created_at)),
                "profile_id": account.account_id,
                "scopes": scopes,
                "granular_scopes": granular(scopes, [account.account_id]),
                "user_id": grant.get("user_id", account.account_id),
            }
            if not facts["is_valid"]:
                expired = session_expired(expires_at)
                facts["error"] = {"code": 190, "message": expired.message, "subcode": 463}
            return facts
        return {
            "error": {"code": 190, "message": "Invalid OAuth access token."},
            "is_valid": False,
            "scopes": [],
        }

    # The person's Pages and permissions

    @endpoint
    async def accounts(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        token = incoming.text("access_token") or bearer_token(request)
        self.check_proof(incoming, token)
        if self.store.account_by_token(PLATFORM, token) is not None:
            raise no_such_field("accounts", "Page")
        session = self.live_session(token)

        async def handler() -> Response:
            limit = limit_of(incoming.text("limit"))
            granted = [
                (account, tasks)
                for page_id, tasks in session["pages"].items()
                if (account := self.store.account(PLATFORM, page_id)) is not None
            ]
            start = 0
            after = incoming.text("after")
            if after:
                ids = [account.account_id for account, _ in granted]
                at = decode_cursor(after)
                start = ids.index(at) + 1 if at in ids else len(ids)
            shown = granted[start : start + limit]
            data = [
                select(
                    self.page_entry(account, tasks, session),
                    incoming.text("fields"),
                    DEFAULT_ACCOUNT_FIELDS,
                )
                for account, tasks in shown
            ]
            body: dict[str, Any] = {"data": data}
            if shown:
                cursors = {
                    "before": encode_cursor(shown[0][0].account_id),
                    "after": encode_cursor(shown[-1][0].account_id),
                }
                body["paging"] = {"cursors": cursors}
                if start + limit < len(granted):
                    body["paging"]["next"] = next_url(request, cursors["after"])
            return JSONResponse(body)

        return await self.through_gate(session["user_id"], "accounts", handler)

    def page_entry(
        self, account: Account, tasks: list[str], session: dict[str, Any]
    ) -> dict[str, Any]:
        """The Page as /me/accounts lists it; handing its token out writes the grant on it."""
        grant = {
            "app_id": session["app_id"],
            "user_id": session["user_id"],
            "scopes": [scope for scope in session["scopes"] if scope != "public_profile"],
            "tasks": tasks,
            "issued_at": int(time.time()),
            "expires_at": 0 if session["long_lived"] else session["expires_at"],
            "data_access_expires_at": session["data_access_expires_at"],
        }
        if grant_of(account) != grant:
            account = self.store.save_account(
                platform=PLATFORM,
                account_id=account.account_id,
                token=account.token,
                name=account.name,
                extra={**account.extra, "grant": grant},
            )
        return {
            "access_token": account.token,
            "category": account.extra.get("category", CATEGORY),
            "category_list": CATEGORY_LIST,
            "name": account.name,
            "id": account.account_id,
            "tasks": page_tasks(account),
        }

    @endpoint
    async def permissions(self, request: Request) -> Response:
        incoming = await read_incoming(request)
        token = incoming.text("access_token") or bearer_token(request)
        self.check_proof(incoming, token)
        if self.store.account_by_token(PLATFORM, token) is not None:
            raise no_such_field("permissions", "Page")
        session = self.live_session(token)

        async def handler() -> Response:
            if request.method == "DELETE":
                for other, kept in self.store.records(USER_TOKENS).items():
                    if (kept["user_id"], kept["app_id"]) == (session["user_id"], session["app_id"]):
                        self.store.drop_record(USER_TOKENS, other)
                return JSONResponse({"success": True})
            data = [{"permission": scope, "status": "granted"} for scope in session["scopes"]]
            data += [{"permission": scope, "status": "declined"} for scope in session["declined"]]
            return JSONResponse({"data": data})

        return await self.through_gate(session["user_id"], "permissions", handler)

    def person(self, token: str, fields: str) -> dict[str, Any]:
        """`GET /me` with a user token."""
        session = self.live_session(token)
        known = {"id": session["user_id"], "name": session["name"]}
        for name in split_fields(fields):
            if name not in known:
                raise no_such_field(name, "User")
        return select(known, fields, ("name", "id"))


def granular(scopes: list[str], page_ids: list[str]) -> list[dict[str, Any]]:
    """Page permissions name the Pages they hold on; the others hold everywhere."""
    result: list[dict[str, Any]] = []
    for scope in scopes:
        if scope.startswith("pages_") or scope in {"read_insights", "publish_video"}:
            result.append({"scope": scope, "target_ids": page_ids})
        elif scope != "public_profile":
            result.append({"scope": scope})
    return result
