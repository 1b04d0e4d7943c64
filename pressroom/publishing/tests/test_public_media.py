"""Images at a public, unguessable, expiring address of Pressroom's own (for Zalo articles)."""

from __future__ import annotations

import time_machine
from django.test import override_settings

from pressroom.content import actions as content
from pressroom.publishing.claims import _media
from pressroom.publishing.public_media import public_media_url
from pressroom.testing import ViewTestCase, make_image


@override_settings(PUBLIC_URL="https://pressroom.langson.gov.vn", PUBLIC_MEDIA_LIFETIME_S=3600)
class PublicMediaTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.image = make_image(kind="JPEG")
        self.post = content.save_post(
            by=self.owner,
            unit=self.district,
            title="Thông báo",
            body="Lịch tiếp công dân.",
            channels=[],
            images=[content.NewImage("anh.jpg", self.image, "Ảnh hội trường")],
        )
        self.media = self.post.media.get()

    def path_of(self, url: str) -> str:
        prefix = "https://pressroom.langson.gov.vn"
        self.assertTrue(url.startswith(prefix + "/m/"), url)
        return url[len(prefix) :]

    def test_the_address_serves_the_image_without_signing_in(self) -> None:
        response = self.client.get(self.path_of(public_media_url(self.media)))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        self.assertEqual(response.getvalue(), self.image)

    def test_publishing_hands_the_address_to_the_platform_client(self) -> None:
        (media,) = _media(self.post)
        self.assertEqual(media.public_url, public_media_url(self.media))

    def test_a_changed_or_guessed_address_is_not_found(self) -> None:
        path = self.path_of(public_media_url(self.media))
        token = path.split("/")[2]
        other = token.replace(f"{self.media.pk}:", f"{self.media.pk + 1}:", 1)
        self.assertEqual(self.client.get(path.replace(token, other)).status_code, 404)
        self.assertEqual(self.client.get("/m/1/anh.jpg").status_code, 404)

    def test_the_address_expires(self) -> None:
        with time_machine.travel("2026-12-01 08:00:00+07:00", tick=False) as clock:
            path = self.path_of(public_media_url(self.media))
            self.assertEqual(self.client.get(path).status_code, 200)
            clock.shift(3601)
            self.assertEqual(self.client.get(path).status_code, 404)

    def test_without_a_public_url_nothing_is_served(self) -> None:
        with self.settings(PUBLIC_URL=""):
            self.assertEqual(public_media_url(self.media), "")
            (media,) = _media(self.post)
            self.assertEqual(media.public_url, "")
