from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from pressroom.orgs.access import capabilities_in, units_for, with_ancestors
from pressroom.orgs.actions import move_unit
from pressroom.orgs.models import Capability, Unit
from pressroom.testing import BaseTestCase

User = get_user_model()


class AccessTests(BaseTestCase):
    def test_roles_hold_for_units_below(self) -> None:
        self.assertIn(Capability.MANAGE, capabilities_in(self.owner, self.commune))
        self.assertIn(Capability.APPROVE, capabilities_in(self.approver, self.commune))

    def test_roles_do_not_hold_above_or_beside(self) -> None:
        self.assertEqual(capabilities_in(self.member, self.district), frozenset())
        self.assertEqual(capabilities_in(self.outsider, self.district), frozenset())
        self.assertEqual(capabilities_in(self.owner, self.province), frozenset())

    def test_editor_cannot_approve(self) -> None:
        caps = capabilities_in(self.member, self.commune)
        self.assertIn(Capability.COMPOSE, caps)
        self.assertNotIn(Capability.APPROVE, caps)

    def test_units_for_is_the_subtree(self) -> None:
        self.assertEqual(set(units_for(self.owner, Capability.VIEW)), {self.district, self.commune})
        self.assertEqual(set(units_for(self.member, Capability.COMPOSE)), {self.commune})
        self.assertEqual(set(units_for(self.member, Capability.APPROVE)), set())

    def test_with_ancestors_adds_every_unit_above(self) -> None:
        def ids(units: QuerySet[Unit]) -> set[int]:
            return set(with_ancestors(units).values_list("pk", flat=True))

        communes = Unit.objects.filter(pk=self.commune.pk)
        self.assertEqual(ids(communes), {self.province.pk, self.district.pk, self.commune.pk})
        both = Unit.objects.filter(pk__in=[self.commune.pk, self.sibling.pk])
        self.assertEqual(
            ids(both), {self.province.pk, self.district.pk, self.commune.pk, self.sibling.pk}
        )
        # A unit and one below it: the one below adds nothing above the first.
        chain = Unit.objects.filter(pk__in=[self.district.pk, self.commune.pk])
        self.assertEqual(ids(chain), {self.province.pk, self.district.pk, self.commune.pk})
        self.assertEqual(ids(Unit.objects.none()), set())

    def test_path_follows_a_move(self) -> None:
        ward = Unit.objects.create(name="Phường Chi Lăng", slug="chi-lang", parent=self.commune)
        self.assertEqual(
            ward.path, f"/{self.province.pk}/{self.district.pk}/{self.commune.pk}/{ward.pk}/"
        )
        self.assertEqual(ward.depth, 3)
        root = User.objects.create_superuser("root", "root@example.gov.vn", self.password)
        move_unit(unit=self.commune, new_parent=self.sibling, by=root)
        ward.refresh_from_db()
        self.assertEqual(
            ward.path, f"/{self.province.pk}/{self.sibling.pk}/{self.commune.pk}/{ward.pk}/"
        )
        self.assertIn(Capability.MANAGE, capabilities_in(self.outsider, ward))
        self.assertEqual(capabilities_in(self.owner, ward), frozenset())
