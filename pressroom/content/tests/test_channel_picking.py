"""Choosing many channels at once: a unit and below, a platform, a saved set."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.channels import sets
from pressroom.channels.models import ChannelSet
from pressroom.content.models import Post
from pressroom.core.errors import ActionError
from pressroom.testing import ViewTestCase


class QuickChoiceTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.district_facebook = self.make_channel(self.district, "facebook")
        self.district_zalo = self.make_channel(self.district, "zalo")
        self.commune_facebook = self.make_channel(self.commune, "facebook")
        self.commune_telegram = self.make_channel(self.commune, "telegram")
        self.sibling_facebook = self.make_channel(self.sibling, "facebook")
        self.login(self.owner)

    def data(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "unit": self.district.pk,
            "title": "Thông báo",
            "body": "Nội dung thông báo.",
            "link": "",
            "theme": "",
            "then": "save",
        }
        values.update(overrides)
        return values

    def chosen(self) -> set[int]:
        return set(Post.objects.get().channels.values_list("pk", flat=True))

    def test_a_unit_and_all_below_it(self) -> None:
        response = self.client.post(reverse("post_create"), self.data(add_unit=self.district.pk))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            self.chosen(),
            {
                self.district_facebook.pk,
                self.district_zalo.pk,
                self.commune_facebook.pk,
                self.commune_telegram.pk,
            },
        )

    def test_every_channel_of_a_platform_with_a_box_ticked_too(self) -> None:
        self.client.post(
            reverse("post_create"),
            self.data(add_platform="facebook", channels=[self.commune_telegram.pk]),
        )
        self.assertEqual(
            self.chosen(),
            {self.district_facebook.pk, self.commune_facebook.pk, self.commune_telegram.pk},
        )

    def test_a_quick_choice_survives_a_form_error_as_ticked_boxes(self) -> None:
        response = self.client.post(
            reverse("post_create"), self.data(title="", add_platform="facebook")
        )
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        for channel in (self.district_facebook, self.commune_facebook):
            box = page[page.index(f'name="channels" value="{channel.pk}"') :].split(">")[0]
            self.assertIn("checked", box)
        self.assertContains(response, "2 channels chosen")
        self.assertContains(response, "(2 Facebook)")
        self.assertContains(response, "in 2 units")

    def test_nothing_chosen_at_all_is_refused(self) -> None:
        response = self.client.post(reverse("post_create"), self.data())
        self.assertContains(response, "Choose at least one channel.")
        self.assertFalse(Post.objects.exists())

    def test_a_channel_outside_the_persons_units_is_never_added(self) -> None:
        response = self.client.post(reverse("post_create"), self.data(add_unit=self.sibling.pk))
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Post.objects.exists())

    def test_the_choice_saved_as_a_set_is_offered_below_and_audited(self) -> None:
        self.client.post(
            reverse("post_create"),
            self.data(
                channels=[self.district_facebook.pk, self.commune_facebook.pk],
                save_set_as="  Các trang  Facebook ",
            ),
            follow=True,
        )
        saved = ChannelSet.objects.get()
        self.assertEqual(saved.name, "Các trang Facebook")
        self.assertEqual(saved.unit, self.district)
        self.assertEqual(
            set(saved.channels.values_list("pk", flat=True)),
            {self.district_facebook.pk, self.commune_facebook.pk},
        )
        self.assertTrue(AuditEvent.objects.filter(action="channel_set.save").exists())
        # A commune editor is offered the district's set, limited to what they may choose.
        self.login(self.member)
        page = self.client.get(reverse("post_create"))
        self.assertContains(page, "Các trang Facebook · Huyện Cao Lộc")
        response = self.client.post(
            reverse("post_create"), self.data(unit=self.commune.pk, add_set=saved.pk)
        )
        self.assertEqual(response.status_code, 302)
        post = Post.objects.get(unit=self.commune)
        self.assertEqual(
            set(post.channels.values_list("pk", flat=True)), {self.commune_facebook.pk}
        )

    def test_a_set_needs_a_name_channels_and_the_right_to_compose(self) -> None:
        with self.assertRaises(ActionError):
            sets.save_channel_set(
                unit=self.district, name=" ", channels=[self.district_zalo], by=self.owner
            )
        with self.assertRaises(ActionError):
            sets.save_channel_set(unit=self.district, name="X", channels=[], by=self.owner)
        with self.assertRaises(ActionError):
            sets.save_channel_set(
                unit=self.district, name="X", channels=[self.district_zalo], by=self.member
            )
        saved = sets.save_channel_set(
            unit=self.district, name="X", channels=[self.district_zalo], by=self.owner
        )
        sets.delete_channel_set(channel_set=saved, by=self.owner)
        self.assertFalse(ChannelSet.objects.exists())
        self.assertTrue(AuditEvent.objects.filter(action="channel_set.delete").exists())


class SetPageTests(ViewTestCase):
    def test_the_sets_offered_and_deleting_ones_own(self) -> None:
        page_d = self.make_channel(self.district, "facebook")
        page_c = self.make_channel(self.commune, "facebook")
        district_set = sets.save_channel_set(
            unit=self.district, name="Huyện và xã", channels=[page_d, page_c], by=self.owner
        )
        self.login(self.member)
        page = self.client.get(reverse("channel_set_list"))
        self.assertContains(page, "Huyện và xã")
        # A commune editor sees the district's set but may not delete it.
        self.assertNotContains(page, reverse("channel_set_delete", args=[district_set.pk]))
        response = self.client.post(
            reverse("channel_set_delete", args=[district_set.pk]), follow=True
        )
        self.assertContains(response, "The set was not deleted")
        self.assertTrue(ChannelSet.objects.exists())
        self.login(self.outsider)
        self.assertEqual(
            self.client.post(reverse("channel_set_delete", args=[district_set.pk])).status_code, 404
        )
        self.login(self.owner)
        response = self.client.post(
            reverse("channel_set_delete", args=[district_set.pk]), follow=True
        )
        self.assertContains(response, "is deleted")
        self.assertContains(response, "No channel set yet")
        self.assertFalse(ChannelSet.objects.exists())
