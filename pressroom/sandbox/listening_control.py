"""The sandbox's controls for what the public does and what the platforms send back.

- `GET /_control/webhooks` (`?platform=`): every webhook delivery, oldest first
- `POST /_control/webhooks/flush` `{"platform"?: str, "due_only"?: bool}`: try every pending
  delivery now (only those due when `due_only`), answer when done with those tried
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.sandbox.control import changing
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


def routes(store: SandboxStore) -> list[BaseRoute]:
    return WebhookControls(store).routes()
