"""The client class for each platform, and the HTTP client they share for fan-out."""

from __future__ import annotations

import httpx
from httpx_aiohttp import HttpxAiohttpClient

from pressroom.platforms.facebook.client import Client as FacebookClient
from pressroom.platforms.mastodon.client import Client as MastodonClient
from pressroom.platforms.telegram.client import Client as TelegramClient
from pressroom.platforms.transport import HttpPlatformClient
from pressroom.platforms.zalo.client import Client as ZaloClient

_CLIENTS: dict[str, type[HttpPlatformClient]] = {
    "facebook": FacebookClient,
    "zalo": ZaloClient,
    "telegram": TelegramClient,
    "mastodon": MastodonClient,
}

# A thousand deliveries at once: enough connections for all of them, kept briefly.
MAX_CONNECTIONS = 2000
KEEPALIVE_S = 4.0


def client_class(platform: str) -> type[HttpPlatformClient]:
    try:
        return _CLIENTS[platform]
    except KeyError:
        raise ValueError(f"Unknown platform: {platform!r}") from None


def make_http_client() -> httpx.AsyncClient:
    """One AsyncClient on aiohttp for every delivery; use it as `async with make_http_client()`.

    Keep-alive stays under the common 5 s server idle timeout so a pooled connection is not
    closed by the server just as a post goes out on it (which would make the outcome unknown).
    """
    limits = httpx.Limits(
        max_connections=MAX_CONNECTIONS,
        max_keepalive_connections=MAX_CONNECTIONS,
        keepalive_expiry=KEEPALIVE_S,
    )
    # HttpxAiohttpClient puts aiohttp under proxied routes too (HTTPS_PROXY from the environment).
    return HttpxAiohttpClient(limits=limits, follow_redirects=False)
