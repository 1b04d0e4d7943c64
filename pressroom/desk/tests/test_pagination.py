"""The pagination links every list shares (`_pagination.html`)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory, SimpleTestCase
from django.utils import translation


def get(path: str) -> HttpRequest:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()  # as the context processors expect
    return request


def links(path: str, *, number: int, newer_older: bool = False) -> str:
    page = Paginator(list(range(30)), 10).get_page(number)
    request = get(path)
    with translation.override("en"):
        return render_to_string(
            "_pagination.html", {"page": page, "newer_older": newer_older}, request=request
        )


class PaginationTests(SimpleTestCase):
    def test_the_links_keep_the_filters_and_replace_the_page(self) -> None:
        html = links("/inbox/?status=open&unit=4&page=2", number=2)
        self.assertIn('href="?status=open&amp;unit=4&amp;page=1" rel="prev">← Previous', html)
        self.assertIn('href="?status=open&amp;unit=4&amp;page=3" rel="next">Next →', html)
        self.assertIn("Page 2 of 3", html)

    def test_the_first_and_last_pages_link_one_way(self) -> None:
        first = links("/audit/", number=1)
        self.assertNotIn('rel="prev"', first)
        self.assertIn('href="?page=2" rel="next"', first)
        self.assertNotIn('rel="next"', links("/audit/", number=3))

    def test_lists_from_the_newest_say_newer_and_older(self) -> None:
        html = links("/notifications/?page=2", number=2, newer_older=True)
        self.assertIn("← Newer", html)
        self.assertIn("Older →", html)

    def test_one_page_shows_nothing(self) -> None:
        page = Paginator([1, 2], 10).get_page(1)
        html = render_to_string("_pagination.html", {"page": page}, request=get("/"))
        self.assertEqual(html.strip(), "")
