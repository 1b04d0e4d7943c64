"""Content packs: sending (checks, audit, notices), adoption per unit (not yet, adopted,
adapted, published), reminders (only those waiting, at most daily), the pages and their
access, and writing a post from a pack in the composer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from pressroom.audit.models import AuditEvent
from pressroom.content import library, packs
from pressroom.content.models import Asset, ContentPack, Post
from pressroom.core.errors import ActionError
from pressroom.core.models import Notification
from pressroom.orgs.models import Role, Unit
from pressroom.testing import ViewTestCase, make_image

START = date(2026, 12, 1)


class PackTestCase(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        self.second = Unit.objects.create(
            name="Xã Tân Liên", slug="tan-lien", kind="commune", parent=self.district
        )
        self.second_editor = self.make_user("tan-lien", self.second, Role.EDITOR)
        self.commune_fb = self.make_channel(self.commune, "facebook")
        self.image, _ = library.add_to_library(
            unit=self.district,
            upload=library.Upload.of_bytes("Tiếp dân.png", make_image()),
            description="Phòng tiếp công dân của huyện",
            by=self.owner,
        )

    def send(self, **overrides: Any) -> ContentPack:
        values: dict[str, Any] = {
            "by": self.owner,
            "unit": self.district,
            "title": "Lịch tiếp công dân tháng 12",
            "body": "UBND huyện tiếp công dân vào thứ Năm hằng tuần.",
            "assets": [self.image],
            "starts_on": START,
            "ends_on": START + timedelta(days=14),
            "units": [self.commune, self.second],
            "variants": {"telegram": {"text": "Tiếp công dân: thứ Năm."}},
        }
        values.update(overrides)
        return packs.send_pack(**values)


class SendTests(PackTestCase):
    def test_a_pack_goes_to_units_below_who_hear_it_in_vietnamese(self) -> None:
        pack = self.send()
        self.assertEqual(set(pack.units.all()), {self.commune, self.second})
        self.assertEqual(
            pack.variants, {"telegram": {"title": "", "text": "Tiếp công dân: thứ Năm."}}
        )
        notice = Notification.objects.get(user=self.member)
        self.assertEqual(notice.kind, "pack_received")
        self.assertIn("Huyện Cao Lộc", notice.text)
        self.assertIn("15/12/2026", notice.text)
        self.assertIn("gói nội dung", notice.text)
        self.assertEqual(notice.link, reverse("pack_detail", args=[pack.pk]))
        self.assertTrue(Notification.objects.filter(user=self.second_editor).exists())
        self.assertFalse(Notification.objects.filter(user=self.outsider).exists())
        event = AuditEvent.objects.get(action="pack.send")
        self.assertEqual(event.data["units"], sorted([self.commune.pk, self.second.pk]))

    def test_what_cannot_be_sent_says_why(self) -> None:
        cases = [
            ({"by": self.member, "unit": self.commune}, "Only an approver of Xã Hợp Thành"),
            ({"units": [self.sibling]}, "Choose units below Huyện Cao Lộc"),
            ({"units": [self.district]}, "Choose units below Huyện Cao Lộc"),
            ({"units": []}, "Choose units below Huyện Cao Lộc"),
            ({"ends_on": START - timedelta(days=1)}, "last day comes before its first day"),
            ({"title": "  "}, "needs a title and a text"),
        ]
        for overrides, message in cases:
            with self.subTest(message), self.assertRaisesMessage(ActionError, message):
                self.send(**overrides)
        other, _ = library.add_to_library(
            unit=self.sibling,
            upload=library.Upload.of_bytes("khac.png", make_image(color="red")),
            by=self.outsider,
        )
        with self.assertRaisesMessage(ActionError, "media library of another unit"):
            self.send(assets=[other])
        self.assertFalse(ContentPack.objects.exists())


class AdoptionTests(PackTestCase):
    def adopt(self, pack: ContentPack, by: Any, unit: Unit, **changes: Any) -> Post:
        values = {"title": pack.title, "body": pack.body, **changes}
        return self.make_post(by=by, unit=unit, pack=pack, **values)

    def states(self, pack: ContentPack) -> dict[str, str]:
        return {row.unit.name: row.state.value for row in packs.adoption_of(pack)}

    def test_each_unit_moves_from_not_yet_to_adopted_adapted_published(self) -> None:
        pack = self.send()
        self.assertEqual(self.states(pack), {"Xã Hợp Thành": "not_yet", "Xã Tân Liên": "not_yet"})
        post = self.adopt(pack, self.member, self.commune)
        self.assertEqual(self.states(pack)["Xã Hợp Thành"], "adopted")
        self.adopt(pack, self.second_editor, self.second, body="Xã Tân Liên: tiếp dân thứ Năm.")
        self.assertEqual(self.states(pack)["Xã Tân Liên"], "adapted")
        Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)
        self.assertEqual(self.states(pack)["Xã Hợp Thành"], "published")
        self.assertEqual(
            packs.counts_of(packs.adoption_of(pack)),
            {"not_yet": 0, "adopted": 0, "adapted": 1, "published": 1},
        )

    def test_a_post_is_written_from_a_pack_only_where_it_was_sent(self) -> None:
        pack = self.send(units=[self.second])
        with self.assertRaisesMessage(ActionError, "was not sent to Xã Hợp Thành"):
            self.adopt(pack, self.member, self.commune)

    def test_reminders_go_only_to_units_waiting_and_at_most_daily(self) -> None:
        with time_machine.travel(timezone.now(), tick=False) as clock:
            pack = self.send()
            self.adopt(pack, self.member, self.commune)
            Notification.objects.all().delete()
            reminded = packs.remind_units(pack=pack, by=self.owner)
            self.assertEqual(reminded, [self.second])
            self.assertEqual(
                list(Notification.objects.values_list("user__username", "kind")),
                [("tan-lien", "pack_reminder")],
            )
            with self.assertRaisesMessage(ActionError, "less than a day ago"):
                packs.remind_units(pack=pack, by=self.owner)
            with self.assertRaisesMessage(ActionError, "Only an approver of Huyện Cao Lộc"):
                packs.remind_units(pack=pack, by=self.member)
            clock.shift(timedelta(hours=25))
            Notification.objects.update(read_at=timezone.now())
            packs.remind_units(pack=pack, by=self.owner)
            self.assertEqual(Notification.objects.filter(read_at=None).count(), 1)
            self.assertEqual(AuditEvent.objects.filter(action="pack.remind").count(), 2)
            self.adopt(pack, self.second_editor, self.second)
            clock.shift(timedelta(hours=25))
            with self.assertRaisesMessage(ActionError, "Every unit has already used this pack"):
                packs.remind_units(pack=pack, by=self.owner)


class PackPageTests(PackTestCase):
    def test_the_sender_sees_every_unit_and_can_remind(self) -> None:
        pack = self.send()
        self.make_post(
            by=self.member, unit=self.commune, pack=pack, title=pack.title, body=pack.body
        )
        self.login(self.owner)
        response = self.client.get(reverse("pack_detail", args=[pack.pk]))
        self.assertContains(response, "Xã Tân Liên")
        self.assertContains(response, "Adopted as is")
        self.assertContains(response, "0 published, 1 adopted, 0 adapted, 1 not yet")
        self.assertContains(response, "Remind the 1 unit that has not used it")
        self.assertContains(response, "Tiếp dân.png")
        response = self.client.post(reverse("pack_remind", args=[pack.pk]), follow=True)
        self.assertIn(
            "1 units that have not used the pack yet are reminded.", self.messages_of(response)
        )

    def test_a_receiving_unit_sees_its_own_row_and_writes_its_post(self) -> None:
        pack = self.send()
        self.login(self.member)
        response = self.client.get(reverse("pack_detail", args=[pack.pk]))
        self.assertNotContains(response, "Xã Tân Liên")
        self.assertNotContains(response, "Remind")
        self.assertContains(
            response, f"{reverse('post_create')}?pack={pack.pk}&amp;unit={self.commune.pk}"
        )
        self.assertContains(self.client.get(reverse("pack_list")), "Not yet")

    def test_other_units_do_not_see_the_pack(self) -> None:
        pack = self.send()
        self.login(self.outsider)
        self.assertEqual(self.client.get(reverse("pack_detail", args=[pack.pk])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("pack_list")), pack.title)
        self.assertEqual(
            self.client.get(reverse("post_create"), {"pack": pack.pk}).status_code, 404
        )

    def test_sending_from_the_page(self) -> None:
        self.login(self.owner)
        data = {
            "unit": self.district.pk,
            "title": "Phòng chống cháy rừng",
            "body": "Người dân không đốt nương rẫy trong mùa khô.",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "assets": [self.image.pk],
            "all_below": "on",
            "variant_mastodon_text": "Mùa khô: không đốt nương.",
        }
        response = self.client.post(reverse("pack_create"), data, follow=True)
        pack = ContentPack.objects.get()
        self.assertRedirects(response, reverse("pack_detail", args=[pack.pk]))
        self.assertEqual(set(pack.units.all()), {self.commune, self.second})
        self.assertEqual(pack.variants["mastodon"]["text"], "Mùa khô: không đốt nương.")
        self.assertEqual(list(pack.assets.all()), [self.image])

    def test_a_form_error_keeps_what_was_typed(self) -> None:
        self.login(self.owner)
        data = {
            "unit": self.district.pk,
            "title": "Phòng chống cháy rừng",
            "body": "Người dân không đốt nương rẫy.",
            "starts_on": "2026-12-31",
            "ends_on": "2026-12-01",
            "units": [self.sibling.pk],
        }
        response = self.client.post(reverse("pack_create"), data)
        self.assertContains(response, "last day comes before its first day")
        self.assertContains(response, "Phòng chống cháy rừng")
        self.assertFalse(ContentPack.objects.exists())
        data.update({"ends_on": "2027-01-10", "units": []})
        self.assertContains(
            self.client.post(reverse("pack_create"), data), "Choose the units the pack goes to."
        )

    def test_only_approvers_send_packs(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("pack_create"), follow=True)
        self.assertIn("Only an approver can send content packs.", self.messages_of(response))


class ComposeFromPackTests(PackTestCase):
    def compose_data(self, pack: ContentPack, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "pack": pack.pk,
            "unit": self.commune.pk,
            "title": pack.title,
            "body": pack.body,
            "channels": [self.commune_fb.pk],
            "library": [self.image.pk],
            f"library_{self.image.pk}_description": self.image.description,
            "then": "save",
        }
        values.update(overrides)
        return values

    def test_the_composer_starts_from_the_pack_with_its_image(self) -> None:
        pack = self.send()
        self.login(self.member)
        response = self.client.get(reverse("post_create"), {"pack": pack.pk})
        self.assertContains(response, "Written from the content pack")
        self.assertContains(response, f'value="{pack.title}"')
        self.assertContains(response, f'name="pack" value="{pack.pk}"')
        self.assertContains(response, f'name="library" value="{self.image.pk}" checked')
        self.assertContains(response, "Phòng tiếp công dân của huyện")
        response = self.client.post(reverse("post_create"), self.compose_data(pack))
        post = Post.objects.get()
        self.assertRedirects(response, reverse("post_detail", args=[post.pk]))
        self.assertEqual(post.pack, pack)
        [media] = post.media.all()
        self.assertEqual((media.asset, media.file.name), (self.image, self.image.file.name))
        self.assertEqual(media.description, "Phòng tiếp công dân của huyện")

    def test_a_form_error_keeps_the_pack_and_the_image(self) -> None:
        pack = self.send()
        self.login(self.member)
        response = self.client.post(reverse("post_create"), self.compose_data(pack, title=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'name="pack" value="{pack.pk}"')
        self.assertContains(response, f'name="library" value="{self.image.pk}" checked')
        self.assertFalse(Post.objects.exists())

    def test_a_library_image_needs_a_description_and_one_given_is_kept_for_next_time(self) -> None:
        bare, _ = library.add_to_library(
            unit=self.commune,
            upload=library.Upload.of_bytes("bare.png", make_image(color="red")),
            by=self.member,
        )
        pack = self.send()
        self.login(self.member)
        data = self.compose_data(pack, library=[bare.pk])
        response = self.client.post(reverse("post_create"), data)
        self.assertContains(response, "Describe this image for people who cannot see it.")
        data[f"library_{bare.pk}_description"] = "Cổng UBND xã"
        self.client.post(reverse("post_create"), data)
        self.assertEqual(Asset.objects.get(pk=bare.pk).description, "Cổng UBND xã")

    def test_an_image_of_another_units_library_cannot_be_picked(self) -> None:
        other, _ = library.add_to_library(
            unit=self.sibling,
            upload=library.Upload.of_bytes("khac.png", make_image(color="blue")),
            description="Ảnh khác",
            by=self.outsider,
        )
        pack = self.send()
        self.login(self.member)
        response = self.client.post(
            reverse("post_create"), self.compose_data(pack, library=[other.pk])
        )
        self.assertContains(response, "One of the chosen library images is not available to you.")
        self.assertFalse(Post.objects.exists())


class KeptUploadTests(PackTestCase):
    def test_an_image_chosen_in_a_form_with_errors_is_kept_and_stays_chosen(self) -> None:
        self.login(self.member)
        data: dict[str, Any] = {
            "unit": self.commune.pk,
            "title": "",
            "body": "Xã Hợp Thành thông báo.",
            "channels": [self.commune_fb.pk],
            "new_image_1": SimpleUploadedFile(
                "cong-xa.png", make_image(color="green"), "image/png"
            ),
            "new_image_1_description": "Cổng xã",
            "then": "save",
        }
        response = self.client.post(reverse("post_create"), data)
        kept = Asset.objects.get(name="cong-xa.png")
        self.assertEqual((kept.unit, kept.description), (self.commune, "Cổng xã"))
        # The slot holds it now, its description still beside it.
        self.assertContains(response, f'name="new_image_1_asset" value="{kept.pk}"')
        self.assertContains(response, "Cổng xã</textarea>")
        self.assertContains(response, "kept in the media library and stay chosen")
        self.assertContains(response, "This field is required.")
        # Sent again as the page now stands, with the title: the image is the post's.
        data.pop("new_image_1")
        data.update({"title": "Thông báo", "new_image_1_asset": kept.pk})
        self.client.post(reverse("post_create"), data)
        post = Post.objects.get()
        self.assertEqual([m.asset for m in post.media.all()], [kept])
        self.assertEqual(Asset.objects.count(), 2)

    def test_an_image_uploaded_at_once_is_used_with_the_description_typed_beside_it(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("library_upload"),
            {"unit": self.commune.pk, "file": [SimpleUploadedFile("a.png", make_image())]},
            HTTP_ACCEPT="application/json",
        )
        asset_id = response.json()["items"][0]["id"]
        data: dict[str, Any] = {
            "unit": self.commune.pk,
            "title": "Thông báo",
            "body": "Xã Hợp Thành thông báo.",
            "channels": [self.commune_fb.pk],
            "new_image_1_asset": asset_id,
            "new_image_1_description": "",
            "then": "save",
        }
        response = self.client.post(reverse("post_create"), data)
        self.assertContains(response, "Describe this image for people who cannot see it.")
        data["new_image_1_description"] = "Trụ sở xã"
        self.client.post(reverse("post_create"), data)
        [media] = Post.objects.get().media.all()
        self.assertEqual((media.asset_id, media.description), (asset_id, "Trụ sở xã"))
        # The library keeps the description for the next post.
        self.assertEqual(Asset.objects.get(pk=asset_id).description, "Trụ sở xã")
        # Someone else's item cannot be slipped into a slot.
        other, _ = library.add_to_library(
            unit=self.sibling,
            upload=library.Upload.of_bytes("khac.png", make_image(color="blue")),
            description="Ảnh khác",
            by=self.outsider,
        )
        data["new_image_1_asset"] = other.pk
        response = self.client.post(reverse("post_create"), data)
        self.assertContains(response, "One of the chosen library images is not available to you.")


class DashboardTests(PackTestCase):
    def test_the_dashboard_lists_packs_waiting_until_the_unit_writes_its_post(self) -> None:
        with time_machine.travel(date(2026, 12, 5), tick=False):
            pack = self.send()
            later = self.send(
                title="Gói sau", starts_on=date(2026, 12, 20), ends_on=date(2026, 12, 31)
            )
            self.login(self.member)
            response = self.client.get(reverse("dashboard"))
            self.assertContains(response, "Content packs waiting for your unit")
            self.assertContains(response, reverse("pack_detail", args=[pack.pk]))
            # Not yet meant for today.
            self.assertNotContains(response, reverse("pack_detail", args=[later.pk]))
            self.make_post(
                by=self.member, unit=self.commune, pack=pack, title=pack.title, body=pack.body
            )
            self.assertNotContains(
                self.client.get(reverse("dashboard")), "Content packs waiting for your unit"
            )
            # Another commune still has it waiting.
            self.login(self.second_editor)
            self.assertContains(self.client.get(reverse("dashboard")), pack.title)
