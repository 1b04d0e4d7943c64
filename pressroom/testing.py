"""Test bases: the three-tenant unit tree (an owner, a child-unit member, an outsider), English
pages for view tests, uploads in a scratch folder, images."""

from __future__ import annotations

import shutil
import tempfile
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase, TransactionTestCase, override_settings
from PIL import Image

from pressroom.channels.models import Channel
from pressroom.content import actions
from pressroom.content.models import Post
from pressroom.orgs.models import Membership, Role, Unit

User = get_user_model()


def make_image(
    *, size: tuple[int, int] = (64, 48), kind: str = "PNG", color: str = "teal"
) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=kind)
    return buffer.getvalue()


class TreeMixin:
    """province ─┬─ district (owner: admin, approver) ── commune (member: editor)
                 └─ sibling district (outsider: admin)

    Every view test also checks that the outsider is refused (404).
    """

    password = "correct horse battery staple"
    province: Unit
    district: Unit
    commune: Unit
    sibling: Unit
    owner: Any
    approver: Any
    member: Any
    outsider: Any

    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_tree()

    @classmethod
    def build_tree(cls) -> None:
        cls.province = Unit.objects.create(name="Tỉnh Lạng Sơn", slug="lang-son", kind="province")
        cls.district = Unit.objects.create(
            name="Huyện Cao Lộc", slug="cao-loc", kind="district", parent=cls.province
        )
        cls.commune = Unit.objects.create(
            name="Xã Hợp Thành", slug="hop-thanh", kind="commune", parent=cls.district
        )
        cls.sibling = Unit.objects.create(
            name="Huyện Lộc Bình", slug="loc-binh", kind="district", parent=cls.province
        )
        cls.owner = cls.make_user("owner", cls.district, Role.ADMIN)
        cls.approver = cls.make_user("approver", cls.district, Role.APPROVER)
        cls.member = cls.make_user("member", cls.commune, Role.EDITOR)
        cls.outsider = cls.make_user("outsider", cls.sibling, Role.ADMIN)

    @classmethod
    def make_user(cls, username: str, unit: Unit, role: str) -> Any:
        user = User.objects.create_user(
            username=username, password=cls.password, email=f"{username}@example.gov.vn"
        )
        Membership.objects.create(user=user, unit=unit, role=role)
        return user

    @staticmethod
    def make_channel(
        unit: Unit, platform: str, *, api_base: str = "http://127.0.0.1:9/x", **options: Any
    ) -> Channel:
        channel = Channel(
            unit=unit,
            platform=platform,
            name=f"{unit.name} {platform}",
            external_id=f"{unit.slug}-{platform}",
            api_base=api_base,
            is_sandbox=True,
            options=options,
        )
        channel.credentials = {"token": "test-token"}
        channel.save()
        return channel


class BaseTestCase(TreeMixin, TestCase):
    """The unit tree, built once per test class."""


class BaseTransactionTestCase(TreeMixin, TransactionTestCase):
    """The unit tree, for tests where other threads (dispatcher, live server) read the data."""

    def setUp(self) -> None:
        super().setUp()
        self.build_tree()


class ViewTestCase(BaseTestCase):
    """Pages in English (the default is Vietnamese) so that tests read like the code."""

    language = "en"
    _media_root: str
    _media_override: override_settings

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls._media_root = tempfile.mkdtemp(prefix="pressroom-test-media-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media_root)
        cls._media_override.enable()

    @classmethod
    def tearDownClass(cls) -> None:
        cls._media_override.disable()
        shutil.rmtree(cls._media_root, ignore_errors=True)
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.speak(self.language)

    def speak(self, language: str) -> None:
        """Pages in this language from now on, as the header's switch leaves it (a cookie)."""
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    def login(self, user: Any) -> None:
        self.client.force_login(user)

    def messages_of(self, response: Any) -> list[str]:
        """The Django messages the response's request left for the next page."""
        return [str(message) for message in get_messages(response.wsgi_request)]

    def make_post(self, *, by: Any = None, unit: Any = None, **fields: Any) -> Post:
        """A draft written through the action, as the composer would."""
        values: dict[str, Any] = {
            "by": by or self.owner,
            "unit": unit or self.district,
            "title": "Thông báo lịch tiếp công dân",
            "body": "Lịch tiếp công dân tháng 12 của UBND huyện.",
            "channels": [],
        }
        values.update(fields)
        return actions.save_post(**values)

    def make_approved_post(self, **fields: Any) -> Post:
        post = self.make_post(**fields)
        actions.submit_post(post=post, by=post.author)
        approver = self.approver if post.author != self.approver else self.owner
        return actions.approve_post(post=post, by=approver)


class MigrationTestCase(TransactionTestCase):
    """Rows made in the database as an older migration left it, then migrated forward; the
    database is brought back to the newest migrations afterwards."""

    def migrate(self, targets: list[tuple[str, str]]) -> MigrationExecutor:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor

    def tearDown(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
