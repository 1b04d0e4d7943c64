"""Channel pages: /channels/ and /channels/<id>/."""

from __future__ import annotations

from django.urls import reverse

from pressroom.audit.actions import verify_chain
from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.content import actions as content
from pressroom.orgs.models import Role
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase


class ChannelListTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.mastodon = self.make_channel(self.commune, "mastodon")
        self.sibling_zalo = self.make_channel(self.sibling, "zalo")
        Channel.objects.filter(pk=self.mastodon.pk).update(status=Channel.Status.NEEDS_RECONNECT)

    def test_channels_by_unit_with_their_status(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("channel_list"))
        self.assertContains(response, self.facebook.name)
        self.assertContains(response, self.mastodon.name)
        self.assertContains(response, "badge-connected")
        self.assertContains(response, "Needs reconnecting")
        self.assertNotContains(response, self.sibling_zalo.name)

    def test_outsider_sees_none_of_ours(self) -> None:
        self.login(self.outsider)
        response = self.client.get(reverse("channel_list"))
        self.assertContains(response, self.sibling_zalo.name)
        self.assertNotContains(response, self.facebook.name)

    def test_empty_state(self) -> None:
        Channel.objects.all().delete()
        self.login(self.owner)
        self.assertContains(self.client.get(reverse("channel_list")), "No channel yet.")


class ChannelDetailTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.telegram = self.make_channel(self.district, "telegram")
        self.telegram.credentials = {"bot_token": "123456:SECRET-BOT-TOKEN"}
        self.telegram.options = {"viewer_url": "http://127.0.0.1:8001/view/telegram/cao-loc"}
        self.telegram.save()
        self.url = reverse("channel_detail", args=[self.telegram.pk])

    def test_details_without_credentials_and_the_sandbox_viewer(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertContains(response, self.telegram.name)
        self.assertContains(response, self.telegram.external_id)
        self.assertContains(response, "http://127.0.0.1:8001/view/telegram/cao-loc")
        self.assertNotContains(response, "SECRET-BOT-TOKEN")
        self.assertNotContains(response, self.telegram.credentials_encrypted)

    def test_technical_details_only_for_administrators(self) -> None:
        self.login(self.approver)
        response = self.client.get(self.url)
        self.assertContains(response, self.telegram.name)
        self.assertNotContains(response, "Account id on the platform")
        self.assertNotContains(response, "API address")
        self.login(self.owner)
        self.assertContains(self.client.get(self.url), "Account id on the platform")

    def test_a_real_channel_has_no_viewer_link(self) -> None:
        Channel.objects.filter(pk=self.telegram.pk).update(is_sandbox=False)
        self.login(self.owner)
        self.assertNotContains(self.client.get(self.url), "/view/telegram/")

    def test_recent_deliveries_with_plain_explanations(self) -> None:
        post = self.make_approved_post(title="Thông báo cắt điện", channels=[self.telegram])
        scheduling.schedule_post(post=post, by=self.approver)
        Delivery.objects.update(status=Delivery.Status.FAILED, error_code="400", attempts=1)
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertContains(response, "Thông báo cắt điện")
        self.assertContains(response, "The platform refused the post.")
        self.assertContains(response, "Check this platform&#x27;s version of the post.")

    def test_a_post_from_the_unit_above_is_listed_without_a_link(self) -> None:
        governor = self.make_user("governor", self.province, Role.ADMIN)
        province_approver = self.make_user("province-approver", self.province, Role.APPROVER)
        province_post = self.make_post(
            by=governor, unit=self.province, title="Thông báo của tỉnh", channels=[self.telegram]
        )
        content.submit_post(post=province_post, by=governor)
        content.approve_post(post=province_post, by=province_approver)
        scheduling.schedule_post(post=province_post, by=province_approver)
        own_post = self.make_approved_post(title="Thông báo của huyện", channels=[self.telegram])
        scheduling.schedule_post(post=own_post, by=self.approver)
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertContains(response, "Thông báo của tỉnh")
        self.assertNotContains(response, reverse("post_detail", args=[province_post.pk]))
        self.assertContains(response, reverse("post_detail", args=[own_post.pk]))
        # What is not linked is indeed closed to this viewer; what is linked opens.
        self.assertEqual(
            self.client.get(reverse("post_detail", args=[own_post.pk])).status_code, 200
        )
        self.assertEqual(
            self.client.get(reverse("post_detail", args=[province_post.pk])).status_code, 404
        )
        self.login(governor)
        response = self.client.get(self.url)
        self.assertContains(response, reverse("post_detail", args=[province_post.pk]))

    def test_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.login(self.member)  # a commune editor does not see the district's channels
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get(reverse("channel_detail", args=[99999])).status_code, 404)


class ConnectionSectionTests(ViewTestCase):
    """The channel page's reconnect and disconnect buttons (the flows: test_connect.py)."""

    def setUp(self) -> None:
        super().setUp()
        self.channel = self.make_channel(self.district, "zalo")
        self.page = reverse("channel_detail", args=[self.channel.pk])
        self.disconnect = reverse("channel_disconnect", args=[self.channel.pk])

    def test_the_unit_administrator_has_them(self) -> None:
        self.login(self.owner)
        page = self.client.get(self.page)
        self.assertContains(page, reverse("connect_begin", args=["zalo"]))
        self.assertContains(page, self.disconnect)

    def test_an_approver_has_neither_and_cannot_disconnect(self) -> None:
        self.login(self.approver)
        page = self.client.get(self.page)
        self.assertNotContains(page, reverse("connect_begin", args=["zalo"]))
        self.assertNotContains(page, self.disconnect)
        response = self.client.post(self.disconnect, follow=True)
        self.assertIn(
            "Only an administrator of the unit can disconnect a channel.",
            self.messages_of(response),
        )
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.status, Channel.Status.CONNECTED)

    def test_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.post(self.disconnect).status_code, 404)


class UnknownOutcomeSettingTests(ViewTestCase):
    """What a Telegram channel does after a send whose answer was lost."""

    def setUp(self) -> None:
        super().setUp()
        self.channel = self.make_channel(self.district, "telegram")
        self.url = reverse("channel_unknown_outcome", args=[self.channel.pk])
        self.page = reverse("channel_detail", args=[self.channel.pk])

    def test_the_unit_administrator_chooses_to_resend_and_back(self) -> None:
        self.login(self.owner)
        page = self.client.get(self.page)
        self.assertContains(page, self.url)
        self.assertEqual(page.context["outcome_form"].initial, {"choice": "wait"})
        response = self.client.post(self.url, {"choice": "resend"}, follow=True)
        self.assertIn(
            "Saved: a send Telegram does not confirm will be sent again.",
            self.messages_of(response),
        )
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.options["unknown_outcome"], "resend")
        self.assertEqual(response.context["outcome_form"].initial, {"choice": "resend"})
        event = AuditEvent.objects.filter(action="channel.unknown_outcome").get()
        self.assertEqual(event.data, {"before": "wait", "after": "resend"})
        self.assertEqual(event.actor, self.owner)

        self.client.post(self.url, {"choice": "wait"})
        self.channel.refresh_from_db()
        self.assertNotIn("unknown_outcome", self.channel.options)
        self.assertTrue(verify_chain().ok)

    def test_the_setting_speaks_vietnamese(self) -> None:
        self.speak("vi")
        self.login(self.owner)
        page = self.client.get(self.page)
        self.assertContains(page, "Gửi lại (bài không bao giờ bị thiếu")

    def test_a_choice_that_does_not_exist_is_refused_and_nothing_changes(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.url, {"choice": "twice"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["outcome_form"].errors)
        self.channel.refresh_from_db()
        self.assertNotIn("unknown_outcome", self.channel.options)

    def test_an_approver_cannot_change_it(self) -> None:
        self.login(self.approver)
        self.assertNotContains(self.client.get(self.page), self.url)
        response = self.client.post(self.url, {"choice": "resend"}, follow=True)
        self.assertIn(
            "Only an administrator of the unit can change this setting.",
            self.messages_of(response),
        )
        self.channel.refresh_from_db()
        self.assertNotIn("unknown_outcome", self.channel.options)

    def test_the_setting_names_the_platform(self) -> None:
        self.login(self.owner)
        page = self.client.get(self.page)
        self.assertContains(page, "When Telegram does not confirm a send")
        self.assertContains(page, "Telegram cannot be asked whether the post went out")

    def test_only_a_platform_that_asks_after_a_lost_answer_has_it(self) -> None:
        facebook = self.make_channel(self.district, "facebook")
        self.login(self.owner)
        self.assertNotContains(
            self.client.get(reverse("channel_detail", args=[facebook.pk])), "unknown-outcome"
        )
        url = reverse("channel_unknown_outcome", args=[facebook.pk])
        response = self.client.post(url, {"choice": "resend"}, follow=True)
        self.assertIn(
            "Facebook can be asked whether a post went out, or takes a post sent again without "
            "showing it twice: there is nothing to choose.",
            self.messages_of(response),
        )
        facebook.refresh_from_db()
        self.assertNotIn("unknown_outcome", facebook.options)

    def test_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.post(self.url, {"choice": "resend"}).status_code, 404)


class ConnectPageTests(ViewTestCase):
    def test_a_unit_administrator_sees_every_platform(self) -> None:
        self.login(self.owner)
        self.assertContains(self.client.get(reverse("channel_list")), reverse("connect_page"))
        page = self.client.get(reverse("connect_page"))
        for platform in ("facebook", "zalo", "telegram", "mastodon"):
            self.assertContains(page, reverse("connect_begin", args=[platform]))
        # Without a training sandbox there is nothing to choose but the real platform.
        self.assertNotContains(page, 'value="sandbox"')
        with self.settings(SANDBOX_URL="http://127.0.0.1:8001"):
            page = self.client.get(reverse("connect_page"), {"unit": self.commune.pk})
        self.assertContains(page, 'value="sandbox"')
        self.assertEqual(page.context["unit"], self.commune)

    def test_the_page_speaks_vietnamese(self) -> None:
        self.speak("vi")
        self.login(self.owner)
        self.assertContains(self.client.get(reverse("connect_page")), "Kết nối kênh")

    def test_someone_who_administers_no_unit_is_sent_back(self) -> None:
        self.login(self.approver)
        self.assertNotContains(self.client.get(reverse("channel_list")), reverse("connect_page"))
        response = self.client.get(reverse("connect_page"), follow=True)
        self.assertIn(
            "Only an administrator of a unit can connect its channels.",
            self.messages_of(response),
        )

    def test_an_unknown_platform_is_not_found(self) -> None:
        self.login(self.owner)
        response = self.client.post(reverse("connect_begin", args=["myspace"]), {})
        self.assertEqual(response.status_code, 404)
