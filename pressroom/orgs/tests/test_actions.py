"""Moving and merging units: the whole subtree follows, access answers follow, audited."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import translation

from pressroom.audit.models import AuditEvent
from pressroom.core.errors import ActionError
from pressroom.orgs.access import capabilities_in, units_for
from pressroom.orgs.actions import merge_units, move_unit
from pressroom.orgs.models import Capability, Membership, Role, Unit
from pressroom.testing import BaseTestCase

User = get_user_model()


class EnglishTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))


def path_of(unit: Unit) -> str:
    unit.refresh_from_db()
    return unit.path


class MoveUnitTests(EnglishTestCase):
    """province ─┬─ district ── commune ── ward
    ├─ sibling district
    └─ other province (a second tree) ── its district
    """

    ward: Unit
    other: Unit
    province_admin: Any
    other_admin: Any
    root: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ward = Unit.objects.create(name="Thôn Nà Lầy", slug="na-lay", parent=cls.commune)
        cls.other = Unit.objects.create(name="Tỉnh Cao Bằng", slug="cao-bang", kind="province")
        cls.province_admin = cls.make_user("province-admin", cls.province, Role.ADMIN)
        cls.other_admin = cls.make_user("other-admin", cls.other, Role.ADMIN)
        cls.root = User.objects.create_superuser("root", "root@example.gov.vn", cls.password)

    def test_moving_a_district_moves_every_unit_below_it(self) -> None:
        move_unit(unit=self.district, new_parent=self.other, by=self.root)
        district = f"/{self.other.pk}/{self.district.pk}/"
        self.assertEqual(path_of(self.district), district)
        self.assertEqual(path_of(self.commune), f"{district}{self.commune.pk}/")
        self.assertEqual(path_of(self.ward), f"{district}{self.commune.pk}/{self.ward.pk}/")
        self.assertEqual(self.ward.depth, 3)
        # Units outside the subtree are untouched.
        self.assertEqual(path_of(self.sibling), f"/{self.province.pk}/{self.sibling.pk}/")

    def test_access_follows_the_move(self) -> None:
        self.assertIn(Capability.MANAGE, capabilities_in(self.province_admin, self.ward))
        move_unit(unit=self.district, new_parent=self.other, by=self.root)
        self.ward.refresh_from_db()
        self.assertEqual(capabilities_in(self.province_admin, self.ward), frozenset())
        self.assertIn(Capability.MANAGE, capabilities_in(self.other_admin, self.ward))
        self.assertEqual(
            set(units_for(self.other_admin, Capability.MANAGE)),
            {self.other, self.district, self.commune, self.ward},
        )
        self.assertEqual(
            set(units_for(self.province_admin, Capability.VIEW)), {self.province, self.sibling}
        )
        # Roles given inside the moved subtree travel with it.
        self.assertEqual(set(units_for(self.member, Capability.COMPOSE)), {self.commune, self.ward})

    def test_a_unit_cannot_go_under_itself_or_below_itself(self) -> None:
        for target in (self.district, self.commune, self.ward):
            with self.subTest(target=target.slug), self.assertRaises(ActionError) as raised:
                move_unit(unit=self.district, new_parent=target, by=self.root)
            self.assertIn("cannot be moved under itself", str(raised.exception))
        self.assertEqual(path_of(self.district), f"/{self.province.pk}/{self.district.pk}/")
        self.assertEqual(self.district.parent_id, self.province.pk)
        self.assertFalse(AuditEvent.objects.filter(action="unit.move").exists())

    def test_the_mover_manages_both_the_old_and_the_new_parent(self) -> None:
        refused = [
            # Manages the unit's own district, not the sibling it would go to.
            (self.owner, self.commune, self.sibling),
            # Manages the sibling it would go to, not the district it leaves.
            (self.outsider, self.commune, self.sibling),
            # An editor manages nothing.
            (self.member, self.ward, self.district),
            # Manages the old side only (the province), not the other province.
            (self.province_admin, self.district, self.other),
        ]
        for person, unit, target in refused:
            with self.subTest(person=person.username), self.assertRaises(ActionError) as raised:
                move_unit(unit=unit, new_parent=target, by=person)
            self.assertIn("not allowed", str(raised.exception))
        self.assertEqual(
            path_of(self.commune), f"/{self.province.pk}/{self.district.pk}/{self.commune.pk}/"
        )
        self.assertFalse(AuditEvent.objects.filter(action="unit.move").exists())
        # Managing the province covers both districts.
        move_unit(unit=self.commune, new_parent=self.sibling, by=self.province_admin)
        self.assertEqual(
            path_of(self.commune), f"/{self.province.pk}/{self.sibling.pk}/{self.commune.pk}/"
        )

    def test_only_a_superuser_makes_a_top_level_unit(self) -> None:
        with self.assertRaises(ActionError) as raised:
            move_unit(unit=self.district, new_parent=None, by=self.province_admin)
        self.assertIn("Only a superuser", str(raised.exception))
        with self.assertRaises(ActionError):
            move_unit(unit=self.other, new_parent=self.province, by=self.province_admin)
        move_unit(unit=self.district, new_parent=None, by=self.root)
        self.assertEqual(
            path_of(self.ward), f"/{self.district.pk}/{self.commune.pk}/{self.ward.pk}/"
        )
        self.district.refresh_from_db()
        self.assertIsNone(self.district.parent_id)

    def test_a_move_is_audited_with_before_and_after(self) -> None:
        move_unit(unit=self.commune, new_parent=self.sibling, by=self.province_admin)
        event = AuditEvent.objects.get(action="unit.move")
        self.assertEqual((event.object_type, event.object_id), ("orgs.unit", str(self.commune.pk)))
        self.assertEqual(event.actor, self.province_admin)
        self.assertEqual(event.actor_label, "province-admin")
        self.assertEqual(event.unit_id, self.commune.pk)
        self.assertEqual(
            event.data["before"],
            {
                "parent": self.district.pk,
                "parent_name": self.district.name,
                "path": f"/{self.province.pk}/{self.district.pk}/{self.commune.pk}/",
            },
        )
        self.assertEqual(
            event.data["after"],
            {
                "parent": self.sibling.pk,
                "parent_name": self.sibling.name,
                "path": f"/{self.province.pk}/{self.sibling.pk}/{self.commune.pk}/",
            },
        )
        self.assertEqual(event.data["units"], 2)

    def test_moving_to_the_same_parent_changes_nothing(self) -> None:
        move_unit(unit=self.commune, new_parent=self.district, by=self.owner)
        self.assertFalse(AuditEvent.objects.filter(action="unit.move").exists())

    def test_saving_a_unit_never_moves_it(self) -> None:
        stale = Unit.objects.get(pk=self.ward.pk)
        stale.parent = self.sibling
        with self.assertRaises(ValueError):
            stale.save()
        self.assertEqual(path_of(self.ward).count("/"), 5)
        # A copy loaded before a move, renamed and saved after it, keeps the new path.
        stale = Unit.objects.get(pk=self.ward.pk)
        move_unit(unit=self.district, new_parent=self.other, by=self.root)
        stale.name = "Thôn Nà Lầy mới"
        stale.save()
        self.assertTrue(path_of(self.ward).startswith(f"/{self.other.pk}/"))
        self.assertEqual(self.ward.name, "Thôn Nà Lầy mới")


class MergeUnitsTests(EnglishTestCase):
    """district ── commune (C), plus communes A (with a village) and B merged into C."""

    a: Unit
    b: Unit
    village: Unit
    province_admin: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.a = Unit.objects.create(
            name="Xã Gia Cát", slug="gia-cat", kind="commune", parent=cls.district
        )
        cls.b = Unit.objects.create(
            name="Xã Tân Liên", slug="tan-lien", kind="commune", parent=cls.sibling
        )
        cls.village = Unit.objects.create(name="Thôn Pác Sắn", slug="pac-san", parent=cls.a)
        cls.province_admin = cls.make_user("province-admin", cls.province, Role.ADMIN)

    def make_rows(self, unit: Unit) -> dict[str, Any]:
        """A channel, a theme, a post, an emergency template and an alert of the unit."""
        post_model = apps.get_model("content", "Post")
        channel = self.make_channel(unit, "telegram")
        theme = apps.get_model("content", "Theme").objects.create(
            unit=unit, name=f"{unit.slug} theme"
        )
        post = post_model.objects.create(
            unit=unit, author=self.owner, title="Tin", body="Nội dung", theme=theme
        )
        post.channels.add(channel)
        template = apps.get_model("emergency", "EmergencyTemplate").objects.create(
            unit=unit, hazard="flood", title="Lũ", text="Lũ ở {khu_vuc}"
        )
        alert_post = post_model.objects.create(
            unit=unit, author=self.owner, title="Lũ", body="Lũ", is_emergency=True
        )
        alert = apps.get_model("emergency", "EmergencyAlert").objects.create(
            unit=unit, hazard="flood", template=template, post=alert_post, composed_by=self.owner
        )
        alert.units.add(unit)
        return {
            "channel": channel,
            "theme": theme,
            "post": post,
            "template": template,
            "alert": alert,
        }

    def test_merging_moves_everything_to_the_unit_that_remains(self) -> None:
        rows_a, rows_b = self.make_rows(self.a), self.make_rows(self.b)
        rows_a["alert"].units.add(self.commune)  # sent to A and C: C once after the merge
        merge_units(sources=[self.a, self.b], into=self.commune, by=self.province_admin)
        for rows in (rows_a, rows_b):
            for name, row in rows.items():
                row.refresh_from_db()
                self.assertEqual(row.unit_id, self.commune.pk, name)
            self.assertEqual(list(rows["alert"].units.all()), [self.commune])
            self.assertEqual(rows["post"].theme, rows["theme"])
        self.village.refresh_from_db()
        self.assertEqual(self.village.parent, self.commune)
        self.assertEqual(self.village.path, f"{self.commune.path}{self.village.pk}/")

    def test_merged_units_are_kept_as_history(self) -> None:
        merge_units(sources=[self.a, self.b], into=self.commune, by=self.province_admin)
        for source in (self.a, self.b):
            source.refresh_from_db()
            self.assertFalse(source.is_active)
            self.assertEqual(source.merged_into, self.commune)
            self.assertIsNotNone(source.merged_at)
        self.a.refresh_from_db()
        self.assertEqual(self.a.parent, self.district)
        self.assertNotIn(self.a, units_for(self.province_admin, Capability.VIEW))
        with self.assertRaises(ActionError) as raised:
            move_unit(unit=self.village, new_parent=self.a, by=self.province_admin)
        self.assertIn("was merged into another unit", str(raised.exception))

    def test_a_person_in_both_keeps_the_stronger_role(self) -> None:
        both = self.make_user("both", self.a, Role.APPROVER)
        Membership.objects.create(user=both, unit=self.commune, role=Role.VIEWER)
        weaker = self.make_user("weaker", self.b, Role.VIEWER)
        Membership.objects.create(user=weaker, unit=self.commune, role=Role.APPROVER)
        only_a = self.make_user("only-a", self.a, Role.ADMIN)
        merge_units(sources=[self.a, self.b], into=self.commune, by=self.province_admin)
        roles = dict(
            Membership.objects.filter(unit=self.commune).values_list("user__username", "role")
        )
        self.assertEqual(
            roles,
            {
                "member": Role.EDITOR,
                "both": Role.APPROVER,
                "weaker": Role.APPROVER,
                "only-a": Role.ADMIN,
            },
        )
        self.assertFalse(Membership.objects.filter(unit__in=[self.a, self.b]).exists())
        self.village.refresh_from_db()
        self.assertIn(Capability.MANAGE, capabilities_in(only_a, self.village))

    def test_abolishing_a_district_into_its_province_carries_no_role_up(self) -> None:
        rows = self.make_rows(self.district)
        merge_units(sources=[self.district], into=self.province, by=self.province_admin)
        for commune in (self.commune, self.a):
            commune.refresh_from_db()
            self.assertEqual(commune.parent, self.province)
            self.assertEqual(commune.path, f"/{self.province.pk}/{commune.pk}/")
        rows["post"].refresh_from_db()
        self.assertEqual(rows["post"].unit_id, self.province.pk)
        # The district's administrator and approver administered the district, not the province.
        self.province.refresh_from_db()
        self.assertEqual(capabilities_in(self.owner, self.province), frozenset())
        self.assertEqual(capabilities_in(self.approver, self.commune), frozenset())
        self.assertEqual(set(units_for(self.owner, Capability.VIEW)), set())
        # Roles given below the district stay where they were.
        self.assertIn(Capability.COMPOSE, capabilities_in(self.member, self.commune))
        event = AuditEvent.objects.get(action="unit.merge")
        self.assertEqual(
            event.data["roles_removed"],
            [
                {"user": self.owner.pk, "username": "owner", "role": "admin"},
                {"user": self.approver.pk, "username": "approver", "role": "approver"},
            ],
        )
        self.assertEqual(event.data["memberships"], 0)

    def test_a_merge_is_audited(self) -> None:
        self.make_rows(self.a)
        merge_units(sources=[self.a, self.b], into=self.commune, by=self.province_admin)
        event = AuditEvent.objects.get(action="unit.merge")
        self.assertEqual((event.object_type, event.object_id), ("orgs.unit", str(self.commune.pk)))
        self.assertEqual(event.actor, self.province_admin)
        self.assertEqual(
            event.data["sources"],
            [
                {"id": self.a.pk, "name": self.a.name, "path": self.a.path},
                {"id": self.b.pk, "name": self.b.name, "path": self.b.path},
            ],
        )
        self.assertEqual(event.data["children"], [self.village.pk])
        self.assertEqual(event.data["moved"]["content.post.unit"], 2)
        self.assertEqual(event.data["moved"]["pressroom_channels.channel.unit"], 1)

    def test_merges_that_make_no_sense_are_refused(self) -> None:
        cases = [
            ([self.district], self.commune, "which is part of it"),
            ([self.commune], self.commune, "which is part of it"),
            ([self.a, self.village], self.commune, "merge only one of them"),
            ([], self.commune, "at least one unit"),
        ]
        for sources, into, message in cases:
            with self.subTest(message), self.assertRaises(ActionError) as raised:
                merge_units(sources=sources, into=into, by=self.province_admin)
            self.assertIn(message, str(raised.exception))
        self.assertTrue(Unit.objects.get(pk=self.a.pk).is_active)

    def test_the_merger_manages_the_sources_parents_and_the_target(self) -> None:
        # The district's admin does not manage B's district (the sibling).
        with self.assertRaises(ActionError):
            merge_units(sources=[self.a, self.b], into=self.commune, by=self.owner)
        # The sibling's admin manages B but not the commune that remains.
        with self.assertRaises(ActionError):
            merge_units(sources=[self.b], into=self.commune, by=self.outsider)
        self.assertFalse(AuditEvent.objects.filter(action="unit.merge").exists())
        self.assertTrue(Unit.objects.get(pk=self.b.pk).is_active)
        merge_units(sources=[self.a], into=self.commune, by=self.owner)
        self.assertFalse(Unit.objects.get(pk=self.a.pk).is_active)
