"""A person's answer after looking for a post on a channel nobody can ask (Telegram)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability
from pressroom.publishing import wakeup
from pressroom.publishing.models import Delivery
from pressroom.publishing.results import _update_post_status


@transaction.atomic(durable=True)
def record_look(*, delivery: Delivery, by: User, found: bool, link: str = "") -> Delivery:
    """Someone who may approve the post looked on the channel: the post is there
    (published) or it is not (sent again). Only a delivery waiting for a person changes."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("post__unit", "channel")
        .get(pk=delivery.pk)
    )
    if Capability.APPROVE not in capabilities_in(by, delivery.post.unit):
        raise ActionError(_("Only an approver of the post's unit can say what is on the channel."))
    if delivery.status != Delivery.Status.WAITING_FOR_PERSON:
        return delivery
    now = timezone.now()
    if found:
        delivery.status = Delivery.Status.PUBLISHED
        delivery.published_at = now
        delivery.permalink = link[:500]
    else:
        delivery.status = Delivery.Status.RETRY
        delivery.due_at = now
        wakeup.announce()
    delivery.needs_look = False
    delivery.save()
    record_event(
        actor=by,
        action=Kind.DELIVERY_SETTLED,
        obj=delivery,
        unit_id=delivery.channel.unit_id,
        data={"published": found},
    )
    _update_post_status(post_id=delivery.post_id)
    return delivery
