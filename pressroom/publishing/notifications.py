"""Telling people what happened to their posts and channels (e-mail; console in the demo)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.core.language import stored_language
from pressroom.core.notifications import notify, one_line
from pressroom.orgs.models import Membership, Role
from pressroom.publishing.models import Delivery

logger = logging.getLogger(__name__)


def _send(subject: str, body: str, recipients: list[str]) -> None:
    """A mail server that is down must not stop publishing; it is logged, not raised."""
    try:
        send_mail(subject, body, None, recipients)
    except (OSError, smtplib.SMTPException):
        logger.warning("could not send %r to %d recipients", subject, len(recipients))


def notify_post_finished(*, post: Post) -> None:
    """The author hears when every delivery of their post has finished, and how."""
    author = post.author
    path = reverse("post_detail", args=[post.pk])
    # The author reads it in the language they chose for the pages.
    with translation.override(stored_language(author)):
        link = settings.SITE_URL.rstrip("/") + path
        # A subject is one line whatever the title holds (a line break would make it fail).
        subject = one_line(
            _("“%(title)s”: %(status)s")
            % {"title": post.title, "status": post.get_status_display()},
            200,
        )
        body = _("The deliveries of your post have finished. Details: %(link)s") % {"link": link}
    notify(users=[author], kind="post_finished", text=subject, link=path, unit_id=post.unit_id)
    if author.email:
        _send(subject, body, [author.email])
    notify_units_reached(post=post)


def notify_units_reached(*, post: Post) -> None:
    """A post of a unit above (the province's, an alert) that went out on a unit's own
    channels: that unit's people hear it, in the app, with a link to their channel (they may
    not open a post of the unit above)."""
    published = (
        Delivery.objects.filter(post=post, status=Delivery.Status.PUBLISHED)
        .exclude(channel__unit_id=post.unit_id)
        .select_related("channel", "channel__unit")
    )
    for delivery in published:
        channel = delivery.channel
        users = (
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__unit_id=channel.unit_id,
                memberships__role__in=[Role.EDITOR, Role.APPROVER, Role.ADMIN],
            )
            .exclude(pk=post.author_id)
        )
        with translation.override(settings.LANGUAGE_CODE):
            text = _("“%(title)s” from %(unit)s went out on your channel %(channel)s.") % {
                "title": post.title,
                "unit": post.unit.name,
                "channel": channel.name,
            }
        link = reverse("channel_detail", args=[channel.pk]) + f"?post={post.pk}"
        notify(
            users=users.distinct(),
            kind="post_reached",
            text=text,
            link=link,
            unit_id=channel.unit_id,
        )


def notify_channel_needs_reconnect(*, channel: Channel) -> None:
    """The unit's editors and administrators (on it or above it) hear that a channel stopped:
    in the app, and by e-mail when they have an address."""
    user_ids = set(
        Membership.objects.filter(
            unit_id__in=channel.unit.ancestor_ids(), role__in=[Role.ADMIN, Role.EDITOR]
        ).values_list("user_id", flat=True)
    )
    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))
    if not users:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Channel %(channel)s needs reconnecting") % {"channel": channel.name}
        body = _(
            "Posts to %(channel)s are paused because the platform no longer accepts its "
            "credentials. A unit administrator should reconnect it; paused posts then go out."
        ) % {"channel": channel.name}
    link = reverse("channel_detail", args=[channel.pk])
    notify(users=users, kind="channel_paused", text=subject, link=link, unit_id=channel.unit_id)
    emails = [user.email for user in users if user.email]
    if emails:
        _send(subject, body, emails)
