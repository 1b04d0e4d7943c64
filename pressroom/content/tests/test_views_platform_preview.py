"""The post page's preview on each platform, its link card, and the button that fetches the
card again (only for people who may write the post's unit's posts)."""

from __future__ import annotations

import re

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pressroom.audit.models import AuditEvent
from pressroom.content import actions
from pressroom.content.models import LinkPreview, Post
from pressroom.core.tests.page_server import PageServer
from pressroom.orgs.models import Role
from pressroom.testing import ViewTestCase, make_image

TASKS_NOW = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class PlatformPreviewTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.channels = [
            self.make_channel(self.district, platform)
            for platform in ("facebook", "mastodon", "telegram", "zalo")
        ]
        self.post = self.make_post(
            title="Lịch tiếp công dân",
            body="Lịch tiếp công dân tháng 12.",
            link="https://caoloc.langson.gov.vn/tin/lich-tiep-dan",
            channels=self.channels,
        )
        self.login(self.owner)

    def page(self, post: Post | None = None) -> str:
        response = self.client.get(reverse("post_detail", args=[(post or self.post).pk]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def section(self, page: str, platform: str) -> str:
        start = page.index(f'aria-labelledby="preview-{platform}"')
        end = page.find("</article>", start)
        return page[start:end]

    def store_preview(self, **fields: object) -> LinkPreview:
        values: dict[str, object] = {
            "url": self.post.link,
            "final_url": self.post.link,
            "title": "Thông báo lịch tiếp dân tháng 12",
            "description": "UBND huyện Cao Lộc thông báo lịch tiếp công dân.",
            "image_url": "https://caoloc.langson.gov.vn/anh/the.jpg",
            "fetched_at": timezone.now(),
        }
        values.update(fields)
        return LinkPreview.objects.create(post=self.post, **values)

    def test_each_platform_shows_the_post_as_it_goes_out(self) -> None:
        self.store_preview()
        page = self.page()
        for label in ("Facebook", "Mastodon", "Telegram", "Zalo"):
            self.assertIn(f">{label}</h3>", page)
        telegram = self.section(page, "telegram")
        self.assertIn("<strong>Lịch tiếp công dân</strong>", telegram)
        # The title line, a blank line, the text and the link, in UTF-16 units.
        length = len("Lịch tiếp công dân\n\nLịch tiếp công dân tháng 12.\n\n" + self.post.link)
        self.assertIn(f"{length} of 4096 characters, as Telegram counts them.", telegram)
        # Mastodon counts a link as 23 characters and takes 500.
        mastodon_length = len("Lịch tiếp công dân\n\nLịch tiếp công dân tháng 12.\n\n") + 23
        self.assertIn(
            f"{mastodon_length} of 500 characters, as Mastodon counts them.",
            self.section(page, "mastodon"),
        )
        zalo = self.section(page, "zalo")
        self.assertIn('<p class="platform-preview-heading">Lịch tiếp công dân</p>', zalo)
        self.assertIn("Summary shown in lists:", zalo)

    def test_the_link_card_where_the_platform_shows_one(self) -> None:
        self.store_preview()
        page = self.page()
        for platform in ("facebook", "mastodon", "telegram"):
            section = self.section(page, platform)
            self.assertIn("Thông báo lịch tiếp dân tháng 12", section)
            self.assertIn("caoloc.langson.gov.vn</span>", section)
            self.assertIn('src="https://caoloc.langson.gov.vn/anh/the.jpg"', section)
            self.assertIn('referrerpolicy="no-referrer"', section)
        self.assertNotIn('class="link-card"', self.section(page, "zalo"))
        # Facebook carries the link in a field of its own: the card, not the text, shows it.
        facebook_text = self.section(page, "facebook").split('class="link-card"')[0]
        self.assertNotIn(self.post.link, facebook_text)

    def test_with_images_the_text_is_a_caption_and_no_card_is_shown(self) -> None:
        self.store_preview()
        actions.save_post(
            by=self.owner,
            post=self.post,
            unit=self.district,
            title=self.post.title,
            body=self.post.body,
            link=self.post.link,
            channels=self.channels,
            images=[actions.NewImage("a.png", make_image(), "Ảnh hội trường")],
        )
        page = self.page()
        self.assertNotIn('class="link-card"', page)
        telegram = self.section(page, "telegram")
        self.assertIn("as a caption under the images, as Telegram counts them.", telegram)
        self.assertIn(" of 1024 characters", telegram)
        # Telegram: the photo first, its caption under it; Facebook: the text first.
        self.assertLess(telegram.index('alt="Ảnh hội trường"'), telegram.index("<strong>"))
        facebook = self.section(page, "facebook")
        self.assertLess(facebook.index("tháng 12."), facebook.index('alt="Ảnh hội trường"'))

    def test_a_refused_fetch_says_why(self) -> None:
        self.store_preview(title="", description="", image_url="", error="internal")
        page = self.page()
        self.assertIn("The link preview could not be fetched:", page)
        self.assertIn("internal or private address", page)
        self.assertIn("link-card-note", self.section(page, "telegram"))

    def test_a_link_not_read_yet(self) -> None:
        page = self.page()
        self.assertIn("The linked page has not been read yet.", page)
        self.assertIn("caoloc.langson.gov.vn</span>", self.section(page, "facebook"))

    def test_a_preview_of_an_old_link_is_not_shown(self) -> None:
        self.store_preview(url="https://old.example.vn/")
        self.assertNotIn("Thông báo lịch tiếp dân tháng 12", self.page())

    def test_no_channels_no_preview(self) -> None:
        post = self.make_post(title="Chưa chọn kênh")
        self.assertIn("No platform version yet: choose channels first.", self.page(post))

    def test_outsider_is_refused(self) -> None:
        self.login(self.outsider)
        response = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertEqual(response.status_code, 404)

    def test_in_vietnamese(self) -> None:
        self.speak("vi")
        page = self.page()
        self.assertIn('lang="vi"', page)
        self.assertEqual(len(re.findall(r'class="platform-preview"', page)), 4)


class FetchAgainTests(ViewTestCase):
    """The button: only for people who may write the post's unit's posts; it fetches through
    the safe fetcher (here from a local server, which tests alone are allowed to reach)."""

    def setUp(self) -> None:
        super().setUp()
        self.server = PageServer().__enter__()
        self.addCleanup(self.server.__exit__)
        allowed = override_settings(
            LINK_PREVIEW_ALLOW_NETWORKS=["127.0.0.1/32"],
            LINK_PREVIEW_ALLOW_PORTS=[self.server.port],
        )
        allowed.enable()
        self.addCleanup(allowed.disable)
        self.telegram = self.make_channel(self.district, "telegram")
        self.post = self.make_post(link=self.server.url("/page"), channels=[self.telegram])
        self.url = reverse("post_link_preview", args=[self.post.pk])

    def test_an_editor_fetches_the_card_again(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertContains(page, "Fetch the link preview again")
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "The link preview is fetched again.")
        self.assertContains(response, "Lịch tiếp công dân &amp; họp")
        self.assertContains(response, "Fetched the link preview again")
        self.assertTrue(
            AuditEvent.objects.filter(action="post.link_preview", object_id=str(self.post.pk))
        )

    def test_a_refusal_is_a_message_not_an_error_page(self) -> None:
        self.post.link = "http://169.254.169.254/latest/meta-data/"
        self.post.save()
        self.login(self.owner)
        response = self.client.post(self.url, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "internal or private address")
        self.assertEqual(self.server.hosts, [])

    @override_settings(LINK_PREVIEWS=False)
    def test_a_server_without_the_internet_says_so(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "This server does not fetch link previews")
        self.assertEqual(self.server.hosts, [])

    def test_a_viewer_sees_no_button_and_is_refused(self) -> None:
        viewer = self.make_user("viewer", self.district, Role.VIEWER)
        self.login(viewer)
        page = self.client.get(reverse("post_detail", args=[self.post.pk]))
        self.assertNotContains(page, "Fetch the link preview again")
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "You may not change posts of")
        self.assertFalse(LinkPreview.objects.filter(post=self.post).exists())
        self.assertEqual(self.server.hosts, [])

    def test_the_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.assertEqual(self.server.hosts, [])

    def test_only_by_post(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    @override_settings(TASKS=TASKS_NOW)
    def test_saving_a_new_link_fetches_its_card_in_the_background(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            post = self.make_post(link=self.server.url("/plain"), channels=[self.telegram])
        preview = LinkPreview.objects.get(post=post)
        self.assertEqual((preview.title, preview.error), ("Plain page title", ""))
        self.assertEqual(preview.description, "Only the plain tags.")
        # Saved again with the same link: nothing fetched again.
        with self.captureOnCommitCallbacks(execute=True):
            actions.save_post(
                by=self.owner,
                post=post,
                unit=self.district,
                title="Tiêu đề mới",
                body=post.body,
                link=post.link,
                channels=[self.telegram],
            )
        self.assertEqual(self.server.hosts, [f"127.0.0.1:{self.server.port}"])
        # The link taken away: its card goes with it.
        actions.save_post(
            by=self.owner,
            post=post,
            unit=self.district,
            title="Tiêu đề mới",
            body=post.body,
            link="",
            channels=[self.telegram],
        )
        self.assertFalse(LinkPreview.objects.filter(post=post).exists())
