"""The access helpers every view uses: the object and the user's capabilities, or 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.test import RequestFactory

from pressroom.channels.access import get_channel_for
from pressroom.content.access import get_post_for, get_theme_for
from pressroom.content.models import Theme
from pressroom.desk.templatetags.pressroom import web_url
from pressroom.orgs.access import get_unit_for
from pressroom.testing import ViewTestCase


class AccessHelperTests(ViewTestCase):
    def request_by(self, user: Any) -> Any:
        request = RequestFactory().get("/")
        request.user = user
        return request

    def test_post(self) -> None:
        post = self.make_post(by=self.member, unit=self.commune)
        found, capabilities = get_post_for(self.request_by(self.owner), post.pk)
        self.assertEqual(found, post)
        self.assertEqual(capabilities, {"view", "compose", "approve", "manage"})
        _, capabilities = get_post_for(self.request_by(self.member), post.pk)
        self.assertEqual(capabilities, {"view", "compose"})
        with self.assertRaises(Http404):
            get_post_for(self.request_by(self.outsider), post.pk)

    def test_channel(self) -> None:
        channel = self.make_channel(self.district, "zalo")
        self.assertEqual(get_channel_for(self.request_by(self.approver), channel.pk)[0], channel)
        for user in (self.outsider, self.member):
            with self.assertRaises(Http404):
                get_channel_for(self.request_by(user), channel.pk)

    def test_unit(self) -> None:
        unit, capabilities = get_unit_for(self.request_by(self.member), self.commune.pk)
        self.assertEqual((unit, capabilities), (self.commune, {"view", "compose"}))
        with self.assertRaises(Http404):
            get_unit_for(self.request_by(self.member), self.district.pk)
        with self.assertRaises(Http404):
            get_unit_for(self.request_by(self.outsider), self.commune.pk)

    def test_theme_is_seen_below_its_unit_only(self) -> None:
        theme = Theme.objects.create(unit=self.district, name="An toàn giao thông")
        found, capabilities = get_theme_for(self.request_by(self.member), theme.pk)
        self.assertEqual((found, capabilities), (theme, set()))
        with self.assertRaises(Http404):
            get_theme_for(self.request_by(self.outsider), theme.pk)

    def test_only_web_links_are_rendered(self) -> None:
        self.assertEqual(web_url("https://t.me/c/1/2"), "https://t.me/c/1/2")
        self.assertEqual(web_url("javascript:alert(1)"), "")
        self.assertEqual(web_url(""), "")
