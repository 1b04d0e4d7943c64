"""ASGI entry point (uvicorn).

The webhook addresses (`/webhooks/…`) are served by Django without its middleware: they are
called by the platforms' servers, not by people, and need no session, CSRF token, sign-in,
messages, language or page headers. Django runs most middleware hooks in a thread for every
request, which capped webhook intake near a hundred requests a second on two cores; without
them the same views take several times that (see docs/DESIGN.md, "Webhook intake"). Everything
else goes through the full stack.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Any

from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressroom.settings")

MACHINE_PREFIX = "/webhooks/"


class MachineHandler(ASGIHandler):
    """Django's handler with no middleware: URL routing, views and error pages only.

    Nor a thread of its own per request: Django's request signals and the few synchronous steps
    of a webhook (a channel's secret) share the process's one synchronous thread, instead of
    starting a thread for every delivery.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []  # type: ignore[var-annotated]
        self._template_response_middleware = []  # type: ignore[var-annotated]
        self._exception_middleware = []  # type: ignore[var-annotated]
        get_response = self._get_response_async if is_async else self._get_response  # type: ignore[attr-defined]
        self._middleware_chain = convert_exception_to_response(get_response)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Only HTTP is served here, not {scope['type']}")
        await self.handle(scope, receive, send)


pages = get_asgi_application()
machines = MachineHandler()


async def application(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"].startswith(MACHINE_PREFIX):
        await machines(dict(scope), receive, send)
    else:
        await pages(dict(scope), receive, send)
