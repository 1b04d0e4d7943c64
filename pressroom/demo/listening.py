"""The demo listens: the emulator's apps send their webhooks to the demo's web app, signed with
the secrets the web app checks, its Pages are subscribed, its bots' webhooks are set, and the
simulated public writes at a gentle rate, so a newcomer sees comments arrive.

The secrets come from the environment when set (FACEBOOK_APP_SECRET, FACEBOOK_VERIFY_TOKEN,
ZALO_OA_SECRET_KEY: an outside sender can then sign for the demo too), else they are derived
from the demo's own secret key, the same every start.
"""

from __future__ import annotations

import logging
import os
from collections.abc import MutableMapping

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from pressroom.channels.models import Channel
from pressroom.inbox.channel_webhooks import set_up
from pressroom.platforms.connecting import Found
from pressroom.platforms.registry import DESCRIPTORS, connector_for, listener_for

logger = logging.getLogger(__name__)

# Simulated citizens' acts a minute, all platforms together.
PUBLIC_RATE = 2.0


def secret_settings() -> list[str]:
    """The settings that sign or check webhooks, as the platforms' listeners name them."""
    names: list[str] = []
    for platform, descriptor in DESCRIPTORS.items():
        if descriptor.listener:
            listener = listener_for(platform)
            names += [n for n in (listener.secret_setting, listener.verify_token_setting) if n]
            connector = connector_for(platform)
            if connector.app_settings:
                names.append(connector.app_settings[1])
    return sorted(set(names))


def demo_secrets(env: MutableMapping[str, str]) -> None:
    """Each webhook secret from the environment, or derived from the demo's key; set for this
    process and for the processes the demo starts."""
    for name in secret_settings():
        value = (
            os.environ.get(name)
            or salted_hmac(f"pressroom.demo.{name}", "webhooks", algorithm="sha256").hexdigest()[
                :32
            ]
        )
        env[name] = value
        setattr(settings, name, value)


def listen_to_sandbox(sandbox_url: str, web_url: str) -> None:
    """Point the emulator's apps at the web app, subscribe the channels, start the public."""
    sandbox_url = sandbox_url.rstrip("/")
    with httpx.Client(timeout=10, trust_env=False) as http:
        for platform in DESCRIPTORS:
            connector = connector_for(platform)
            if not connector.app_settings:
                continue
            url = web_url.rstrip("/") + reverse("webhook_app", args=[platform])
            hooks = connector.training_app_webhooks(url)
            if not hooks:
                continue
            target = connector.app_target(sandbox=True, bases={})
            http.post(
                f"{sandbox_url}/_control/apps",
                json={
                    "platform": platform,
                    "app_id": target.app_id,
                    "app_secret": target.app_secret,
                    **hooks,
                },
            ).raise_for_status()
        for channel in Channel.objects.filter(is_sandbox=True, status=Channel.Status.CONNECTED):
            found = Found(
                external_id=channel.external_id,
                name=channel.name,
                api_base=channel.api_base,
                credentials=channel.credentials,
            )
            options = connector_for(channel.platform).after_connect(found)
            if options:
                channel.options = {**channel.options, **options}
                channel.save(update_fields=["options"])
            try:
                set_up(channel)
            except Exception:
                logger.exception("Could not set up channel %s's webhook", channel.pk)
        http.put(
            f"{sandbox_url}/_control/public", json={"rate_per_minute": PUBLIC_RATE}
        ).raise_for_status()


def account_extra(channel: Channel) -> dict[str, str]:
    """What the emulator needs to know of a demo account beyond its token: the app it granted
    (whose webhooks it sends), for the platforms whose consent goes to an app."""
    connector = connector_for(channel.platform)
    if not connector.app_settings:
        return {}
    return {"app_id": connector.app_target(sandbox=True, bases={}).app_id}
