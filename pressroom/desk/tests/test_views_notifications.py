"""The bell, the list of notices, opening one and marking all read."""

from __future__ import annotations

from django.urls import reverse

from pressroom.core.models import Notification
from pressroom.core.notifications import notify
from pressroom.testing import ViewTestCase


class NotificationTests(ViewTestCase):
    def test_the_bell_counts_unread_notices(self) -> None:
        notify(
            users=[self.owner], kind="channel_paused", text="Channel A paused", link="/channels/"
        )
        notify(users=[self.owner], kind="post_finished", text="Post B published", link="/posts/")
        self.login(self.owner)
        response = self.client.get(reverse("dashboard"))
        self.assertContains(response, '<span class="bell-count" title="unread">2</span>', html=True)
        self.login(self.approver)
        self.assertNotContains(self.client.get(reverse("dashboard")), "bell-count")

    def test_the_list_shows_ones_own_notices_only(self) -> None:
        notify(users=[self.owner], kind="channel_paused", text="Channel A paused")
        notify(users=[self.outsider], kind="channel_paused", text="Someone else's channel")
        self.login(self.owner)
        response = self.client.get(reverse("notification_list"))
        self.assertContains(response, "Channel A paused")
        self.assertNotContains(response, "Someone else")

    def test_empty_state(self) -> None:
        self.login(self.owner)
        self.assertContains(
            self.client.get(reverse("notification_list")), "You have no notifications."
        )

    def test_opening_marks_it_read_and_follows_its_link(self) -> None:
        notify(
            users=[self.owner], kind="channel_paused", text="Channel A paused", link="/channels/"
        )
        notice = Notification.objects.get(user=self.owner)
        self.login(self.owner)
        response = self.client.post(reverse("notification_open", args=[notice.pk]))
        self.assertRedirects(response, "/channels/", fetch_redirect_response=False)
        notice.refresh_from_db()
        self.assertIsNotNone(notice.read_at)
        self.assertNotContains(self.client.get(reverse("dashboard")), "bell-count")

    def test_nobody_opens_someone_elses_notice(self) -> None:
        notify(users=[self.owner], kind="channel_paused", text="Channel A paused")
        notice = Notification.objects.get(user=self.owner)
        self.login(self.outsider)
        response = self.client.post(reverse("notification_open", args=[notice.pk]))
        self.assertEqual(response.status_code, 404)
        notice.refresh_from_db()
        self.assertIsNone(notice.read_at)

    def test_mark_all_read(self) -> None:
        for text in ("one", "two", "three"):
            notify(users=[self.owner], kind=f"kind-{text}", text=text)
        self.login(self.owner)
        self.client.post(reverse("notification_read_all"))
        self.assertFalse(Notification.objects.filter(user=self.owner, read_at=None).exists())

    def test_sign_in_is_required(self) -> None:
        response = self.client.get(reverse("notification_list"))
        self.assertEqual(response.status_code, 302)


class NoticeTextTests(ViewTestCase):
    def test_any_text_makes_a_notice(self) -> None:
        title = "Tiêu đề\r\nBcc: someone@example.com\x00" + "dài " * 400
        notify(users=[self.owner], kind="post_finished", text=title, link="/posts/1/")
        notice = Notification.objects.get(user=self.owner)
        self.assertNotIn("\n", notice.text)
        self.assertNotIn("\x00", notice.text)
        self.assertLessEqual(len(notice.text), 500)
        self.assertTrue(notice.text.endswith("…"))

    def test_a_link_off_the_site_is_dropped(self) -> None:
        notify(users=[self.owner], kind="x", text="t", link="https://evil.example/")
        self.assertEqual(Notification.objects.get(user=self.owner).link, "")


class PostFinishedNoticeTests(ViewTestCase):
    def test_the_author_is_told_in_the_app_and_by_mail_whatever_the_title(self) -> None:
        from django.core import mail

        from pressroom.content.models import Post
        from pressroom.publishing.notifications import notify_post_finished

        post = self.make_post(title="Thông báo")
        Post.objects.filter(pk=post.pk).update(title="Dòng một\r\nDòng hai")
        post.refresh_from_db()
        notify_post_finished(post=post)
        notice = Notification.objects.get(user=post.author, kind="post_finished")
        self.assertIn("Dòng một Dòng hai", notice.text)
        self.assertEqual(notice.link, reverse("post_detail", args=[post.pk]))
        self.assertEqual(len(mail.outbox), 1)
        self.assertNotIn("\n", mail.outbox[0].subject)

    def test_the_mail_is_in_the_language_the_author_chose(self) -> None:
        from django.core import mail

        from pressroom.core.models import Preferences
        from pressroom.publishing.notifications import notify_post_finished

        post = self.make_post(title="Thông báo")
        notify_post_finished(post=post)
        self.assertIn("Các lượt đăng bài viết của bạn đã hoàn tất", mail.outbox[0].body)
        Preferences.objects.create(user=post.author, language="en")
        notify_post_finished(post=post)
        self.assertIn("The deliveries of your post have finished", mail.outbox[1].body)


class PostReachedUnitTests(ViewTestCase):
    def test_a_commune_hears_that_a_post_from_above_went_out_on_its_channel(self) -> None:
        from django.utils import timezone

        from pressroom.publishing.models import Delivery
        from pressroom.publishing.notifications import notify_post_finished

        commune_page = self.make_channel(self.commune, "facebook")
        district_page = self.make_channel(self.district, "facebook")
        post = self.make_post(
            by=self.owner, unit=self.district, channels=[commune_page, district_page]
        )
        for channel in (commune_page, district_page):
            Delivery.objects.create(
                post=post, channel=channel, due_at=timezone.now(), status=Delivery.Status.PUBLISHED
            )
        notify_post_finished(post=post)
        notice = Notification.objects.get(user=self.member, kind="post_reached")
        self.assertIn("đã được đăng trên kênh", notice.text)  # notices are written in Vietnamese
        self.assertIn(commune_page.name, notice.text)
        self.assertIn(self.district.name, notice.text)
        self.assertTrue(notice.link.startswith(reverse("channel_detail", args=[commune_page.pk])))
        # Only the commune's people, once; the author hears of their post as before.
        self.assertEqual(Notification.objects.filter(kind="post_reached").count(), 1)
        notify_post_finished(post=post)
        self.assertEqual(Notification.objects.filter(kind="post_reached").count(), 1)
        self.login(self.member)
        self.assertContains(self.client.get(reverse("notification_list")), commune_page.name)
