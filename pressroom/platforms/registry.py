"""The platforms Pressroom publishes to: one line each, naming the platform's folder."""

from __future__ import annotations

import importlib
from typing import Any, cast

from django.db import models
from django.utils.module_loading import import_string

from pressroom.platforms.base import Descriptor
from pressroom.platforms.connecting import Connector
from pressroom.platforms.inbound import Listener

PACKAGES = (
    "pressroom.platforms.facebook",
    "pressroom.platforms.zalo",
    "pressroom.platforms.telegram",
    "pressroom.platforms.mastodon",
)

DESCRIPTORS: dict[str, Descriptor] = {
    descriptor.name: descriptor
    for descriptor in (
        importlib.import_module(f"{package}.descriptor").DESCRIPTOR for package in PACKAGES
    )
}


def descriptor_for(platform: str) -> Descriptor:
    try:
        return DESCRIPTORS[platform]
    except KeyError:
        raise ValueError(f"Unknown platform: {platform!r}") from None


def connector_for(platform: str) -> Connector:
    connector: Connector = import_string(descriptor_for(platform).connector)
    return connector


def listener_for(platform: str) -> Listener:
    path = descriptor_for(platform).listener
    if not path:
        raise ValueError(f"{platform} has no inbound side")
    listener: Listener = import_string(path)
    return listener


def _choices() -> type[models.TextChoices]:
    """The model field's choices: the platform's name, shown as what a channel on it is."""
    members: Any = [(name.upper(), (name, d.channel_label)) for name, d in DESCRIPTORS.items()]
    choices: Any = models.TextChoices("Platform", members)
    return cast(type[models.TextChoices], choices)


Platform = _choices()
