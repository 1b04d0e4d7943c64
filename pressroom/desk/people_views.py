"""People pages for unit administrators: who has a role in their units, adding someone,
correcting a name or e-mail address, roles, deactivating, the set-password link.

Every write goes through `orgs.people` (audited); the mail through `orgs.set_password`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pressroom.core.errors import ActionError, add_to_form, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.core.text import fold
from pressroom.desk.people_forms import PersonCreateForm, PersonEditForm, PersonFilterForm, RoleForm
from pressroom.orgs import people as actions
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability, Membership, Role, Unit
from pressroom.orgs.names import full_name
from pressroom.orgs.set_password import send_set_password_link

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PEOPLE_PER_PAGE = 50


def _managed_units(request: AuthenticatedHttpRequest) -> QuerySet[Unit]:
    """The units the person administers; 403 for someone who administers none."""
    units = units_for(request.user, Capability.MANAGE)
    if not units.exists():
        raise PermissionDenied
    return units


def _get_person_for(request: AuthenticatedHttpRequest, person_id: int) -> User:
    """The person, for an administrator of a unit where they have a role; 404 otherwise."""
    _managed_units(request)
    return get_object_or_404(actions.people_managed_by(request.user), pk=person_id)


def _matching(people: QuerySet[User], text: str) -> QuerySet[User]:
    """The people whose name, username or e-mail address holds the text, with or without
    diacritics ("nguyen" finds "Nguyễn"). Compared in Python: a person administers at most a
    few thousand people, and no database here folds Vietnamese the same way."""
    wanted = fold(text)
    if not wanted:
        return people
    rows = people.values_list("pk", "last_name", "first_name", "username", "email")
    ids = [pk for pk, *fields in rows if wanted in fold(" ".join(fields))]
    return people.filter(pk__in=ids)


def _roles_prefetch(managed: QuerySet[Unit]) -> Prefetch[Any]:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(unit__in=managed)
        .select_related("unit")
        .order_by("unit__path"),
        to_attr="managed_roles",
    )


@login_required
@require_GET
def people_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    managed = _managed_units(request)
    form = PersonFilterForm(request.GET or None, units=managed)
    people = actions.people_managed_by(request.user)
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        if unit is not None:
            people = people.filter(memberships__unit__path__startswith=unit.path)
        if form.cleaned_data["q"]:
            people = _matching(people, form.cleaned_data["q"])
    people = people.order_by("last_name", "first_name", "username").prefetch_related(
        _roles_prefetch(managed)
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "desk/people/list.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    managed = _managed_units(request)
    form = PersonCreateForm(request.POST or None, units=managed)
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.create_person(by=request.user, **form.cleaned_data)
        except ActionError as error:
            add_to_form(form, error, getattr(error, "field", None))
        else:
            messages.success(
                request, _("The account of %(person)s is created.") % {"person": full_name(person)}
            )
            _send_link(request, person)
            return redirect("person_detail", person_id=person.pk)
    return render(request, "desk/people/create.html", {"form": form})


def _send_link(request: AuthenticatedHttpRequest, person: User) -> None:
    try:
        sent = send_set_password_link(user=person, by=request.user)
    except ActionError as error:
        add_to_messages(request, error)
        return
    if sent:
        messages.success(
            request,
            _("A link to choose a password was sent to %(email)s.") % {"email": person.email},
        )
    else:
        messages.warning(
            request,
            _(
                "The link to choose a password could not be sent to %(email)s: the mail server "
                "did not answer. The account is kept; send the link again later with the "
                "button below."
            )
            % {"email": person.email},
        )


def _detail(
    request: AuthenticatedHttpRequest,
    person: User,
    *,
    edit_form: PersonEditForm | None = None,
    role_form: RoleForm | None = None,
) -> HttpResponse:
    managed = units_for(request.user, Capability.MANAGE)
    roles = list(
        Membership.objects.filter(user=person, unit__in=managed)
        .select_related("unit")
        .order_by("unit__path")
    )
    other_roles = Membership.objects.filter(user=person).count() - len(roles)
    locked = actions.why_locked(request.user, person)
    if edit_form is None:
        edit_form = PersonEditForm(
            initial={
                "last_name": person.last_name,
                "first_name": person.first_name,
                "email": person.email,
            }
        )
    if role_form is None:
        role_form = RoleForm(units=managed, initial={"role": Role.VIEWER})
    return render(
        request,
        "desk/people/detail.html",
        {
            "person": person,
            "roles": roles,
            "other_roles": other_roles,
            "may_change": locked is None,
            "locked": locked,
            "is_self": person.pk == request.user.pk,
            "edit_form": edit_form,
            "role_form": role_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _get_person_for(request, person_id)
    if request.method != "POST":
        return _detail(request, person)
    form = PersonEditForm(request.POST)
    if form.is_valid():
        try:
            actions.edit_person(user=person, by=request.user, **form.cleaned_data)
        except actions.AccountFieldError as error:
            add_to_form(form, error, error.field)
        except ActionError as error:
            # Refused altogether (the page offers no form then): said at the top.
            add_to_messages(request, error)
            return redirect("person_detail", person_id=person.pk)
        else:
            messages.success(request, _("The name and e-mail address are saved."))
            return redirect("person_detail", person_id=person.pk)
    return _detail(request, person, edit_form=form)


@login_required
@require_POST
def person_set_role(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _get_person_for(request, person_id)
    form = RoleForm(request.POST, units=units_for(request.user, Capability.MANAGE))
    if form.is_valid():
        try:
            membership = actions.set_role(user=person, by=request.user, **form.cleaned_data)
        except ActionError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(person)s now has the role %(role)s in %(unit)s.")
                % {
                    "person": full_name(person),
                    "role": membership.get_role_display(),
                    "unit": membership.unit.name,
                },
            )
            return redirect("person_detail", person_id=person.pk)
    return _detail(request, person, role_form=form)


@login_required
@require_POST
def person_remove_role(
    request: AuthenticatedHttpRequest, person_id: int, membership_id: int
) -> HttpResponse:
    person = _get_person_for(request, person_id)
    membership = get_object_or_404(
        Membership.objects.select_related("unit"), pk=membership_id, user=person
    )
    try:
        actions.remove_role(membership=membership, by=request.user)
    except ActionError as error:
        add_to_messages(request, error)
    else:
        messages.success(
            request,
            _("%(person)s no longer has a role in %(unit)s.")
            % {"person": full_name(person), "unit": membership.unit.name},
        )
        if not actions.people_managed_by(request.user).filter(pk=person.pk).exists():
            # Their last role in the administrator's units: the page is no longer theirs.
            return redirect("people_list")
    return redirect("person_detail", person_id=person.pk)


@login_required
@require_POST
def person_deactivate(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _get_person_for(request, person_id)
    try:
        actions.deactivate_user(user=person, by=request.user)
    except ActionError as error:
        add_to_messages(request, error)
    else:
        messages.success(
            request, _("%(person)s can no longer sign in.") % {"person": full_name(person)}
        )
    return redirect("person_detail", person_id=person.pk)


@login_required
@require_POST
def person_reactivate(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _get_person_for(request, person_id)
    try:
        actions.reactivate_user(user=person, by=request.user)
    except ActionError as error:
        add_to_messages(request, error)
    else:
        messages.success(
            request, _("%(person)s can sign in again.") % {"person": full_name(person)}
        )
    return redirect("person_detail", person_id=person.pk)


@login_required
@require_POST
def person_send_link(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    person = _get_person_for(request, person_id)
    _send_link(request, person)
    return redirect("person_detail", person_id=person.pk)
