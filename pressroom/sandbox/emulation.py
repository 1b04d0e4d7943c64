"""What a platform's emulation gives the sandbox: its routes, where they live, how it looks.

The sandbox knows no platform: each one's folder (pressroom/platforms/<name>/sandbox.py)
describes its emulation with an `Emulation`, and the platform registry hands them to the
server (see `pressroom.sandbox.server.build_app`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from starlette.routing import BaseRoute

if TYPE_CHECKING:
    from pressroom.sandbox.store import Account, Item, SandboxStore

Routes = Callable[["SandboxStore"], list[BaseRoute]]


@dataclass(frozen=True)
class Citizen:
    """A simulated member of the public: an id shaped like the platform's own for a person
    (a Page-scoped id, a Zalo user id, a Telegram user id, a Mastodon account) and a name."""

    id: str
    name: str


class Public(Protocol):
    """What simulated citizens can do on one platform's emulation (see sandbox/public.py).

    Each action records what happened in the store as the platform would show it through its
    read endpoints (the ones Pressroom polls), and queues the webhooks the platform would send
    (`store.webhooks.queue`), signed as the platform signs them, to where the platform would
    send them (an app's callback URL, a bot's webhook). An action the platform does not have
    answers None.
    """

    def posts(self, account: Account) -> list[Item]:
        """The account's posts citizens may comment on, newest first."""
        ...

    def comments(self, post: Item) -> list[Item]:
        """The comments under a post, oldest first (citizens reply to each other and to the
        page)."""
        ...

    def comment(
        self, post: Item, citizen: Citizen, text: str, reply_to: Item | None = None
    ) -> Item | None: ...

    def message(self, account: Account, citizen: Citizen, text: str) -> Item | None: ...

    def react(self, target: Item, citizen: Citizen, reaction: str) -> None: ...

    def citizen(self, account: Account, number: int) -> Citizen:
        """The platform's id for the simulated person numbered `number`, stable per account."""
        ...


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
    # What simulated citizens can do there, made once per store; None when nothing.
    public: Callable[[SandboxStore], Public] | None = None
