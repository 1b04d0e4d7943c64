"""The sandbox as one ASGI app: the four platforms' APIs, the ledger, the viewer, the controls."""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from pressroom.platforms.facebook import sandbox as facebook
from pressroom.platforms.mastodon import sandbox as mastodon
from pressroom.platforms.telegram import sandbox as telegram
from pressroom.platforms.zalo import sandbox as zalo
from pressroom.sandbox import control, viewer
from pressroom.sandbox.common import StampArrival
from pressroom.sandbox.store import SandboxStore

# Where a client's api_base points, under the sandbox's address.
PLATFORM_PATHS = {
    "facebook": "/facebook/v24.0",
    "zalo": "/zalo",
    "telegram": "/telegram",
    "mastodon": "/mastodon",
}


def uvicorn_options() -> dict[str, Any]:
    """How uvicorn serves the sandbox: a thousand connections at once, nothing logged per call.

    httptools parses HTTP several times faster than h11 when it is installed.
    """
    return {
        "http": "httptools" if importlib.util.find_spec("httptools") else "h11",
        "log_level": "warning",
        "access_log": False,
        "backlog": 2048,
        "limit_concurrency": None,
        "timeout_keep_alive": 30,
    }


def default_state_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "sandbox"


def build_app(state_dir: Path | str | None = None) -> Starlette:
    store = SandboxStore(Path(state_dir) if state_dir is not None else default_state_dir())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    app = Starlette(
        routes=[
            Mount(PLATFORM_PATHS["facebook"], routes=facebook.routes(store)),
            Mount(PLATFORM_PATHS["zalo"], routes=zalo.routes(store)),
            Mount("/zalo-oauth", routes=zalo.oauth_routes(store)),
            Mount(PLATFORM_PATHS["telegram"], routes=telegram.routes(store)),
            Mount(PLATFORM_PATHS["mastodon"], routes=mastodon.routes(store)),
            *control.routes(store),
            *viewer.routes(store),
        ],
        middleware=[Middleware(StampArrival)],
        lifespan=lifespan,
    )
    app.state.store = store
    return app
