"""Matching a citizen's message against a false claim: Vietnamese with or without its marks,
small variations, and unrelated text that must not match."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from pressroom.corrections.matching import similarity

CLAIM = ["Căn cước công dân hết hạn phải nộp phạt 500 nghìn đồng"]
THRESHOLD = 80


class SimilarityTests(SimpleTestCase):
    def assertMatches(self, text: str) -> None:
        self.assertGreaterEqual(similarity(CLAIM, text), THRESHOLD, text)

    def assertDoesNotMatch(self, text: str) -> None:
        self.assertLess(similarity(CLAIM, text), THRESHOLD, text)

    def test_the_claim_as_written(self) -> None:
        self.assertMatches("Căn cước công dân hết hạn phải nộp phạt 500 nghìn đồng")

    def test_without_diacritics(self) -> None:
        self.assertMatches("can cuoc cong dan het han phai nop phat 500 nghin dong")

    def test_in_capitals_with_missing_marks(self) -> None:
        self.assertMatches("CĂN CƯỚC CÔNG DÂN HẾT HẠN PHẢI NÔP PHAT 500 NGHIN")

    def test_inside_a_longer_comment_with_emoji(self) -> None:
        self.assertMatches(
            "Mọi người ơi, căn cước công dân hết hạn phải nộp phạt 500 nghìn đồng, "
            "có thật không ạ?? 😱😱"
        )

    def test_small_variations(self) -> None:
        self.assertMatches("nghe nói can cuoc cong dan het han la phai nop phat 500k!!!")
        self.assertMatches("Có đúng là căn cước hết hạn bị phạt 500 nghìn không?")

    def test_unrelated_text_does_not_match(self) -> None:
        self.assertDoesNotMatch("Lịch tiếp công dân tháng 12 của UBND huyện")
        self.assertDoesNotMatch("Đường Nguyễn Du bị ngập nước, đề nghị xử lý")
        self.assertDoesNotMatch("Cảm ơn ủy ban đã thông tin kịp thời 👍")
        self.assertDoesNotMatch("Tôi bị phạt 500 nghìn đồng vì không đội mũ bảo hiểm")

    def test_a_few_of_its_words_are_not_the_claim(self) -> None:
        self.assertDoesNotMatch("căn cước")
        self.assertDoesNotMatch("Cho hỏi làm căn cước ở đâu ạ")
        self.assertDoesNotMatch("ok")
        self.assertDoesNotMatch("")

    def test_another_wording_is_matched_too(self) -> None:
        phrases = [*CLAIM, "Tiêm vắc xin gây vô sinh ở trẻ em"]
        self.assertGreaterEqual(similarity(phrases, "tiem vac xin gay vo sinh o tre em!"), 80)
        self.assertLess(similarity(CLAIM, "tiem vac xin gay vo sinh o tre em!"), 80)


class ThresholdTests(SimpleTestCase):
    @override_settings(CORRECTIONS_MATCH_THRESHOLD=95)
    def test_the_threshold_is_a_setting(self) -> None:
        from pressroom.corrections.matching import threshold

        self.assertEqual(threshold(), 95)
