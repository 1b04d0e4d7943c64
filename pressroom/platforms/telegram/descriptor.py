"""Telegram channels (Bot API): what Pressroom knows about the platform."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pressroom.platforms import explanations as words
from pressroom.platforms.base import CredentialField, Descriptor, TitleStyle
from pressroom.platforms.telegram.limits import LIMITS

DESCRIPTOR = Descriptor(
    name="telegram",
    label="Telegram",
    channel_label=_("Telegram channel"),
    credentials=(CredentialField("bot_token", _("Bot token")),),
    limits=LIMITS,
    title=TitleStyle.BOLD_FIRST_LINE,
    client="pressroom.platforms.telegram.client.Client",
    connector="pressroom.platforms.telegram.connect.CONNECTOR",
    # A bot cannot read its channel's history, and the Bot API drops no duplicate.
    can_look=False,
    resend_safe=False,
    error_explanations={
        "401": words.TOKEN,
        "403": _(
            "The bot is not an administrator of the Telegram channel any more. "
            "Ask the channel's owner to add it back with the right to post."
        ),
        "400": words.INVALID,
        "429": words.RATE,
        "502": words.UNAVAILABLE,
    },
    sandbox_path="/telegram",
    emulation="pressroom.platforms.telegram.sandbox",
    listener="pressroom.platforms.telegram.inbound.LISTENER",
    sandbox_account_id="@{name}",
    link_card=True,
    images_above_text=True,
)
