"""Background tasks: take ids, load, call a service. Safe to run twice."""

from __future__ import annotations

from django.tasks import task

from pressroom.channels.models import Channel
from pressroom.content.models import Post
from pressroom.publishing import notifications


@task()
def notify_post_finished(post_id: int) -> None:
    post = Post.objects.filter(pk=post_id).select_related("author").first()
    if post is not None:
        notifications.notify_post_finished(post=post)


@task()
def notify_channel_needs_reconnect(channel_id: int) -> None:
    channel = Channel.objects.filter(pk=channel_id).select_related("unit").first()
    if channel is not None:
        notifications.notify_channel_needs_reconnect(channel=channel)
