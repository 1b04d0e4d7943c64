"""Admin for the unit tree and memberships.

A unit's parent is chosen when it is created; afterwards it changes only through the
"move" and "merge" actions, which call `move_unit` / `merge_units` (the whole subtree
follows, the person's rights are checked, the change is audited).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.core.errors import ActionError
from pressroom.orgs.actions import merge_units, move_unit
from pressroom.orgs.models import Membership, Unit
from pressroom.orgs.people import remove_role, set_role


def _active(unit: Unit | None) -> Unit | None:
    if unit is not None and not unit.is_active:
        raise forms.ValidationError(
            _("%(unit)s was merged into another unit and can no longer change.") % {"unit": unit}
        )
    return unit


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ("user", "unit", "role")

    def clean_unit(self) -> Unit | None:
        return _active(self.cleaned_data.get("unit"))


class MembershipInline(admin.TabularInline[Membership, Unit]):
    model = Membership
    form = MembershipForm
    extra = 1
    autocomplete_fields = ("user",)

    def has_add_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return (obj is None or obj.is_active) and super().has_add_permission(request, obj)


class UnitForm(forms.ModelForm[Unit]):
    class Meta:
        model = Unit
        fields = ("parent", "name", "slug", "kind")

    def clean_parent(self) -> Unit | None:
        return _active(self.cleaned_data.get("parent"))


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        label=gettext_lazy("New parent unit"),
    )
    top_level = forms.BooleanField(
        required=False, label=gettext_lazy("Make them top-level units (no parent)")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_parent") is None and not data.get("top_level"):
            raise forms.ValidationError(
                _("Choose the new parent unit, or tick “top-level” to make top-level units.")
            )
        if data.get("new_parent") is not None and data.get("top_level"):
            raise forms.ValidationError(_("Choose a new parent unit or “top-level”, not both."))
        return data


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Unit.objects.filter(is_active=True),
        label=gettext_lazy("Merge into"),
        help_text=gettext_lazy(
            "This unit takes over their child units, channels, posts, themes, templates and "
            "people (roles are not carried up into a unit above them); the merged units are "
            "kept, inactive, as history."
        ),
    )


def _ask(
    modeladmin: UnitAdmin,
    request: HttpRequest,
    queryset: QuerySet[Unit],
    *,
    action: str,
    form: forms.Form,
    title: str,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/orgs/unit/tree_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "units": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    form = UnitForm
    list_display = ("name", "kind", "parent", "slug", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    inlines = (MembershipInline,)
    actions = ("move_units", "merge_into")

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> Any:
        if obj is None:
            return ()
        return ("parent", "path", "is_active", "merged_into", "merged_at")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The memberships of the unit's page change through the audited role actions."""
        formset.save(commit=False)
        unit = form.instance
        try:
            for membership in formset.deleted_objects:
                remove_role(membership=membership, by=request.user)
            for membership, changed in formset.changed_objects:
                if "user" in changed:
                    remove_role(membership=membership, by=request.user)
                set_role(user=membership.user, unit=unit, role=membership.role, by=request.user)
            for membership in formset.new_objects:
                set_role(user=membership.user, unit=unit, role=membership.role, by=request.user)
        except ActionError as error:
            self.message_user(request, str(error), messages.ERROR)

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        # A merged unit is history: old events and posts name it.
        return (obj is None or obj.is_active) and super().has_delete_permission(request, obj)

    @admin.action(description=gettext_lazy("Move the selected units under another unit"))
    def move_units(self, request: HttpRequest, queryset: QuerySet[Unit]) -> TemplateResponse | None:
        form = MoveForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _ask(
                self, request, queryset, action="move_units", form=form, title=_("Move units")
            )
        new_parent = form.cleaned_data["new_parent"]
        for unit in queryset.order_by("path"):
            try:
                move_unit(unit=unit, new_parent=new_parent, by=request.user)
            except ActionError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, _("%(unit)s was moved.") % {"unit": unit})
        return None

    @admin.action(description=gettext_lazy("Merge the selected units into another unit"))
    def merge_into(self, request: HttpRequest, queryset: QuerySet[Unit]) -> TemplateResponse | None:
        form = MergeForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _ask(
                self, request, queryset, action="merge_into", form=form, title=_("Merge units")
            )
        into = form.cleaned_data["into"]
        try:
            merge_units(sources=list(queryset), into=into, by=request.user)
        except ActionError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("The selected units were merged into %(unit)s.") % {"unit": into},
            )
        return None


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    form = MembershipForm
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ("user", "unit")

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> Any:
        # Another person or unit is another membership: remove this one, add that one.
        return ("user", "unit") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        obj.pk = set_role(user=obj.user, unit=obj.unit, role=obj.role, by=request.user).pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        remove_role(membership=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            remove_role(membership=membership, by=request.user)
