"""The media library: upload (several at once, JSON for the composer), what is refused, the
same file twice, inheritance down the tree, descriptions reused, usage, deletion, the file."""

from __future__ import annotations

import hashlib
import json
import tempfile
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from pressroom.audit.models import AuditEvent
from pressroom.content import library, media_files
from pressroom.content.models import Asset, Media
from pressroom.core.errors import ActionError
from pressroom.testing import MigrationTestCase, ViewTestCase, make_image

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def upload(name: str, content: bytes, kind: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, kind)


class FileKindTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Messages made outside a request speak the default language unless told.
        self.enterContext(translation.override("en"))

    def test_kinds_are_found_from_the_content_not_the_name(self) -> None:
        png = make_image()
        self.assertEqual(media_files.inspect_file("a.pdf", len(png), png[:16], png).kind, "image")
        info = media_files.inspect_file("x.png", len(PDF), PDF[:16])
        self.assertEqual(
            (info.kind, info.content_type, info.extension), ("document", "application/pdf", ".pdf")
        )
        self.assertEqual(
            media_files.inspect_file("x", len(MP4), MP4[:16]).content_type, "video/mp4"
        )
        with self.assertRaisesMessage(ValueError, "not an image Pressroom can read"):
            media_files.inspect_file("x.exe", 5, b"MZ\x90\x00\x03", b"MZ\x90\x00\x03")

    def test_each_kind_has_its_size_limit(self) -> None:
        with self.assertRaisesMessage(ValueError, "documents may be at most 20 MB"):
            media_files.inspect_file("big.pdf", 21 * 1024 * 1024, PDF[:16])
        self.assertEqual(
            media_files.inspect_file("ok.pdf", 19 * 1024 * 1024, PDF[:16]).kind, "document"
        )
        with self.assertRaisesMessage(ValueError, "videos may be at most 200 MB"):
            media_files.inspect_file("big.mp4", 201 * 1024 * 1024, MP4[:16])

    def test_platform_limits_are_said_on_upload(self) -> None:
        notes = media_files.platform_notes("image", "image/gif", 1000)
        self.assertIn("Zalo does not take this type of image.", notes)
        self.assertEqual(media_files.platform_notes("image", "image/jpeg", 1000), [])
        self.assertEqual(len(media_files.platform_notes("document", "application/pdf", 10)), 1)


class UploadTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def test_several_files_at_once_each_kept_or_refused_on_its_own(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("library_upload"),
            {
                "unit": self.commune.pk,
                "file": [
                    upload("Ảnh hội nghị.png", make_image()),
                    upload("Quyết định 12.pdf", PDF),
                    upload("virus.exe", b"MZ\x90\x00" * 10),
                ],
                "description": "Hội nghị tổng kết",
            },
            HTTP_ACCEPT="application/json",
        )
        self.assertEqual(response.status_code, 200)
        answer = json.loads(response.content)
        self.assertEqual(
            [item["name"] for item in answer["items"]], ["Ảnh hội nghị.png", "Quyết định 12.pdf"]
        )
        self.assertEqual(len(answer["errors"]), 1)
        self.assertIn("virus.exe", answer["errors"][0])
        image = Asset.objects.get(kind="image")
        self.assertEqual(
            (image.unit, image.uploaded_by, image.description),
            (self.commune, self.member, "Hội nghị tổng kết"),
        )
        self.assertEqual(image.width, 64)
        self.assertTrue(str(image.file.name).startswith(f"library/{self.commune.pk}/"))
        self.assertEqual(AuditEvent.objects.filter(action="media.upload").count(), 2)

    def test_without_script_the_page_says_what_was_kept(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("library_upload"),
            {"unit": self.commune.pk, "file": [upload("a.png", make_image())]},
            follow=True,
        )
        asset = Asset.objects.get()
        self.assertRedirects(response, reverse("library_item", args=[asset.pk]))
        self.assertIn("a.png is in the media library.", self.messages_of(response))

    def test_nothing_chosen_and_no_right_are_refused_clearly(self) -> None:
        self.login(self.member)
        response = self.client.post(
            reverse("library_upload"), {"unit": self.commune.pk}, HTTP_ACCEPT="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(json.loads(response.content)["errors"], ["Choose the files to upload."])
        # The district is above the editor's commune: not theirs to add to.
        response = self.client.post(
            reverse("library_upload"),
            {"unit": self.district.pk, "file": [upload("a.png", make_image())]},
            HTTP_ACCEPT="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Asset.objects.exists())

    def test_the_same_file_twice_is_the_same_item(self) -> None:
        png = make_image()
        first, created = library.add_to_library(
            unit=self.commune, upload=library.Upload.of_bytes("a.png", png), by=self.member
        )
        again, created_again = library.add_to_library(
            unit=self.commune,
            upload=library.Upload.of_bytes("b.png", png),
            description="Mô tả mới",
            by=self.member,
        )
        self.assertTrue(created)
        self.assertFalse(created_again)
        self.assertEqual(first.pk, again.pk)
        # A description given the second time fills one that was missing.
        self.assertEqual(Asset.objects.get().description, "Mô tả mới")

    def test_a_description_too_long_is_refused(self) -> None:
        with self.assertRaisesMessage(ActionError, "at most 1500 characters"):
            library.add_to_library(
                unit=self.commune,
                upload=library.Upload.of_bytes("a.png", make_image()),
                description="x" * 1501,
                by=self.member,
            )


class LibraryPageTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.district_image, _ = library.add_to_library(
            unit=self.district,
            upload=library.Upload.of_bytes("Cầu Kỳ Lừa.png", make_image(color="red")),
            description="Cầu Kỳ Lừa buổi sáng",
            by=self.owner,
        )
        self.commune_pdf, _ = library.add_to_library(
            unit=self.commune, upload=library.Upload.of_bytes("Kế hoạch.pdf", PDF), by=self.member
        )
        self.sibling_image, _ = library.add_to_library(
            unit=self.sibling,
            upload=library.Upload.of_bytes("Lộc Bình.png", make_image(color="blue")),
            by=self.outsider,
        )

    def test_a_unit_sees_its_own_and_what_units_above_offer(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("library_list"))
        self.assertContains(response, "Cầu Kỳ Lừa.png")
        self.assertContains(response, "Kế hoạch.pdf")
        self.assertNotContains(response, "Lộc Bình.png")
        self.assertContains(response, "from above")
        # The district's people do not see a commune's files? They do: the commune is theirs.
        self.login(self.owner)
        self.assertContains(self.client.get(reverse("library_list")), "Kế hoạch.pdf")

    def test_search_kind_and_unit_filters(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("library_list"), {"q": "cau ky lua"})
        self.assertContains(response, "Cầu Kỳ Lừa.png")
        self.assertNotContains(response, "Kế hoạch.pdf")
        response = self.client.get(reverse("library_list"), {"kind": "document"})
        self.assertNotContains(response, "Cầu Kỳ Lừa.png")
        self.assertContains(response, "Kế hoạch.pdf")
        response = self.client.get(reverse("library_list"), {"q": "không có"})
        self.assertContains(response, "No file matches.")

    def test_the_file_is_served_only_to_people_who_see_it(self) -> None:
        self.login(self.member)
        response = self.client.get(reverse("library_file", args=[self.district_image.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        pdf = self.client.get(reverse("library_file", args=[self.commune_pdf.pk]))
        self.assertIn("attachment", pdf["Content-Disposition"])
        self.assertEqual(
            self.client.get(reverse("library_file", args=[self.sibling_image.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("library_item", args=[self.sibling_image.pk])).status_code, 404
        )

    def test_only_the_units_people_change_a_description_which_drafts_take(self) -> None:
        post = self.make_post(by=self.owner, unit=self.district)
        library.attach(post, [(self.district_image, "")])
        self.login(self.member)
        url = reverse("library_item", args=[self.district_image.pk])
        self.client.post(url, {"description": "Đổi"})
        self.assertEqual(
            Asset.objects.get(pk=self.district_image.pk).description, "Cầu Kỳ Lừa buổi sáng"
        )
        self.login(self.owner)
        response = self.client.post(url, {"description": "Cầu Kỳ Lừa lúc bình minh"}, follow=True)
        self.assertIn("The description is saved.", self.messages_of(response))
        self.assertEqual(Media.objects.get(post=post).description, "Cầu Kỳ Lừa lúc bình minh")
        self.assertTrue(AuditEvent.objects.filter(action="media.edit").exists())

    def test_usage_is_shown_and_a_used_file_stays(self) -> None:
        post = self.make_post(by=self.owner, unit=self.district)
        library.attach(post, [(self.district_image, "")])
        self.login(self.owner)
        response = self.client.get(reverse("library_item", args=[self.district_image.pk]))
        self.assertContains(response, "Used in 1 post")
        self.assertContains(response, post.title)
        response = self.client.post(
            reverse("library_delete", args=[self.district_image.pk]), follow=True
        )
        self.assertIn("stays in the library", " ".join(self.messages_of(response)))
        self.assertTrue(Asset.objects.filter(pk=self.district_image.pk).exists())

    def test_an_unused_file_is_removed_with_its_file(self) -> None:
        storage = Asset.file.field.storage
        name = str(self.commune_pdf.file.name)
        self.login(self.member)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("library_delete", args=[self.commune_pdf.pk]), follow=True
            )
        self.assertRedirects(response, reverse("library_list"))
        self.assertFalse(Asset.objects.filter(pk=self.commune_pdf.pk).exists())
        self.assertFalse(storage.exists(name))
        self.assertTrue(AuditEvent.objects.filter(action="media.delete").exists())

    def test_an_empty_library_says_what_to_do(self) -> None:
        Asset.objects.all().delete()
        self.login(self.member)
        self.assertContains(self.client.get(reverse("library_list")), "The library is empty.")


class ExistingImagesMigrationTests(MigrationTestCase):
    def test_images_attached_before_become_library_items_sharing_their_file(self) -> None:
        before = [("content", "0006_media_library_and_packs")]
        executor = self.migrate(before)
        others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "content"]
        old = executor.loader.project_state([*before, *others]).apps
        unit = old.get_model("orgs", "Unit").objects.create(name="Xã", slug="xa", path="/1/")
        author = old.get_model("auth", "User").objects.create(username="bien-tap")
        post = old.get_model("content", "Post").objects.create(
            unit=unit, author=author, title="Tiếp dân", body="Thứ Năm."
        )
        png = make_image()
        with tempfile.TemporaryDirectory() as media_root, self.settings(MEDIA_ROOT=media_root):
            storage = Media.file.field.storage
            name = storage.save(f"posts/{post.pk}/anh.png", ContentFile(png))
            old.get_model("content", "Media").objects.create(
                post=post,
                file=name,
                content_type="image/png",
                size=len(png),
                width=64,
                height=48,
                description="Phòng Tiếp Dân",
            )
            after = [("content", "0007_library_items_of_existing_images")]
            executor = self.migrate(after)
            new = executor.loader.project_state([*after, *others]).apps
            [asset] = new.get_model("content", "Asset").objects.all()
            [media] = new.get_model("content", "Media").objects.all()
        self.assertEqual(media.asset_id, asset.pk)
        self.assertEqual(asset.file.name, name)
        self.assertEqual((asset.unit_id, asset.uploaded_by_id), (unit.pk, author.pk))
        self.assertEqual(asset.sha256, hashlib.sha256(png).hexdigest())
        self.assertEqual(asset.search_text, "anh png phong tiep dan")
        self.assertEqual((asset.kind, asset.description), ("image", "Phòng Tiếp Dân"))
