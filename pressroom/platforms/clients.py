"""The client class for each platform, and the HTTP session they share for fan-out."""

from __future__ import annotations

import functools

from django.utils.module_loading import import_string

from pressroom.platforms.registry import descriptor_for
from pressroom.platforms.transport import HttpPlatformClient, make_http_client


@functools.cache
def client_class(platform: str) -> type[HttpPlatformClient]:
    loaded: type[HttpPlatformClient] = import_string(descriptor_for(platform).client)
    return loaded


__all__ = ["client_class", "make_http_client"]
