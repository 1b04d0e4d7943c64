"""Events written before the actor was stored as text still verify after the migration."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from pressroom.audit.actions import verify_chain
from pressroom.audit.models import GENESIS_HASH, chain_hash
from pressroom.testing import MigrationTestCase

BEFORE = [("audit", "0001_initial")]
AFTER = [("audit", "0002_actor_ref")]


class ActorRefMigrationTests(MigrationTestCase):
    def test_the_chain_of_before_still_verifies_and_survives_a_deleted_account(self) -> None:
        old = self.migrate(BEFORE).loader.project_state(BEFORE).apps
        user = old.get_model("auth", "User").objects.create(username="nguyen.van.a")
        event_model = old.get_model("audit", "AuditEvent")
        prev = GENESIS_HASH
        for n, actor in enumerate([user, None, user]):
            now = timezone.now()
            fields: dict[str, Any] = {
                "created_at": now,
                "actor_id": actor.pk if actor else None,
                "actor_label": actor.username if actor else "system",
                "action": "post.edit",
                "object_type": "",
                "object_id": "",
                "unit_id": None,
                "data": {"n": n},
            }
            # The hash as it was computed then: of the actor's id, read from the link.
            payload = {**fields, "created_at": now.isoformat()}
            digest = chain_hash(prev_hash=prev, payload=payload)
            event_model.objects.create(prev_hash=prev, hash=digest, **fields)
            prev = digest

        self.migrate(AFTER)
        report = verify_chain()
        self.assertTrue(report.ok, report)
        self.assertEqual(report.checked, 3)
        get_user_model().objects.filter(username="nguyen.van.a").delete()
        self.assertTrue(verify_chain().ok)
