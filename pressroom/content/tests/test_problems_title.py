"""A post's checks measure the title that goes out: the variant's, or the post's when the
variant has none (as publishing sends it)."""

from __future__ import annotations

from django.utils import translation

from pressroom.content import actions
from pressroom.content.models import Post, Variant
from pressroom.core.errors import ActionError
from pressroom.testing import BaseTestCase


class ProblemsFollowTheTitleSentTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def draft(self, platform: str, *, title: str, body: str) -> Post:
        channel = self.make_channel(self.district, platform)
        post = actions.save_post(
            by=self.owner, unit=self.district, title=title, body=body, channels=[channel]
        )
        # A variant without a title of its own: the post's title goes out in its place.
        Variant.objects.filter(post=post).update(title="")
        return post

    def test_the_posts_title_counts_on_a_platform_that_puts_it_in_the_text(self) -> None:
        # Mastodon: the title is the first line of a status of at most 500 characters.
        post = self.draft("mastodon", title="T" * 200, body="b" * 400)
        with self.assertRaisesMessage(ActionError, "500"):
            actions.submit_post(post=post, by=self.owner)
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.DRAFT)

    def test_an_article_takes_the_posts_title(self) -> None:
        # A Zalo article needs a title: the post's is the one it gets.
        post = self.draft("zalo", title="Thông báo lịch tiếp công dân", body="Nội dung.")
        self.assertEqual(actions.problems_of(post), [])
        actions.submit_post(post=post, by=self.owner)
        post.refresh_from_db()
        self.assertEqual(post.status, Post.Status.IN_REVIEW)
