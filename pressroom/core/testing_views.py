"""Helpers for view tests: the three-tenant tree, English pages, uploads in a scratch folder."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from django.contrib.messages import get_messages
from django.test import override_settings

from pressroom.content import actions
from pressroom.content.models import Post
from pressroom.core.testing import BaseTestCase


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
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = self.language

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
