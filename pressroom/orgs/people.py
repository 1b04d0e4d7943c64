"""People: their accounts, their roles in units.

Unit administrators add people (`create_person`: an account with no password, a role, a link
by e-mail to choose the password, see `orgs.set_password`) and correct their names and
e-mail addresses (`edit_person`). Roles are given and taken through `set_role` /
`remove_role` (audited). People leave by
being deactivated, never deleted: their name stays on what they did. A deactivated person
cannot sign in, and a session they had open ends at its next request (Django's backend
refuses inactive accounts). Reactivating gives back the same account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.core.text import nfc
from pressroom.orgs.access import AnyUser, capabilities_in, units_for
from pressroom.orgs.models import Capability, Membership, Role, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def why_locked(by: AnyUser, person: User) -> str | None:
    """None if `by` may change the person's name, e-mail address or whether they sign in;
    else why not: "superuser" or "staff" (only a superuser changes those accounts),
    "other_units" (a role in a unit `by` does not administer), "signed_out"."""
    if getattr(by, "is_superuser", False):
        return None
    if not getattr(by, "is_authenticated", False):
        return "signed_out"
    if person.is_superuser:
        return "superuser"
    if person.is_staff:
        return "staff"
    units = list(Unit.objects.filter(memberships__user=person))
    if not units or any(Capability.MANAGE not in capabilities_in(by, unit) for unit in units):
        return "other_units"
    return None


def _require_may_change(by: AnyUser, person: User) -> None:
    """A superuser, or an administrator of every unit where the person has a role."""
    if why_locked(by, person) is not None:
        raise ActionError(
            _("You are not allowed to change the account of %(person)s.")
            % {"person": person.get_username()}
        )


def may_change_account(by: AnyUser, person: User) -> bool:
    """Whether `by` may change the person's name, e-mail address or whether they sign in."""
    return why_locked(by, person) is None


def people_managed_by(by: AnyUser) -> QuerySet[User]:
    """The people with a role on a unit `by` manages (or one below it)."""
    units = units_for(by, Capability.MANAGE)
    return get_user_model().objects.filter(memberships__unit__in=units).distinct()


class AccountFieldError(ActionError):
    """An ActionError about one field of an account (the form shows it next to the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _clean_email(email: str, *, person: User | None = None) -> str:
    email = get_user_model().objects.normalize_email(nfc(email).strip())
    if not email:
        raise AccountFieldError("email", _("Give the person's e-mail address."))
    try:
        validate_email(email)
    except ValidationError:
        raise AccountFieldError("email", _("Enter a valid e-mail address.")) from None
    # Two active accounts with one address: the set-password link would reach both people.
    taken = get_user_model().objects.filter(is_active=True, email__iexact=email)
    if person is not None:
        taken = taken.exclude(pk=person.pk)
    if taken.exists():
        raise AccountFieldError(
            "email",
            _("Another active account already has the e-mail address %(email)s.")
            % {"email": email},
        )
    return email


@transaction.atomic(durable=True)
def create_person(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    unit: Unit,
    role: str,
    by: AnyUser,
) -> User:
    """Add someone with a role in a unit `by` manages; audited. The account has no password:
    the person chooses one through the link `orgs.set_password` sends them."""
    _require_manage(by, unit)
    users = get_user_model().objects
    username = users.model.normalize_username(nfc(username).strip())
    if not username:
        raise AccountFieldError("username", _("Choose a username."))
    if users.filter(username__iexact=username).exists():
        raise AccountFieldError(
            "username", _("The username %(username)s is taken.") % {"username": username}
        )
    email = _clean_email(email)
    person = users.model(
        username=username,
        first_name=nfc(first_name).strip(),
        last_name=nfc(last_name).strip(),
        email=email,
    )
    person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise AccountFieldError(
            "username", _("The username %(username)s is taken.") % {"username": username}
        ) from None
    record_event(
        actor=by,
        action=Kind.USER_CREATE,
        obj=person,
        unit_id=unit.pk,
        data={
            "username": username,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": email,
            "unit": unit.pk,
            "role": role,
        },
    )
    set_role(user=person, unit=unit, role=role, by=by)
    return person


@transaction.atomic(durable=True)
def edit_person(*, user: User, first_name: str, last_name: str, email: str, by: AnyUser) -> User:
    """Correct someone's name or e-mail address; audited with what changed. The person doing
    it administers every unit where the person has a role."""
    person = get_user_model().objects.select_for_update().get(pk=user.pk)
    _require_may_change(by, person)
    wanted = {
        "first_name": nfc(first_name).strip(),
        "last_name": nfc(last_name).strip(),
        "email": _clean_email(email, person=person),
    }
    changes = {
        field: {"before": getattr(person, field), "after": value}
        for field, value in wanted.items()
        if getattr(person, field) != value
    }
    if not changes:
        return person
    for field, value in wanted.items():
        setattr(person, field, value)
    person.save(update_fields=list(changes))
    record_event(
        actor=by,
        action=Kind.USER_EDIT,
        obj=person,
        data={"username": person.get_username(), **changes},
    )
    return person


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
