"""Connecting a Zalo Official Account: OAuth v4 with PKCE, then the OA's own description.

As Zalo's SDKs do it (zalo-php-sdk `OAuth2Client`): the administrator of the OA is sent to
`/v4/oa/permission` with the app id, a `code_challenge` (BASE64URL(SHA-256(verifier)) without
padding) and a `state`; the code Zalo sends back, with the OA's id, becomes an access token
(25 hours) and a refresh token (3 months, single use) at `/v4/oa/access_token`, with the app's
secret in a header and the verifier. `getoa` then tells the OA's name, whether it is verified
(only verified OAs publish articles) and its type (state agencies have their own).
Zalo answers errors inside HTTP 200: the `error` field decides.
"""

from __future__ import annotations

import secrets
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
    pkce_challenge,
    unreachable,
)
from pressroom.platforms.zalo.descriptor import DESCRIPTOR


def _zalo_error(body: Any, status: int) -> ConnectRefused:
    if isinstance(body, dict):
        message = str(
            body.get("error_description")
            or body.get("error_reason")
            or body.get("message")
            or body.get("error_name")
            or body.get("error")
        )
        code = str(body.get("error") or "")
    else:
        message, code = f"HTTP {status}", str(status)
    return ConnectRefused(_("Zalo refused: %(message)s") % {"message": message[:300]}, code=code)


class ZaloConnector(Connector):
    platform = DESCRIPTOR.name
    label = DESCRIPTOR.label
    hint = gettext_lazy(
        "You sign in to Zalo as an administrator of the Official Account and allow "
        "Pressroom. Only verified OAs can publish articles."
    )

    app_settings = ("ZALO_APP_ID", "ZALO_APP_SECRET")

    def target(self, sandbox_url: str | None) -> Target:
        if sandbox_url:
            root = sandbox_url.rstrip("/")
            return self.app_target(
                sandbox=True,
                bases={"oauth": f"{root}/zalo-oauth", "api": f"{root}{DESCRIPTOR.sandbox_path}"},
            )
        return self.app_target(
            sandbox=False, bases={"oauth": settings.ZALO_OAUTH_URL, "api": settings.ZALO_API_URL}
        )

    def training_app_webhooks(self, webhook_url: str) -> dict[str, Any]:
        """The app's webhook address and its OA secret key, which signs every event."""
        return {
            "webhook_url": webhook_url,
            "oa_secret_key": str(getattr(settings, "ZALO_OA_SECRET_KEY", "") or ""),
        }

    def begin(self, setup: Setup, fields: Mapping[str, str], apps: AppRegistry) -> Consent:
        verifier = secrets.token_urlsafe(48)
        query = urlencode(
            {
                "app_id": setup.target.app_id,
                "redirect_uri": setup.redirect_uri,
                "code_challenge": pkce_challenge(verifier),
                "state": setup.state,
            }
        )
        return Consent(
            url=f"{setup.target.base('oauth')}/v4/oa/permission?{query}",
            flow={"code_verifier": verifier},
        )

    def finish(
        self, setup: Setup, flow: Mapping[str, Any], query: Mapping[str, str]
    ) -> list[Found]:
        if query.get("error") or not query.get("code"):
            raise denied(self.label)
        target = setup.target
        with client() as http:
            try:
                response = http.post(
                    f"{target.base('oauth')}/v4/oa/access_token",
                    headers={"secret_key": target.app_secret},
                    data={
                        "code": query["code"],
                        "app_id": target.app_id,
                        "grant_type": "authorization_code",
                        "code_verifier": str(flow.get("code_verifier") or ""),
                    },
                )
            except httpx.HTTPError as error:
                raise unreachable(self.label, error) from error
            tokens = get_json(response)
            if not isinstance(tokens, dict) or not tokens.get("access_token"):
                raise _zalo_error(tokens, response.status_code)
            access_token = str(tokens["access_token"])
            try:
                response = http.get(
                    f"{target.base('api')}/v2.0/oa/getoa", headers={"access_token": access_token}
                )
            except httpx.HTTPError as error:
                raise unreachable(self.label, error) from error
        body = get_json(response)
        if (
            not isinstance(body, dict)
            or body.get("error") not in (0, "0")
            or not isinstance(body.get("data"), dict)
        ):
            raise _zalo_error(body, response.status_code)
        oa = body["data"]
        oa_id = str(oa.get("oa_id") or query.get("oa_id") or "")
        verified = bool(oa.get("is_verified"))
        problems = []
        if not verified:
            problems.append(
                _("This OA is not verified: Zalo lets only verified OAs publish articles.")
            )
        details = []
        if oa.get("num_follower") is not None:
            details.append(_("%(count)s followers") % {"count": oa["num_follower"]})
        options: dict[str, Any] = {"verified": verified, "oa_type": oa.get("oa_type")}
        if target.sandbox:
            options["oauth_base"] = target.base("oauth")
        return [
            Found(
                external_id=oa_id,
                name=str(oa.get("name") or oa_id),
                api_base=target.base("api"),
                credentials={
                    "access_token": access_token,
                    "refresh_token": str(tokens.get("refresh_token") or ""),
                    # What a refresh needs besides the refresh token (see oauth.py).
                    "app_id": target.app_id,
                    "secret_key": target.app_secret,
                },
                options=options,
                problems=tuple(problems),
                details=tuple(details),
            )
        ]


CONNECTOR = ZaloConnector()
