"""Background tasks of posts: thin, each calls a service. Safe to run twice."""

from __future__ import annotations

from django.tasks import task

from pressroom.content import link_previews


@task()
def fetch_link_preview(post_id: int) -> None:
    """Fetch the card of the page a post links to (enqueued when its link changes)."""
    link_previews.fetch_for_post(post_id)
