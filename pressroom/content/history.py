"""A post's history, read from the audit chain and told in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.orgs.names import full_name
from pressroom.publishing.models import Delivery

# Labels the automatic parts of Pressroom write as the actor of an event.
SYSTEM_ACTORS = frozenset({"", "system", "dispatcher", "reaper", "worker"})


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    what: str


def _describe(event: AuditEvent, channels: dict[int, str]) -> str:
    data = event.data or {}
    channel = channels.get(int(data.get("channel") or 0), "")
    match event.action:
        case "post.create":
            return _("Created the draft")
        case "post.edit":
            return _("Edited the draft")
        case "post.submit":
            return _("Sent it for review")
        case "post.approve":
            return _("Approved it")
        case "post.withdraw":
            return _("Withdrew it from review to change it")
        case "post.reject":
            return _("Sent it back: %(reason)s") % {"reason": data.get("reason", "")}
        case "post.link_preview":
            return _("Fetched the link preview again")
        case "post.schedule" if data.get("now"):
            return _("Published it now")
        case "post.schedule":
            at = data.get("at")
            when = (
                formats.date_format(
                    timezone.localtime(datetime.fromisoformat(at)), "SHORT_DATETIME_FORMAT"
                )
                if at
                else ""
            )
            return _("Scheduled it for %(when)s") % {"when": when}
    if event.action.startswith("delivery."):
        status = event.action.removeprefix("delivery.")
        label = Delivery.Status(status).label if status in Delivery.Status.values else status
        return _("%(channel)s: %(status)s") % {"channel": channel, "status": label}
    return event.action


def _who(event: AuditEvent) -> str:
    """The person's full name, as the page names them; the name of the time if the account
    is gone; Pressroom itself for its automatic parts."""
    if event.actor is not None:
        return full_name(event.actor)
    if event.actor_label in SYSTEM_ACTORS:
        return _("Pressroom (automatic)")
    return event.actor_label


def history_of(post: Post) -> list[HistoryEntry]:
    """The post's own events and those of its deliveries, oldest first."""
    delivery_ids = [str(pk) for pk in post.deliveries.values_list("pk", flat=True)]
    events = (
        AuditEvent.objects.filter(
            Q(object_type="content.post", object_id=str(post.pk))
            | Q(object_type="publishing.delivery", object_id__in=delivery_ids)
        )
        .select_related("actor")
        .order_by("id")
    )
    channel_names = dict(
        Channel.objects.filter(deliveries__post=post).values_list("pk", "name").distinct()
    )
    return [
        HistoryEntry(
            at=event.created_at,
            who=_who(event),
            what=_describe(event, channel_names),
        )
        for event in events
    ]
