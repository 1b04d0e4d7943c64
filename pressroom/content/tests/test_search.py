"""Searching posts by their title and text, with or without Vietnamese diacritics: the posts
list and the calendar, the folded text kept on each post, and the migration that fills it."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pressroom.content import actions
from pressroom.content.models import Post
from pressroom.core.text import fold
from pressroom.publishing import scheduling
from pressroom.testing import MigrationTestCase, ViewTestCase

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


class FoldTests(SimpleTestCase):
    def test_diacritics_and_d_are_folded(self) -> None:
        self.assertEqual(fold("Căn cước ĐÃ hết hạn"), "can cuoc da het han")
        self.assertEqual(fold("Đường Điện Biên"), "duong dien bien")

    def test_decomposed_input_is_the_same(self) -> None:
        text = "Nhà máy nước bị nhiễm độc"
        self.assertEqual(fold(unicodedata.normalize("NFD", text)), fold(text))

    def test_upper_and_lower_case_are_the_same(self) -> None:
        self.assertEqual(fold("TIẾP CÔNG DÂN"), fold("tiếp công dân"))
        self.assertEqual(fold("TIẾP CÔNG DÂN"), "tiep cong dan")

    def test_punctuation_emoji_and_spaces_are_dropped(self) -> None:
        self.assertEqual(fold("  Thật không???  😱😱\n…ghê quá!! 👍 "), "that khong ghe qua")

    def test_digits_are_kept(self) -> None:
        self.assertEqual(fold("Tháng 12/2030, COVID-19"), "thang 12 2030 covid 19")

    def test_nothing_folds_to_nothing(self) -> None:
        self.assertEqual(fold(""), "")
        self.assertEqual(fold("!!! …"), "")

    @given(st.text())
    def test_any_text_gives_single_spaced_words(self, text: str) -> None:
        result = fold(text)
        self.assertEqual(result, " ".join(result.split()))
        self.assertNotIn("đ", result)
        self.assertEqual(fold(result), result)


class SearchTextTests(ViewTestCase):
    def test_a_new_post_holds_its_title_and_text_folded(self) -> None:
        post = self.make_post(title="Tiếp công dân", body="Lịch tháng 12 của UBND huyện.")
        post.refresh_from_db()
        self.assertEqual(post.search_text, "tiep cong dan lich thang 12 cua ubnd huyen")

    def test_editing_the_title_updates_the_search(self) -> None:
        post = self.make_post(title="Tiếp công dân", body="Lịch tháng 12.")
        actions.save_post(
            by=self.owner,
            post=post,
            unit=self.district,
            title="Đối thoại với nhân dân",
            body="Lịch tháng 12.",
            channels=[],
        )
        self.login(self.owner)
        self.assertEqual(self.found("doi thoai"), ["Đối thoại với nhân dân"])
        self.assertEqual(self.found("tiep cong dan"), [])

    def test_a_save_of_only_the_title_writes_the_search_text_too(self) -> None:
        post = self.make_post(title="Tiếp công dân", body="Lịch tháng 12.")
        post.title = "Họp báo"
        post.save(update_fields=["title"])
        post.refresh_from_db()
        self.assertEqual(post.search_text, "hop bao lich thang 12")

    def found(self, query: str, **filters: str) -> list[str]:
        response = self.client.get(reverse("post_list"), {"q": query, **filters})
        self.assertEqual(response.status_code, 200)
        return [post.title for post in response.context["page"].object_list]


class PostListSearchTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.reception = self.make_post(
            title="Thông báo lịch tiếp công dân",
            body="Chủ tịch UBND huyện tiếp công dân vào thứ Năm hằng tuần.",
        )
        self.road = self.make_post(
            title="Sửa đường liên xã", body="Đường Đồng Đăng sẽ đóng từ ngày 5 đến ngày 9."
        )
        self.commune_post = self.make_post(
            by=self.member,
            unit=self.commune,
            title="Chợ phiên Hợp Thành",
            body="Chợ họp vào sáng Chủ nhật.",
        )
        self.login(self.owner)

    def found(self, query: str) -> list[str]:
        response = self.client.get(reverse("post_list"), {"q": query})
        self.assertEqual(response.status_code, 200)
        return sorted(post.title for post in response.context["page"].object_list)

    def test_without_accents(self) -> None:
        self.assertEqual(self.found("tiep cong dan"), ["Thông báo lịch tiếp công dân"])

    def test_with_accents_and_in_capitals(self) -> None:
        self.assertEqual(self.found("TIẾP CÔNG DÂN"), ["Thông báo lịch tiếp công dân"])
        self.assertEqual(self.found("tiếp công dân"), ["Thông báo lịch tiếp công dân"])

    def test_decomposed_input(self) -> None:
        query = unicodedata.normalize("NFD", "tiếp công dân")
        self.assertNotEqual(query, "tiếp công dân")
        self.assertEqual(self.found(query), ["Thông báo lịch tiếp công dân"])

    def test_d_with_and_without_its_bar(self) -> None:
        self.assertEqual(self.found("đường"), ["Sửa đường liên xã"])
        self.assertEqual(self.found("duong"), ["Sửa đường liên xã"])
        self.assertEqual(self.found("ĐỒNG ĐĂNG"), ["Sửa đường liên xã"])
        self.assertEqual(self.found("dong dang"), ["Sửa đường liên xã"])

    def test_words_in_any_order(self) -> None:
        self.assertEqual(self.found("dan cong tiep"), ["Thông báo lịch tiếp công dân"])

    def test_every_word_must_be_there(self) -> None:
        self.assertEqual(self.found("tiep cong dan duong"), [])

    def test_the_text_is_searched_too(self) -> None:
        self.assertEqual(self.found("thu nam hang tuan"), ["Thông báo lịch tiếp công dân"])
        # "Chủ nhật" is only in the text.
        self.assertEqual(self.found("chu nhat"), ["Chợ phiên Hợp Thành"])

    def test_a_word_that_is_not_there_finds_nothing(self) -> None:
        self.assertEqual(self.found("bão lũ"), [])
        response = self.client.get(reverse("post_list"), {"q": "bão lũ"})
        self.assertContains(response, "No post matches.")

    def test_punctuation_alone_searches_nothing_away(self) -> None:
        self.assertEqual(len(self.found("!!!")), 3)

    def test_the_search_goes_with_the_other_filters(self) -> None:
        response = self.client.get(
            reverse("post_list"), {"q": "cho", "unit": str(self.commune.pk), "status": "draft"}
        )
        titles = [post.title for post in response.context["page"].object_list]
        self.assertEqual(titles, ["Chợ phiên Hợp Thành"])

    def test_the_field_says_what_it_searches(self) -> None:
        response = self.client.get(reverse("post_list"))
        self.assertContains(response, "Search")
        self.assertContains(response, "Title and text, with or without accents")

    def test_a_too_long_search_is_refused_with_a_message(self) -> None:
        response = self.client.get(reverse("post_list"), {"q": "a" * 201})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "A search can be at most 200 characters long")
        response = self.client.get(reverse("post_list"), {"q": "tiep " * 40})
        self.assertEqual(len(response.context["page"].object_list), 1)

    def test_an_outsider_finds_nothing_of_the_district(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.found("tiep cong dan"), [])

    def test_the_list_makes_as_many_queries_for_many_posts_as_for_few(self) -> None:
        channel = self.make_channel(self.district, "facebook")
        self.make_post(title="Tiếp công dân quý I", body="Lịch.", channels=[channel])

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get(reverse("post_list"), {"q": "tiep cong dan"})
                self.assertEqual(response.status_code, 200)
            return len(captured)

        few = queries()
        for number in range(6):
            self.make_post(title=f"Tiếp công dân số {number}", body="Lịch.", channels=[channel])
        self.assertEqual(queries(), few)


class CalendarSearchTests(ViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        channel = self.make_channel(self.district, "facebook")
        self.fireworks = self.scheduled(
            "Pháo hoa đêm giao thừa",
            "Bắn pháo hoa tại quảng trường trung tâm.",
            datetime(2030, 1, 8, 20, 0, tzinfo=HANOI),
            channel,
        )
        self.reception = self.scheduled(
            "Lịch tiếp công dân",
            "Chủ tịch tiếp vào thứ Năm.",
            datetime(2030, 1, 9, 8, 0, tzinfo=HANOI),
            channel,
        )
        self.login(self.owner)

    def scheduled(self, title: str, body: str, at: datetime, channel: Any) -> Post:
        post = self.make_approved_post(title=title, body=body, channels=[channel])
        return scheduling.schedule_post(post=post, by=self.owner, at=at)

    def week(self, **query: str) -> Any:
        return self.client.get(reverse("calendar"), {"view": "week", "date": "2030-01-09", **query})

    def test_the_calendar_shows_only_the_posts_found(self) -> None:
        response = self.week(q="giao thua")
        self.assertContains(response, "Pháo hoa đêm giao thừa")
        self.assertNotContains(response, "Lịch tiếp công dân")
        response = self.week(q="TIẾP công")
        self.assertContains(response, "Lịch tiếp công dân")
        self.assertNotContains(response, "Pháo hoa đêm giao thừa")

    def test_moving_in_the_calendar_keeps_the_search(self) -> None:
        response = self.week(q="giao thua")
        self.assertContains(response, "q=giao+thua")
        self.assertContains(response, "Title and text, with or without accents")

    def test_a_search_that_finds_nothing(self) -> None:
        self.assertContains(self.week(q="bao lu"), "No post in this period.")


BEFORE = [("content", "0004_post_created_at_index")]
AFTER = [("content", "0005_post_search_text")]


class SearchTextMigrationTests(MigrationTestCase):
    def test_posts_written_before_are_filled_in_batches(self) -> None:
        executor = self.migrate(BEFORE)
        # The other apps as they are now (the units' table has its newer columns).
        others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "content"]
        old = executor.loader.project_state([*BEFORE, *others]).apps
        unit = old.get_model("orgs", "Unit").objects.create(name="Xã", slug="xa", path="/1/")
        author = old.get_model("auth", "User").objects.create(username="bien-tap")
        posts = old.get_model("content", "Post")
        posts.objects.create(
            unit=unit, author=author, title="Tiếp CÔNG dân", body="Thứ Năm hằng tuần."
        )
        # More than one batch of a thousand.
        posts.objects.bulk_create(
            [
                posts(unit=unit, author=author, title=f"Bài {number}", body="Đường sá.")
                for number in range(1001)
            ]
        )
        executor = self.migrate(AFTER)
        # The posts as the migration left them (later ones add columns).
        filled = executor.loader.project_state([*AFTER, *others]).apps.get_model("content", "Post")
        self.assertEqual(
            filled.objects.get(title="Tiếp CÔNG dân").search_text,
            "tiep cong dan thu nam hang tuan",
        )
        self.assertFalse(filled.objects.filter(search_text="").exists())
        self.assertEqual(filled.objects.get(title="Bài 1000").search_text, "bai 1000 duong sa")

    def test_the_migration_goes_back(self) -> None:
        self.migrate(AFTER)
        self.migrate(BEFORE)
