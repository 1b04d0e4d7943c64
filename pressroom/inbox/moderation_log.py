"""The moderation log: every hide, unhide and delete on a unit's channels, and its export.

It lists actions, never the people whose comments they were about: there is no view by author.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.inbox.models import ModerationAction
from pressroom.orgs.models import Unit


def moderation_log(root: Unit, start: datetime, end: datetime) -> QuerySet[ModerationAction]:
    """The actions on the channels of the root and every unit below it, in [start, end)."""
    return (
        ModerationAction.objects.filter(
            channel__unit__path__startswith=root.path, at__gte=start, at__lt=end
        )
        .select_related("channel", "channel__unit", "actor")
        .order_by("-at", "-id")
    )


def who_did(action: ModerationAction) -> str:
    if action.outside:
        return _("outside Pressroom")
    if action.actor is None:
        return _("Pressroom")
    name = f"{action.actor.last_name} {action.actor.first_name}".strip()
    return name or action.actor.get_username()


def header() -> list[str]:
    return [
        _("When"),
        _("Unit"),
        _("Channel"),
        _("Platform"),
        _("Action"),
        _("Reason"),
        _("Explanation"),
        _("Who"),
        _("Result"),
        _("Error"),
    ]


def row_of(action: ModerationAction) -> list[str]:
    return [
        timezone.localtime(action.at).isoformat(timespec="seconds"),
        action.channel.unit.name,
        action.channel.name,
        action.channel.get_platform_display(),
        action.get_action_display(),
        action.get_reason_display() if action.reason else "",
        action.explanation,
        who_did(action),
        action.get_state_display(),
        action.error,
    ]


@transaction.atomic
def export_moderation_log(
    *, by: User, root: Unit, start: datetime, end: datetime
) -> tuple[list[str], list[Sequence[str]]]:
    """The log's rows for a file, recorded in the audit chain as an export."""
    rows: list[Sequence[str]] = [row_of(action) for action in moderation_log(root, start, end)]
    record_event(
        actor=by,
        action=Kind.MODERATION_LOG_EXPORT,
        unit_id=root.pk,
        data={"from": start.isoformat(), "to": end.isoformat(), "rows": len(rows)},
    )
    return header(), rows
