"""Plain words for a delivery's state: what happened and what to do next."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pressroom.publishing.models import Delivery

STATUS_EXPLANATIONS: dict[str, Promise] = {
    Delivery.Status.PENDING: _("Waiting for its time to go out. Nothing to do."),
    Delivery.Status.SENDING: _("Being sent to the platform right now. Nothing to do."),
    Delivery.Status.PUBLISHED: _("Published. Open the link to see it on the platform."),
    Delivery.Status.RETRY: _(
        "The platform did not accept it this time; Pressroom will try again by itself. "
        "Nothing to do unless it keeps failing."
    ),
    Delivery.Status.UNKNOWN: _(
        "The platform did not answer clearly. Pressroom checks whether the post went out "
        "before trying again, so it is never published twice. Nothing to do."
    ),
    Delivery.Status.PAUSED: _(
        "The channel needs reconnecting: ask a unit administrator. "
        "The post goes out once the channel is reconnected."
    ),
    Delivery.Status.FAILED: _(
        "The platform refused the post. Read the reason, fix the post or the channel, "
        "and publish a new version."
    ),
}

# What the platforms' error codes mean for the person who wrote the post.
_TOKEN = _(
    "The platform no longer accepts the channel's login. "
    "A unit administrator must reconnect the channel."
)
_RATE = _("The platform asked us to slow down. Pressroom waits and tries again by itself.")
_PERMISSION = _(
    "The channel's account is not allowed to post there. "
    "A unit administrator must check the account's permissions on the platform."
)
_INVALID = _(
    "The platform found something wrong in the post (text, link or image). "
    "Check this platform's version of the post."
)
_UNAVAILABLE = _("The platform was unavailable. Pressroom tries again by itself.")
_DUPLICATE = _("The platform refused the post as a duplicate of one already published.")

ERROR_EXPLANATIONS: dict[tuple[str, str], Promise] = {
    ("facebook", "190"): _TOKEN,
    ("facebook", "102"): _TOKEN,
    ("facebook", "10"): _PERMISSION,
    ("facebook", "200"): _PERMISSION,
    ("facebook", "4"): _RATE,
    ("facebook", "17"): _RATE,
    ("facebook", "32"): _RATE,
    ("facebook", "613"): _RATE,
    ("facebook", "100"): _INVALID,
    ("facebook", "368"): _(
        "Facebook blocked the post as possibly against its rules. "
        "Check the text and links, then contact the page's administrator."
    ),
    ("facebook", "506"): _DUPLICATE,
    ("facebook", "1"): _UNAVAILABLE,
    ("facebook", "2"): _UNAVAILABLE,
    ("zalo", "-216"): _TOKEN,
    ("zalo", "-124"): _TOKEN,
    ("zalo", "-201"): _TOKEN,
    ("zalo", "-14014"): _TOKEN,
    ("telegram", "401"): _TOKEN,
    ("telegram", "403"): _(
        "The bot is not an administrator of the Telegram channel any more. "
        "Ask the channel's owner to add it back with the right to post."
    ),
    ("telegram", "400"): _INVALID,
    ("telegram", "429"): _RATE,
    ("telegram", "502"): _UNAVAILABLE,
    ("mastodon", "401"): _TOKEN,
    ("mastodon", "403"): _PERMISSION,
    ("mastodon", "422"): _INVALID,
    ("mastodon", "429"): _RATE,
    ("mastodon", "503"): _UNAVAILABLE,
    ("zalo", "-100"): _UNAVAILABLE,
    ("zalo", "-32"): _RATE,
    ("zalo", "-210"): _INVALID,
}

GENERIC_ERROR_EXPLANATIONS: dict[str, Promise] = {
    "internal": _(
        "Something went wrong inside Pressroom while sending. "
        "It is checked before any new attempt; tell your administrator if it stays."
    ),
    "timeout": _UNAVAILABLE,
    "network": _UNAVAILABLE,
    "rate_limited": _RATE,
    "credentials_expired": _TOKEN,
    "invalid": _INVALID,
    "duplicate": _DUPLICATE,
    "deadline": _(
        "It could not be published before its deadline, so Pressroom stopped trying. "
        "Check the channel and the platform's status, then publish a new version."
    ),
    "too_many_attempts": _(
        "The platform kept failing, so Pressroom stopped trying. "
        "Check the channel and the platform's status, then publish a new version."
    ),
    "lease_expired": _(
        "The sending process stopped while sending. Pressroom checks on the platform "
        "whether the post went out before sending it again."
    ),
    "token_refreshing": _RATE,
}


def explain_status(delivery: Delivery) -> str:
    return str(STATUS_EXPLANATIONS.get(delivery.status, ""))


def explain_error(delivery: Delivery) -> str:
    """What the error code means, in plain words; empty when there is no error."""
    if not delivery.error_code:
        return ""
    code = delivery.error_code.strip()
    explanation = ERROR_EXPLANATIONS.get((delivery.channel.platform, code))
    if explanation is None:
        explanation = GENERIC_ERROR_EXPLANATIONS.get(code.lower())
    if explanation is None:
        return str(_("The platform answered with error %(code)s.") % {"code": code})
    return str(explanation)
