"""Writing a unit's response targets and working hours; the units below it inherit them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.inbox.models import ResponsePolicy
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Unit

# A target longer than a quarter of working time is no target.
MAX_TARGET_HOURS = 2000.0


def _require_manage(user: Any, unit: Unit) -> None:
    if Capability.MANAGE not in capabilities_in(user, unit):
        raise ActionError(
            _("Only an administrator of %(unit)s may change its response targets.") % {"unit": unit}
        )


def check_targets(
    *,
    first_response_hours: float,
    resolution_hours: float,
    day_starts: time,
    day_ends: time,
    weekdays: Iterable[int],
) -> list[int]:
    """The working days, sorted; an ActionError with every problem otherwise."""
    days = sorted(set(weekdays))
    problems = []
    if not 0 < first_response_hours <= MAX_TARGET_HOURS:
        problems.append(
            _("The first answer target must be more than zero and at most %(max)d working hours.")
            % {"max": MAX_TARGET_HOURS}
        )
    if not 0 < resolution_hours <= MAX_TARGET_HOURS:
        problems.append(
            _("The closing target must be more than zero and at most %(max)d working hours.")
            % {"max": MAX_TARGET_HOURS}
        )
    elif resolution_hours < first_response_hours:
        problems.append(_("A conversation cannot be closed sooner than it is first answered."))
    if day_ends <= day_starts:
        problems.append(_("The working day must end after it starts."))
    if not days or any(day not in range(1, 8) for day in days):
        problems.append(_("Choose at least one working day."))
    if problems:
        raise ActionError(*problems)
    return days


@transaction.atomic
def set_response_policy(
    *,
    by: User,
    unit: Unit,
    first_response_hours: float,
    resolution_hours: float,
    day_starts: time,
    day_ends: time,
    weekdays: Iterable[int],
    replies_need_approval: bool = False,
) -> ResponsePolicy:
    """Give the unit its own targets and hours (the units below it without their own follow)."""
    _require_manage(by, unit)
    days = check_targets(
        first_response_hours=first_response_hours,
        resolution_hours=resolution_hours,
        day_starts=day_starts,
        day_ends=day_ends,
        weekdays=weekdays,
    )
    policy, _created = ResponsePolicy.objects.update_or_create(
        unit=unit,
        defaults={
            "first_response_hours": first_response_hours,
            "resolution_hours": resolution_hours,
            "day_starts": day_starts,
            "day_ends": day_ends,
            "weekdays": days,
            "replies_need_approval": replies_need_approval,
        },
    )
    record_event(
        actor=by,
        action=Kind.INBOX_POLICY_SET,
        obj=policy,
        unit_id=unit.pk,
        data={
            "first_response_hours": first_response_hours,
            "resolution_hours": resolution_hours,
            "day_starts": day_starts.strftime("%H:%M"),
            "day_ends": day_ends.strftime("%H:%M"),
            "weekdays": days,
            "replies_need_approval": replies_need_approval,
        },
    )
    return policy


@transaction.atomic
def inherit_response_policy(*, by: User, unit: Unit) -> None:
    """Remove the unit's own targets: it follows the nearest unit above it again."""
    _require_manage(by, unit)
    deleted, _rows = ResponsePolicy.objects.filter(unit=unit).delete()
    if deleted:
        record_event(
            actor=by,
            action=Kind.INBOX_POLICY_SET,
            unit_id=unit.pk,
            data={"inherited": True},
        )
