"""People: their roles in units, and their accounts.

Roles are given and taken through `set_role` / `remove_role` (audited). People leave by
being deactivated, never deleted: their name stays on what they did. A deactivated person
cannot sign in, and a session they had open ends at its next request (Django's backend
refuses inactive accounts). Reactivating gives back the same account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.orgs.access import AnyUser, capabilities_in
from pressroom.orgs.models import Capability, Membership, Role, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _require_may_change(by: AnyUser, person: User) -> None:
    """A superuser, or an administrator of every unit where the person has a role."""
    if getattr(by, "is_superuser", False):
        return
    refused = ActionError(
        _("You are not allowed to change the account of %(person)s.")
        % {"person": person.get_username()}
    )
    if not getattr(by, "is_authenticated", False) or person.is_superuser or person.is_staff:
        raise refused
    units = list(Unit.objects.filter(memberships__user=person))
    if not units or any(Capability.MANAGE not in capabilities_in(by, unit) for unit in units):
        raise refused


def _set_active(*, person: User, by: AnyUser, active: bool) -> User:
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    _require_may_change(by, person)
    if person.pk == getattr(by, "pk", None):
        raise ActionError(_("You cannot deactivate or reactivate your own account."))
    if person.is_active == active:
        raise ActionError(
            (
                _("%(person)s is already active.")
                if active
                else _("%(person)s is already deactivated.")
            )
            % {"person": person.get_username()}
        )
    person.is_active = active
    person.save(update_fields=["is_active"])
    record_event(
        actor=by,
        action=Kind.USER_REACTIVATE if active else Kind.USER_DEACTIVATE,
        obj=person,
        data={
            "username": person.get_username(),
            "is_active": {"before": not active, "after": active},
        },
    )
    return person


@transaction.atomic(durable=True)
def deactivate_user(*, user: User, by: AnyUser) -> User:
    """Stop someone from signing in (they left, or their account is compromised); audited."""
    return _set_active(person=user, by=by, active=False)


@transaction.atomic(durable=True)
def reactivate_user(*, user: User, by: AnyUser) -> User:
    """Let a deactivated person sign in again; audited."""
    return _set_active(person=user, by=by, active=True)


def _require_manage(by: AnyUser, unit: Unit) -> None:
    if getattr(by, "is_superuser", False):
        return
    if Capability.MANAGE not in capabilities_in(by, unit):
        raise ActionError(_("You are not allowed to do this for %(unit)s.") % {"unit": unit})


def _role_event(*, by: AnyUser, action: str, membership: Membership, before: str | None) -> None:
    after = membership.role if action == Kind.MEMBERSHIP_SET else None
    record_event(
        actor=by,
        action=action,
        obj=membership,
        unit_id=membership.unit_id,
        data={
            "user": membership.user_id,
            "username": membership.user.get_username(),
            "role": {"before": before, "after": after},
        },
    )


@transaction.atomic
def set_role(*, user: User, unit: Unit, role: str, by: AnyUser) -> Membership:
    """Give someone a role in a unit, or change the one they have there; audited.

    The person doing it manages the unit. A role holds for every unit below it too.
    """
    unit = Unit.objects.get(pk=unit.pk)
    _require_manage(by, unit)
    if not unit.is_active:
        raise ActionError(
            _("%(unit)s was merged into another unit and can no longer change.") % {"unit": unit}
        )
    if role not in Role.values:
        raise ActionError(_("Choose a role."))
    membership = Membership.objects.select_for_update().filter(
        user=user, unit=unit
    ).first() or Membership(user=user, unit=unit, role="")
    before = membership.role or None
    if before == role:
        return membership
    membership.role = role
    membership.save()
    _role_event(by=by, action=Kind.MEMBERSHIP_SET, membership=membership, before=before)
    return membership


@transaction.atomic
def remove_role(*, membership: Membership, by: AnyUser) -> None:
    """Take away someone's role in a unit; audited. The person doing it manages the unit."""
    membership = Membership.objects.select_related("unit", "user").get(pk=membership.pk)
    _require_manage(by, membership.unit)
    _role_event(by=by, action=Kind.MEMBERSHIP_REMOVE, membership=membership, before=membership.role)
    membership.delete()
