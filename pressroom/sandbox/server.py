"""The sandbox as one ASGI app: the platforms' emulated APIs, the ledger, the viewer, the
controls. The emulations come from the platform registry (`EMULATIONS`, a dotted path so
this package imports no platform)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from django.utils.module_loading import import_string
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from pressroom.sandbox import control, listening_control, viewer
from pressroom.sandbox.common import StampArrival
from pressroom.sandbox.emulation import Emulation
from pressroom.sandbox.public import PublicDriver
from pressroom.sandbox.store import SandboxStore

# A function answering every platform's emulation, in the registry's order.
EMULATIONS = "pressroom.platforms.emulations.emulations"


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


def registered_emulations() -> list[Emulation]:
    found: list[Emulation] = import_string(EMULATIONS)()
    return found


def build_app(
    state_dir: Path | str | None = None,
    emulations: Sequence[Emulation] | None = None,
    *,
    public_rate: float = 0.0,
    public_seed: int = 0,
) -> Starlette:
    """The sandbox over the state in `state_dir`; its simulated public acts `public_rate`
    times a minute (0: not at all), in the order `public_seed` gives."""
    emulations = registered_emulations() if emulations is None else list(emulations)
    store = SandboxStore(
        Path(state_dir) if state_dir is not None else default_state_dir(),
        platforms=[emulation.platform for emulation in emulations],
    )
    public = PublicDriver(store, emulations, rate_per_minute=public_rate, seed=public_seed)
    mounts = [
        Mount(path, routes=routes(store))
        for emulation in emulations
        for path, routes in ((emulation.path, emulation.routes), *emulation.mounts.items())
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = [
            asyncio.create_task(store.webhooks.run(), name="sandbox-webhooks"),
            asyncio.create_task(public.run(), name="sandbox-public"),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            store.close()

    app = Starlette(
        routes=[
            *mounts,
            *control.routes(store),
            *listening_control.routes(store, public),
            *viewer.routes(
                store,
                {emulation.platform: emulation.look for emulation in emulations},
                public.publics,
            ),
        ],
        middleware=[Middleware(StampArrival)],
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.emulations = emulations
    app.state.public = public
    return app
