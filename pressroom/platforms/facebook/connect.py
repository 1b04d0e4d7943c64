"""Connecting Facebook Pages: Facebook Login, a long-lived user token, the Pages it manages.

The steps, as Meta documents them (developers.facebook.com/docs/facebook-login,
…/pages/access-tokens):
1. the person is sent to the login dialog with the permissions Pressroom needs and a `state`;
2. the code it sends back becomes a user token (`/oauth/access_token`), exchanged at once
   for a long-lived one (about 60 days), from which Page tokens do not expire;
3. `debug_token` says which permissions were granted, and for which Pages;
4. `/me/accounts` lists the Pages with their tokens and the person's tasks on each.
A Page lacking a permission or a task Pressroom needs is shown with what is missing, and
cannot be chosen. Once a Page is connected, the app subscribes it to its webhooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.platforms.connecting import (
    AppRegistry,
    Connector,
    ConnectRefused,
    Consent,
    Found,
    Setup,
    Target,
    client,
    denied,
    get_json,
    unreachable,
)
from pressroom.platforms.facebook.descriptor import DESCRIPTOR

# Asked in the login dialog: publishing, reading what it drew, moderating, messages, insights.
SCOPES = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_metadata",
    "pages_manage_engagement",
    "pages_read_user_engagement",
    "pages_messaging",
    "read_insights",
)
# Without these a Page cannot be published to, or subscribed to its webhooks.
REQUIRED_SCOPES = (
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_metadata",
)
# The person's tasks on the Page: create content to publish, moderate to answer comments.
REQUIRED_TASKS = ("CREATE_CONTENT", "MODERATE")
# What the inbox listens to (platforms-inbound.md §1).
WEBHOOK_FIELDS = (
    "feed",
    "messages",
    "message_echoes",
    "message_reads",
    "message_deliveries",
    "message_reactions",
)
# /me/accounts pages read at most (100 Pages each).
MAX_ACCOUNT_PAGES = 20


class FacebookError(ConnectRefused):
    pass


def _graph_error(body: Any, status: int) -> FacebookError:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = str(error.get("message") or "")
        code = str(error.get("code") or "")
    else:
        message, code = f"HTTP {status}", str(status)
    return FacebookError(_("Facebook refused: %(message)s") % {"message": message[:300]}, code=code)


class FacebookConnector(Connector):
    platform = DESCRIPTOR.name
    label = DESCRIPTOR.label
    hint = gettext_lazy(
        "You sign in to Facebook and choose the Pages of this unit. You need a role on each "
        "Page with content and moderation tasks (Admin or Editor)."
    )

    app_settings = ("FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET")

    def target(self, sandbox_url: str | None) -> Target:
        if sandbox_url:
            base = sandbox_url.rstrip("/") + "/facebook"
            return self.app_target(sandbox=True, bases={"graph": base, "dialog": base})
        return self.app_target(
            sandbox=False,
            bases={"graph": settings.FACEBOOK_GRAPH_URL, "dialog": settings.FACEBOOK_DIALOG_URL},
        )

    def api_base(self, target: Target) -> str:
        return f"{target.base('graph')}/{settings.FACEBOOK_API_VERSION}"

    def begin(self, setup: Setup, fields: Mapping[str, str], apps: AppRegistry) -> Consent:
        query = urlencode(
            {
                "client_id": setup.target.app_id,
                "redirect_uri": setup.redirect_uri,
                "state": setup.state,
                "scope": ",".join(SCOPES),
                "response_type": "code",
            }
        )
        dialog = f"{setup.target.base('dialog')}/{settings.FACEBOOK_API_VERSION}/dialog/oauth"
        return Consent(url=f"{dialog}?{query}")

    def finish(
        self, setup: Setup, flow: Mapping[str, Any], query: Mapping[str, str]
    ) -> list[Found]:
        if query.get("error") or not query.get("code"):
            raise denied(self.label)
        target = setup.target
        base = self.api_base(target)
        with client() as http:
            short = self._get(
                http,
                f"{base}/oauth/access_token",
                {
                    "client_id": target.app_id,
                    "client_secret": target.app_secret,
                    "redirect_uri": setup.redirect_uri,
                    "code": query["code"],
                },
            )
            long = self._get(
                http,
                f"{base}/oauth/access_token",
                {
                    "grant_type": "fb_exchange_token",
                    "client_id": target.app_id,
                    "client_secret": target.app_secret,
                    "fb_exchange_token": str(short.get("access_token") or ""),
                },
            )
            user_token = str(long.get("access_token") or "")
            granted = self._debug(http, base, target, user_token)
            pages = self._pages(http, base, user_token)
            return [self._found(http, base, target, page, granted) for page in pages]

    def _get(self, http: httpx.Client, url: str, params: Mapping[str, str]) -> dict[str, Any]:
        try:
            response = http.get(url, params=params)
        except httpx.HTTPError as error:
            raise unreachable(self.label, error) from error
        body = get_json(response)
        if response.status_code >= 400 or not isinstance(body, dict) or "error" in body:
            raise _graph_error(body, response.status_code)
        return body

    def _debug(self, http: httpx.Client, base: str, target: Target, token: str) -> dict[str, Any]:
        body = self._get(
            http,
            f"{base}/debug_token",
            {"input_token": token, "access_token": f"{target.app_id}|{target.app_secret}"},
        )
        data = body.get("data")
        if not isinstance(data, dict) or not data.get("is_valid"):
            raise FacebookError(
                _("Facebook says the sign-in is not valid. Start again."), code="invalid_token"
            )
        return data

    def _pages(self, http: httpx.Client, base: str, user_token: str) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        url = f"{base}/me/accounts"
        params: dict[str, str] = {
            "fields": "id,name,access_token,tasks,category",
            "limit": "100",
            "access_token": user_token,
        }
        for _page in range(MAX_ACCOUNT_PAGES):
            body = self._get(http, url, params)
            pages += [page for page in body.get("data") or [] if isinstance(page, dict)]
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not (body.get("paging") or {}).get("next") or not after:
                break
            params = {**params, "after": str(after)}
        return pages

    def _found(
        self,
        http: httpx.Client,
        base: str,
        target: Target,
        page: dict[str, Any],
        granted: dict[str, Any],
    ) -> Found:
        page_id = str(page.get("id") or "")
        page_token = str(page.get("access_token") or "")
        scopes = _scopes_for(granted, page_id)
        tasks = {str(task) for task in page.get("tasks") or []}
        problems = []
        missing_scopes = [scope for scope in REQUIRED_SCOPES if scope not in scopes]
        if missing_scopes:
            problems.append(
                _("Permissions not given: %(names)s.") % {"names": ", ".join(missing_scopes)}
            )
        missing_tasks = [task for task in REQUIRED_TASKS if task not in tasks]
        if missing_tasks:
            problems.append(
                _("Your role on this Page lacks the tasks %(names)s (ask for an Editor role).")
                % {"names": ", ".join(missing_tasks)}
            )
        if not page_token:
            problems.append(_("Facebook gave no access token for this Page."))
        details = []
        if page_token and not problems:
            token = self._debug(http, base, target, page_token)
            expires = int(token.get("expires_at") or 0)
            details.append(
                _("The Page's token does not expire.")
                if expires == 0
                else _("The Page's token expires; Pressroom will ask to reconnect.")
            )
        optional = [
            scope for scope in SCOPES if scope not in REQUIRED_SCOPES and scope not in scopes
        ]
        if optional:
            details.append(
                _("Not given (the inbox and reports will lack them): %(names)s.")
                % {"names": ", ".join(optional)}
            )
        return Found(
            external_id=page_id,
            name=str(page.get("name") or page_id),
            api_base=self.api_base(target),
            credentials={"page_token": page_token},
            options={"tasks": sorted(tasks)},
            problems=tuple(problems),
            details=tuple(details),
        )

    def training_app_webhooks(self, webhook_url: str) -> dict[str, Any]:
        """The app's callback and the token its handshake shows (signed with the app secret)."""
        return {
            "webhook_url": webhook_url,
            "verify_token": str(getattr(settings, "FACEBOOK_VERIFY_TOKEN", "") or ""),
        }

    def after_connect(self, found: Found) -> dict[str, Any]:
        """Subscribe the Page to the app's webhooks (the inbox needs them)."""
        url = f"{found.api_base}/{found.external_id}/subscribed_apps"
        try:
            with client() as http:
                response = http.post(
                    url,
                    data={"subscribed_fields": ",".join(WEBHOOK_FIELDS)},
                    headers={"Authorization": f"Bearer {found.credentials['page_token']}"},
                )
        except httpx.HTTPError as error:
            return {"webhooks": [], "webhooks_error": type(error).__name__}
        body = get_json(response)
        if response.status_code == 200 and isinstance(body, dict) and body.get("success"):
            return {"webhooks": list(WEBHOOK_FIELDS), "webhooks_error": ""}
        return {"webhooks": [], "webhooks_error": str(_graph_error(body, response.status_code))}

    def disconnect(self, api_base: str, external_id: str, credentials: Mapping[str, Any]) -> bool:
        """Unsubscribe the Page from the app's webhooks; the Page token then goes unused."""
        token = str(credentials.get("page_token") or "")
        if not token:
            return False
        try:
            with client() as http:
                response = http.delete(
                    f"{api_base}/{external_id}/subscribed_apps",
                    headers={"Authorization": f"Bearer {token}"},
                )
        except httpx.HTTPError:
            return False
        body = get_json(response)
        return response.status_code == 200 and isinstance(body, dict) and bool(body.get("success"))


def _scopes_for(granted: dict[str, Any], page_id: str) -> set[str]:
    """The permissions granted for this Page: a granular scope limited to some Pages counts
    only for them."""
    scopes = {str(scope) for scope in granted.get("scopes") or []}
    for entry in granted.get("granular_scopes") or []:
        if not isinstance(entry, dict):
            continue
        targets = entry.get("target_ids")
        if targets is not None and page_id not in {str(target) for target in targets}:
            scopes.discard(str(entry.get("scope")))
    return scopes


CONNECTOR = FacebookConnector()
