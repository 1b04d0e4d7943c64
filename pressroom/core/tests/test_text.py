from __future__ import annotations

import unicodedata

from django.test import SimpleTestCase

from pressroom.core.text import count_code_points, count_mastodon, count_utf16, nfc


class TextTests(SimpleTestCase):
    def test_nfd_vietnamese_is_composed(self) -> None:
        decomposed = unicodedata.normalize("NFD", "Lạng Sơn")
        self.assertNotEqual(decomposed, "Lạng Sơn")
        self.assertEqual(nfc(decomposed), "Lạng Sơn")
        self.assertEqual(count_code_points(decomposed), 8)

    def test_telegram_counts_utf16_units(self) -> None:
        self.assertEqual(count_utf16("Lũ 🌊"), 5)

    def test_mastodon_counts_links_as_23(self) -> None:
        text = "Xem https://langson.gov.vn/tin-tuc/rat-dai/duong-dan-rat-rat-dai-nua"
        self.assertEqual(count_mastodon(text), 4 + 23)

    def test_mastodon_leaves_trailing_punctuation_and_glued_links_out_of_a_link(self) -> None:
        self.assertEqual(count_mastodon("Xem https://langson.gov.vn/tin."), 4 + 23 + 1)
        self.assertEqual(count_mastodon("(https://langson.gov.vn/a_(b))"), 1 + 23 + 1)
        glued = "Tin:xhttps://langson.gov.vn/tin-tuc"
        self.assertEqual(count_mastodon(glued), len(glued))

    def test_mastodon_counts_a_link_to_a_punycode_domain_as_23(self) -> None:
        # Internationalised top-level domains travel as punycode (xn--…): still links.
        self.assertEqual(count_mastodon("HTTP://so-y-te.xn--p1ai/lich"), 23)
