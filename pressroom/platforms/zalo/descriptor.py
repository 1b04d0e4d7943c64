"""Zalo Official Accounts: what Pressroom knows about the platform."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pressroom.platforms import explanations as words
from pressroom.platforms.base import CredentialField, Descriptor, TitleStyle
from pressroom.platforms.zalo.limits import LIMITS

DESCRIPTOR = Descriptor(
    name="zalo",
    label="Zalo",
    channel_label=_("Zalo Official Account"),
    credentials=(
        CredentialField("access_token", _("Access token")),
        CredentialField("refresh_token", _("Refresh token"), renews=True),
    ),
    limits=LIMITS,
    title=TitleStyle.FIELD,
    client="pressroom.platforms.zalo.client.Client",
    connector="pressroom.platforms.zalo.connect.CONNECTOR",
    can_look=True,
    resend_safe=False,
    credentials_refresh=_(
        "The access token lasts 25 hours; Pressroom renews it with the refresh token, "
        "which lasts three months and can be used once."
    ),
    error_explanations={
        "-216": words.TOKEN,
        "-124": words.TOKEN,
        "-201": words.TOKEN,
        "-14014": words.TOKEN,
        "-100": words.UNAVAILABLE,
        "-32": words.RATE,
        "-210": words.INVALID,
        "-230": _(
            "Zalo lets the Official Account answer only a person who wrote to it in the past "
            "7 days. The answer cannot be sent until the person writes again."
        ),
        "-211": _(
            "The Official Account's proactive messages for this month are used up: Zalo "
            "counts a 9th reply, or any reply after 48 hours, as one. Answer after the "
            "person writes again."
        ),
    },
    sandbox_path="/zalo",
    emulation="pressroom.platforms.zalo.sandbox",
    listener="pressroom.platforms.zalo.inbound.LISTENER",
    sandbox_account_id="42{number:016d}",
)
