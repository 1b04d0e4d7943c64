"""Scheduled posts, for the Graph API's Page endpoints in the sandbox: a post's
`scheduled_publish_time` (unix seconds or ISO 8601, with `published=false`) checked against
Facebook's window, 10 minutes to 30 days ahead, and the scheduled posts whose time has come
joining the feed. The sandbox has no clock of its own: a due post is published when its Page
next reads its feed, its scheduled posts, or one post or photo (posts.py).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from pressroom.platforms.facebook.sandbox.graph import PLATFORM, GraphError
from pressroom.sandbox.common import Incoming
from pressroom.sandbox.store import Account, SandboxStore

# How far ahead a post may be scheduled: 10 minutes to 30 days (Facebook's Pages API).
EARLIEST_SCHEDULE_S = 10 * 60
LATEST_SCHEDULE_S = 30 * 86400


def scheduled_time(incoming: Incoming, *, published: bool) -> int | None:
    """`scheduled_publish_time` in unix seconds, checked against Facebook's window."""
    raw = incoming.text("scheduled_publish_time").strip()
    if not raw:
        return None
    if published:
        raise GraphError(
            100, "(#100) You cannot specify a scheduled publish time on a published post"
        )
    invalid = GraphError(100, "(#100) The specified scheduled publish time is invalid.")
    if raw.lstrip("-").isdigit():
        moment = int(raw)
    else:
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError as error:
            raise invalid from error
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        moment = int(parsed.timestamp())
    now = time.time()
    if not now + EARLIEST_SCHEDULE_S <= moment <= now + LATEST_SCHEDULE_S:
        raise invalid
    return moment


def publish_due(store: SandboxStore, page: Account) -> None:
    """Scheduled posts whose time has come join the feed (Facebook publishes them then)."""
    now = time.time()
    for item in store.items(platform=PLATFORM, account_id=page.account_id, kind="scheduled_post"):
        if item.data.get("scheduled_publish_time", now + 1) > now:
            continue
        if store.remove_item(
            platform=PLATFORM, account_id=page.account_id, remote_id=item.remote_id
        ):
            store.add_item(
                platform=PLATFORM,
                account_id=page.account_id,
                kind="post",
                remote_id=item.remote_id,
                top_level=True,
                text=item.text,
                link=item.link,
                media=item.media,
                data=item.data,
            )
