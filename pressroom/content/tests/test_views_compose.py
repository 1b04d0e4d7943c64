"""The composer: /posts/new/ and /posts/<id>/edit/."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.content.models import Asset, Post, Theme
from pressroom.testing import ViewTestCase, make_image


class ComposeTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.telegram = self.make_channel(self.district, "telegram")
        self.commune_mastodon = self.make_channel(self.commune, "mastodon")
        self.sibling_facebook = self.make_channel(self.sibling, "facebook")
        self.province_theme = Theme.objects.create(unit=self.province, name="Chuyển đổi số")
        self.old_theme = Theme.objects.create(unit=self.province, name="Chủ đề cũ", is_active=False)
        self.sibling_theme = Theme.objects.create(unit=self.sibling, name="Du lịch Lộc Bình")

    def data(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "unit": self.district.pk,
            "title": "Thông báo lịch tiếp công dân",
            "body": "Lịch tiếp công dân tháng 12 của UBND huyện.",
            "link": "",
            "theme": "",
            "channels": [self.facebook.pk, self.telegram.pk],
            "then": "save",
        }
        values.update(overrides)
        return values

    # The form

    def test_new_post_offers_the_users_units_channels_and_active_themes(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("post_create"))
        self.assertContains(response, self.facebook.name)
        self.assertContains(response, self.commune_mastodon.name)
        self.assertNotContains(response, self.sibling_facebook.name)
        self.assertContains(response, "Chuyển đổi số")
        self.assertNotContains(response, "Chủ đề cũ")
        self.assertNotContains(response, "Du lịch Lộc Bình")
        # Limits are shown next to each platform's version.
        self.assertContains(response, "at most 4096 characters")
        self.assertContains(response, 'data-counting="utf16"')

    def test_member_is_offered_only_the_commune(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("post_create"))
        self.assertContains(response, self.commune_mastodon.name)
        self.assertNotContains(response, self.facebook.name)
        self.assertNotContains(response, self.district.name + "</option>")

    def test_sign_in_is_required(self) -> None:
        response = self.client.get(reverse("post_create"))
        self.assertRedirects(response, reverse("login") + "?next=" + reverse("post_create"))

    # Saving

    def test_a_new_draft_is_saved_with_one_version_per_platform(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("post_create"),
            self.data(
                theme=self.province_theme.pk,
                link="https://caoloc.langson.gov.vn/lich",
                variant_telegram_text="Lịch tiếp công dân (bản Telegram).",
            ),
        )
        post = Post.objects.get()
        self.assertRedirects(response, reverse("post_detail", args=[post.pk]))
        self.assertEqual(post.status, Post.Status.DRAFT)
        self.assertEqual(post.theme, self.province_theme)
        self.assertEqual(post.author, self.owner)
        variants = {variant.platform: variant.text for variant in post.variants.all()}
        self.assertEqual(
            variants,
            {
                "facebook": "Lịch tiếp công dân tháng 12 của UBND huyện.",
                "telegram": "Lịch tiếp công dân (bản Telegram).",
            },
        )
        self.assertTrue(
            AuditEvent.objects.filter(action="post.create", object_id=str(post.pk)).exists()
        )
        self.assertIn("The draft is saved.", self.messages_of(response))

    def test_save_and_send_for_review(self) -> None:
        self.login(self.owner)
        self.client.post(reverse("post_create"), self.data(then="submit"))
        self.assertEqual(Post.objects.get().status, Post.Status.IN_REVIEW)

    def test_decomposed_vietnamese_is_stored_composed(self) -> None:
        self.login(self.owner)
        title = unicodedata.normalize("NFD", "Cảnh báo lũ quét")
        body = unicodedata.normalize("NFD", "Mưa lớn kéo dài, nguy cơ sạt lở đất.")
        self.client.post(
            reverse("post_create"),
            self.data(
                title=title, body=body, variant_telegram_text=unicodedata.normalize("NFD", "Lũ")
            ),
        )
        post = Post.objects.get()
        self.assertEqual(post.title, "Cảnh báo lũ quét")
        self.assertEqual(post.body, "Mưa lớn kéo dài, nguy cơ sạt lở đất.")
        self.assertEqual(post.variants.get(platform="telegram").text, "Lũ")

    def test_no_channel_chosen_keeps_what_was_typed(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("post_create"), self.data(channels=[], title="Tin nhanh về lễ hội")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Choose at least one channel.")
        self.assertContains(response, 'value="Tin nhanh về lễ hội"')
        self.assertFalse(Post.objects.exists())

    def test_text_too_long_for_telegram_is_kept_as_a_draft_with_the_reason(self) -> None:
        self.login(self.owner)
        body = "Thông tin " * 410  # 4,100 characters
        response = self.client.post(reverse("post_create"), self.data(body=body), follow=True)
        post = Post.objects.get()
        self.assertEqual((post.status, post.body), (Post.Status.DRAFT, body.strip()))
        self.assertContains(response, "at most 4096 characters")
        # Sending it for review is refused with the same reason; the draft stays.
        response = self.client.post(reverse("post_submit", args=[post.pk]), follow=True)
        # The title is the message's first line on Telegram: it counts (28 + 2 + 4,099).
        self.assertContains(response, "it has 4129")
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.DRAFT)

    def test_a_file_that_is_not_an_image_is_refused_and_the_text_kept(self) -> None:
        self.login(self.owner)
        upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 not an image", "application/pdf")
        response = self.client.post(
            reverse("post_create"),
            self.data(
                title="Báo cáo quý IV",
                new_image_1=upload,
                new_image_1_description="Trang bìa báo cáo",
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "bao-cao.pdf is not an image Pressroom can read")
        self.assertContains(response, 'value="Báo cáo quý IV"')
        self.assertContains(response, "Trang bìa báo cáo")
        # A refused file is not kept anywhere.
        self.assertFalse(Asset.objects.exists())
        self.assertFalse(Post.objects.exists())

    def test_an_image_needs_a_description(self) -> None:
        self.login(self.owner)
        upload = SimpleUploadedFile("hoi-nghi.png", make_image(), "image/png")
        response = self.client.post(
            reverse("post_create"), self.data(new_image_1=upload, new_image_1_description="  ")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Describe this image for people who cannot see it.")
        self.assertContains(response, 'value="Thông báo lịch tiếp công dân"')
        self.assertFalse(Post.objects.exists())

    def test_an_image_with_its_description_is_saved(self) -> None:
        self.login(self.owner)
        upload = SimpleUploadedFile("hoi-nghi.png", make_image(), "image/png")
        response = self.client.post(
            reverse("post_create"),
            self.data(new_image_2=upload, new_image_2_description="Toàn cảnh hội nghị"),
            follow=True,
        )
        media = Post.objects.get().media.get()
        self.assertEqual(
            (media.description, media.content_type), ("Toàn cảnh hội nghị", "image/png")
        )
        self.assertContains(response, 'alt="Toàn cảnh hội nghị"')

    def test_a_channel_of_another_unit_cannot_be_chosen(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("post_create"),
            self.data(unit=self.commune.pk, channels=[self.facebook.pk]),
        )
        self.assertContains(response, "One of the chosen channels is not available to you.")
        self.assertFalse(Post.objects.exists())

    def test_a_unit_where_the_user_may_not_compose_is_refused(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("post_create"),
            self.data(unit=self.district.pk, channels=[self.commune_mastodon.pk]),
        )
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(Post.objects.exists())

    def test_a_theme_of_a_unit_above_is_offered_below(self) -> None:
        district_theme = Theme.objects.create(unit=self.district, name="An toàn giao thông")
        self.login(self.member)
        self.client.post(
            reverse("post_create"),
            self.data(
                unit=self.commune.pk, channels=[self.commune_mastodon.pk], theme=district_theme.pk
            ),
        )
        self.assertEqual(Post.objects.get().theme, district_theme)

    def test_a_theme_of_a_unit_below_or_beside_is_refused(self) -> None:
        commune_theme = Theme.objects.create(unit=self.commune, name="Nông thôn mới")
        self.login(self.owner)
        response = self.client.post(reverse("post_create"), self.data(theme=commune_theme.pk))
        self.assertContains(response, "This theme belongs to another unit")
        response = self.client.post(reverse("post_create"), self.data(theme=self.sibling_theme.pk))
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(Post.objects.exists())

    def test_outsider_has_nothing_to_compose_in_our_tree(self) -> None:
        self.login(self.outsider)
        response = self.client.post(
            reverse("post_create"),
            self.data(unit=self.district.pk),
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Post.objects.exists())


class EditTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.telegram = self.make_channel(self.district, "telegram")
        self.post = self.make_post(
            channels=[self.facebook, self.telegram],
            variants={"telegram": ("", "Bản riêng cho Telegram")},
        )
        self.url = reverse("post_edit", args=[self.post.pk])

    def data(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "unit": self.district.pk,
            "title": self.post.title,
            "body": self.post.body,
            "link": "",
            "theme": "",
            "channels": [self.facebook.pk, self.telegram.pk],
            "variant_telegram_text": "Bản riêng cho Telegram",
        }
        values.update(overrides)
        return values

    def test_the_form_shows_the_post_and_its_own_versions(self) -> None:
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertContains(response, 'value="Thông báo lịch tiếp công dân"')
        self.assertContains(response, "Bản riêng cho Telegram")

    def test_a_version_left_empty_follows_the_main_text(self) -> None:
        self.login(self.owner)
        response = self.client.post(self.url, self.data(body="Lịch mới: thứ Năm hằng tuần."))
        self.assertRedirects(response, reverse("post_detail", args=[self.post.pk]))
        variants = {variant.platform: variant.text for variant in self.post.variants.all()}
        self.assertEqual(variants["facebook"], "Lịch mới: thứ Năm hằng tuần.")
        self.assertEqual(variants["telegram"], "Bản riêng cho Telegram")
        self.assertTrue(
            AuditEvent.objects.filter(action="post.edit", object_id=str(self.post.pk)).exists()
        )

    def test_image_descriptions_can_be_changed_and_images_removed(self) -> None:
        from pressroom.content.actions import NewImage

        self.post = self.make_post(
            channels=[self.facebook],
            images=[
                NewImage("a.png", make_image(), "Ảnh một"),
                NewImage("b.png", make_image(color="red"), "Ảnh hai"),
            ],
        )
        first, second = self.post.media.all()
        self.login(self.owner)
        response = self.client.post(
            reverse("post_edit", args=[self.post.pk]),
            self.data(
                channels=[self.facebook.pk],
                **{
                    f"image_{first.pk}_description": "Lãnh đạo huyện phát biểu",
                    f"image_{second.pk}_description": "Ảnh hai",
                    f"image_{second.pk}_remove": "on",
                },
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(self.post.media.values_list("description", flat=True)),
            ["Lãnh đạo huyện phát biểu"],
        )

    def test_an_existing_image_cannot_lose_its_description(self) -> None:
        from pressroom.content.actions import NewImage

        self.post = self.make_post(
            channels=[self.facebook], images=[NewImage("a.png", make_image(), "Ảnh một")]
        )
        media = self.post.media.get()
        self.login(self.owner)
        response = self.client.post(
            reverse("post_edit", args=[self.post.pk]),
            self.data(
                channels=[self.facebook.pk],
                title="Tiêu đề đã sửa",
                **{f"image_{media.pk}_description": ""},
            ),
        )
        self.assertContains(response, "Describe this image for people who cannot see it.")
        self.assertContains(response, 'value="Tiêu đề đã sửa"')
        media.refresh_from_db()
        self.assertEqual(media.description, "Ảnh một")

    def test_only_a_draft_can_be_edited(self) -> None:
        from pressroom.content.actions import submit_post

        submit_post(post=self.post, by=self.owner)
        self.login(self.owner)
        response = self.client.get(self.url)
        self.assertRedirects(response, reverse("post_detail", args=[self.post.pk]))
        self.assertIn(
            "Only a draft can be changed. An approver can send it back to draft.",
            self.messages_of(response),
        )

    def test_outsider_gets_404(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, self.data()).status_code, 404)
        self.post.refresh_from_db()
        self.assertEqual(self.post.title, "Thông báo lịch tiếp công dân")

    def test_member_of_a_unit_below_gets_404(self) -> None:
        self.login(self.member)
        self.assertEqual(self.client.get(self.url).status_code, 404)


class VersionTests(ViewTestCase):
    """Each platform's version follows the main text until edited, and can go back to it."""

    def setUp(self) -> None:
        super().setUp()
        self.facebook = self.make_channel(self.district, "facebook")
        self.zalo = self.make_channel(self.district, "zalo")
        self.mastodon = self.make_channel(self.district, "mastodon")
        self.post = self.make_post(channels=[self.facebook, self.zalo, self.mastodon])
        self.url = reverse("post_edit", args=[self.post.pk])
        self.login(self.owner)

    def data(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "unit": self.district.pk,
            "title": self.post.title,
            "body": self.post.body,
            "title_shown": self.post.title,
            "body_shown": self.post.body,
            "link": "",
            "theme": "",
            "channels": [self.facebook.pk, self.zalo.pk, self.mastodon.pk],
        }
        for platform in ("facebook", "zalo", "mastodon"):
            values[f"variant_{platform}_text"] = self.post.body
            values[f"variant_{platform}_edited"] = "0"
        values["variant_zalo_title"] = self.post.title
        values.update(overrides)
        return values

    def versions(self) -> dict[str, tuple[str, str]]:
        return {v.platform: (v.title, v.text) for v in self.post.variants.all()}

    def test_only_a_platform_with_a_title_of_its_own_asks_for_one(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn('name="variant_zalo_title"', page)
        self.assertNotIn('name="variant_mastodon_title"', page)
        self.assertNotIn('name="variant_facebook_title"', page)
        # Short platform names, and the main text shown in every version.
        self.assertIn("Text on Mastodon", page)
        self.assertEqual(page.count(f"{self.post.body}</textarea>"), 4)

    def test_no_title_is_cut_by_the_browser(self) -> None:
        page = self.client.get(self.url).content.decode()
        title_input = page[page.index('name="title"') - 200 : page.index('name="title"') + 200]
        self.assertNotIn("maxlength", title_input)
        response = self.client.post(self.url, self.data(title="T" * 201))
        self.assertContains(response, "at most 200 characters")
        self.assertContains(response, "T" * 201)

    def test_without_javascript_a_version_left_as_shown_follows_the_new_main_text(self) -> None:
        response = self.client.post(self.url, self.data(body="Lịch mới: thứ Năm."))
        self.assertRedirects(response, reverse("post_detail", args=[self.post.pk]))
        self.assertEqual(self.versions()["facebook"][1], "Lịch mới: thứ Năm.")
        self.assertEqual(self.versions()["zalo"], (self.post.title, "Lịch mới: thứ Năm."))

    def test_an_edited_version_is_kept_and_marked(self) -> None:
        self.client.post(
            self.url,
            self.data(
                variant_mastodon_text="Ngắn gọn cho Mastodon #LangSon",
                variant_zalo_title="Tiêu đề Zalo",
            ),
        )
        versions = self.versions()
        self.assertEqual(versions["mastodon"][1], "Ngắn gọn cho Mastodon #LangSon")
        self.assertEqual(versions["zalo"][0], "Tiêu đề Zalo")
        self.assertEqual(versions["facebook"][1], self.post.body)
        page = self.client.get(self.url).content.decode()
        mastodon = page[page.index('variant" data-platform="mastodon"') :].split("</details>")[0]
        facebook = page[page.index('variant" data-platform="facebook"') :].split("</details>")[0]
        self.assertIn('data-edited-mark="mastodon">', mastodon)
        self.assertIn('name="variant_mastodon_edited" value="1"', mastodon)
        self.assertIn('data-edited-mark="facebook" hidden', facebook)

    def test_going_back_to_the_main_text(self) -> None:
        self.client.post(self.url, self.data(variant_mastodon_text="Bản riêng"))
        self.client.post(
            self.url,
            self.data(
                variant_mastodon_text="Bản riêng",
                variant_mastodon_edited="1",
                variant_mastodon_reset="on",
                body="Nội dung chính mới.",
            ),
        )
        self.assertEqual(self.versions()["mastodon"][1], "Nội dung chính mới.")

    def test_an_edit_flagged_by_the_page_equal_to_the_main_text_is_not_an_edit(self) -> None:
        self.client.post(self.url, self.data(variant_facebook_edited="1"))
        page = self.client.get(self.url).content.decode()
        self.assertIn('name="variant_facebook_edited" value="0"', page)
