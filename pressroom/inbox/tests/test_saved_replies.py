"""Saved replies: offered down the tree, changed only by their unit's administrators."""

from __future__ import annotations

from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.inbox.models import SavedReply
from pressroom.inbox.saved_replies import saved_replies_for
from pressroom.testing import ViewTestCase


class SavedRepliesForTests(ViewTestCase):
    def test_a_unit_gets_its_own_and_those_above_it(self) -> None:
        province = SavedReply.objects.create(unit=self.province, title="C Giờ làm việc", text="a")
        district = SavedReply.objects.create(unit=self.district, title="B Địa chỉ", text="b")
        commune = SavedReply.objects.create(unit=self.commune, title="A Cảm ơn", text="c")
        sibling = SavedReply.objects.create(unit=self.sibling, title="A Khác", text="d")
        self.assertEqual(list(saved_replies_for(self.commune)), [commune, district, province])
        self.assertEqual(list(saved_replies_for(self.district)), [district, province])
        self.assertEqual(list(saved_replies_for(self.sibling)), [sibling, province])


class SavedReplyPageTests(ViewTestCase):
    url = reverse("inbox_saved_replies")

    def test_an_editor_sees_the_inherited_ones_and_may_not_add(self) -> None:
        item = SavedReply.objects.create(unit=self.district, title="Địa chỉ tiếp dân", text="Số 1")
        self.login(self.member)
        response = self.client.get(self.url, {"unit": self.commune.pk})
        self.assertContains(response, "Địa chỉ tiếp dân")
        self.assertContains(response, "from above")
        self.assertNotContains(response, "Add a saved reply")
        self.assertNotContains(response, reverse("inbox_saved_reply_edit", args=[item.pk]))
        self.assertNotContains(response, reverse("inbox_saved_reply_delete", args=[item.pk]))
        refused = self.client.post(
            f"{self.url}?unit={self.commune.pk}", {"title": "x", "text": "y"}
        )
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(SavedReply.objects.count(), 1)

    def test_an_administrator_adds_one(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            f"{self.url}?unit={self.district.pk}",
            {"title": "Giờ tiếp dân", "text": "Sáng thứ Năm hằng tuần."},
            follow=True,
        )
        self.assertContains(response, "The saved reply is added.")
        item = SavedReply.objects.get()
        self.assertEqual(
            (item.unit, item.title, item.created_by), (self.district, "Giờ tiếp dân", self.owner)
        )
        event = AuditEvent.objects.get(action="inbox.saved_reply_set")
        self.assertEqual(event.unit_id, self.district.pk)

    def test_an_empty_text_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            f"{self.url}?unit={self.district.pk}", {"title": "Tiêu đề", "text": "   "}
        )
        self.assertContains(response, "This field is required.")
        self.assertFalse(SavedReply.objects.exists())

    def test_editing_and_deleting(self) -> None:
        item = SavedReply.objects.create(unit=self.district, title="Cũ", text="Cũ")
        self.login(self.owner)
        edit = reverse("inbox_saved_reply_edit", args=[item.pk])
        self.assertContains(self.client.get(edit), "Cũ")
        self.client.post(edit, {"title": "Mới", "text": "Nội dung mới"})
        item.refresh_from_db()
        self.assertEqual((item.title, item.text), ("Mới", "Nội dung mới"))
        self.client.post(reverse("inbox_saved_reply_delete", args=[item.pk]))
        self.assertFalse(SavedReply.objects.exists())
        self.assertEqual(
            list(
                AuditEvent.objects.filter(action__startswith="inbox.")
                .order_by("id")
                .values_list("action", flat=True)
            ),
            ["inbox.saved_reply_set", "inbox.saved_reply_delete"],
        )

    def test_an_editor_below_may_not_edit_an_inherited_one(self) -> None:
        item = SavedReply.objects.create(unit=self.district, title="Địa chỉ", text="Số 1")
        self.login(self.member)
        edit = reverse("inbox_saved_reply_edit", args=[item.pk])
        self.assertEqual(self.client.get(edit).status_code, 403)
        delete = reverse("inbox_saved_reply_delete", args=[item.pk])
        self.assertEqual(self.client.post(delete).status_code, 403)
        self.assertTrue(SavedReply.objects.exists())

    def test_another_units_administrator_finds_nothing(self) -> None:
        item = SavedReply.objects.create(unit=self.district, title="Địa chỉ", text="Số 1")
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url, {"unit": self.district.pk}).status_code, 404)
        edit = reverse("inbox_saved_reply_edit", args=[item.pk])
        self.assertEqual(self.client.get(edit).status_code, 404)
        self.assertEqual(self.client.post(edit, {"title": "x", "text": "y"}).status_code, 404)
        delete = reverse("inbox_saved_reply_delete", args=[item.pk])
        self.assertEqual(self.client.post(delete).status_code, 404)
        item.refresh_from_db()
        self.assertEqual(item.title, "Địa chỉ")
        own = self.client.get(self.url)
        self.assertNotContains(own, "Địa chỉ")

    def test_a_viewer_without_compose_may_not_open_the_page(self) -> None:
        viewer = self.make_user("viewer", self.district, "viewer")
        self.login(viewer)
        self.assertEqual(self.client.get(self.url).status_code, 403)
