"""The retention job as a background task: thin, safe to run twice (a second run changes
nothing). Enqueue it daily, or run `pressroom inbox_retention` from cron."""

from __future__ import annotations

from django.tasks import task

from pressroom.inbox import privacy


@task()
def apply_retention() -> None:
    privacy.erase_old_bodies()
