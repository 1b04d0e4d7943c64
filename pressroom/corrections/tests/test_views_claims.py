"""Claims: /corrections/, /corrections/new/, /corrections/<id>/ and its edit page, evidence
documents. The outsider (a sibling district) is refused everywhere with 404."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pressroom.audit.models import AuditEvent
from pressroom.corrections.evidence import MAX_DOCUMENT_BYTES
from pressroom.corrections.models import Claim, ClaimMatch
from pressroom.corrections.tests.base import STATEMENT, CorrectionsTestCase
from pressroom.testing import make_image

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class ClaimListTests(CorrectionsTestCase):
    def test_member_sees_the_claims_of_the_units_above_and_not_the_siblings(self) -> None:
        self.make_claim(self.province, self.owner, "Tỉnh sắp sáp nhập toàn bộ các xã vào tháng sau")
        self.make_claim(self.district, self.owner)
        self.make_claim(self.sibling, self.outsider, "Tiêm vắc xin gây vô sinh ở trẻ em")
        self.login(self.member)
        response = self.client.get(reverse("claim_list"))
        self.assertContains(response, "Tỉnh sắp sáp nhập")
        self.assertContains(response, STATEMENT)
        self.assertContains(response, "from above")
        self.assertNotContains(response, "Tiêm vắc xin")

    def test_filter_by_status_and_empty_state(self) -> None:
        self.make_claim(self.district, self.owner)
        self.login(self.owner)
        response = self.client.get(reverse("claim_list"), {"status": "closed"})
        self.assertNotContains(response, STATEMENT)
        self.assertContains(response, "No false claim matches.")
        response = self.client.get(reverse("claim_list"), {"status": "open"})
        self.assertContains(response, STATEMENT)

    def test_pages_of_25(self) -> None:
        for number in range(27):
            self.make_claim(
                self.district, self.owner, f"Tin đồn số {number} về giá điện tăng gấp đôi"
            )
        self.login(self.owner)
        response = self.client.get(reverse("claim_list"))
        self.assertContains(response, "Page 1 of 2")
        self.assertEqual(len(response.context["page"].object_list), 25)


class ClaimDetailTests(CorrectionsTestCase):
    def test_outsider_gets_404(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        self.login(self.outsider)
        for name in ("claim_detail", "claim_edit", "correction_create"):
            with self.subTest(name):
                self.assertEqual(self.client.get(reverse(name, args=[claim.pk])).status_code, 404)
        self.assertEqual(self.client.post(reverse("claim_match", args=[claim.pk])).status_code, 404)

    def test_member_below_sees_it_but_may_not_change_it(self) -> None:
        claim = self.make_claim(self.district, self.owner, evidence="Xem https://example.gov.vn/qd")
        self.login(self.member)
        response = self.client.get(reverse("claim_detail", args=[claim.pk]))
        self.assertContains(response, STATEMENT)
        self.assertContains(response, 'href="https://example.gov.vn/qd"')
        self.assertNotContains(response, reverse("claim_edit", args=[claim.pk]))
        # An editor below may publish a correction of it on the commune's channels.
        self.assertContains(response, reverse("correction_create", args=[claim.pk]))
        response = self.client.get(reverse("claim_edit", args=[claim.pk]))
        self.assertRedirects(response, reverse("claim_detail", args=[claim.pk]))

    def test_flagged_messages_link_to_their_conversation_only(self) -> None:
        claim = self.make_claim(self.province, self.owner)
        seen = self.make_message(
            self.district_channel, "căn cước hết hạn phải nộp phạt 500 nghìn đồng"
        )
        hidden = self.make_message(self.sibling_channel, "căn cước hết hạn phải nộp phạt 500 nghìn")
        ClaimMatch.objects.create(message=seen, claim=claim, score=90)
        ClaimMatch.objects.create(message=hidden, claim=claim, score=90)
        self.login(self.owner)
        response = self.client.get(reverse("claim_detail", args=[claim.pk]))
        self.assertContains(response, reverse("inbox_conversation", args=[seen.conversation_id]))
        self.assertNotContains(
            response, reverse("inbox_conversation", args=[hidden.conversation_id])
        )
        self.assertContains(response, "1 message flagged on your channels")
        # Who wrote it is shown in the thread, not here.
        self.assertNotContains(response, "Người dân")


class ClaimFormTests(CorrectionsTestCase):
    def data(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "unit": self.district.pk,
            "statement": STATEMENT,
            "variants": "làm lại căn cước bị phạt nặng\n",
            "seen_where": "Nhóm Zalo 'Chợ Cao Lộc', 28/11",
            "evidence": "Luật Căn cước 2023 không có mức phạt này: https://example.gov.vn/luat",
        }
        values.update(overrides)
        return values

    def test_editor_registers_a_claim(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("claim_create"),
            self.data(statement=unicodedata.normalize("NFD", STATEMENT)),
        )
        claim = Claim.objects.get()
        self.assertRedirects(response, reverse("claim_detail", args=[claim.pk]))
        self.assertEqual(claim.statement, STATEMENT)
        self.assertEqual(claim.status, Claim.Status.OPEN)
        self.assertEqual(claim.phrases(), [STATEMENT, "làm lại căn cước bị phạt nặng"])
        event = AuditEvent.objects.get(action="claim.create")
        self.assertEqual(event.object_id, str(claim.pk))

    def test_registering_matches_the_last_days(self) -> None:
        message = self.make_message(self.commune_channel, "can cuoc cong dan het han phai nop phat")
        self.login(self.owner)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("claim_create"), self.data())
        self.assertEqual(ClaimMatch.objects.get().message, message)

    def test_a_failed_validation_keeps_what_was_typed(self) -> None:
        self.login(self.owner)
        response = self.client.post(reverse("claim_create"), self.data(variants="căn cước"))
        self.assertContains(response, "is too short to recognise the claim")
        self.assertContains(response, STATEMENT)
        self.assertContains(response, "Nhóm Zalo &#x27;Chợ Cao Lộc&#x27;, 28/11")
        self.assertContains(response, "https://example.gov.vn/luat")
        self.assertFalse(Claim.objects.exists())

    def test_an_empty_statement_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(reverse("claim_create"), self.data(statement="  "))
        self.assertContains(response, "This field is required.")
        self.assertContains(response, "làm lại căn cước bị phạt nặng")
        self.assertFalse(Claim.objects.exists())

    def test_a_unit_of_someone_else_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(reverse("claim_create"), self.data(unit=self.sibling.pk))
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(Claim.objects.exists())

    def test_a_viewer_cannot_register(self) -> None:
        viewer = self.make_user("viewer", self.district, "viewer")
        self.login(viewer)
        self.assertRedirects(self.client.get(reverse("claim_create")), reverse("claim_list"))

    def test_documents_are_checked_and_kept_private(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("claim_create"),
            {
                **self.data(),
                "new_document_1": SimpleUploadedFile("quyết định.pdf", PDF_BYTES),
                "new_document_2": SimpleUploadedFile("ảnh.png", make_image()),
            },
        )
        claim = Claim.objects.get()
        self.assertRedirects(response, reverse("claim_detail", args=[claim.pk]))
        pdf, image = claim.documents.all()
        self.assertEqual((pdf.name, pdf.content_type), ("quyết định.pdf", "application/pdf"))
        self.assertEqual(image.content_type, "image/png")
        url = reverse("claim_document", args=[claim.pk, pdf.pk])
        download = self.client.get(url)
        self.assertEqual(b"".join(download.streaming_content), PDF_BYTES)  # type: ignore[attr-defined]
        self.assertIn("attachment", download["Content-Disposition"])
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_document_that_is_neither_pdf_nor_image_is_refused(self) -> None:
        self.login(self.owner)
        response = self.client.post(
            reverse("claim_create"),
            {**self.data(), "new_document_1": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")},
        )
        self.assertContains(response, "is neither a PDF nor an image")
        self.assertContains(response, "choose the documents again")
        self.assertContains(response, STATEMENT)
        self.assertFalse(Claim.objects.exists())

    def test_a_document_too_large_is_refused(self) -> None:
        self.login(self.owner)
        big = PDF_BYTES + b"0" * MAX_DOCUMENT_BYTES
        response = self.client.post(
            reverse("claim_create"),
            {**self.data(), "new_document_1": SimpleUploadedFile("big.pdf", big)},
        )
        self.assertContains(response, "documents may be at most 8 MB")
        self.assertFalse(Claim.objects.exists())

    def test_editing_changes_status_and_is_audited(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        self.login(self.approver)
        response = self.client.post(
            reverse("claim_edit", args=[claim.pk]), {**self.data(), "status": "closed"}
        )
        self.assertRedirects(response, reverse("claim_detail", args=[claim.pk]))
        claim.refresh_from_db()
        self.assertEqual(claim.status, Claim.Status.CLOSED)
        event = AuditEvent.objects.get(action="claim.edit")
        self.assertEqual(event.data["before"]["status"], "open")

    def test_the_unit_of_a_claim_does_not_change(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        self.login(self.owner)
        self.client.post(
            reverse("claim_edit", args=[claim.pk]),
            {**self.data(unit=self.commune.pk), "status": "open"},
        )
        claim.refresh_from_db()
        self.assertEqual(claim.unit, self.district)


class LookAgainTests(CorrectionsTestCase):
    def test_looking_again_flags_the_last_days(self) -> None:
        claim = self.make_claim(self.district, self.owner)
        self.make_message(self.commune_channel, "căn cước công dân hết hạn phải nộp phạt")
        self.login(self.owner)
        response = self.client.post(reverse("claim_match", args=[claim.pk]))
        self.assertRedirects(response, reverse("claim_detail", args=[claim.pk]))
        self.assertIn("1 more message flagged.", self.messages_of(response))
        response = self.client.post(reverse("claim_match", args=[claim.pk]))
        self.assertIn("No other message repeats it.", self.messages_of(response))
        self.assertEqual(ClaimMatch.objects.count(), 1)
