"""The analytics screens: a unit's dashboard with everything below it, drill-down to a
channel and a post, units compared; what a platform does not give is a dash with its
reason; a bounded number of queries whatever the tree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pressroom.analytics import store
from pressroom.analytics.collect import figures_row
from pressroom.analytics.models import CollectCursor, MetricSeries
from pressroom.channels.models import Channel
from pressroom.content.models import Post, Theme
from pressroom.orgs.models import Unit
from pressroom.publishing.models import Delivery
from pressroom.testing import ViewTestCase

QUARTER = {"period": "quarter", "year": "2026", "q": "4"}
QUERY = "period=quarter&year=2026&q=4"
QUERY_HTML = QUERY.replace("&", "&amp;")
NO_VIEWS = "Telegram does not let bots read how many times a post was viewed"
# The dashboard's bound, whatever the size of the tree.
MAX_QUERIES = 20


def published(
    channel: Channel, title: str, at: datetime, *, theme: Theme | None = None, **figures: int
) -> Post:
    """A post published on the channel at `at`, with the figures its platform gave."""
    author = get_user_model().objects.order_by("pk")[0]
    post = Post.objects.create(
        unit=channel.unit, author=author, title=title, body=title, theme=theme
    )
    delivery = Delivery.objects.create(
        post=post,
        channel=channel,
        status=Delivery.Status.PUBLISHED,
        due_at=at,
        published_at=at,
        remote_id=f"{channel.pk}-{post.pk}",
    )
    row = figures_row(delivery)
    for name, value in figures.items():
        setattr(row, name, value)
    row.save()
    return post


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


class DashboardTests(ViewTestCase):
    commune_page: Channel
    district_channel: Channel
    theme: Theme
    best_post: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.commune_page = cls.make_channel(cls.commune, "facebook")
        cls.district_channel = cls.make_channel(cls.district, "telegram")
        # The quarter before: the change is measured against it.
        store.set_days(cls.commune_page, {date(2026, 9, 10): {"reach": 1000, "followers": 480}})
        store.set_days(
            cls.commune_page,
            {
                date(2026, 10, 5): {
                    "posts": 2,
                    "reach": 1200,
                    "reactions": 30,
                    "comments": 4,
                    "shares": 3,
                    "visits": 50,
                    "messages": 2,
                    "followers": 500,
                },
                date(2026, 11, 5): {"posts": 1, "reach": 800, "reactions": 10, "followers": 540},
            },
        )
        store.set_days(cls.district_channel, {date(2026, 10, 7): {"posts": 3, "followers": 1990}})
        store.set_days(cls.district_channel, {date(2026, 11, 5): {"followers": 2000}})
        CollectCursor.objects.create(
            channel=cls.district_channel,
            unavailable={"reach": NO_VIEWS, "shares": "Telegram does not let bots read forwards"},
        )
        cls.theme = Theme.objects.create(unit=cls.province, name="Chuyển đổi số")
        cls.best_post = published(
            cls.commune_page,
            "Lịch tiêm chủng tháng 10",
            at(date(2026, 10, 5), 9),
            reach=700,
            reactions=20,
            comments=3,
            theme=cls.theme,
        )
        published(
            cls.commune_page, "Thông báo cắt điện", at(date(2026, 10, 12), 9), reach=500, shares=2
        )
        published(cls.commune_page, "Lịch tiếp dân", at(date(2026, 11, 2), 15), reach=90)
        published(
            cls.district_channel, "Tin huyện", at(date(2026, 10, 7), 8), reactions=12, comments=0
        )
        published(cls.district_channel, "Tin huyện 2", at(date(2026, 10, 14), 8), reactions=6)

    def dashboard(self, unit: Unit, **params: str) -> str:
        response = self.client.get(reverse("analytics_unit", args=[unit.pk]), params or QUARTER)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def cell_row(self, text: str, table: str, name: str) -> str:
        table_html = text[text.index(f"report {table}") :].split("</table>", maxsplit=1)[0]
        return table_html[table_html.index(name) :].split("</tr>")[0]

    def card(self, text: str, measure: str) -> str:
        return text[text.index(f'data-measure="{measure}"') :].split("</article>", maxsplit=1)[0]

    def test_the_figures_are_those_written_with_the_commune_rolled_up_into_the_district(
        self,
    ) -> None:
        self.login(self.owner)
        text = self.dashboard(self.district)
        self.assertIn(">6<", self.card(text, "posts"))  # 2 + 1 in the commune, 3 in the district
        reach = self.card(text, "reach")
        self.assertIn("2,000", reach)  # the commune's two days
        self.assertIn("+100.0% on the period before", reach)  # 1,000 in the third quarter
        followers = self.card(text, "followers")
        self.assertIn("2,540", followers)
        self.assertIn("+2,060 over the period", followers)  # 480 at the end of September
        self.assertIn(">2<", self.card(text, "messages"))
        commune_row = self.cell_row(text, "per-unit", "Xã Hợp Thành")
        self.assertIn("2,000", commune_row)
        self.assertIn("540", commune_row)
        own_row = self.cell_row(text, "per-unit", "Huyện Cao Lộc (own channels)")
        self.assertIn("2,000", own_row)  # the district's own Telegram followers
        self.assertIn(f'title="{NO_VIEWS}"', own_row)  # its reach: Telegram gives none
        # Its followers were first counted in the period: no growth can be said.
        self.assertIn('title="no follower count from before the period"', own_row)
        # The commune's own dashboard has the same figures as its line in the district's.
        commune = self.dashboard(self.commune)
        self.assertIn("2,000", self.card(commune, "reach"))
        self.assertIn("540", self.card(commune, "followers"))
        self.assertNotIn("2,540", commune)

    def test_each_level_leads_to_the_one_below_down_to_the_post(self) -> None:
        self.login(self.owner)
        text = self.dashboard(self.district)
        commune_url = reverse("analytics_unit", args=[self.commune.pk])
        self.assertIn(f'href="{commune_url}?{QUERY_HTML}"', text)
        district_channel_url = reverse("analytics_channel", args=[self.district_channel.pk])
        self.assertIn(f'href="{district_channel_url}?{QUERY_HTML}"', text)
        self.assertIn(f'href="{reverse("post_detail", args=[self.best_post.pk])}"', text)
        commune = self.dashboard(self.commune)
        channel_url = reverse("analytics_channel", args=[self.commune_page.pk])
        self.assertIn(f'href="{channel_url}?{QUERY_HTML}"', commune)
        response = self.client.get(channel_url, QUARTER)
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn(f'href="{reverse("post_detail", args=[self.best_post.pk])}"', page)
        self.assertIn("Lịch tiêm chủng tháng 10", page)
        self.assertIn(
            f'href="{reverse("analytics_unit", args=[self.district.pk])}?{QUERY_HTML}"', page
        )

    def test_a_channels_best_hours_are_said_in_words_and_drawn(self) -> None:
        self.login(self.owner)
        response = self.client.get(
            reverse("analytics_channel", args=[self.commune_page.pk]), QUARTER
        )
        text = response.content.decode()
        slots = text[text.index('class="best-slots"') :].split("</ol>")[0]
        # Two posts were published on a Monday at nine (5 and 12 October): 600 on average.
        self.assertIn("Monday, 09:00\N{EN DASH}10:00", slots)
        self.assertIn("reach 600 on average (2 posts)", slots)
        self.assertNotIn("15:00", slots)  # one post is not enough to tell
        self.assertIn('id="chart-hours-spec"', text)
        self.assertIn('"mark": {"type": "rect"}', text)

    def test_what_a_platform_does_not_give_is_a_dash_with_its_reason(self) -> None:
        self.login(self.owner)
        text = self.dashboard(self.district)
        telegram = self.cell_row(text, "per-platform", "Telegram")
        missing = f'<abbr class="missing" title="{NO_VIEWS}">—</abbr>'
        self.assertIn(missing, telegram)
        self.assertNotIn(">0<", telegram.split("</td>")[1])  # the reach cell is no zero
        self.assertIn(f"Not counted on Telegram channel: {NO_VIEWS}", self.card(text, "reach"))
        self.assertIn(f"Telegram channel: reach is not available ({NO_VIEWS})", text)
        # On the Telegram channel's own page, no platform gives its reach at all.
        response = self.client.get(
            reverse("analytics_channel", args=[self.district_channel.pk]), QUARTER
        )
        page = response.content.decode()
        self.assertIn(
            f'<abbr class="missing" title="{NO_VIEWS}.">—</abbr>', self.card(page, "reach")
        )
        self.assertIn("drew most reactions, comments and shares", page)
        slots = page[page.index('class="best-slots"') :].split("</ol>")[0]
        # Two posts on Wednesdays at eight, 12 and 6 reactions.
        self.assertIn("Wednesday, 08:00", slots)
        self.assertIn("9.0 reactions, comments and shares on average (2 posts)", slots)

    def test_a_metric_that_changed_meaning_is_said_in_a_footnote(self) -> None:
        MetricSeries.objects.create(
            channel=self.commune_page,
            measure="reach",
            metric="page_impressions",
            first_day=date(2026, 7, 1),
            last_day=date(2026, 11, 14),
        )
        MetricSeries.objects.create(
            channel=self.commune_page,
            measure="reach",
            metric="page_media_view",
            definition="Times the Page's content was played or displayed.",
            first_day=date(2026, 11, 15),
            last_day=date(2026, 12, 31),
        )
        self.login(self.owner)
        text = self.dashboard(self.district)
        self.assertIn(
            "From 15 Nov 2026, Facebook Page counts “page_media_view” instead of "
            "“page_impressions” for reach: Times the Page&#x27;s content was played or displayed.",
            text,
        )

    def test_the_cadence_lists_the_channels_below_target(self) -> None:
        # A Monday: the four whole weeks before it are 2 to 29 November.
        traveller = time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
        traveller.start()
        self.addCleanup(traveller.stop)
        days = [date(2026, 11, 29) - timedelta(days=n) for n in range(28)]
        # Eight posts in four weeks on the commune's Page; six a day on the district's channel.
        store.set_days(
            self.commune_page, {day: {"posts": 1 if n < 8 else 0} for n, day in enumerate(days)}
        )
        store.set_days(self.district_channel, {day: {"posts": 6} for day in days})
        self.login(self.owner)
        text = self.dashboard(self.district)
        section = text[text.index('class="cadence"') :].split("</section>")[0]
        self.assertIn("four whole weeks from 2 Nov to 29 Nov 2026", section)
        self.assertIn("against a target of 5 posts a week", section)
        self.assertIn("1 channel of 2 posts less than the target", section)
        below = section[section.index("below-target") :]
        self.assertIn("Xã Hợp Thành facebook", below)
        self.assertIn("2.0", below)
        self.assertNotIn("Huyện Cao Lộc telegram", below)

    def test_another_units_figures_are_not_found(self) -> None:
        self.login(self.outsider)
        for address in (
            reverse("analytics_unit", args=[self.district.pk]),
            reverse("analytics_unit", args=[self.province.pk]),
            reverse("analytics_channel", args=[self.commune_page.pk]),
            f"{reverse('analytics_compare')}?unit={self.sibling.pk}&units={self.commune.pk}",
        ):
            self.assertEqual(self.client.get(address).status_code, 404, address)
        # A member of the commune sees the commune, not the district above it.
        self.login(self.member)
        self.assertEqual(
            self.client.get(reverse("analytics_unit", args=[self.district.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("analytics_unit", args=[self.commune.pk])).status_code, 200
        )

    def test_the_way_in_is_the_persons_highest_unit(self) -> None:
        self.login(self.owner)
        response = self.client.get(reverse("analytics_home"), QUARTER)
        self.assertRedirects(
            response, f"{reverse('analytics_unit', args=[self.district.pk])}?{QUERY}"
        )
        self.login(self.member)
        response = self.client.get(reverse("analytics_home"))
        self.assertRedirects(response, reverse("analytics_unit", args=[self.commune.pk]))
        text = self.client.get(reverse("analytics_unit", args=[self.commune.pk])).content.decode()
        self.assertIn(
            f'<a href="{reverse("analytics_home")}" aria-current="page">Analytics</a>', text
        )

    def test_a_period_that_cannot_be_read_says_so_and_shows_the_current_quarter(self) -> None:
        traveller = time_machine.travel(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
        traveller.start()
        self.addCleanup(traveller.stop)
        self.login(self.owner)
        text = self.dashboard(self.district, period="quarter", year="2026", q="9")
        self.assertIn("That period could not be read; the current quarter is shown instead.", text)
        self.assertIn("quarter 4 of 2026", text)
        self.assertIn("2,000", self.card(text, "reach"))
        text = self.dashboard(
            self.district, period="custom", **{"from": "2026-12-01", "to": "2026-10-01"}
        )
        self.assertIn("The period&#x27;s start comes after its end.", text)

    def test_a_month_and_a_custom_period(self) -> None:
        self.login(self.owner)
        november = self.dashboard(self.district, period="month", year="2026", month="11")
        self.assertIn("800", self.card(november, "reach"))
        self.assertIn("\N{MINUS SIGN}33.3% on the period before", self.card(november, "reach"))
        days = self.dashboard(
            self.district, period="custom", **{"from": "05/10/2026", "to": "2026-10-05"}
        )
        self.assertIn("1,200", self.card(days, "reach"))

    def test_numbers_and_days_are_written_as_vietnamese_writes_them(self) -> None:
        self.login(self.owner)
        self.speak("vi")
        response = self.client.get(reverse("analytics_unit", args=[self.district.pk]), QUARTER)
        text = response.content.decode()
        self.assertIn("2.540", self.card(text, "followers"))
        self.assertIn("05/10/2026", text)
        self.speak("en")
        english = self.dashboard(self.district)
        self.assertIn("5 Oct 2026", english)

    def test_themes_and_formats(self) -> None:
        self.login(self.owner)
        text = self.dashboard(self.district)
        themes = text[text.index("Per theme") :].split("</table>")[0]
        self.assertIn("Chuyển đổi số", themes)
        self.assertIn("No theme", themes)
        self.assertIn("700", themes)
        formats = text[text.index("Per format") :].split("</table>")[0]
        self.assertIn("Text", formats)
        self.assertIn(">5<", formats)  # every post is text

    def test_the_charts_carry_their_spec_and_their_numbers(self) -> None:
        self.login(self.owner)
        text = self.dashboard(self.district)
        self.assertIn('data-spec="chart-trend-spec"', text)
        self.assertIn('<script id="chart-trend-spec" type="application/json">', text)
        numbers = text[text.index('id="chart-trend-numbers"') :].split("</details>")[0]
        self.assertIn("5 Oct 2026", numbers)
        self.assertIn("1,200", numbers)
        self.assertIn('data-spec="chart-units-spec"', text)

    def test_a_new_period_is_only_the_board_for_htmx(self) -> None:
        self.login(self.owner)
        response = self.client.get(
            reverse("analytics_unit", args=[self.district.pk]), QUARTER, HTTP_HX_REQUEST="true"
        )
        text = response.content.decode()
        self.assertTrue(text.lstrip().startswith('<div id="board"'))
        self.assertNotIn("<html", text)

    def test_units_side_by_side(self) -> None:
        self.login(self.owner)
        response = self.client.get(
            reverse("analytics_compare"),
            {
                **QUARTER,
                "unit": str(self.district.pk),
                "units": f"{self.commune.pk},{self.district.pk}",
            },
        )
        self.assertEqual(response.status_code, 200)
        text = response.content.decode()
        header = text[text.index("<thead>") :].split("</thead>")[0]
        self.assertLess(header.index("Xã Hợp Thành"), header.index("Huyện Cao Lộc"))
        followers = text[text.index('<th scope="row">Followers') :].split("</tr>")[0]
        self.assertIn("540", followers)
        self.assertIn("2,540", followers)
        # The district's units to choose from: itself and the commune.
        self.assertIn(f'name="units" value="{self.commune.pk}" checked', text)
        # Asking for a unit the person may not view is refused.
        response = self.client.get(
            reverse("analytics_compare"), {"unit": self.district.pk, "units": self.sibling.pk}
        )
        self.assertEqual(response.status_code, 404)

    def test_a_unit_without_figures_says_when_they_come(self) -> None:
        self.login(self.outsider)
        text = self.dashboard(self.sibling)
        self.assertIn(
            "No figures yet: they are collected every hour once a channel is connected.", text
        )

    def test_the_report_downloads_are_linked_for_the_same_period(self) -> None:
        self.login(self.owner)
        text = self.dashboard(self.district)
        area = text[text.index('id="report-downloads"') :].split("</p>")[0]
        self.assertIn(f"{reverse('analytics_report', args=[self.district.pk])}?{QUERY_HTML}", area)


class QueryBoundTests(ViewTestCase):
    """The dashboard reads a fixed number of queries, whatever the size of the tree."""

    def build(self, children: int) -> Unit:
        root = Unit.objects.create(
            name=f"Tỉnh {children}", slug=f"tinh-{children}", kind="province"
        )
        day = date(2026, 10, 3)
        for index in range(children):
            child = Unit.objects.create(
                name=f"Huyện {index}", slug=f"huyen-{children}-{index}", parent=root
            )
            grandchild = Unit.objects.create(
                name=f"Xã {index}", slug=f"xa-{children}-{index}", parent=child
            )
            for unit, platform in (
                (child, "facebook"),
                (grandchild, "zalo"),
                (grandchild, "telegram"),
            ):
                channel = self.make_channel(unit, platform)
                store.set_days(channel, {day: {"posts": 1, "reach": 10 * index, "followers": 5}})
                CollectCursor.objects.create(channel=channel, unavailable={"comments": "none"})
                published(channel, f"Bài {index}", at(day, 9), reach=index)
        own = self.make_channel(root, "mastodon")
        store.set_days(own, {day: {"posts": 2, "reach": 3}})
        return root

    def queries_of(self, address: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(address)
        self.assertEqual(response.status_code, 200)
        return len(queries.captured_queries)

    def assertQueriesAtMost(self, bound: int, address: str) -> int:
        count = self.queries_of(address)
        self.assertLessEqual(count, bound, f"{address}: {count} queries")
        return count

    def test_the_dashboard_stays_within_its_bound_for_any_tree(self) -> None:
        small, large = self.build(2), self.build(9)
        counts = []
        for root in (small, large):
            self.login(self.make_user(f"viewer-{root.slug}", root, "viewer"))
            address = f"{reverse('analytics_unit', args=[root.pk])}?{QUERY}"
            counts.append(self.assertQueriesAtMost(MAX_QUERIES, address))
            channel = Channel.objects.filter(unit__parent=root).first()
            assert channel is not None
            self.assertQueriesAtMost(
                MAX_QUERIES, f"{reverse('analytics_channel', args=[channel.pk])}?{QUERY}"
            )
            children = ",".join(str(pk) for pk in root.children.values_list("pk", flat=True))
            self.assertQueriesAtMost(
                MAX_QUERIES,
                f"{reverse('analytics_compare')}?unit={root.pk}&units={children}&{QUERY}",
            )
        self.assertEqual(counts[0], counts[1], "no query per unit or channel")
