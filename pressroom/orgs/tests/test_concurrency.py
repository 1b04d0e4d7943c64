"""A unit created while its parent is being moved ends up under the parent's new path."""

from __future__ import annotations

import threading
import time

from django.db import connection, transaction

from pressroom.orgs.actions import _move_subtree
from pressroom.orgs.models import Unit, lock_tree
from pressroom.testing import BaseTransactionTestCase


def waiting_for_the_tree_lock() -> bool:
    if connection.vendor != "postgresql":
        return False  # SQLite: the second writer waits for the first one's transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        (count,) = cursor.fetchone()
    return bool(count)


class CreateDuringMoveTests(BaseTransactionTestCase):
    def test_a_unit_created_during_a_move_gets_the_new_path(self) -> None:
        created: list[Unit] = []
        done = threading.Event()

        def create() -> None:
            try:
                created.append(
                    Unit.objects.create(name="Thôn mới", slug="thon-moi", parent=self.commune)
                )
            finally:
                connection.close()
                done.set()

        with transaction.atomic():
            lock_tree()
            _move_subtree(Unit.objects.get(pk=self.district.pk), self.sibling)
            other = threading.Thread(target=create)
            other.start()
            # Until the creation waits for the lock (or, without one, has finished).
            deadline = time.monotonic() + 2
            while not done.is_set() and not waiting_for_the_tree_lock():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        other.join(timeout=30)
        self.assertTrue(done.is_set())
        (unit,) = created
        unit.refresh_from_db()
        self.commune.refresh_from_db()
        self.assertEqual(unit.path, f"{self.commune.path}{unit.pk}/")
        self.assertTrue(unit.path.startswith(f"/{self.province.pk}/{self.sibling.pk}/"))
