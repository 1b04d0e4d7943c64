"""What a platform's emulation gives the sandbox: its routes, where they live, how it looks.

The sandbox knows no platform: each one's folder (pressroom/platforms/<name>/sandbox.py)
describes its emulation with an `Emulation`, and the platform registry hands them to the
server (see `pressroom.sandbox.server.build_app`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

if TYPE_CHECKING:
    from pressroom.sandbox.store import SandboxStore

Routes = Callable[["SandboxStore"], list[BaseRoute]]


@dataclass(frozen=True)
class Look:
    """How the viewer shows the platform's feeds."""

    brand: str
    accent: str = "#3b4a5a"
    background: str = "#f3f4f6"
    # What one of its objects is called, in Vietnamese and English.
    item: str = "Bài viết (Post)"
    dark: bool = False


@dataclass(frozen=True)
class Emulation:
    platform: str
    # Where a client's api_base points under the sandbox's address.
    path: str
    routes: Routes
    look: Look
    # Other paths it serves (Zalo's OAuth server), each with its routes.
    mounts: Mapping[str, Routes] = field(default_factory=dict)
