"""The Mastodon API Pressroom and its users' clients call, emulated for the sandbox (mounted at
/mastodon): statuses (scheduled ones too), media, accounts, the instance, apps and OAuth.

Account settings: `username`, `max_characters` (this account's limit; the instance's is set with
`PUT /mastodon/_control/instance`, see instance.py), `media_pending_polls` (n > 0: v2
uploads answer 202 and the next n looks at the attachment answer 206 before it is ready).
Fault operations: `media` (uploads), `media/get`, `media/update`, `statuses` (creates),
`statuses/get`, `scheduled_statuses`, `verify_credentials`, `accounts/get`.
Rate limits (Mastodon's defaults): 300 requests per token per 5 minutes, windows aligned to
the clock as rack-attack counts them, and 30 media uploads per account per 30 minutes; every
authenticated answer carries X-RateLimit-Limit, -Remaining and -Reset (ISO 8601), and a
request over the limit gets 429 with the same headers.
Tokens carry scopes (oauth.py): an endpoint called with a token lacking its scope
answers 403, an app's own token on a user's endpoint 422.

The parts, which MastodonApi below joins: the account behind a token, the gate every
endpoint goes through (rate limits, faults) and verify_credentials in accounts.py; statuses in
statuses.py (scheduled ones kept in scheduled.py, their length counted in text.py); media in
media.py. Beside them: the entities and errors in entities.py, the instance in instance.py,
apps and OAuth in oauth.py. What comes back to an account: notifications, the notification
policy, a status's context and direct conversations in inbox_api.py (made by notifications.py
and threads.py); the citizens who write in public.py (people.py keeps them).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from pressroom.platforms.mastodon.descriptor import DESCRIPTOR
from pressroom.platforms.mastodon.sandbox.entities import PLATFORM
from pressroom.platforms.mastodon.sandbox.inbox_api import InboxApi
from pressroom.platforms.mastodon.sandbox.media import MediaApi
from pressroom.platforms.mastodon.sandbox.public import CitizenControls, MastodonPublic
from pressroom.platforms.mastodon.sandbox.statuses import StatusesApi
from pressroom.sandbox.emulation import Emulation, Look
from pressroom.sandbox.store import SandboxStore


class MastodonApi(StatusesApi, MediaApi, InboxApi):
    """The Mastodon API's account, status, media and notification endpoints, one API with one
    gate."""

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v2/media", self.upload_media, methods=["POST"]),
            Route("/api/v1/media", self.upload_media_v1, methods=["POST"]),
            Route("/api/v1/media/{media_id}", self.show_media, methods=["GET"]),
            Route("/api/v1/media/{media_id}", self.update_media, methods=["PUT"]),
            Route("/api/v1/statuses", self.create_status, methods=["POST"]),
            Route("/api/v1/statuses/{status_id}", self.show_status, methods=["GET"]),
            Route("/api/v1/statuses/{status_id}/context", self.status_context, methods=["GET"]),
            Route("/api/v1/notifications", self.list_notifications, methods=["GET"]),
            Route(
                "/api/v1/notifications/{notification_id}",
                self.show_notification,
                methods=["GET"],
            ),
            Route("/api/v2/notifications/policy", self.show_policy, methods=["GET"]),
            Route("/api/v2/notifications/policy", self.update_policy, methods=["PATCH", "PUT"]),
            # Mastodon.py asks with a trailing slash; Rails answers both.
            Route("/api/v1/conversations", self.list_conversations, methods=["GET"]),
            Route("/api/v1/conversations/", self.list_conversations, methods=["GET"]),
            Route("/api/v1/scheduled_statuses", self.list_scheduled, methods=["GET"]),
            Route(
                "/api/v1/scheduled_statuses/{scheduled_id}", self.show_scheduled, methods=["GET"]
            ),
            Route("/api/v1/accounts/verify_credentials", self.verify_credentials, methods=["GET"]),
            Route("/api/v1/accounts/{account_id}", self.show_account, methods=["GET"]),
            *self.instance.routes(),
            *self.oauth.routes(),
            *CitizenControls(self.store).routes(),
        ]


def routes(store: SandboxStore) -> list[BaseRoute]:
    return MastodonApi(store).routes()


EMULATION = Emulation(
    platform=PLATFORM,
    path=DESCRIPTOR.sandbox_path,
    routes=routes,
    public=MastodonPublic,
    look=Look(
        brand="Mastodon",
        accent="#6364ff",
        background="#191b22",
        item="Tút (Status)",
        dark=True,
    ),
)
