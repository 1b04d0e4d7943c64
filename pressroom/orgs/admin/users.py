"""People in the admin: deactivated through the audited action, never deleted.

Deleting an account would take its name off the posts and events it made; the "deactivate"
action stops the person from signing in instead, and "reactivate" lets them back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.core.errors import ActionError
from pressroom.orgs.people import deactivate_user, reactivate_user

User = get_user_model()


class PersonAdmin(UserAdmin):  # type: ignore[type-arg]  # generic only in the stubs
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff")
    actions = ("deactivate", "reactivate")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Whether someone may sign in changes through the actions (audited), not a checkbox.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "is_active") if obj is not None else readonly

    def _each(self, request: HttpRequest, queryset: QuerySet[Any], action: Any, done: str) -> None:
        for person in queryset.order_by("username"):
            try:
                action(user=person, by=request.user)
            except ActionError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, done % {"person": person.get_username()})

    @admin.action(description=gettext_lazy("Deactivate the selected people"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(request, queryset, deactivate_user, _("%(person)s can no longer sign in."))

    @admin.action(description=gettext_lazy("Reactivate the selected people"))
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._each(request, queryset, reactivate_user, _("%(person)s can sign in again."))


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PersonAdmin)
