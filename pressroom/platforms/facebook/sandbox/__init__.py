"""The Graph API endpoints Pressroom uses, emulated for the sandbox, and Facebook Login.

Mounted at /facebook: every version `/facebook/v{NN}.0/…` (two digits or more: v18.0, v24.0,
the facebook-business SDK's v26.0) answers the same, and `/facebook/v24.0` is the api_base the
descriptor names. An older version (`v2.12`) gets code 2635. Whatever is not served answers in
the Graph API's JSON error envelope, never plain text: an unknown object or an unsupported
method on one `Unsupported {method} request` (code 100, subcode 33), an unknown edge
`Tried accessing nonexisting field` (code 100), a longer path `Unknown path components`
(code 2500).

The parts: Facebook Login's tokens and their exchanges in oauth.py, its dialog in dialog.py,
`debug_token`, `/me/accounts` and `/me/permissions` in grants.py (joined below as OAuthApi);
the app's webhook subscriptions in app_subscriptions.py; the Page and who is asking in
pages.py, its posts and photos in posts.py, scheduled posts in scheduled.py, the comments under
its posts in comments.py, Messenger in messages.py, its webhook subscriptions in
subscriptions.py, its and its posts' insights in insights.py (joined below as PagesApi); what
people write, as kept, in threads.py, the webhooks sent about it in hooks.py, simulated people
in public.py; the usage headers and the Business Use Case limit in usage.py; the error
envelope and the grants in graph.py.
Fault operations: `feed` (POST, creates), `photos` (creates when published), `feed_list`
(GET feed), `scheduled_posts`, `object` (GET one object: the Page, `/me`, a post or a
comment), `delete` (DELETE a post, photo or comment), `subscribed_apps`, `comments` (GET a
post's or comment's comments), `comment` (POST a comment as the Page, creates), `moderate`
(POST /{comment-id}: is_hidden or message), `messages` (the Send API, creates),
`conversations` (GET the Page's conversations or one's messages), `insights` (GET a Page's
or a post's insights), and for Facebook
Login `access_token`, `debug_token`, `accounts`, `permissions`, `me` (a user's /me),
`subscriptions` (an app's webhook subscriptions).
"""

from __future__ import annotations

import re
import weakref

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import Message, Receive, Scope, Send

from pressroom.platforms.facebook.descriptor import DESCRIPTOR
from pressroom.platforms.facebook.sandbox.app_subscriptions import AppSubscriptionsApi
from pressroom.platforms.facebook.sandbox.comments import CommentsApi
from pressroom.platforms.facebook.sandbox.dialog import DialogApi
from pressroom.platforms.facebook.sandbox.grants import GrantsApi
from pressroom.platforms.facebook.sandbox.graph import (
    PLATFORM,
    GraphError,
    no_such_field,
    no_such_object,
)
from pressroom.platforms.facebook.sandbox.insights import InsightsApi
from pressroom.platforms.facebook.sandbox.messages import MessagesApi
from pressroom.platforms.facebook.sandbox.public import public
from pressroom.platforms.facebook.sandbox.subscriptions import SubscriptionsApi
from pressroom.sandbox.emulation import Emulation, Look
from pressroom.sandbox.store import SandboxStore

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
VERSION = re.compile(r"^v\d+\.\d+$")
SERVED_VERSION = re.compile(r"^v\d{2,}\.0$")
LATEST_VERSION = "v26.0"


class OAuthApi(DialogApi, GrantsApi, AppSubscriptionsApi):
    """Facebook Login and the app: the dialog, the tokens and what they were granted, the
    app's webhook subscriptions, one API with one gate (faults and profiles, no Page's
    usage)."""


class PagesApi(CommentsApi, MessagesApi, SubscriptionsApi, InsightsApi):
    """The Page endpoints: the Page, its posts and photos, their comments, its Messenger
    conversations, its webhook subscriptions and its insights, one API with one gate, so a
    Page's usage is counted once."""


class Graph:
    """The Graph API of one sandbox store: every mount serves these same endpoints, so a
    Page's usage and faults are counted once whatever version a client calls."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.oauth = OAuthApi(store)
        self.pages = PagesApi(store, self.oauth)

    async def unknown(self, request: Request) -> Response:
        """Graph's answer to a path or a method it does not serve: JSON, as always."""
        parts = [part for part in request.path_params["path"].split("/") if part]
        method = request.method.lower()
        if not parts:
            error = GraphError(
                100, f"Unsupported {method} request.", error_type="GraphMethodException"
            )
        elif len(parts) == 1:
            error = no_such_object(parts[0], method)
        elif len(parts) == 2:
            node = self.node_type(parts[0])
            if node and method == "get":
                error = no_such_field(parts[1], node)
            elif node:
                error = GraphError(
                    100, f"(#100) Unsupported {method} request on edge ({parts[1]}) of node {node}"
                )
            else:
                error = no_such_object(parts[0], method)
        else:
            error = GraphError(2500, f"Unknown path components: /{'/'.join(parts[2:])}")
        return error.response()

    def node_type(self, object_id: str) -> str:
        if object_id == "me" or self.store.account(PLATFORM, object_id) is not None:
            return "Page"
        item = self.store.item(PLATFORM, object_id)
        if item is None:
            return ""
        return {"photo": "Photo", "comment": "Comment", "message": "Message"}.get(item.kind, "Post")

    def routes(self) -> list[BaseRoute]:
        """The endpoints under one version (`/facebook/v24.0/…`)."""
        oauth, pages = self.oauth, self.pages
        return [
            Route("/dialog/oauth", oauth.dialog, methods=["GET", "POST"]),
            Route("/oauth/access_token", oauth.access_token, methods=["GET", "POST"]),
            Route("/debug_token", oauth.debug_token, methods=["GET"]),
            Route("/me/accounts", oauth.accounts, methods=["GET"]),
            Route("/me/permissions", oauth.permissions, methods=["GET", "DELETE"]),
            Route("/me", pages.read_me, methods=["GET"]),
            Route(
                "/{page_id}/subscribed_apps",
                pages.subscribed_apps,
                methods=["GET", "POST", "DELETE"],
            ),
            Route("/{page_id}/feed", pages.create_post, methods=["POST"]),
            Route("/{page_id}/feed", pages.list_feed, methods=["GET"]),
            Route("/{page_id}/photos", pages.upload_photo, methods=["POST"]),
            Route("/{page_id}/scheduled_posts", pages.list_scheduled, methods=["GET"]),
            Route("/{page_id}/messages", pages.send_message, methods=["POST"]),
            Route("/{object_id}/messages", pages.list_thread_messages, methods=["GET"]),
            Route("/{page_id}/conversations", pages.list_conversations, methods=["GET"]),
            Route("/{object_id}/comments", pages.list_comments, methods=["GET"]),
            Route("/{object_id}/comments", pages.create_comment, methods=["POST"]),
            Route("/{object_id}/insights", pages.read_insights, methods=["GET"]),
            Route(
                "/{app_id}/subscriptions",
                oauth.app_subscriptions,
                methods=["GET", "POST", "DELETE"],
            ),
            Route("/{object_id}", pages.read_object, methods=["GET"]),
            Route("/{object_id}", pages.update_object, methods=["POST"]),
            Route("/{object_id}", pages.delete_object, methods=["DELETE"]),
            Route("/{path:path}", self.unknown, methods=ALL_METHODS),
        ]


class Endpoints:
    """The endpoints of one version; a trailing slash (the SDK's `/{id}/`) changes nothing.
    Every answer says the version that served it (`facebook-api-version`), as Graph's do."""

    def __init__(self, routes: list[BaseRoute], version: str = "") -> None:
        self.router = Router(routes)
        self.version = version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root, path = scope.get("root_path", ""), scope["path"]
        if path.endswith("/") and len(path) > len(root) + 1:
            scope = {**scope, "path": path.rstrip("/") or "/"}
        version = self.version or scope.get("path_params", {}).get("version", "")

        async def versioned(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("facebook-api-version", version)
            await send(message)

        await self.router(scope, receive, versioned)


class Versions:
    """`/{version}/…`: a version the Graph API serves goes on to the endpoints."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.endpoints = Endpoints(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        version = scope["path_params"]["version"]
        if SERVED_VERSION.match(version):
            await self.endpoints(scope, receive, send)
            return
        if VERSION.match(version):
            error = GraphError(
                2635,
                f"(#2635) You are calling a deprecated version of the Graph API. "
                f"Please update to the latest version: {LATEST_VERSION}.",
            )
        else:
            error = GraphError(2500, f"Unknown path components: /{version}")
        await error.response()(scope, receive, send)


_GRAPHS: weakref.WeakKeyDictionary[SandboxStore, Graph] = weakref.WeakKeyDictionary()


def graph(store: SandboxStore) -> Graph:
    if store not in _GRAPHS:
        _GRAPHS[store] = Graph(store)
    return _GRAPHS[store]


def routes(store: SandboxStore) -> list[BaseRoute]:
    """`/facebook/v24.0`, the descriptor's sandbox path."""
    version = DESCRIPTOR.sandbox_path.rsplit("/", 1)[-1]
    return [Mount("", app=Endpoints(graph(store).routes(), version))]


def versioned_routes(store: SandboxStore) -> list[BaseRoute]:
    """`/facebook`: every version, and the Graph's JSON error for whatever is not one."""
    api = graph(store)
    return [
        Mount("/{version}", app=Versions(api.routes())),
        Route("/{path:path}", api.unknown, methods=ALL_METHODS),
    ]


EMULATION = Emulation(
    platform=PLATFORM,
    path=DESCRIPTOR.sandbox_path,
    routes=routes,
    look=Look(brand="Facebook", accent="#1877f2", background="#f0f2f5"),
    mounts={"/facebook": versioned_routes},
    public=public,
)
