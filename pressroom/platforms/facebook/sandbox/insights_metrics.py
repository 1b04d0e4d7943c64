"""The insights metrics the sandbox's Graph API serves, as Graph names and describes them
after the 2025-26 deprecations, and the retired ones it refuses.

A Page's metrics are daily (`day`, and `week` and `days_28` as sums of days, or the level at
the end for a level such as `page_follows`); a post's are `lifetime` totals. Each answers one
figure of the Page's audience (audience.py). Any name not served here is refused with
`(#100) The value must be a valid insights metric`, which fails the whole request: the
retired ones below, any other, and those a Page's account lists in `refused_metrics` (a Page
on which Meta refuses a metric it lists, as a third party found for `post_media_view`,
`post_clicks` and `page_daily_follows_unique` [t]).
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE = "page"
POST = "post"
# Graph's periods (the facebook-business SDK's InsightsResult.Period).
PERIODS = ("day", "week", "days_28", "month", "lifetime", "total_over_range")
PAGE_PERIODS = ("day", "week", "days_28")
POST_PERIODS = ("lifetime",)
SUMMED_DAYS = {"day": 1, "week": 7, "days_28": 28}


@dataclass(frozen=True)
class ServedMetric:
    name: str
    level: str
    # The audience figure it answers (Audience.daily's keys, or PostFigures' fields).
    figure: str
    title: str
    description: str
    # A count at a moment (followers), not a sum over the period.
    is_level: bool = False

    @property
    def periods(self) -> tuple[str, ...]:
        return PAGE_PERIODS if self.level == PAGE else POST_PERIODS


def _page(
    name: str, figure: str, title: str, description: str, *, is_level: bool = False
) -> ServedMetric:
    return ServedMetric(name, PAGE, figure, title, description, is_level)


def _post(name: str, figure: str, title: str, description: str) -> ServedMetric:
    return ServedMetric(name, POST, figure, title, description)


SERVED = {
    metric.name: metric
    for metric in (
        _page(
            "page_follows",
            "followers",
            "Page Follows",
            "The number of people who follow the Page.",
            is_level=True,
        ),
        _page(
            "page_daily_follows",
            "follows",
            "Daily Page Follows",
            "The number of times people started following the Page.",
        ),
        _page(
            "page_daily_follows_unique",
            "follows",
            "Daily Unique Page Follows",
            "The number of people who started following the Page.",
        ),
        _page(
            "page_daily_unfollows_unique",
            "unfollows",
            "Daily Unique Page Unfollows",
            "The number of people who stopped following the Page.",
        ),
        _page(
            "page_media_view",
            "views",
            "Media Views",
            "The number of times the Page's content was played or displayed, including posts, "
            "stories, ads and other content on the Page.",
        ),
        _page(
            "page_total_media_view_unique",
            "viewers",
            "Media Viewers",
            "The number of people who saw the Page's content at least once.",
        ),
        _page(
            "page_post_engagements",
            "engagements",
            "Post Engagements",
            "The number of times people engaged with the Page's posts through reactions, "
            "comments, shares and more.",
        ),
        _page(
            "page_views_total",
            "visits",
            "Total Page Views",
            "The number of times the Page's profile was viewed by people logged in or not.",
        ),
        _page(
            "page_total_actions",
            "actions",
            "Total Page Actions",
            "The number of clicks on the Page's contact info and call-to-action button.",
        ),
        _page(
            "page_video_views",
            "video_views",
            "Total Video Views",
            "The number of times the Page's videos played for at least 3 seconds.",
        ),
        _post(
            "post_media_view",
            "views",
            "Lifetime Post Media Views",
            "The number of times the post was played or displayed.",
        ),
        _post(
            "post_total_media_view_unique",
            "viewers",
            "Lifetime Post Media Viewers",
            "The number of people who saw the post at least once.",
        ),
        _post(
            "post_clicks",
            "clicks",
            "Lifetime Post Clicks",
            "The number of clicks anywhere in the post.",
        ),
        _post(
            "post_reactions_by_type_total",
            "reactions",
            "Lifetime Total post Reactions by Type",
            "The number of reactions to the post, by type.",
        ),
        _post(
            "post_video_views",
            "video_views",
            "Lifetime Post Total Video Views",
            "The number of times the post's video played for at least 3 seconds.",
        ),
    )
}

# Retired on 2025-11-15 for all versions, and the unique-reach family by June 2026 [O F1, F3,
# F4]: refused like any name not served, listed so the refusal is on purpose.
RETIRED = frozenset(
    {
        "page_fans",
        "page_fans_locale",
        "page_fans_city",
        "page_fans_country",
        "page_fan_adds",
        "page_fan_adds_unique",
        "page_fan_removes",
        "page_fan_removes_unique",
        "page_impressions",
        "page_impressions_paid",
        "page_impressions_viral",
        "page_impressions_nonviral",
        "page_impressions_unique",
        "page_impressions_paid_unique",
        "page_impressions_viral_unique",
        "page_impressions_nonviral_unique",
        "page_posts_impressions",
        "page_posts_impressions_unique",
        "page_video_views_unique",
        "page_engaged_users",
        "post_impressions",
        "post_impressions_paid",
        "post_impressions_organic",
        "post_impressions_fan",
        "post_impressions_viral",
        "post_impressions_nonviral",
        "post_impressions_unique",
        "post_impressions_paid_unique",
        "post_impressions_fan_unique",
        "post_impressions_organic_unique",
        "post_impressions_viral_unique",
        "post_impressions_nonviral_unique",
        "post_engaged_users",
    }
)
