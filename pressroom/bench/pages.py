"""The pages benchmark: key pages with large data, as a person with a role at the root unit.

On the report benchmark's cached national history (see `history`), inside one transaction
that is rolled back at the end (the cache stays as it was), it adds `posts` posts in one
province's coming month and an inbox of `messages` messages, keeps the channels' posts of
the last whole weeks as the collector does, then requests each page
`requests` times through Django's test client (in this process: the time is the server's,
no network) and counts the SQL queries of one more request. Pages the app does not have yet
are reported as skipped, with why.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone

from pressroom.analytics import cadence
from pressroom.analytics.models import ChannelCadence
from pressroom.bench import benchdb
from pressroom.bench.history import History, Shape, open_history
from pressroom.bench.history_rows import Say
from pressroom.bench.reporting import report_quarter
from pressroom.channels.models import Channel
from pressroom.content.models import Post, search_text_of
from pressroom.core.dates import VIETNAM
from pressroom.inbox.models import Conversation, Message
from pressroom.orgs.models import Membership, Role, Unit

GOAL_P95_MS = 150.0
GOAL_QUERIES = 20
# Messages per conversation in the inbox.
THREAD = 10
STATUSES = ("scheduled", "scheduled", "approved", "in_review", "draft", "published")


def _month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _calendar_posts(unit: Unit, month: date, count: int, author_id: int) -> None:
    days = (_month_after(month) - month).days
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    first = benchdb.next_id(Post)
    rows = []
    for number in range(count):
        day = month + timedelta(days=number % days)
        at = datetime.combine(day, clock(7 + number % 11, (number * 7) % 60), tzinfo=VIETNAM)
        title, body = f"Lịch công tác số {number + 1}", "Nội dung thông báo."
        rows.append(
            (
                first + number,
                unit.pk,
                author_id,
                title,
                body,
                # Written past save(), which keeps the search text.
                search_text_of(title, body),
                STATUSES[number % len(STATUSES)],
                ops.adapt_datetimefield_value(at),
                now,
                now,
            )
        )
    varying = ["id", "unit", "author", "title", "body", "search_text", "status", "scheduled_at"]
    columns, constants = benchdb.model_columns(Post, [*varying, "created_at", "updated_at"])
    benchdb.insert_rows(benchdb.table_of(Post), columns, (row + constants for row in rows))
    benchdb.reset_sequences([Post])


def _inbox(root: Unit, messages: int) -> None:
    """`messages` messages in threads of THREAD, over the root's channels, the last 30 days."""
    channels = list(
        Channel.objects.filter(unit__path__startswith=root.path)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    conversations = max(1, math.ceil(messages / THREAD))
    ops = connection.ops
    now = timezone.now()
    statuses = ("new", "new", "assigned", "answered", "closed")
    first = benchdb.next_id(Conversation)
    threads = []
    for number in range(conversations):
        channel = channels[number % len(channels)]
        last = now - timedelta(minutes=number * 43_200 // conversations)
        comments = number % 3 != 0
        status = statuses[number % len(statuses)]
        at = ops.adapt_datetimefield_value(last)
        threads.append(
            (
                first + number,
                channel,
                "comments" if comments else "messages",
                f"post:{number}" if comments else f"person:{number}",
                f"remote-post-{number}" if comments else "",
                "" if comments else f"person-{number}",
                "" if comments else f"Người dân {number}",
                status,
                at if status in ("new", "assigned") else None,
                at,
                at,
                at,
                THREAD,
                "Cho tôi hỏi về lịch tiếp công dân tuần này?",
                at,
            )
        )
    columns, constants = benchdb.model_columns(
        Conversation,
        [
            "id",
            "channel",
            "kind",
            "key",
            "post_remote_id",
            "person_id",
            "person_name",
            "status",
            "waiting_since",
            "last_inbound_at",
            "last_message_at",
            "first_inbound_at",
            "inbound_count",
            "snippet",
            "created_at",
        ],
    )
    benchdb.insert_rows(
        benchdb.table_of(Conversation), columns, (row + constants for row in threads)
    )

    def rows() -> Any:
        for number in range(messages):
            thread = threads[number // THREAD]
            at = ops.adapt_datetimefield_value(now - timedelta(minutes=number * 43_200 // messages))
            yield (
                thread[0],
                thread[1],
                f"m-{number}",
                "in",
                f"person-{number % 5000}",
                f"Người dân {number % 5000}",
                f"Tin nhắn số {number}: cho tôi hỏi giờ làm việc của bộ phận một cửa?",
                at,
                at,
            )

    varying = ["conversation", "channel", "remote_id", "direction", "author_id", "author_name"]
    columns, constants = benchdb.model_columns(Message, [*varying, "text", "at", "created_at"])
    benchdb.insert_rows(benchdb.table_of(Message), columns, (row + constants for row in rows()))
    benchdb.reset_sequences([Conversation])


def _analyze(models: list[Any]) -> None:
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(benchdb.table_of(model))}")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def measure(client: Client, url: str, count: int, budget_s: float) -> dict[str, Any]:
    """Two warm-up requests, one whose queries are counted, then `count` timed ones, fewer
    (at least 3) when they take more than `budget_s` in all: a page that takes seconds says
    so soon enough."""
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            return {"url": url, "status": response.status_code, "skipped": "not 200"}
    queries, response = benchdb.count_queries(lambda: client.get(url))
    times, statuses = [], set()
    deadline = time.perf_counter() + budget_s
    for number in range(count):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        if number >= 2 and time.perf_counter() > deadline:
            break
    p95 = round(_percentile(times, 0.95), 1)
    return {
        "url": url,
        "status": sorted(statuses),
        "requests": len(times),
        "p95_ms": p95,
        "p50_ms": round(_percentile(times, 0.5), 1),
        "max_ms": round(max(times), 1),
        "queries": queries,
        "bytes": len(response.content),
        "goal_met": p95 <= GOAL_P95_MS and queries <= GOAL_QUERIES,
        "content": response.content.decode(errors="replace"),
    }


def _urls(root: Unit, unit: Unit, month: date, history: History) -> dict[str, Callable[[], str]]:
    quarter = report_quarter(history)

    def dashboard() -> str:
        url = f"/analytics/{root.pk}/"
        resolve(url)
        return url

    def report() -> str:
        query = f"period=quarter&year={quarter.start.year}&q={quarter.quarter_number}"
        return f"{reverse('analytics_report', args=[root.pk])}?{query}"

    return {
        "calendar": lambda: f"{reverse('calendar')}?view=month&date={month}&unit={unit.pk}",
        "inbox": lambda: reverse("inbox_list"),
        "dashboard": dashboard,
        "report": report,
    }


def pages(
    *,
    shape: Shape,
    db: str,
    fresh: bool,
    posts: int,
    messages: int,
    requests: int,
    budget_s: float,
    say: Say,
) -> dict[str, Any]:
    history = open_history(shape, db=db, fresh=fresh, say=say)
    root = history.root()
    unit = Unit.objects.filter(parent=root).order_by("pk").first() or root
    month = _month_after(timezone.localdate(timezone=VIETNAM))
    found: dict[str, Any] = {}
    with transaction.atomic():
        say(
            f"adding {posts:,} posts in {unit.name}'s month {month:%m/%Y} and {messages:,} messages"
        )
        person = get_user_model().objects.create_user("bench.reader", password=None)
        Membership.objects.create(user=person, unit=root, role=Role.ADMIN)
        _calendar_posts(unit, month, posts, person.pk)
        _inbox(root, messages)
        # As the collector keeps them every ANALYTICS_CADENCE_REFRESH_S.
        kept = cadence.refresh(timezone.localdate(), target=settings.ANALYTICS_CADENCE_TARGET)
        say(f"kept {kept:,} channels' posts of the last whole weeks, as the collector does")
        _analyze([Post, Conversation, Message, ChannelCadence])
        client = Client()
        client.force_login(person)
        for name, url_of in _urls(root, unit, month, history).items():
            try:
                url = url_of()
            except (NoReverseMatch, Resolver404):
                found[name] = {"skipped": "the app has no such page yet"}
                say(f"{name}: skipped, the app has no such page yet")
                continue
            say(f"{name}: {requests} requests of {url}")
            found[name] = measure(client, url, requests, budget_s)
            summary = {k: v for k, v in found[name].items() if k not in ("content", "url")}
            say(f"{name}: {summary}")
        transaction.set_rollback(True)
    calendar = found.get("calendar", {})
    if "content" in calendar:
        calendar["posts_shown"] = calendar["content"].count('class="calendar-post ')
    for page in found.values():
        page.pop("content", None)
    return {
        "benchmark": "pages",
        "db": db,
        "units": history.rows["units"],
        "channels": history.rows["channels"],
        "posts": posts,
        "messages": messages,
        "timing": f"server time in this process, {requests} requests per page (fewer when "
        f"they take more than {budget_s:g} s) after 2 warm-ups and 1 counting the queries",
        "pages": found,
        "goals_met": all(page.get("goal_met", False) for page in found.values()),
    }
