"""The unit tree (province, districts, communes, agencies; any depth) and memberships."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

# Any number, distinct from the audit chain's: the key of the lock that serialises tree changes.
_TREE_LOCK = 7_311_205


def lock_tree() -> None:
    """Serialise changes to the tree's paths until the transaction ends (call inside one).

    A PostgreSQL advisory lock; SQLite write transactions are serial already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TREE_LOCK])


class Unit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune or ward")
        AGENCY = "agency", _("Agency")
        OTHER = "other", _("Other")

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # Materialised path of ids, "/1/4/17/", so that a subtree is one indexed prefix query.
    path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    # A merged unit is kept as history (old events and posts still name it): it is inactive,
    # says which unit took it over and when, and is offered nowhere any more.
    is_active = models.BooleanField(_("active"), default=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_units",
        editable=False,
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged on"), null=True, blank=True, editable=False)
    # The unit's posts-a-week policy for its channels (and those of the units below it without
    # one of their own); both empty: none. Set only through the audited action in
    # `pressroom.channels.cadence_target`.
    cadence_low = models.PositiveSmallIntegerField(
        _("fewest posts a week"), null=True, blank=True, editable=False
    )
    cadence_high = models.PositiveSmallIntegerField(
        _("most posts a week"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Creating a unit places it under its parent; saving one never moves it.

        The parent and the path change only through `pressroom.orgs.actions.move_unit`, which
        rewrites the whole subtree; a save leaves both as they are stored (a copy loaded
        before a move does not write its old path back).
        """
        stored = (
            None
            if self._state.adding
            else Unit.objects.filter(pk=self.pk).values_list("parent_id", "path").first()
        )
        if stored is None:
            with transaction.atomic():
                lock_tree()  # the parent's path cannot change while the new one is written
                super().save(*args, **kwargs)
                parent_path = (
                    Unit.objects.values_list("path", flat=True).get(pk=self.parent_id)
                    if self.parent_id
                    else "/"
                )
                self.path = f"{parent_path}{self.pk}/"
                Unit.objects.filter(pk=self.pk).update(path=self.path)
            return
        parent_id, self.path = stored
        if self.parent_id != parent_id:
            raise ValueError("A unit changes parent only through move_unit.")
        fields = kwargs.pop("update_fields", None)
        if fields is None:
            fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
        kwargs["update_fields"] = [
            name for name in fields if name not in {"parent", "parent_id", "path"}
        ]
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    APPROVER = "approver", _("Approver")
    ADMIN = "admin", _("Administrator")


class Capability(models.TextChoices):
    VIEW = "view", _("view")
    COMPOSE = "compose", _("compose")
    APPROVE = "approve", _("approve and publish")
    MANAGE = "manage", _("manage channels, themes and people")


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset({Capability.VIEW}),
    Role.EDITOR: frozenset({Capability.VIEW, Capability.COMPOSE}),
    Role.APPROVER: frozenset({Capability.VIEW, Capability.COMPOSE, Capability.APPROVE}),
    Role.ADMIN: frozenset(
        {Capability.VIEW, Capability.COMPOSE, Capability.APPROVE, Capability.MANAGE}
    ),
}


class Membership(models.Model):
    """A role for a person in a unit; it holds for every unit below it too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "unit"], name="one_membership_per_unit")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.role}"
