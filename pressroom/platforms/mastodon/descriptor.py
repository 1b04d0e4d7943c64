"""Mastodon accounts: what Pressroom knows about the platform."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pressroom.platforms import explanations as words
from pressroom.platforms.base import CredentialField, Descriptor, TitleStyle
from pressroom.platforms.mastodon.limits import LIMITS

DESCRIPTOR = Descriptor(
    name="mastodon",
    label="Mastodon",
    channel_label=_("Mastodon account"),
    credentials=(CredentialField("access_token", _("Access token")),),
    limits=LIMITS,
    title=TitleStyle.FIRST_LINE,
    client="pressroom.platforms.mastodon.client.Client",
    connector="pressroom.platforms.mastodon.connect.CONNECTOR",
    can_look=False,
    # The Idempotency-Key: the same key within an hour returns the original status.
    resend_safe=True,
    error_explanations={
        "401": words.TOKEN,
        "403": words.PERMISSION,
        "422": words.INVALID,
        "429": words.RATE,
        "503": words.UNAVAILABLE,
    },
    sandbox_path="/mastodon",
    emulation="pressroom.platforms.mastodon.sandbox",
    listener="pressroom.platforms.mastodon.inbound.LISTENER",
    link_card=True,
)
