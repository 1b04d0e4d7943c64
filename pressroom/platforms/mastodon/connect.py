"""Connecting a Mastodon account: an app registered on the instance, then OAuth.

As Mastodon documents it (docs.joinmastodon.org, methods/apps, methods/oauth, methods/instance):
1. the instance's address → the app Pressroom registered there (`POST /api/v1/apps`, kept
   per instance and redirect address, registered on first use);
2. the person authorizes the scopes Pressroom needs (`/oauth/authorize`, with PKCE, which
   Mastodon 4.3 and later check and older versions ignore);
3. the code becomes a token (`POST /oauth/token`); `verify_credentials` names the account;
   once connected, the notification policy lets citizens' mentions through (after_connect);
4. `/api/v2/instance` (or v1 on older servers) gives the instance's own limits, which the
   composer uses: characters per post, characters a link counts for, media per post.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.platforms.connecting import (
    AppRegistry,
    ConnectField,
    Connector,
    ConnectRefused,
    Consent,
    Found,
    Setup,
    Target,
    client,
    denied,
    get_json,
    pkce_challenge,
    unreachable,
)
from pressroom.platforms.mastodon.descriptor import DESCRIPTOR

# Publishing (statuses, media); reading notifications, statuses and the account (`read`
# covers read:notifications and read:statuses, which the inbox polls); and the notification
# policy, set to accept citizens' mentions (`write:notifications`, as Mastodon's
# Api::V2::Notifications::PoliciesController asks for an update).
SCOPES = "read write:statuses write:media write:notifications"
REQUIRED_SCOPES = ("write:statuses", "write:media")
# Without these the inbox lacks something, but posting works.
INBOX_SCOPES = ("read:notifications", "read:statuses", "write:notifications")
POLICY_FIELDS = (
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
    "for_limited_accounts",
)
APP_NAME = "Pressroom"


def normalise_instance(text: str) -> str:
    """`mastodon.gov.vn`, `https://mastodon.gov.vn/`, `@ubnd@mastodon.gov.vn` → the instance's
    address; refused when it is not one."""
    value = text.strip()
    if value.startswith("@") and value.count("@") == 2:
        value = value.rsplit("@", 1)[1]
    if "://" not in value:
        value = f"https://{value}"
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
        raise ConnectRefused(
            _("“%(text)s” is not the address of a Mastodon server (for example mastodon.social).")
            % {"text": text[:100]},
            code="bad_instance",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _mastodon_error(body: Any, status: int) -> ConnectRefused:
    if isinstance(body, dict):
        message = str(body.get("error_description") or body.get("error") or f"HTTP {status}")
    else:
        message = f"HTTP {status}"
    return ConnectRefused(
        _("The Mastodon server refused: %(message)s") % {"message": message[:300]}
    )


class MastodonConnector(Connector):
    platform = DESCRIPTOR.name
    label = DESCRIPTOR.label
    hint = gettext_lazy(
        "Give the server the account is on; you then sign in there and authorize Pressroom to post."
    )
    fields = (
        ConnectField(
            "instance",
            gettext_lazy("Mastodon server"),
            gettext_lazy(
                "The address of the server the account is on, e.g. mastodon.social (not asked "
                "in the training sandbox)."
            ),
            placeholder="mastodon.social",
        ),
    )

    def target(self, sandbox_url: str | None) -> Target:
        if sandbox_url:
            return Target(
                sandbox=True, bases={"instance": sandbox_url.rstrip("/") + DESCRIPTOR.sandbox_path}
            )
        return Target(sandbox=False, bases={})

    def instance_for(self, target: Target, fields: Mapping[str, str]) -> str:
        if target.sandbox:
            return target.base("instance")
        return normalise_instance(fields.get("instance") or "")

    def begin(self, setup: Setup, fields: Mapping[str, str], apps: AppRegistry) -> Consent:
        instance = self.instance_for(setup.target, fields)
        known = apps.get(self.platform, instance)
        registered = None
        # An app registered before Pressroom asked for more scopes cannot be granted them.
        if (
            not known
            or known.get("redirect_uri") != setup.redirect_uri
            or known.get("scopes", SCOPES) != SCOPES
        ):
            known = registered = self._register(instance, setup.redirect_uri)
        verifier = secrets.token_urlsafe(48)
        query = urlencode(
            {
                "client_id": known["client_id"],
                "redirect_uri": setup.redirect_uri,
                "response_type": "code",
                "scope": SCOPES,
                "state": setup.state,
                "code_challenge": pkce_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        return Consent(
            url=f"{instance}/oauth/authorize?{query}",
            flow={
                "instance": instance,
                "client_id": known["client_id"],
                "client_secret": known["client_secret"],
                "code_verifier": verifier,
            },
            registered_app=registered,
        )

    def _register(self, instance: str, redirect_uri: str) -> dict[str, Any]:
        try:
            with client() as http:
                response = http.post(
                    f"{instance}/api/v1/apps",
                    data={
                        "client_name": APP_NAME,
                        "redirect_uris": redirect_uri,
                        "scopes": SCOPES,
                        "website": settings.SITE_URL,
                    },
                )
        except httpx.HTTPError as error:
            raise unreachable(instance, error) from error
        body = get_json(response)
        if response.status_code != 200 or not isinstance(body, dict) or not body.get("client_id"):
            raise _mastodon_error(body, response.status_code)
        return {
            "client_id": str(body["client_id"]),
            "client_secret": str(body.get("client_secret") or ""),
            "redirect_uri": redirect_uri,
            "scopes": SCOPES,
        }

    def finish(
        self, setup: Setup, flow: Mapping[str, Any], query: Mapping[str, str]
    ) -> list[Found]:
        if query.get("error") or not query.get("code"):
            raise denied(self.label)
        instance = str(flow["instance"])
        with client() as http:
            try:
                response = http.post(
                    f"{instance}/oauth/token",
                    data={
                        "grant_type": "authorization_code",
                        "code": query["code"],
                        "client_id": str(flow["client_id"]),
                        "client_secret": str(flow["client_secret"]),
                        "redirect_uri": setup.redirect_uri,
                        "code_verifier": str(flow.get("code_verifier") or ""),
                        "scope": SCOPES,
                    },
                )
                token = get_json(response)
                if not isinstance(token, dict) or not token.get("access_token"):
                    raise _mastodon_error(token, response.status_code)
                headers = {"Authorization": f"Bearer {token['access_token']}"}
                response = http.get(
                    f"{instance}/api/v1/accounts/verify_credentials", headers=headers
                )
                account = get_json(response)
                if response.status_code != 200 or not isinstance(account, dict):
                    raise _mastodon_error(account, response.status_code)
                limits = self._limits(http, instance)
            except httpx.HTTPError as error:
                raise unreachable(instance, error) from error
        granted = set(str(token.get("scope") or SCOPES).split())
        missing = [scope for scope in REQUIRED_SCOPES if not covered(granted, scope)]
        problems = (
            (_("Permissions not given: %(names)s.") % {"names": ", ".join(missing)},)
            if missing
            else ()
        )
        lacking = [scope for scope in INBOX_SCOPES if not covered(granted, scope)]
        acct = str(account.get("acct") or account.get("username") or "")
        host = urlsplit(instance).netloc
        details = [f"@{acct}@{host}" if "@" not in acct else f"@{acct}"]
        if lacking:
            details.append(
                _("Not given (the inbox will lack them): %(names)s.")
                % {"names": ", ".join(lacking)}
            )
        if limits.get("max_characters"):
            details.append(
                _("%(count)s characters per post on this server")
                % {"count": limits["max_characters"]}
            )
        return [
            Found(
                external_id=str(account.get("id") or ""),
                name=str(account.get("display_name") or acct),
                api_base=instance,
                credentials={
                    "access_token": str(token["access_token"]),
                    # Kept to give the token back when the channel is disconnected.
                    "client_id": str(flow["client_id"]),
                    "client_secret": str(flow["client_secret"]),
                },
                options={"username": acct, "scopes": sorted(granted), **limits},
                problems=problems,
                details=tuple(details),
            )
        ]

    def after_connect(self, found: Found) -> dict[str, Any]:
        """Let citizens' mentions through the account's notification policy (Mastodon 4.3):
        what it filters, polling reads anyway (`include_filtered=true`), but what it drops is
        never made. Each `filter` or `drop` becomes `accept` when the token may change the
        policy; the policy is recorded either way (`notification_policy`), with what could
        not be changed (`notification_policy_drops`: mentions that will never arrive)."""
        granted = set(found.options.get("scopes") or SCOPES.split())
        url = f"{found.api_base}/api/v2/notifications/policy"
        headers = {"Authorization": f"Bearer {found.credentials['access_token']}"}
        try:
            with client() as http:
                response = http.get(url, headers=headers)
                policy = get_json(response)
                if response.status_code == 404:
                    # Before 4.3: no policy, nothing is filtered.
                    return {"notification_policy": {}, "notification_policy_error": ""}
                if response.status_code != 200 or not isinstance(policy, dict):
                    return {
                        "notification_policy_error": str(
                            _mastodon_error(policy, response.status_code)
                        )
                    }
                strict = {
                    field: "accept"
                    for field in POLICY_FIELDS
                    if policy.get(field) in {"filter", "drop"}
                }
                if strict and covered(granted, "write:notifications"):
                    response = http.patch(url, data=strict, headers=headers)
                    changed = get_json(response)
                    if response.status_code == 200 and isinstance(changed, dict):
                        policy = changed
        except httpx.HTTPError as error:
            return {"notification_policy_error": type(error).__name__}
        kept = {field: str(policy.get(field) or "") for field in POLICY_FIELDS}
        return {
            "notification_policy": kept,
            "notification_policy_drops": [
                field for field, value in kept.items() if value == "drop"
            ],
            # Filtered notifications are read all the same.
            "polling_include_filtered": True,
            "notification_policy_error": "",
        }

    def _limits(self, http: httpx.Client, instance: str) -> dict[str, Any]:
        """The instance's own limits, from v2 (Mastodon 4.0 and later) or v1."""
        for path in ("/api/v2/instance", "/api/v1/instance"):
            response = http.get(f"{instance}{path}")
            body = get_json(response)
            if response.status_code == 200 and isinstance(body, dict):
                return instance_limits(body)
        return {}

    def disconnect(self, api_base: str, external_id: str, credentials: Mapping[str, Any]) -> bool:
        if not credentials.get("client_id"):
            return False
        try:
            with client() as http:
                response = http.post(
                    f"{api_base}/oauth/revoke",
                    data={
                        "token": str(credentials.get("access_token") or ""),
                        "client_id": str(credentials["client_id"]),
                        "client_secret": str(credentials.get("client_secret") or ""),
                    },
                )
        except httpx.HTTPError:
            return False
        return response.status_code == 200


def covered(granted: set[str], scope: str) -> bool:
    """Whether the granted scopes include this one (`read` covers every read:…, `write`
    every write:…)."""
    return scope in granted or scope.split(":", 1)[0] in granted


def instance_limits(body: Mapping[str, Any]) -> dict[str, Any]:
    """What the composer needs from an Instance entity (v2 or v1)."""
    configuration = body.get("configuration") or {}
    statuses = configuration.get("statuses") or {}
    media = configuration.get("media_attachments") or {}
    limits: dict[str, Any] = {}
    max_characters = statuses.get("max_characters") or body.get("max_toot_chars")
    if isinstance(max_characters, int) and max_characters > 0:
        limits["max_characters"] = max_characters
    for key, source, name in (
        ("characters_per_url", statuses, "characters_reserved_per_url"),
        ("max_media", statuses, "max_media_attachments"),
        ("max_image_bytes", media, "image_size_limit"),
    ):
        value = source.get(name)
        if isinstance(value, int) and value > 0:
            limits[key] = value
    if body.get("version"):
        limits["instance_version"] = str(body["version"])
    return limits


CONNECTOR = MastodonConnector()
