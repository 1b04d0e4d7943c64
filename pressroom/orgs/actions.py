"""Changing the unit tree: moving a unit with everything below it, merging units into one.

Both rewrite the materialised paths of a whole subtree in one UPDATE and are serialised
(a PostgreSQL advisory lock; SQLite write transactions are already serial), so two moves
made at the same moment cannot build a cycle between them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import CharField, Max, QuerySet, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.orgs.access import AnyUser, capabilities_in
from pressroom.orgs.models import Capability, Membership, Role, Unit, lock_tree
from pressroom.orgs.signals import unit_merged, unit_moved

_PATH_LENGTH = Unit._meta.get_field("path").max_length or 500


def _require_manage(by: AnyUser, unit: Unit | None) -> None:
    """The person manages the unit (a unit of None is the top of the tree: superusers)."""
    if getattr(by, "is_superuser", False):
        return
    if unit is None:
        raise ActionError(_("Only a superuser can change the top level of the unit tree."))
    if Capability.MANAGE not in capabilities_in(by, unit):
        raise ActionError(_("You are not allowed to do this for %(unit)s.") % {"unit": unit})


def _require_active(unit: Unit) -> None:
    if not unit.is_active:
        raise ActionError(
            _("%(unit)s was merged into another unit and can no longer change.") % {"unit": unit}
        )


def _replace_prefix(units: QuerySet[Unit], old: str, new: str) -> None:
    """The paths of these units, which all start with `old`, start with `new` (one UPDATE).

    Run inside the tree lock, with paths read after taking it.
    """
    longest = units.aggregate(longest=Max(Length("path")))["longest"] or len(old)
    if longest - len(old) + len(new) > _PATH_LENGTH:
        raise ActionError(_("The unit tree would be too deep there."))
    units.update(path=Concat(Value(new), Substr("path", len(old) + 1), output_field=CharField()))


def _move_subtree(unit: Unit, new_parent: Unit | None) -> tuple[str, str]:
    """Hang the unit under the new parent, its whole subtree with it; the old and new path."""
    old = unit.path
    new = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    _replace_prefix(Unit.objects.filter(path__startswith=old), old, new)
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.parent, unit.path = new_parent, new
    return old, new


def _move_children(source: Unit, into: Unit) -> list[int]:
    """Hang every child of `source` under `into`, their subtrees with them; their ids."""
    children = list(Unit.objects.filter(parent=source).order_by("pk").values_list("pk", flat=True))
    if children:
        below = Unit.objects.filter(path__startswith=source.path).exclude(pk=source.pk)
        _replace_prefix(below, source.path, into.path)
        Unit.objects.filter(pk__in=children).update(parent=into)
    return children


@transaction.atomic(durable=True)
def move_unit(*, unit: Unit, new_parent: Unit | None, by: AnyUser) -> Unit:
    """Move a unit, with every unit, channel, post and membership below it, under another.

    The person manages both the unit's current parent and the new one; making a unit a top-level
    unit (`new_parent=None`) is for superusers only.
    """
    lock_tree()
    unit = Unit.objects.select_related("parent").get(pk=unit.pk)
    target = Unit.objects.get(pk=new_parent.pk) if new_parent is not None else None
    old_parent = unit.parent
    _require_manage(by, old_parent)
    _require_manage(by, target)
    if (target.pk if target else None) == unit.parent_id:
        return unit
    _require_active(unit)
    if target is not None:
        _require_active(target)
        if target.path.startswith(unit.path):
            raise ActionError(
                _("%(unit)s cannot be moved under itself or a unit below it.") % {"unit": unit}
            )
    size = unit.subtree().count()
    old_path, new_path = _move_subtree(unit, target)
    unit_moved.send(sender=Unit, unit_id=unit.pk, old_path=old_path, new_path=new_path)
    record_event(
        actor=by,
        action=Kind.UNIT_MOVE,
        obj=unit,
        unit_id=unit.pk,
        data={
            "before": {
                "parent": old_parent.pk if old_parent else None,
                "parent_name": str(old_parent or ""),
                "path": old_path,
            },
            "after": {
                "parent": target.pk if target else None,
                "parent_name": str(target or ""),
                "path": new_path,
            },
            "units": size,
        },
    )
    return unit


def _role_rank(role: str) -> int:
    return list(Role).index(Role(role))


def _merge_memberships(source: Unit, into: Unit) -> tuple[int, list[dict[str, object]]]:
    """Move the source's roles to `into`; someone in both keeps the stronger role.

    Merging into a unit above the source (a district abolished into its province) would widen
    the district's roles to the whole province: they are taken away instead, and returned
    (who had which) for the record. Returns how many moved and the ones taken away.
    """
    moved, removed = 0, []
    upward = source.path.startswith(into.path)
    for membership in Membership.objects.filter(unit=source).select_related("user").order_by("pk"):
        if upward:
            user, role = membership.user, membership.role
            removed.append({"user": user.pk, "username": user.get_username(), "role": role})
            membership.delete()
            continue
        kept = Membership.objects.filter(user_id=membership.user_id, unit=into).first()
        if kept is None:
            membership.unit = into
            membership.save(update_fields=["unit"])
        else:
            if _role_rank(membership.role) > _role_rank(kept.role):
                kept.role = membership.role
                kept.save(update_fields=["role"])
            membership.delete()
        moved += 1
    return moved, removed


def _repoint_related(source: Unit, into: Unit) -> dict[str, int]:
    """Every row of another model that points at the source points at `into` instead.

    The tree's own links (children, earlier merges) and memberships are handled apart.
    Found through the model's relations, so the tree needs to know nothing of what hangs on it.
    """
    moved: dict[str, int] = {}
    for relation in Unit._meta.related_objects:
        model = relation.related_model
        if model in (Unit, Membership) or isinstance(model, str):
            continue
        field = relation.field
        key = f"{model._meta.label_lower}.{field.name}"
        if relation.many_to_many:
            through = relation.through  # type: ignore[attr-defined]
            to_unit, to_owner = field.m2m_reverse_field_name(), field.m2m_field_name()  # type: ignore[attr-defined]
            rows = through._default_manager
            already = rows.filter(**{to_unit: into.pk}).values(to_owner)
            rows.filter(**{to_unit: source.pk, f"{to_owner}__in": already}).delete()
            count = rows.filter(**{to_unit: source.pk}).update(**{to_unit: into.pk})
        else:
            count = model._base_manager.filter(**{field.name: source}).update(**{field.name: into})
        if count:
            moved[key] = moved.get(key, 0) + count
    return moved


@transaction.atomic(durable=True)
def merge_units(*, sources: Sequence[Unit], into: Unit, by: AnyUser) -> Unit:
    """Merge units into one (communes merged in 2025): everything of theirs moves to `into`.

    Their child units move under `into`; their channels, posts, themes, templates, alerts and
    memberships are `into`'s from now on (roles are not carried up into a unit above them:
    see `_merge_memberships`). The merged units stay, inactive, as history: they
    say which unit took them over and when, and old events still name them.
    The person manages `into` and the parent of every merged unit.
    """
    lock_tree()
    into = Unit.objects.get(pk=into.pk)
    wanted = {source.pk for source in sources}
    merged = list(Unit.objects.select_related("parent").filter(pk__in=wanted).order_by("path"))
    if not merged:
        raise ActionError(_("Choose at least one unit to merge."))
    _require_manage(by, into)
    for source in merged:
        _require_manage(by, source.parent)
    _require_active(into)
    for source in merged:
        _require_active(source)
        if into.path.startswith(source.path):
            raise ActionError(
                _("%(unit)s cannot be merged into %(into)s, which is part of it.")
                % {"unit": source, "into": into}
            )
        for other in merged:
            if other is not source and other.path.startswith(source.path):
                raise ActionError(
                    _("%(unit)s is part of %(other)s: merge only one of them.")
                    % {"unit": other, "other": source}
                )
    children: list[int] = []
    memberships = 0
    roles_removed: list[dict[str, object]] = []
    moved: dict[str, int] = {}
    for source in merged:
        children += _move_children(source, into)
        count, removed = _merge_memberships(source, into)
        memberships += count
        roles_removed += removed
        for key, count in _repoint_related(source, into).items():
            moved[key] = moved.get(key, 0) + count
    Unit.objects.filter(pk__in=[s.pk for s in merged]).update(
        is_active=False, merged_into=into, merged_at=timezone.now()
    )
    for source in merged:
        unit_merged.send(sender=Unit, source_id=source.pk, source_path=source.path, into_id=into.pk)
    record_event(
        actor=by,
        action=Kind.UNIT_MERGE,
        obj=into,
        unit_id=into.pk,
        data={
            "sources": [{"id": s.pk, "name": s.name, "path": s.path} for s in merged],
            "children": children,
            "memberships": memberships,
            "roles_removed": roles_removed,
            "moved": moved,
        },
    )
    return into
