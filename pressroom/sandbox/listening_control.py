"""The sandbox's controls for what the public does and what the platforms send back.

- `GET /_control/webhooks` (`?platform=`): every webhook delivery, oldest first
- `POST /_control/webhooks/flush` `{"platform"?: str, "due_only"?: bool}`: try every pending
  delivery now (only those due when `due_only`), answer when done with those tried
- `GET /_control/public`, `PUT /_control/public` `{"rate_per_minute": float, "seed": int,
  "actions": {"comment"|"reply"|"react"|"message": weight}}` (any of them): the simulated
  public's settings (public.py)
- `POST /_control/public/act` `{"platform", "account_id", "action": "comment"|"reply"|
  "react"|"message", "text"?, "post_id"?, "comment_id"?, "citizen"?: int, "reaction"?}`:
  one citizen acts now; the answer names what was made (remote ids) and the webhooks queued
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.sandbox.control import changing
from pressroom.sandbox.public import PublicDriver, Refused
from pressroom.sandbox.store import SandboxStore


async def json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValueError("The body must be a JSON object")
    return body


def refused(message: str, status_code: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code)


class WebhookControls:
    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    async def listing(self, request: Request) -> Response:
        platform = request.query_params.get("platform") or None
        return JSONResponse(self.store.webhooks.deliveries(platform))

    async def flush(self, request: Request) -> Response:
        try:
            body = await json_object(request)
        except ValueError as error:
            return refused(str(error))
        platform = body.get("platform")
        due_only = body.get("due_only", False)
        if platform is not None and platform not in self.store.platforms:
            return refused(f"platform must be one of {sorted(self.store.platforms)}")
        if not isinstance(due_only, bool):
            return refused("due_only must be true or false")
        tried = await self.store.webhooks.flush(platform=platform, due_only=due_only)
        delivered = sum(1 for delivery in tried if delivery["state"] == "delivered")
        return JSONResponse({"tried": len(tried), "delivered": delivered, "deliveries": tried})

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/_control/webhooks", self.listing, methods=["GET"]),
            Route("/_control/webhooks/flush", changing(self.flush), methods=["POST"]),
        ]


ACT_FIELDS = frozenset(
    {"platform", "account_id", "action", "text", "post_id", "comment_id", "citizen", "reaction"}
)
OPTIONAL_TEXTS = ("text", "post_id", "comment_id", "reaction")


class PublicControls:
    def __init__(self, driver: PublicDriver) -> None:
        self.driver = driver

    def shown(self) -> dict[str, Any]:
        return {
            **self.driver.settings.as_dict(),
            "platforms": sorted(self.driver.publics),
            "acted": self.driver.acted,
        }

    async def settings(self, request: Request) -> Response:
        return JSONResponse(self.shown())

    async def configure(self, request: Request) -> Response:
        try:
            self.driver.configure(await json_object(request))
        except ValueError as error:
            return refused(str(error))
        return JSONResponse(self.shown())

    async def act(self, request: Request) -> Response:
        try:
            body = await json_object(request)
            unknown = set(body) - ACT_FIELDS
            if unknown:
                raise Refused(f"unknown fields: {sorted(unknown)}")
            platform, account_id, action = (
                body.get("platform"),
                body.get("account_id"),
                body.get("action"),
            )
            if not all(
                isinstance(value, str) and value for value in (platform, account_id, action)
            ):
                raise Refused("needed: platform, account_id and action (strings)")
            texts = {name: body.get(name) for name in OPTIONAL_TEXTS}
            if any(value is not None and not isinstance(value, str) for value in texts.values()):
                raise Refused(f"{', '.join(OPTIONAL_TEXTS)} must be strings when given")
            citizen = body.get("citizen")
            if citizen is not None and (isinstance(citizen, bool) or not isinstance(citizen, int)):
                raise Refused("citizen must be an integer from 1")
            done = self.driver.act(
                str(platform), str(account_id), str(action), citizen=citizen, **texts
            )
        except ValueError as error:
            return refused(str(error))
        return JSONResponse(done.as_dict(), status_code=201)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/_control/public", self.settings, methods=["GET"]),
            Route("/_control/public", changing(self.configure), methods=["PUT"]),
            Route("/_control/public/act", changing(self.act), methods=["POST"]),
        ]


def routes(store: SandboxStore, public: PublicDriver) -> list[BaseRoute]:
    return [*WebhookControls(store).routes(), *PublicControls(public).routes()]
