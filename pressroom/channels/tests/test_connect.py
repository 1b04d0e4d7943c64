"""Connecting channels from the app, through the emulator's consent pages over real HTTP."""

from __future__ import annotations

import html
import tempfile
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
import time_machine
from django.test import override_settings
from django.urls import reverse

from pressroom.audit.actions import verify_chain
from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel, ConnectAttempt, PlatformApp
from pressroom.channels.tests.consent import ConsentPage, redirect_query
from pressroom.platforms.base import ChannelAccess, Publication
from pressroom.platforms.connecting import TRAINING_APP_ID, ConnectRefused
from pressroom.platforms.mastodon.connect import instance_limits, normalise_instance
from pressroom.platforms.telegram.connect import normalise_chat
from pressroom.platforms.testing import RunningSandbox, publish
from pressroom.publishing import scheduling
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase


class ConnectTestCase(ViewTestCase):
    """A running emulator that the app knows as its training sandbox."""

    sandbox: ClassVar[RunningSandbox]
    _state: ClassVar[tempfile.TemporaryDirectory[str]]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls._state = tempfile.TemporaryDirectory(prefix="pressroom-connect-")
        cls.sandbox = RunningSandbox(cls._state.name).start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.sandbox.close()
        cls._state.cleanup()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.sandbox.reset()
        override = override_settings(
            SANDBOX_URL=self.sandbox.url, FACEBOOK_APP_ID="", ZALO_APP_ID=""
        )
        override.enable()
        self.addCleanup(override.disable)
        self.browser = httpx.Client(timeout=10, trust_env=False)
        self.addCleanup(self.browser.close)
        self.login(self.owner)

    def begin(self, platform: str, unit: Any = None, **fields: str) -> str:
        """Press "Connect" on the connect page: where the app sends the person."""
        response = self.client.post(
            reverse("connect_begin", args=[platform]),
            {"unit": (unit or self.district).pk, "where": "sandbox", **fields},
        )
        return self.consent_url(response)

    def consent_url(self, response: Any) -> str:
        """Where the page that moves on to the platform leads."""
        self.assertEqual(response.status_code, 200, self.messages_of(response))
        self.assertTemplateUsed(response, "channels/connect_go.html")
        location: str = response.context["url"]
        self.assertTrue(location.startswith(self.sandbox.url), location)
        self.assertContains(response, f'content="0;url={html.escape(location)}"')
        return location

    def come_back(self, consent: httpx.Response) -> Any:
        """The platform's redirect, followed into the app."""
        address, query = redirect_query(consent)
        path = urlsplit(address).path
        self.assertEqual(path, reverse("connect_callback", args=[path.split("/")[-3]]))
        return self.client.get(path, query)

    def choose(self, response: Any, *external_ids: str) -> Any:
        self.assertEqual(response.status_code, 302, self.messages_of(response))
        choose_url = response["Location"]
        page = self.client.get(choose_url)
        self.assertEqual(page.status_code, 200)
        return self.client.post(choose_url, {"account": list(external_ids)})

    def events(self, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action).order_by("id"))


class FacebookConnectTests(ConnectTestCase):
    def consent(self, url: str, *, page: str = "UBND Huyện Cao Lộc") -> ConsentPage:
        return ConsentPage(self.browser, url).fill("Tạo Trang mới (New Page name)", page)

    def connect_new_page(self, name: str = "UBND Huyện Cao Lộc") -> tuple[Any, Channel]:
        consent = self.consent(self.begin("facebook"), page=name).press("Tiếp tục (Continue)")
        back = self.come_back(consent)
        choose_page = self.client.get(back["Location"])
        self.assertContains(choose_page, name)
        (account,) = choose_page.context["accounts"]
        self.assertTrue(account.connectable, account.problems)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(back["Location"], {"account": [account.external_id]})
        channel = Channel.objects.get(external_id=account.external_id)
        return response, channel

    def test_a_page_is_connected_and_can_be_published_to(self) -> None:
        response, channel = self.connect_new_page()
        self.assertRedirects(response, reverse("channel_detail", args=[channel.pk]))
        self.assertEqual(channel.unit, self.district)
        self.assertEqual(channel.platform, "facebook")
        self.assertTrue(channel.is_sandbox)
        self.assertEqual(channel.status, Channel.Status.CONNECTED)
        self.assertEqual(channel.api_base, f"{self.sandbox.url}/facebook/v24.0")
        self.assertIn("webhooks", channel.options)
        self.assertEqual(channel.options["webhooks_error"], "")
        self.assertIn("feed", channel.options["webhooks"])
        self.assertTrue(channel.options["viewer_url"].startswith(self.sandbox.url))
        # The Page token it was given publishes.
        outcome = publish(
            "facebook",
            ChannelAccess(channel.api_base, channel.external_id, channel.credentials),
            Publication(text="Xin chào từ Pressroom"),
        )
        self.assertTrue(outcome.published, outcome)
        self.assertEqual(len(self.sandbox.ledger(account_id=channel.external_id)), 1)
        # Every step is audited; the attempt keeps nothing.
        self.assertEqual(len(self.events("channel.connect_start")), 1)
        (created,) = self.events("channel.create")
        self.assertEqual(created.actor, self.owner)
        self.assertEqual(created.data["via"], "connect")
        attempt = ConnectAttempt.objects.get()
        self.assertIsNotNone(attempt.finished_at)
        self.assertEqual(attempt.found_encrypted, "")
        self.assertTrue(verify_chain().ok)
        # The token is never shown again.
        page = self.client.get(reverse("channel_detail", args=[channel.pk]))
        self.assertNotContains(page, channel.credentials["page_token"])

    def test_the_sandbox_knows_the_training_app(self) -> None:
        url = self.begin("facebook")
        query = dict(httpx.URL(url).params)
        self.assertEqual(query["client_id"], TRAINING_APP_ID)
        self.assertIn("pages_manage_posts", query["scope"].split(","))
        self.assertEqual(ConsentPage(self.browser, url).status_code, 200)

    def test_denied_consent_connects_nothing(self) -> None:
        consent = ConsentPage(self.browser, self.begin("facebook")).press("Hủy (Cancel)")
        response = self.come_back(consent)
        self.assertRedirects(response, reverse("connect_page"), fetch_redirect_response=False)
        self.assertIn(
            "Permission was not given on Facebook, so nothing was connected. "
            "Start again and allow Pressroom when Facebook asks.",
            self.messages_of(response),
        )
        self.assertFalse(Channel.objects.exists())
        (refused,) = self.events("channel.connect_refused")
        self.assertEqual(refused.data["code"], "denied")

    def test_a_forged_state_connects_nothing(self) -> None:
        consent = self.consent(self.begin("facebook")).press("Tiếp tục (Continue)")
        address, query = redirect_query(consent)
        response = self.client.get(urlsplit(address).path, {**query, "state": "forged"})
        self.assertIn(
            "This answer from Facebook does not belong to a connection you started, so nothing "
            "was connected. Start again from the channels page.",
            self.messages_of(response),
        )
        # Nor does someone else's state.
        self.login(self.approver)
        response = self.client.get(urlsplit(address).path, query)
        self.assertIn("does not belong to a connection you started", self.messages_of(response)[0])
        self.assertFalse(Channel.objects.exists())
        self.assertEqual(len(self.events("channel.connect_refused")), 2)

    def test_an_expired_or_used_state_connects_nothing(self) -> None:
        with time_machine.travel("2026-12-01 08:00:00+07:00", tick=False) as clock:
            consent = self.consent(self.begin("facebook")).press("Tiếp tục (Continue)")
            clock.shift(ConnectAttempt.LIFETIME.total_seconds() + 1)
            response = self.come_back(consent)
        self.assertIn(
            "This connection has expired or was already used, so nothing was connected. "
            "Start again: it takes a minute.",
            self.messages_of(response),
        )
        self.assertFalse(Channel.objects.exists())
        response = self.come_back(consent)
        self.assertIn("expired or was already used", self.messages_of(response)[0])

    def test_an_abandoned_attempt_keeps_no_tokens(self) -> None:
        with time_machine.travel("2026-12-01 08:00:00+07:00", tick=False) as clock:
            consent = self.consent(self.begin("facebook")).press("Tiếp tục (Continue)")
            self.come_back(consent)  # the Pages found, with their tokens, wait for a choice
            abandoned = ConnectAttempt.objects.get()
            self.assertNotEqual(abandoned.found_encrypted, "")
            clock.shift(ConnectAttempt.LIFETIME.total_seconds() + 1)
            self.begin("facebook")  # the next connection erases them
            abandoned.refresh_from_db()
            self.assertEqual(abandoned.found_encrypted, "")
            self.assertIsNotNone(abandoned.finished_at)
            clock.shift(24 * 3600)
            self.begin("facebook")
        self.assertFalse(ConnectAttempt.objects.filter(pk=abandoned.pk).exists())

    def test_a_page_without_the_permissions_or_tasks_is_refused_with_what_is_missing(
        self,
    ) -> None:
        consent = self.consent(self.begin("facebook")).check("pages_manage_posts", checked=False)
        back = self.come_back(consent.press("Tiếp tục (Continue)"))
        page = self.client.get(back["Location"])
        (account,) = page.context["accounts"]
        self.assertFalse(account.connectable)
        self.assertContains(page, "Permissions not given: pages_manage_posts.")
        response = self.client.post(back["Location"], {"account": [account.external_id]})
        self.assertIn("cannot be connected", self.messages_of(response)[0])
        self.assertFalse(Channel.objects.exists())

        consent = self.consent(self.begin("facebook"), page="Trang khác")
        consent.select("Vai trò (Role)", "Phân tích (Analyst)")
        back = self.come_back(consent.press("Tiếp tục (Continue)"))
        page = self.client.get(back["Location"])
        self.assertContains(page, "lacks the tasks CREATE_CONTENT, MODERATE")

    def test_a_page_connected_to_another_unit_is_refused(self) -> None:
        _response, channel = self.connect_new_page("Trang chung")
        consent = ConsentPage(self.browser, self.begin("facebook", unit=self.commune))
        consent.check("Trang chung")
        response = self.choose(
            self.come_back(consent.press("Tiếp tục (Continue)")), channel.external_id
        )
        self.assertIn(
            f"“Trang chung” is already connected to {self.district.name}: a Facebook account "
            "belongs to one unit. Ask that unit's administrator to disconnect it first.",
            self.messages_of(response),
        )
        self.assertEqual(Channel.objects.count(), 1)

    def test_reconnect_resumes_the_paused_posts_and_disconnect_takes_access_back(self) -> None:
        _response, channel = self.connect_new_page("Trang huyện")
        Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.NEEDS_RECONNECT)
        post = self.make_approved_post(channels=[channel])
        scheduling.schedule_post(post=post, by=self.approver)
        delivery = Delivery.objects.get(post=post)
        self.assertEqual(delivery.status, Delivery.Status.PAUSED)
        response = self.client.post(
            reverse("connect_begin", args=["facebook"]), {"channel": channel.pk}
        )
        consent = ConsentPage(self.browser, self.consent_url(response)).check("Trang huyện")
        back = self.come_back(consent.press("Tiếp tục (Continue)"))
        with self.captureOnCommitCallbacks(execute=True):
            self.choose(back, channel.external_id)
        channel.refresh_from_db()
        delivery.refresh_from_db()
        self.assertEqual(channel.status, Channel.Status.CONNECTED)
        self.assertEqual(delivery.status, Delivery.Status.PENDING)
        self.assertEqual(len(self.events("channel.reconnect")), 1)

        response = self.client.post(reverse("channel_disconnect", args=[channel.pk]), follow=True)
        self.assertIn(
            "The channel is disconnected and its credentials are erased; the platform took "
            "back the access.",
            self.messages_of(response),
        )
        channel.refresh_from_db()
        self.assertEqual(channel.status, Channel.Status.DISABLED)
        self.assertEqual(channel.credentials_encrypted, "")
        (event,) = self.events("channel.disconnect")
        # The post that was waiting for the channel waits for it again.
        self.assertEqual(event.data, {"revoked": True, "paused_deliveries": 1})
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, Delivery.Status.PAUSED)
        self.assertTrue(verify_chain().ok)

    def test_the_same_page_again_in_the_same_unit_is_that_channel_reconnected(self) -> None:
        _response, channel = self.connect_new_page("Trang huyện")
        consent = ConsentPage(self.browser, self.begin("facebook")).check("Trang huyện")
        self.choose(self.come_back(consent.press("Tiếp tục (Continue)")), channel.external_id)
        self.assertEqual(Channel.objects.count(), 1)
        self.assertEqual(len(self.events("channel.reconnect")), 1)

    def test_reconnecting_with_another_page_is_refused(self) -> None:
        _response, channel = self.connect_new_page("Trang huyện")
        response = self.client.post(
            reverse("connect_begin", args=["facebook"]), {"channel": channel.pk}
        )
        consent = ConsentPage(self.browser, self.consent_url(response)).fill(
            "Tạo Trang mới (New Page name)", "Trang khác hẳn"
        )
        back = self.come_back(consent.press("Tiếp tục (Continue)"))
        other = next(
            account
            for account in self.client.get(back["Location"]).context["accounts"]
            if account.name == "Trang khác hẳn"
        )
        response = self.choose(back, other.external_id)
        self.assertIn(
            "You signed in to “Trang khác hẳn”, not to the account of the channel being "
            "reconnected. Sign in with the channel's own account.",
            self.messages_of(response),
        )
        self.assertEqual(Channel.objects.count(), 1)
        channel.refresh_from_db()
        self.assertEqual(channel.name, "Trang huyện")

    def test_only_a_unit_administrator_connects(self) -> None:
        self.login(self.approver)
        response = self.client.post(
            reverse("connect_begin", args=["facebook"]),
            {"unit": self.district.pk, "where": "sandbox"},
        )
        self.assertRedirects(response, reverse("connect_page"), fetch_redirect_response=False)
        self.assertFalse(ConnectAttempt.objects.exists())

    def test_a_real_connection_needs_the_app_settings(self) -> None:
        response = self.client.post(
            reverse("connect_begin", args=["facebook"]),
            {"unit": self.district.pk, "where": "real"},
        )
        self.assertIn(
            "This server is not set up to connect Facebook yet: its administrator must set "
            "FACEBOOK_APP_ID, FACEBOOK_APP_SECRET (see the operations guide).",
            self.messages_of(response),
        )
        with self.settings(FACEBOOK_APP_ID="42", FACEBOOK_APP_SECRET="s"):
            response = self.client.post(
                reverse("connect_begin", args=["facebook"]),
                {"unit": self.district.pk, "where": "real"},
            )
        self.assertTrue(
            response.context["url"].startswith("https://www.facebook.com/v24.0/dialog/oauth?")
        )


class ZaloConnectTests(ConnectTestCase):
    def test_an_oa_is_connected_with_pkce_and_its_tokens_renew(self) -> None:
        url = self.begin("zalo")
        self.assertIn("code_challenge=", url)
        consent = ConsentPage(self.browser, url)
        consent.select("Official Account (OA)", "Tạo OA mới").fill(
            "Tên OA mới (New OA name)", "UBND Huyện Cao Lộc"
        )
        response = self.choose_only(self.come_back(consent.press("Cho phép (Allow)")))
        channel = Channel.objects.get()
        self.assertRedirects(
            response, reverse("channel_detail", args=[channel.pk]), fetch_redirect_response=False
        )
        self.assertEqual(channel.name, "UBND Huyện Cao Lộc")
        self.assertTrue(channel.options["verified"])
        credentials = channel.credentials
        self.assertEqual(
            set(credentials), {"access_token", "refresh_token", "app_id", "secret_key"}
        )
        self.assertEqual(channel.options["oauth_base"], f"{self.sandbox.url}/zalo-oauth")
        outcome = publish(
            "zalo",
            ChannelAccess(channel.api_base, channel.external_id, credentials, channel.options),
            Publication(title="Thông báo", text="Lịch tiếp công dân"),
        )
        self.assertTrue(outcome.published, outcome)

    def choose_only(self, response: Any) -> Any:
        page = self.client.get(response["Location"])
        (account,) = page.context["accounts"]
        return self.client.post(response["Location"], {"account": [account.external_id]})

    def test_an_unverified_oa_cannot_be_connected(self) -> None:
        consent = ConsentPage(self.browser, self.begin("zalo"))
        consent.select("Official Account (OA)", "Tạo OA mới").fill(
            "Tên OA mới (New OA name)", "OA chưa xác thực"
        ).check("Đã xác thực (Verified)", checked=False)
        back = self.come_back(consent.press("Cho phép (Allow)"))
        page = self.client.get(back["Location"])
        self.assertContains(page, "This OA is not verified")
        response = self.choose_only(back)
        self.assertIn("cannot be connected", self.messages_of(response)[0])
        self.assertFalse(Channel.objects.exists())

    def test_denied_consent_connects_nothing(self) -> None:
        consent = ConsentPage(self.browser, self.begin("zalo")).press("Từ chối (Deny)")
        response = self.come_back(consent)
        self.assertIn("Permission was not given on Zalo", self.messages_of(response)[0])
        self.assertFalse(Channel.objects.exists())


class MastodonConnectTests(ConnectTestCase):
    def authorize(self, username: str) -> Any:
        consent = ConsentPage(self.browser, self.begin("mastodon"))
        consent.select("Tài khoản (Account)", "Tạo tài khoản mới").fill(
            "Tên tài khoản mới (New username)", username
        )
        return self.come_back(consent.press("Cho phép (Authorize)"))

    def test_an_account_is_connected_with_the_instance_limits(self) -> None:
        self.choose_first(self.authorize("ubnd_caoloc"))
        channel = Channel.objects.get()
        self.assertEqual(channel.api_base, f"{self.sandbox.url}/mastodon")
        self.assertEqual(channel.options["username"], "ubnd_caoloc")
        self.assertEqual(channel.options["max_characters"], 500)
        self.assertEqual(channel.options["characters_per_url"], 23)
        outcome = publish(
            "mastodon",
            ChannelAccess(channel.api_base, channel.external_id, channel.credentials),
            Publication(text="Xin chào", idempotency_key="k1"),
        )
        self.assertTrue(outcome.published, outcome)
        # The app registered on the instance is kept, and used again.
        self.assertEqual(PlatformApp.objects.count(), 1)
        self.choose_first(self.authorize("so_tttt"))
        self.assertEqual(PlatformApp.objects.count(), 1)
        self.assertEqual(Channel.objects.count(), 2)
        # Disconnecting gives the token back: it no longer publishes.
        self.client.post(reverse("channel_disconnect", args=[channel.pk]))
        (event,) = self.events("channel.disconnect")
        self.assertEqual(event.data, {"revoked": True, "paused_deliveries": 0})
        outcome = publish(
            "mastodon",
            ChannelAccess(channel.api_base, channel.external_id, {"access_token": "gone"}),
            Publication(text="Không được", idempotency_key="k2"),
        )
        self.assertFalse(outcome.published)

    def choose_first(self, response: Any) -> Any:
        page = self.client.get(response["Location"])
        account = page.context["accounts"][0]
        return self.client.post(response["Location"], {"account": [account.external_id]})

    def test_denied_consent_connects_nothing(self) -> None:
        consent = ConsentPage(self.browser, self.begin("mastodon")).press("Từ chối (Deny)")
        self.assertIn("Permission was not given", self.messages_of(self.come_back(consent))[0])
        self.assertFalse(Channel.objects.exists())

    def test_an_address_that_is_not_a_server_is_refused(self) -> None:
        response = self.client.post(
            reverse("connect_begin", args=["mastodon"]),
            {"unit": self.district.pk, "where": "real", "instance": "not a server?x=1"},
        )
        self.assertIn("is not the address of a Mastodon server", self.messages_of(response)[0])
        self.assertFalse(ConnectAttempt.objects.exists())


def test_instance_addresses_and_limits_are_read_as_people_write_them() -> None:
    assert normalise_instance("mastodon.social") == "https://mastodon.social"
    assert normalise_instance(" https://mastodon.gov.vn/ ") == "https://mastodon.gov.vn"
    assert normalise_instance("@ubnd@mastodon.gov.vn") == "https://mastodon.gov.vn"
    for wrong in ("", "ftp://x.y", "https://x.y/?a=1"):
        try:
            normalise_instance(wrong)
        except ConnectRefused:
            continue
        raise AssertionError(wrong)
    v2 = {
        "version": "4.5.0",
        "configuration": {
            "statuses": {
                "max_characters": 1000,
                "characters_reserved_per_url": 23,
                "max_media_attachments": 4,
            },
            "media_attachments": {"image_size_limit": 16777216},
        },
    }
    assert instance_limits(v2) == {
        "max_characters": 1000,
        "characters_per_url": 23,
        "max_media": 4,
        "max_image_bytes": 16777216,
        "instance_version": "4.5.0",
    }
    # Older servers (and some forks) say it in v1 only, some as max_toot_chars.
    assert instance_limits({"max_toot_chars": 5000})["max_characters"] == 5000


def test_channels_are_read_as_people_write_them() -> None:
    assert normalise_chat("@ubnd_tinh") == "@ubnd_tinh"
    assert normalise_chat("ubnd_tinh") == "@ubnd_tinh"
    assert normalise_chat("https://t.me/ubnd_tinh/") == "@ubnd_tinh"
    assert normalise_chat("-1001234567890") == "-1001234567890"
    for wrong in ("", "@a", "t.me/+invite link"):
        try:
            normalise_chat(wrong)
        except ConnectRefused:
            continue
        raise AssertionError(wrong)


class TelegramConnectTests(ConnectTestCase):
    def botfather(self, username: str, *, may_post: bool = True) -> tuple[str, str]:
        page = ConsentPage(self.browser, f"{self.sandbox.url}/telegram/botfather")
        page.fill("Tên kênh (Channel title)", "UBND Huyện Cao Lộc").fill(
            "Tên công khai của kênh (Channel @username)", username
        ).check("Bot là quản trị viên được đăng bài (The bot is an admin that may post)", may_post)
        created = page.press("Tạo (Create)")
        self.assertEqual(created.status_code, 201, created.text[:300])
        token = created.text.split('id="bot-token"')[1].split(">", 1)[1].split("<", 1)[0]
        return token.strip(), f"@{username}"

    def form_url(self) -> str:
        response = self.client.post(
            reverse("connect_begin", args=["telegram"]),
            {"unit": self.district.pk, "where": "sandbox"},
        )
        self.assertEqual(response.status_code, 302)
        return str(response["Location"])

    def test_a_channel_is_connected_with_its_bot_token(self) -> None:
        token, username = self.botfather("ubnd_caoloc")
        url = self.form_url()
        page = self.client.get(url)
        self.assertContains(page, "@BotFather")
        self.assertContains(page, f"{self.sandbox.url}/telegram/botfather")
        response = self.client.post(url, {"bot_token": token, "chat": username})
        channel = Channel.objects.get()
        self.assertRedirects(
            response, reverse("channel_detail", args=[channel.pk]), fetch_redirect_response=False
        )
        self.assertEqual(channel.options["username"], "ubnd_caoloc")
        self.assertTrue(channel.external_id.startswith("-100"))
        outcome = publish(
            "telegram",
            ChannelAccess(channel.api_base, channel.external_id, channel.credentials),
            Publication(text="Xin chào"),
        )
        self.assertTrue(outcome.published, outcome)
        self.assertNotContains(self.client.get(reverse("channel_detail", args=[channel.pk])), token)

    def test_a_channel_is_reconnected_with_a_new_token(self) -> None:
        token, username = self.botfather("ubnd_caoloc")
        self.client.post(self.form_url(), {"bot_token": token, "chat": username})
        channel = Channel.objects.get()
        Channel.objects.filter(pk=channel.pk).update(status=Channel.Status.NEEDS_RECONNECT)
        response = self.client.post(
            reverse("connect_begin", args=["telegram"]), {"channel": channel.pk}
        )
        form_url = response["Location"]
        self.assertContains(self.client.get(form_url), f"Reconnect {channel.name}")
        response = self.client.post(form_url, {"bot_token": token, "chat": username})
        self.assertRedirects(
            response, reverse("channel_detail", args=[channel.pk]), fetch_redirect_response=False
        )
        channel.refresh_from_db()
        self.assertEqual(channel.status, Channel.Status.CONNECTED)
        self.assertEqual(Channel.objects.count(), 1)
        self.assertEqual(len(self.events("channel.reconnect")), 1)

    def test_a_wrong_token_or_a_bot_that_may_not_post_is_refused(self) -> None:
        token, username = self.botfather("ubnd_caoloc", may_post=False)
        url = self.form_url()
        response = self.client.post(url, {"bot_token": "123456:" + "x" * 30, "chat": username})
        self.assertContains(response, "Telegram does not know this bot token")
        response = self.client.post(url, {"bot_token": "not a token", "chat": username})
        self.assertContains(response, "This is not a bot token")
        response = self.client.post(url, {"bot_token": token, "chat": "@no_such_channel"})
        self.assertContains(response, "Telegram finds no such channel")
        response = self.client.post(url, {"bot_token": token, "chat": username})
        self.assertContains(response, "may not post in the channel")
        self.assertFalse(Channel.objects.exists())
        self.assertEqual(len(self.events("channel.connect_refused")), 4)
