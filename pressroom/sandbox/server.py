"""The sandbox as one ASGI app: the four platforms' APIs, the ledger, the viewer, the controls."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount

from pressroom.platforms.facebook import sandbox as facebook
from pressroom.platforms.mastodon import sandbox as mastodon
from pressroom.platforms.telegram import sandbox as telegram
from pressroom.platforms.zalo import sandbox as zalo
from pressroom.sandbox import control, viewer
from pressroom.sandbox.store import SandboxStore

# Where a client's api_base points, under the sandbox's address.
PLATFORM_PATHS = {
    "facebook": "/facebook/v24.0",
    "zalo": "/zalo",
    "telegram": "/telegram",
    "mastodon": "/mastodon",
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
            Mount(PLATFORM_PATHS["telegram"], routes=telegram.routes(store)),
            Mount(PLATFORM_PATHS["mastodon"], routes=mastodon.routes(store)),
            *control.routes(store),
            *viewer.routes(store),
        ],
        lifespan=lifespan,
    )
    app.state.store = store
    return app
