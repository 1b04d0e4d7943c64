"""An app's webhook subscriptions, for the Graph API in the sandbox:
`POST|GET|DELETE /{app-id}/subscriptions` with the app's token (`{app-id}|{app-secret}`).

`POST` takes `object=page`, `callback_url`, `fields` and `verify_token`, and, as Facebook does,
first calls the callback: `GET callback_url?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`
must answer 200 with the challenge as its body, or the subscription is refused (2200, 2201).
Fields add to those already subscribed; `DELETE` with `fields` takes some away, without, the
whole subscription. Only Page webhooks are emulated (`object=page`).
"""

from __future__ import annotations

import re
import secrets

import aiohttp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox.graph import GraphError, no_such_object
from pressroom.platforms.facebook.sandbox.hooks import APP_SUBSCRIPTIONS
from pressroom.platforms.facebook.sandbox.oauth import TokensApi
from pressroom.platforms.facebook.sandbox.subscriptions import field_list
from pressroom.sandbox.common import Incoming, bearer_token, read_incoming
from pressroom.sandbox.endpoints import endpoint

HANDSHAKE_TIMEOUT_S = 10.0
VERSION = re.compile(r"/(v\d+\.\d+)/")
URL = re.compile(r"^https?://[^/\s]+(/\S*)?$")


class AppSubscriptionsApi(TokensApi):
    """The app's subscriptions to webhooks, one method for the edge."""

    @endpoint
    async def app_subscriptions(self, request: Request) -> Response:
        app_id = request.path_params["app_id"]
        incoming = await read_incoming(request)
        token = incoming.text("access_token") or bearer_token(request)
        if "|" not in token:
            raise GraphError(15, "(#15) This method must be called with an app access_token.")
        app = self.app_of_token(token)
        if app["app_id"] != app_id:
            raise no_such_object(app_id, request.method.lower())
        key = f"{app_id}:page"

        async def handler() -> Response:
            kept = self.store.record(APP_SUBSCRIPTIONS, key)
            if request.method == "GET":
                return JSONResponse({"data": [shown(kept)] if kept else []})
            check_object(incoming, required=request.method == "POST")
            if request.method == "DELETE":
                if kept is not None and incoming.get("fields") not in {None, ""}:
                    removed = set(field_list(incoming.get("fields"), "fields"))
                    left = [field for field in kept["fields"] if field not in removed]
                    self.store.put_record(APP_SUBSCRIPTIONS, key, {**kept, "fields": left})
                else:
                    self.store.drop_record(APP_SUBSCRIPTIONS, key)
                return JSONResponse({"success": True})
            callback = incoming.text("callback_url")
            if not URL.match(callback):
                raise GraphError(100, "(#100) Param callback_url must be a valid URL")
            fields = field_list(incoming.get("fields"), "fields")
            verify_token = incoming.text("verify_token")
            await handshake(callback, verify_token)
            earlier = kept["fields"] if kept else []
            version = VERSION.search(request.url.path)
            self.store.put_record(
                APP_SUBSCRIPTIONS,
                key,
                {
                    "object": "page",
                    "callback_url": callback,
                    "fields": [*earlier, *(field for field in fields if field not in earlier)],
                    "verify_token": verify_token,
                    "version": version.group(1) if version else "",
                },
            )
            return JSONResponse({"success": True})

        return await self.through_gate(app_id, "subscriptions", handler)


def check_object(incoming: Incoming, *, required: bool) -> None:
    value = incoming.text("object")
    if not value and not required:
        return
    if not value:
        raise GraphError(100, "(#100) The parameter object is required")
    if value != "page":
        raise GraphError(
            100, f"(#100) Only Page webhooks (object page) are emulated, not {value[:40]}"
        )


def shown(kept: dict[str, object]) -> dict[str, object]:
    fields = kept.get("fields")
    version = kept.get("version") or ""
    return {
        "object": "page",
        "callback_url": kept["callback_url"],
        "active": True,
        "fields": [
            {"name": field, "version": version}
            for field in (fields if isinstance(fields, list) else [])
        ],
    }


async def handshake(callback: str, verify_token: str) -> None:
    """Facebook's check of a callback: it must echo the challenge."""
    challenge = str(secrets.randbelow(9 * 10**8) + 10**8)
    params = {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token}
    limits = aiohttp.ClientTimeout(total=HANDSHAKE_TIMEOUT_S)
    failed = "(#2200) Callback verification failed with the following errors: "
    try:
        async with (
            aiohttp.ClientSession(timeout=limits, trust_env=False) as session,
            session.get(callback, params=params, allow_redirects=False) as answer,
        ):
            status, reason = answer.status, answer.reason or ""
            text = await answer.text(errors="replace")
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        raise GraphError(
            2200, f"{failed}curl_errno = 7; curl_error = Couldn't connect to server"
        ) from error
    if status != 200:
        raise GraphError(2200, f"{failed}HTTP Status Code = {status}; HTTP Message = {reason}")
    if text.strip() != challenge:
        raise GraphError(
            2201,
            f'(#2201) response does not match challenge, expected value="{challenge}", '
            f'received="{text.strip()[:100]}"',
        )
