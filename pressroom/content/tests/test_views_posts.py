"""The posts list, the post page, its live deliveries table and its images."""

from __future__ import annotations

from django.urls import reverse

from pressroom.channels.models import Channel
from pressroom.content import actions
from pressroom.content.models import Post, Theme
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase, make_image


class PostListTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.theme = Theme.objects.create(unit=self.province, name="Cải cách hành chính")
        self.district_post = self.make_post(title="Tin của huyện", theme=self.theme)
        self.commune_post = self.make_post(by=self.member, unit=self.commune, title="Tin của xã")
        self.sibling_post = self.make_post(
            by=self.outsider, unit=self.sibling, title="Tin Lộc Bình"
        )

    def test_owner_sees_the_posts_of_the_district_and_below(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("post_list"))
        self.assertContains(response, "Tin của huyện")
        self.assertContains(response, "Tin của xã")
        self.assertNotContains(response, "Tin Lộc Bình")

    def test_outsider_sees_none_of_ours(self) -> None:
        self.login(self.outsider)
        response = self.client.get(reverse("post_list"))
        self.assertContains(response, "Tin Lộc Bình")
        self.assertNotContains(response, "Tin của huyện")
        self.assertNotContains(response, "Tin của xã")

    def test_filters(self) -> None:
        self.login(self.owner)
        by_unit = self.client.get(reverse("post_list"), {"unit": self.commune.pk})
        self.assertContains(by_unit, "Tin của xã")
        self.assertNotContains(by_unit, "Tin của huyện")
        by_theme = self.client.get(reverse("post_list"), {"theme": self.theme.pk})
        self.assertContains(by_theme, "Tin của huyện")
        self.assertNotContains(by_theme, "Tin của xã")
        actions.save_post(
            by=self.owner,
            post=self.district_post,
            unit=self.district,
            title="Tin của huyện",
            body="Nội dung",
            channels=[self.facebook],
        )
        actions.submit_post(post=self.district_post, by=self.owner)
        by_status = self.client.get(reverse("post_list"), {"status": "in_review"})
        self.assertContains(by_status, "Tin của huyện")
        self.assertNotContains(by_status, "Tin của xã")

    def test_a_unit_outside_the_users_tree_is_not_a_valid_filter(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("post_list"), {"unit": self.sibling.pk})
        self.assertNotContains(response, "Tin Lộc Bình")
        self.assertContains(response, "Select a valid choice.")

    def test_pagination_keeps_the_filters(self) -> None:
        for number in range(30):
            self.make_post(title=f"Bản tin số {number:02d}")
        self.login(self.owner)
        first = self.client.get(reverse("post_list"), {"unit": self.district.pk})
        self.assertContains(first, "Page 1 of 2")
        self.assertContains(first, f"?unit={self.district.pk}&amp;page=2")
        second = self.client.get(reverse("post_list"), {"unit": self.district.pk, "page": 2})
        self.assertContains(second, "Page 2 of 2")

    def test_empty_list(self) -> None:
        Post.objects.all().delete()
        self.login(self.owner)
        self.assertContains(self.client.get(reverse("post_list")), "No post matches.")


class PostDetailTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.telegram = self.make_channel(self.district, "telegram")
        self.post = self.make_post(
            channels=[self.facebook, self.telegram],
            variants={"telegram": ("", "Bản riêng cho Telegram")},
            images=[actions.NewImage("hoi-nghi.png", make_image(), "Toàn cảnh hội nghị")],
        )
        self.url = reverse("post_detail", args=[self.post.pk])

    def test_the_page_shows_content_versions_images_and_history(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertContains(response, "Thông báo lịch tiếp công dân")
        self.assertContains(response, "Bản riêng cho Telegram")
        self.assertContains(response, 'alt="Toàn cảnh hội nghị"')
        self.assertContains(response, "Created the draft")
        self.assertContains(response, reverse("post_submit", args=[self.post.pk]))
        self.assertContains(response, reverse("post_edit", args=[self.post.pk]))
        self.assertContains(response, "Nothing has been sent yet.")

    def test_the_page_lists_what_blocks_the_post(self) -> None:
        post = self.make_post(channels=[self.telegram], body="x" * 5000)
        self.login(self.owner)
        response = self.client.get(reverse("post_detail", args=[post.pk]))
        self.assertContains(response, "What stops this post from going out")
        # The title and a blank line come first on Telegram (28 + 2 + 5,000).
        self.assertContains(response, "it has 5030")

    def test_member_of_a_unit_below_gets_404(self) -> None:
        self.login(self.member)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get(reverse("post_detail", args=[99999])).status_code, 404)

    def test_history_names_each_step(self) -> None:
        actions.submit_post(post=self.post, by=self.owner)
        actions.reject_post(post=self.post, by=self.approver, reason="Thiếu ảnh bản đồ")
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertContains(response, "Sent it for review")
        self.assertContains(response, "Sent it back: Thiếu ảnh bản đồ")

    def test_history_names_people_as_the_page_does(self) -> None:
        self.approver.last_name, self.approver.first_name = "Trần Thị", "Mai"
        self.approver.save()
        actions.submit_post(post=self.post, by=self.owner)
        actions.reject_post(post=self.post, by=self.approver, reason="Thiếu ảnh")
        self.login(self.owner)
        history = self.client.get(self.url).content.decode().split('id="history-title"')[1]
        self.assertIn("Trần Thị Mai", history)
        self.assertNotIn(self.approver.username, history)

    def test_the_image_is_served_to_people_who_may_see_the_post(self) -> None:
        media = self.post.media.get()
        url = reverse("post_image", args=[self.post.pk, media.pk])
        self.login(self.owner)
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(b"".join(response.streaming_content), media.file.open("rb").read())  # type: ignore[attr-defined]
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)


class DeliveriesTableTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.telegram = self.make_channel(self.district, "telegram")
        self.post = self.make_approved_post(channels=[self.facebook, self.telegram])
        scheduling.schedule_post(post=self.post, by=self.approver)
        self.url = reverse("post_deliveries", args=[self.post.pk])

    def test_the_table_polls_while_a_delivery_is_under_way(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertContains(page, f'hx-get="{self.url}"')
        self.assertContains(page, 'hx-trigger="every 2s"')
        partial = self.client.get(self.url, headers={"HX-Request": "true"})
        self.assertContains(partial, 'hx-trigger="every 2s"')
        self.assertNotContains(partial, "<html")
        # Published now: due already, so not said to wait for its time.
        self.assertContains(partial, "In the queue: it goes out within moments.")
        self.assertNotContains(partial, "Waiting for its time to go out.")
        self.assertNotIn("HX-Refresh", partial)

    def test_polling_stops_when_every_delivery_is_finished(self) -> None:
        Delivery.objects.filter(channel=self.facebook).update(
            status=Delivery.Status.PUBLISHED, permalink="https://facebook.example/p/1", attempts=1
        )
        Delivery.objects.filter(channel=self.telegram).update(
            status=Delivery.Status.FAILED,
            attempts=3,
            error_code="403",
            error_message="Forbidden: bot is not a member of the channel chat",
        )
        self.login(self.owner)
        partial = self.client.get(self.url, headers={"HX-Request": "true"})
        self.assertNotContains(partial, "hx-trigger")
        self.assertEqual(partial["HX-Refresh"], "true")
        self.assertContains(partial, "https://facebook.example/p/1")
        self.assertContains(partial, "The bot is not an administrator of the Telegram channel")
        self.assertContains(partial, "bot is not a member of the channel chat")

    def test_a_paused_delivery_says_to_ask_an_administrator(self) -> None:
        Delivery.objects.filter(channel=self.telegram).update(status=Delivery.Status.PAUSED)
        Channel.objects.filter(pk=self.telegram.pk).update(status=Channel.Status.NEEDS_RECONNECT)
        self.login(self.owner)
        partial = self.client.get(self.url, headers={"HX-Request": "true"})
        self.assertContains(partial, "The channel needs reconnecting: ask a unit administrator.")

    def test_a_plain_visit_gets_the_whole_page(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertRedirects(response, reverse("post_detail", args=[self.post.pk]) + "#deliveries")

    def test_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url, headers={"HX-Request": "true"}).status_code, 404)
        self.assertEqual(self.client.get(self.url).status_code, 404)


class SettleUnknownDeliveryTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.telegram = self.make_channel(self.district, "telegram")
        self.post = self.make_approved_post(channels=[self.telegram])
        scheduling.schedule_post(post=self.post, by=self.approver)
        self.delivery = Delivery.objects.get(post=self.post)
        Delivery.objects.filter(pk=self.delivery.pk).update(
            status=Delivery.Status.WAITING_FOR_PERSON, needs_look=True
        )
        self.url = reverse("delivery_look", args=[self.post.pk, self.delivery.pk])

    def test_the_approver_sees_the_choice_and_marks_it_published(self) -> None:
        self.login(self.approver)
        page = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertContains(page, self.url)
        self.assertNotContains(page, 'hx-trigger="every 2s"')
        self.client.post(self.url, {"found": "yes"})
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.PUBLISHED)
        self.post.refresh_from_db()
        self.assertEqual(self.post.status, Post.Status.PUBLISHED)

    def test_not_there_sends_it_again(self) -> None:
        self.login(self.approver)
        self.client.post(self.url, {"found": "no"})
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.RETRY)
        self.assertFalse(self.delivery.needs_look)

    def test_only_people_who_may_approve_for_the_unit_answer(self) -> None:
        self.login(self.member)
        self.assertEqual(self.client.post(self.url, {"found": "yes"}).status_code, 404)
        self.login(self.owner)
        self.client.post(self.url, {"found": "yes"})
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.PUBLISHED)

    def test_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.post(self.url, {"found": "yes"}).status_code, 404)
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.WAITING_FOR_PERSON)
