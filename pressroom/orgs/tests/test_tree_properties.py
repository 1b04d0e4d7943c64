"""Random trees, random moves and merges: paths and access answers match a walk of the tree."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from pressroom.core.errors import ActionError
from pressroom.orgs.access import capabilities_in, units_for
from pressroom.orgs.actions import merge_units, move_unit
from pressroom.orgs.models import ROLE_CAPABILITIES, Capability, Membership, Role, Unit

User = get_user_model()
ROLES = list(Role)
PEOPLE = 3


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    size = draw(st.integers(min_value=2, max_value=9))
    # Unit i hangs under one of the units made before it, or is a top-level unit.
    parents = [None] + [
        draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1)))
        for i in range(1, size)
    ]
    memberships = draw(
        st.lists(
            st.tuples(st.integers(0, PEOPLE - 1), st.integers(0, size - 1), st.sampled_from(ROLES)),
            max_size=6,
            unique_by=lambda m: (m[0], m[1]),
        )
    )
    unit = st.integers(0, size - 1)
    changes = draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("move"), unit, st.one_of(st.none(), unit)),
                st.tuples(st.just("merge"), unit, unit),
            ),
            min_size=1,
            max_size=6,
        )
    )
    return {"parents": parents, "memberships": memberships, "changes": changes}


def walk_up(unit_id: int, parent_of: Mapping[int, int | None]) -> list[int]:
    """The ids from the top of the tree down to the unit, by following parent links."""
    chain = [unit_id]
    while (parent := parent_of[chain[-1]]) is not None:
        chain.append(parent)
        assert len(chain) <= len(parent_of), "a cycle in the parent links"
    return chain[::-1]


class TreeProperties(TestCase):
    @settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
    @given(scenarios())
    def test_paths_and_access_follow_any_sequence_of_changes(
        self, scenario: dict[str, Any]
    ) -> None:
        root = User.objects.create_superuser("root", "root@example.gov.vn", None)
        people = [User.objects.create_user(f"person-{n}") for n in range(PEOPLE)]
        units: list[Unit] = []
        for index, parent in enumerate(scenario["parents"]):
            units.append(
                Unit.objects.create(
                    name=f"Unit {index}",
                    slug=f"unit-{index}",
                    parent=units[parent] if parent is not None else None,
                )
            )
        for person, unit, role in scenario["memberships"]:
            Membership.objects.create(user=people[person], unit=units[unit], role=role)

        for change, unit_index, target_index in scenario["changes"]:
            unit = units[unit_index]
            target = units[target_index] if target_index is not None else None
            parent_of = dict(Unit.objects.values_list("id", "parent_id"))
            active = dict(Unit.objects.values_list("id", "is_active"))
            below_itself = target is not None and unit.pk in walk_up(target.pk, parent_of)
            stays = parent_of[unit.pk] == (target.pk if target is not None else None)
            if change == "move":
                refused = not stays and (
                    below_itself or not active[unit.pk] or (target and not active[target.pk])
                )
                attempt = partial(move_unit, unit=unit, new_parent=target, by=root)
            else:
                assert target is not None
                refused = below_itself or not active[unit.pk] or not active[target.pk]
                attempt = partial(merge_units, sources=[unit], into=target, by=root)
            if refused:
                with self.assertRaises(ActionError):
                    attempt()
            else:
                attempt()
            self.check_tree(people)

    def check_tree(self, people: list[Any]) -> None:
        rows = list(Unit.objects.all())
        offered = {unit.pk for unit in rows if unit.is_active}
        parent_of = {unit.pk: unit.parent_id for unit in rows}
        lineage = {unit.pk: walk_up(unit.pk, parent_of) for unit in rows}
        for unit in rows:
            self.assertEqual(unit.path, "/" + "".join(f"{i}/" for i in lineage[unit.pk]))
        for person in people:
            roles = dict(Membership.objects.filter(user=person).values_list("unit_id", "role"))
            for unit in rows:
                expected: set[str] = set()
                for ancestor in lineage[unit.pk]:
                    if ancestor in roles:
                        expected |= ROLE_CAPABILITIES[roles[ancestor]]
                self.assertEqual(capabilities_in(person, unit), expected, (person, unit.pk))
            for capability in Capability:
                expected_units = {
                    unit.pk
                    for unit in rows
                    if unit.pk in offered
                    and any(
                        capability in ROLE_CAPABILITIES[roles[a]]
                        for a in lineage[unit.pk]
                        if a in roles
                    )
                }
                self.assertEqual(
                    set(units_for(person, capability).values_list("pk", flat=True)),
                    expected_units,
                )
