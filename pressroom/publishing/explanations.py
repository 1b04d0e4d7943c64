"""Plain words for a delivery's state: what happened and what to do next."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pressroom.platforms import explanations as words
from pressroom.platforms.registry import DESCRIPTORS
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
        "The platform did not answer clearly. Pressroom looks for the post on the platform "
        "before trying again, so it is never published twice. Nothing to do."
    ),
    Delivery.Status.WAITING_FOR_PERSON: _(
        "The platform did not confirm the send and cannot be asked whether the post is there. "
        "Look at the channel and say on the post's page whether it is there; until then it is "
        "not sent again."
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

# Words shared with the platforms, whose descriptors explain their own error codes.
_TOKEN, _RATE, _INVALID = words.TOKEN, words.RATE, words.INVALID
_UNAVAILABLE, _DUPLICATE = words.UNAVAILABLE, words.DUPLICATE

GENERIC_ERROR_EXPLANATIONS: dict[str, Promise] = {
    "internal": _(
        "Something went wrong inside Pressroom while sending. "
        "The post is looked for before any new attempt; tell your administrator if it stays."
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
        "The sending process stopped while sending. Pressroom looks for the post on the "
        "platform before sending it again."
    ),
    "token_refreshing": _RATE,
}


# A waiting delivery whose time has come (published now, or a schedule just reached).
DUE_NOW = _("In the queue: it goes out within moments. Nothing to do.")
# Claimed by a dispatcher that is about to send it.
CLAIMED = _("About to be sent to the platform. Nothing to do.")


def explain_status(delivery: Delivery, *, now: datetime | None = None) -> str:
    """The state in words that agree with the time: a delivery due already is not said to
    wait for its time."""
    if delivery.status == Delivery.Status.PENDING and delivery.due_at <= (now or timezone.now()):
        return str(DUE_NOW)
    if delivery.status == Delivery.Status.CLAIMED:
        return str(CLAIMED)
    return str(STATUS_EXPLANATIONS.get(delivery.status, ""))


def explain_error(delivery: Delivery) -> str:
    """What the error code means, in plain words; empty when there is no error."""
    if not delivery.error_code:
        return ""
    code = delivery.error_code.strip()
    descriptor = DESCRIPTORS.get(delivery.channel.platform)
    explanation = descriptor.error_explanations.get(code) if descriptor else None
    if explanation is None:
        explanation = GENERIC_ERROR_EXPLANATIONS.get(code.lower())
    if explanation is None:
        return str(_("The platform answered with error %(code)s.") % {"code": code})
    return str(explanation)
