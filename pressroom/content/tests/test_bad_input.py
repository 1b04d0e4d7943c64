"""Bad input gets a clear message and never a server error; what is stored is bounded."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from pressroom.content import actions
from pressroom.content.models import Media, Post, Theme
from pressroom.content.validation import MAX_PIXELS, MAX_TEXT, inspect_image
from pressroom.core.errors import ActionError
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from pressroom.publishing.notifications import notify_post_finished
from pressroom.testing import ViewTestCase, make_image


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a picture of this size (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


class ComposeBadInputTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Actions are called directly too: their messages in English, as the pages are.
        self.enterContext(translation.override("en"))
        self.facebook = self.make_channel(self.district, "facebook")
        self.login(self.owner)

    def data(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "unit": self.district.pk,
            "title": "Thông báo lịch tiếp công dân",
            "body": "Lịch tiếp công dân tháng 12 của UBND huyện.",
            "link": "",
            "theme": "",
            "channels": [self.facebook.pk],
            "then": "save",
        }
        values.update(overrides)
        return values

    # Images

    def test_a_decompression_bomb_is_refused_with_a_message(self) -> None:
        bomb = png_claiming(20_000, 20_000)
        self.assertLess(len(bomb), 48 * 1024)
        upload = SimpleUploadedFile("anh.png", bomb, "image/png")
        response = self.client.post(
            reverse("post_create"),
            self.data(new_image_1=upload, new_image_1_description="Ảnh"),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "anh.png is larger than 50 million pixels.")
        self.assertFalse(Post.objects.exists())

    def test_a_picture_above_the_cap_names_its_size(self) -> None:
        with self.assertRaisesMessage(ValueError, "8000 by 7000 pixels"):
            inspect_image(png_claiming(8000, 7000), "anh.png")
        self.assertGreater(8000 * 7000, MAX_PIXELS)

    def test_the_action_refuses_a_bomb_too(self) -> None:
        with self.assertRaisesMessage(ActionError, "million pixels"):
            actions.save_post(
                by=self.owner,
                unit=self.district,
                title="Tin",
                body="Tin",
                channels=[],
                images=[actions.NewImage("a.png", png_claiming(20_000, 20_000), "Ảnh")],
            )

    def test_uploads_are_stored_under_a_generated_name_with_the_detected_extension(self) -> None:
        jpeg = make_image(kind="JPEG")
        upload = SimpleUploadedFile("../../../etc/cron.d/x.php.png", jpeg, "image/png")
        self.client.post(
            reverse("post_create"),
            self.data(new_image_1=upload, new_image_1_description="Ảnh hội nghị"),
        )
        media = Media.objects.select_related("asset", "post").get()
        # In the unit's media library, the post's image sharing the item's file.
        assert media.asset is not None
        self.assertRegex(
            str(media.file.name), rf"^library/{media.post.unit_id}/[0-9a-f]{{32}}\.jpg$"
        )
        self.assertEqual(media.file.name, media.asset.file.name)
        self.assertEqual(media.asset.name, "x.php.png")
        self.assertEqual(media.content_type, "image/jpeg")

    # Titles and text

    def test_a_title_with_a_line_break_is_refused_and_the_draft_kept_in_the_form(self) -> None:
        response = self.client.post(
            reverse("post_create"), self.data(title="Thông báo\r\nBcc: x@example.com")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Write this on one line")
        self.assertContains(response, "Lịch tiếp công dân tháng 12")
        self.assertFalse(Post.objects.exists())

    def test_the_action_refuses_control_characters_in_titles(self) -> None:
        for title in ("Tin\nmới", "Tin\tmới", "Tin\x1bmới", "Tin\u2028mới"):
            with self.subTest(title=title), self.assertRaisesMessage(ActionError, "one line"):
                actions.save_post(
                    by=self.owner, unit=self.district, title=title, body="Tin", channels=[]
                )
        with self.assertRaisesMessage(ActionError, "one line"):
            actions.save_post(
                by=self.owner,
                unit=self.district,
                title="Tin",
                body="Tin",
                channels=[self.facebook],
                variants={"facebook": ("Tin\r\nmới", "")},
            )
        # A line break in the text is what a text is for.
        actions.save_post(
            by=self.owner, unit=self.district, title="Tin", body="Dòng 1\nDòng 2", channels=[]
        )

    def test_the_action_refuses_what_the_database_cannot_store(self) -> None:
        # PostgreSQL refuses a value longer than its column; the action says so first.
        with self.assertRaisesMessage(ActionError, "at most 200 characters"):
            actions.save_post(
                by=self.owner, unit=self.district, title="t" * 201, body="Tin", channels=[]
            )
        with self.assertRaisesMessage(ActionError, "at most 1500 characters"):
            actions.save_post(
                by=self.owner,
                unit=self.district,
                title="Tin",
                body="Tin",
                channels=[],
                images=[actions.NewImage("a.png", make_image(), "d" * 1501)],
            )
        self.assertFalse(Post.objects.exists())
        with self.assertRaisesMessage(ActionError, "at most 200 characters"):
            actions.save_theme(by=self.owner, unit=self.district, name="n" * 201)

    def test_a_theme_name_is_one_line(self) -> None:
        response = self.client.post(
            reverse("theme_create"),
            {"unit": self.district.pk, "name": "Chủ đề\nhai dòng", "is_active": "on"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Write this on one line")
        with self.assertRaisesMessage(ActionError, "one line"):
            actions.save_theme(by=self.owner, unit=self.district, name="Chủ đề\nhai dòng")
        self.assertFalse(Theme.objects.exists())

    def test_the_text_is_capped_at_the_longest_any_platform_takes(self) -> None:
        response = self.client.post(reverse("post_create"), self.data(body="x" * (MAX_TEXT + 1)))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"at most {MAX_TEXT} characters")
        self.assertFalse(Post.objects.exists())
        with self.assertRaisesMessage(ActionError, f"at most {MAX_TEXT} characters"):
            actions.save_post(
                by=self.owner,
                unit=self.district,
                title="Tin",
                body="x" * 20_000_000,
                channels=[],
            )
        with self.assertRaisesMessage(ActionError, f"at most {MAX_TEXT} characters"):
            actions.save_post(
                by=self.owner,
                unit=self.district,
                title="Tin",
                body="Tin",
                channels=[self.facebook],
                variants={"facebook": ("", "y" * (MAX_TEXT + 1))},
            )
        actions.save_post(
            by=self.owner, unit=self.district, title="Tin", body="x" * MAX_TEXT, channels=[]
        )

    def test_the_authors_notification_survives_a_title_stored_before_the_check(self) -> None:
        post = self.make_post(channels=[self.facebook])
        Post.objects.filter(pk=post.pk).update(title="Tin\r\nBcc: x@example.com")
        post.refresh_from_db()
        notify_post_finished(post=post)
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotRegex(str(mail.outbox[0].subject), r"[\r\n]")


class DateBoundsTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.owner)

    def test_the_calendar_refuses_dates_out_of_range_with_a_message(self) -> None:
        for value in ("0001-01-01", "9999-12-31"):
            for view in ("week", "month"):
                with self.subTest(date=value, view=view):
                    response = self.client.get(reverse("calendar"), {"date": value, "view": view})
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, "Choose a date between 1 Jan 2000 and")

    def test_a_schedule_far_in_the_future_is_refused_with_a_message(self) -> None:
        channel = self.make_channel(self.district, "facebook")
        post = self.make_approved_post(channels=[channel])
        self.login(self.approver)
        for value in ("9999-12-31T23:59", "0001-01-01T00:00"):
            with self.subTest(at=value):
                response = self.client.post(
                    reverse("post_schedule", args=[post.pk]), {"when": "at", "at": value}
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Choose a date between 1 Jan 2000 and")
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.APPROVED)
        self.assertFalse(Delivery.objects.exists())
        # Within the range it is scheduled as before.
        scheduling.schedule_post(post=post, by=self.approver)
        self.assertEqual(Delivery.objects.count(), 1)
