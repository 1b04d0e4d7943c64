"""Reading a page's card: Open Graph first, the plain tags after, any bytes without an error."""

from __future__ import annotations

import html
import unicodedata

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from pressroom.core.page_meta import MAX_DESCRIPTION, MAX_TITLE, clean, decode, read_meta


class ReadMetaTests(SimpleTestCase):
    def test_open_graph_comes_first(self) -> None:
        meta = read_meta(
            '<title>Plain</title><meta name="description" content="Plain text">'
            '<meta property="og:title" content="Open &amp; Graph">'
            '<meta property="og:description" content="Rich">'
            '<meta property="og:image" content="https://cdn.example.vn/a.jpg">',
            "https://example.vn/news/1",
        )
        self.assertEqual(
            (meta.title, meta.description, meta.image_url),
            ("Open & Graph", "Rich", "https://cdn.example.vn/a.jpg"),
        )

    def test_the_plain_title_and_description_when_there_is_no_open_graph(self) -> None:
        meta = read_meta(
            "<html><head><TITLE>  Lịch\n tiếp   dân </TITLE>"
            "<META NAME='Description' CONTENT='Tháng 12'></head></html>"
        )
        self.assertEqual(
            (meta.title, meta.description, meta.image_url), ("Lịch tiếp dân", "Tháng 12", "")
        )

    def test_an_image_is_an_absolute_web_address_or_nothing(self) -> None:
        base = "https://example.vn/news/1"
        for given_image, expected in (
            ("/img/a.png", "https://example.vn/img/a.png"),
            ("b.png", "https://example.vn/news/b.png"),
            ("//cdn.example.vn/c.png", "https://cdn.example.vn/c.png"),
            ("javascript:alert(1)", ""),
            ("data:image/png;base64,AAAA", ""),
            ("file:///etc/passwd", ""),
            ("https://user:pw@example.vn/a.png", ""),
        ):
            with self.subTest(given_image):
                page = f'<meta property="og:image" content="{given_image}">'
                self.assertEqual(read_meta(page, base).image_url, expected)

    def test_the_first_of_each_tag_counts(self) -> None:
        meta = read_meta(
            '<meta property="og:title" content="One"><meta property="og:title" content="Two">'
        )
        self.assertEqual(meta.title, "One")

    def test_long_text_is_cut_at_a_word(self) -> None:
        text = clean("chữ " * 200, 50)
        self.assertLessEqual(len(text), 50)
        self.assertTrue(text.endswith("chữ…"))

    def test_the_charset_named_by_the_answer_or_the_page(self) -> None:
        latin = "Café".encode("latin-1")
        self.assertEqual(decode(latin, "iso-8859-1"), "Café")
        self.assertTrue(decode(b'<meta charset="windows-1252">' + latin).endswith("Café"))
        self.assertEqual(decode(b"\xff\xfe ok", "no-such-charset"), "\ufffd\ufffd ok")

    def test_decomposed_vietnamese_comes_out_composed(self) -> None:
        composed = "L\u1ecbch ti\u1ebfp c\u00f4ng d\u00e2n"
        decomposed = unicodedata.normalize("NFD", composed)
        self.assertNotEqual(decomposed, composed)
        self.assertEqual(read_meta(f"<title>{decomposed}</title>").title, composed)


class ReadMetaProperties(SimpleTestCase):
    @given(st.text())
    def test_any_text_gives_an_answer(self, page: str) -> None:
        meta = read_meta(page, "https://example.vn/")
        for value in (meta.title, meta.description, meta.site_name):
            self.assertFalse(any(char in value for char in "\n\r\t\x00"))
        self.assertLessEqual(len(meta.title), MAX_TITLE)
        self.assertLessEqual(len(meta.description), MAX_DESCRIPTION)
        self.assertTrue(meta.image_url == "" or meta.image_url.startswith(("http://", "https://")))

    @given(st.binary(max_size=2000), st.sampled_from(["", "utf-8", "latin-1", "bogus", "utf-16"]))
    def test_any_bytes_decode(self, content: bytes, charset: str) -> None:
        self.assertIsInstance(decode(content, charset), str)

    @given(st.text(min_size=1, max_size=150).filter(lambda text: clean(text, MAX_TITLE) != ""))
    def test_a_title_comes_back_as_it_was_written(self, title: str) -> None:
        page = f'<head><meta property="og:title" content="{html.escape(title)}"></head>'
        self.assertEqual(read_meta(page).title, clean(title, MAX_TITLE))
