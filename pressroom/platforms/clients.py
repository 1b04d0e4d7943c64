"""The client class for each platform, and the HTTP session they share for fan-out."""

from __future__ import annotations

from pressroom.platforms.facebook.client import Client as FacebookClient
from pressroom.platforms.mastodon.client import Client as MastodonClient
from pressroom.platforms.telegram.client import Client as TelegramClient
from pressroom.platforms.transport import HttpPlatformClient, make_http_client
from pressroom.platforms.zalo.client import Client as ZaloClient

_CLIENTS: dict[str, type[HttpPlatformClient]] = {
    "facebook": FacebookClient,
    "zalo": ZaloClient,
    "telegram": TelegramClient,
    "mastodon": MastodonClient,
}


def client_class(platform: str) -> type[HttpPlatformClient]:
    try:
        return _CLIENTS[platform]
    except KeyError:
        raise ValueError(f"Unknown platform: {platform!r}") from None


__all__ = ["client_class", "make_http_client"]
