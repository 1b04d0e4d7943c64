"""Facebook Pages: what Pressroom knows about the platform."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pressroom.platforms import explanations as words
from pressroom.platforms.base import CredentialField, Descriptor, TitleStyle
from pressroom.platforms.facebook.limits import LIMITS

DESCRIPTOR = Descriptor(
    name="facebook",
    label="Facebook",
    channel_label=_("Facebook Page"),
    credentials=(CredentialField("page_token", _("Page access token")),),
    limits=LIMITS,
    title=TitleStyle.FIRST_LINE,
    client="pressroom.platforms.facebook.client.Client",
    connector="pressroom.platforms.facebook.connect.CONNECTOR",
    can_look=True,
    resend_safe=False,
    error_explanations={
        "190": words.TOKEN,
        "102": words.TOKEN,
        "10": words.PERMISSION,
        "200": words.PERMISSION,
        "4": words.RATE,
        "17": words.RATE,
        "32": words.RATE,
        "613": words.RATE,
        "100": words.INVALID,
        "368": _(
            "Facebook blocked the post as possibly against its rules. "
            "Check the text and links, then contact the page's administrator."
        ),
        "506": words.DUPLICATE,
        "1": words.UNAVAILABLE,
        "2": words.UNAVAILABLE,
        "230": words.PERMISSION,
        "10900": _("A private reply was already sent for this comment: Facebook allows one."),
        "10903": _(
            "Facebook allows no private reply to this comment: it is more than 7 days old, or "
            "it is the Page's own."
        ),
        "551": _("This person is not receiving messages from the Page right now."),
    },
    sandbox_path="/facebook/v24.0",
    emulation="pressroom.platforms.facebook.sandbox",
    listener="pressroom.platforms.facebook.inbound.LISTENER",
    sandbox_account_id="10{number:013d}",
    link_has_own_field=True,
    link_card=True,
)
