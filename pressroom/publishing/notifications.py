"""Telling people what happened to their posts and channels (e-mail; console in the demo)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.orgs.models import Membership, Role


def notify_post_finished(*, post: Post) -> None:
    """The author hears when every delivery of their post has finished, and how."""
    author = post.author
    if not author.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL.rstrip("/") + reverse("post_detail", args=[post.pk])
        subject = _("“%(title)s”: %(status)s") % {
            "title": post.title,
            "status": post.get_status_display(),
        }
        body = _("The deliveries of your post have finished. Details: %(link)s") % {"link": link}
    send_mail(subject, body, None, [author.email], fail_silently=True)


def notify_channel_needs_reconnect(*, channel: Channel) -> None:
    """The unit's editors and administrators (on it or above it) hear that a channel stopped."""
    user_ids = Membership.objects.filter(
        unit_id__in=channel.unit.ancestor_ids(), role__in=[Role.ADMIN, Role.EDITOR]
    ).values_list("user_id", flat=True)
    emails = [
        email
        for email in get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .values_list("email", flat=True)
        if email
    ]
    if not emails:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Channel %(channel)s needs reconnecting") % {"channel": channel.name}
        body = _(
            "Posts to %(channel)s are paused because the platform no longer accepts its "
            "credentials. A unit administrator should reconnect it; paused posts then go out."
        ) % {"channel": channel.name}
    send_mail(subject, body, None, emails, fail_silently=True)
