"""A Page's webhook subscriptions, for the Graph API's Page endpoints in the sandbox:
`GET|POST|DELETE /{page-id}/subscribed_apps`, with the token's app as the subscriber. The
fields a Page may subscribe an app to are Facebook's; the messaging ones need
`pages_messaging`, and every call `pages_manage_metadata`.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pressroom.platforms.facebook.sandbox.graph import GraphError, page_scopes
from pressroom.platforms.facebook.sandbox.pages import PageApi
from pressroom.platforms.facebook.sandbox.threads import page_app
from pressroom.sandbox.common import Incoming, read_incoming
from pressroom.sandbox.endpoints import endpoint
from pressroom.sandbox.store import Account

# Webhook fields of a Page, and those that need pages_messaging.
PAGE_WEBHOOK_FIELDS = frozenset(
    {
        "feed",
        "mention",
        "name",
        "picture",
        "category",
        "description",
        "conversations",
        "ratings",
        "videos",
        "live_videos",
        "messages",
        "messaging_postbacks",
        "messaging_optins",
        "messaging_referrals",
        "message_deliveries",
        "message_reads",
        "message_echoes",
        "message_reactions",
        "messaging_handovers",
        "standby",
    }
)
MESSAGING_FIELDS = frozenset(
    field for field in PAGE_WEBHOOK_FIELDS if field.startswith(("messag", "standby"))
)


class SubscriptionsApi(PageApi):
    """The Page's webhook subscriptions, one method each."""

    def subscriber(self, page: Account) -> str:
        """The app a Page token belongs to (a Page without a grant: the first app registered)."""
        return page_app(self.store, page)

    @endpoint
    async def subscribed_apps(self, request: Request) -> Response:
        page_id = request.path_params["page_id"]
        incoming = await read_incoming(request)
        page = self.page_for(request, incoming, page_id)
        scopes = set(page_scopes(page))
        if "pages_manage_metadata" not in scopes:
            raise GraphError(
                200,
                "(#200) The pages_manage_metadata permission is needed to manage the Page's "
                "subscribed apps",
                status=403,
            )
        namespace = f"facebook:subscriptions:{page.account_id}"
        app_id = self.subscriber(page)

        async def handler() -> Response:
            if request.method == "DELETE":
                self.store.drop_record(namespace, app_id)
                return JSONResponse({"success": True})
            if request.method == "POST":
                wanted = subscribed_fields(incoming)
                for field in wanted:
                    if field in MESSAGING_FIELDS and "pages_messaging" not in scopes:
                        raise GraphError(
                            200,
                            f"(#200) To subscribe to the {field} field, one of these "
                            "permissions is needed: pages_messaging",
                            status=403,
                        )
                self.store.put_record(namespace, app_id, {"subscribed_fields": wanted})
                return JSONResponse({"success": True})
            data = [
                {
                    "name": self.oauth.app_name(subscribed),
                    "id": subscribed,
                    "subscribed_fields": kept["subscribed_fields"],
                }
                for subscribed, kept in self.store.records(namespace).items()
            ]
            return JSONResponse({"data": data})

        return await self.gate.run(
            page, operation="subscribed_apps", creates=False, handler=handler
        )


def subscribed_fields(incoming: Incoming) -> list[str]:
    return field_list(incoming.get("subscribed_fields"), "subscribed_fields")


def field_list(raw: Any, name: str) -> list[str]:
    """Page webhook fields, as a list, a JSON array or comma-separated."""
    if raw is None or raw == "":
        raise GraphError(100, f"(#100) The parameter {name} is required")
    values: list[Any]
    if isinstance(raw, list):
        values = raw
    else:
        try:
            decoded = json.loads(raw)
        except (TypeError, ValueError):
            decoded = None
        values = decoded if isinstance(decoded, list) else str(raw).split(",")
    fields: list[str] = []
    for index, value in enumerate(values):
        field = str(value).strip()
        if field not in PAGE_WEBHOOK_FIELDS:
            allowed = ", ".join(sorted(PAGE_WEBHOOK_FIELDS))
            raise GraphError(
                100,
                f'(#100) Param {name}[{index}] must be one of {{{allowed}}} - got "{field}"',
            )
        if field not in fields:
            fields.append(field)
    return fields
