"""Scheduling: an approved post gets one delivery per chosen channel, due at its moment."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel
from pressroom.content.actions import problems_of
from pressroom.content.fingerprint import approval_holds
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM, YEARS_AHEAD, latest_date
from pressroom.core.db import insert_from_select
from pressroom.core.errors import ActionError
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability
from pressroom.publishing import wakeup
from pressroom.publishing.models import Delivery
from pressroom.publishing.results import _update_post_status

# A schedule a little in the past (the form took a minute to fill) still counts as "now".
SCHEDULE_GRACE = timedelta(minutes=2)


@transaction.atomic
def schedule_post(*, post: Post, by: User, at: datetime | None = None) -> Post:
    """Publish now (at=None) or at a time: one delivery per chosen channel.

    Not durable: confirming an emergency alert approves and schedules in one transaction.
    """
    post = Post.objects.select_for_update().get(pk=post.pk)
    if Capability.APPROVE not in capabilities_in(by, post.unit):
        raise ActionError(_("You are not allowed to do this for %(unit)s.") % {"unit": post.unit})
    if post.status != Post.Status.APPROVED:
        raise ActionError(_("Only an approved post can be scheduled."))
    if not approval_holds(post):
        raise ActionError(
            _("The post changed after it was approved; it must be approved again first.")
        )
    now = timezone.now()
    if at is not None and at < now - SCHEDULE_GRACE:
        raise ActionError(_("That time is in the past. Choose a later time or publish now."))
    if at is not None and timezone.localtime(at, VIETNAM).date() > latest_date():
        raise ActionError(
            _("A post can be scheduled at most %(years)d years ahead.") % {"years": YEARS_AHEAD}
        )
    due = max(at or now, now)
    problems = problems_of(post)
    if problems:
        raise ActionError(*problems)
    post.status = Post.Status.SCHEDULED
    post.scheduled_at = due
    post.save(update_fields=["status", "scheduled_at", "updated_at"])
    _create_deliveries(post=post, due_at=due)
    record_event(
        actor=by,
        action=Kind.POST_SCHEDULE,
        obj=post,
        unit_id=post.unit_id,
        data={"at": due.isoformat(), "now": at is None},
    )
    return post


def deadline_for(post: Post, due_at: datetime) -> datetime:
    """After this moment a delivery still not published gives up (sooner for an alert)."""
    hours = settings.DELIVERY_EMERGENCY_DEADLINE_H if post.is_emergency else None
    return due_at + timedelta(hours=hours or settings.DELIVERY_DEADLINE_H)


def _create_deliveries(*, post: Post, due_at: datetime) -> None:
    """One delivery per chosen channel, waiting (or paused, on a channel that needs
    reconnecting). The database makes them in one statement: a thousand channels are one
    INSERT … SELECT, not a thousand rows sent over. Inside the caller's transaction."""
    fields = {
        "due_at": due_at,
        "give_up_at": deadline_for(post, due_at),
        "priority": 10 if post.is_emergency else 0,
        "updated_at": timezone.now(),
    }
    # Scheduled again: the deliveries that did not go out wait for the new moment, as new.
    # One that is published, being sent or whose outcome is unknown is never touched: it
    # may be on the platform already.
    again = post.deliveries.filter(status__in=Delivery.RESCHEDULABLE)
    fresh = {
        **fields,
        "attempts": 0,
        "needs_look": False,
        "first_sent_at": None,
        "claimed_by": "",
        "lease_until": None,
        "error_code": "",
        "error_message": "",
    }
    connected = Q(channel__status=Channel.Status.CONNECTED)
    again.filter(connected).update(status=Delivery.Status.PENDING, **fresh)
    again.exclude(connected).update(status=Delivery.Status.PAUSED, **fresh)

    quote = connection.ops.quote_name
    channel = quote(Channel._meta.db_table)
    chosen = quote(Post.channels.through._meta.db_table)
    delivery = quote(Delivery._meta.db_table)
    # Table names come from the models; every value is a parameter.
    source = (
        f"FROM {channel} JOIN {chosen} AS chosen ON chosen.channel_id = {channel}.id"  # noqa: S608
        f" WHERE chosen.post_id = %s AND NOT EXISTS (SELECT 1 FROM {delivery} AS d"
        f" WHERE d.post_id = %s AND d.channel_id = {channel}.id) ORDER BY {channel}.id"
    )
    status = f"CASE WHEN {channel}.status = %s THEN %s ELSE %s END"
    insert_from_select(
        Delivery,
        Delivery(post=post, **fields),
        computed={
            "channel": (f"{channel}.id", []),
            "status": (
                status,
                [Channel.Status.CONNECTED, Delivery.Status.PENDING, Delivery.Status.PAUSED],
            ),
        },
        source=source,
        params=[post.pk, post.pk],
    )
    # Everything may have gone out already (scheduled again after it was published).
    _update_post_status(post_id=post.pk)
    wakeup.announce()
