"""The sandbox's own endpoints: register accounts, read the ledger, inject faults, serve files.

- `POST /_control/accounts`, `GET /_control/accounts`, `POST /_control/reset`
- `POST|GET|DELETE /_control/faults`: one-shot faults (faults.py)
- `PUT|GET|DELETE /_control/profile`: probabilistic fault profiles (profiles.py)
- `POST /_control/apps`: `{"platform", "app_id", "app_secret", …}`, an app as registered in the
  platform's developer console (Facebook, Zalo): their OAuth endpoints check the secret; other
  keys are the app's settings there (Facebook: `webhook_url`, `verify_token`, `webhook_fields`)
- `PUT|GET /_control/settings`: `{"enforce_limits": true|false}` (the platforms' real limits)
- `GET /_ledger` (filters: platform, account_id, kind, top_level, after_seq, limit),
  `GET /_ledger/summary`, `GET /_ledger/duplicates`

Whatever changes the sandbox takes a JSON body (`Content-Type: application/json`, `{}` for a
reset) and only from its own origin: a web page elsewhere cannot post a form to reset the
emulator or change its tokens (a browser sends such a page's `Origin` and
`Sec-Fetch-Site: cross-site`, and cannot send JSON across origins without asking first).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.sandbox import profiles
from pressroom.sandbox.store import Account, SandboxStore

ACCOUNT_FIELDS = frozenset({"platform", "account_id", "token", "name"})
APP_FIELDS = frozenset({"platform", "app_id", "app_secret"})
# Sec-Fetch-Site values of a request the sandbox's own page or a program made.
OWN_FETCH_SITES = frozenset({"same-origin", "none"})

Endpoint = Callable[[Request], Awaitable[Response]]


def refusal(request: Request) -> Response | None:
    """Why a request that changes the sandbox is refused: from another site, or not JSON."""
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    own_origin = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if (site is not None and site not in OWN_FETCH_SITES) or (
        origin is not None and origin != own_origin
    ):
        return JSONResponse(
            {"error": "The sandbox's controls take requests from its own origin only"},
            status_code=403,
        )
    if request.method in {"POST", "PUT"}:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return JSONResponse(
                {"error": "The body must be JSON (Content-Type: application/json)"},
                status_code=415,
            )
    return None


def changing(endpoint: Endpoint) -> Endpoint:
    """An endpoint that changes the sandbox: refused unless same-origin and JSON."""

    async def guarded(request: Request) -> Response:
        return refusal(request) or await endpoint(request)

    return guarded


class Controls:
    """The sandbox's own endpoints (see the module's notes), one method each."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    async def json_object(self, request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ValueError("The body must be a JSON object")
        return body

    async def save_account(self, request: Request) -> Response:
        try:
            body = await self.json_object(request)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        platform = body.get("platform")
        account_id = str(body.get("account_id") or "").strip()
        token = str(body.get("token") or "")
        if platform not in self.store.platforms or not account_id or not token:
            return JSONResponse(
                {"error": f"needed: platform ({sorted(self.store.platforms)}), account_id, token"},
                status_code=400,
            )
        # Anything else is a platform setting: username, max_characters, verify_id_field, …
        extra = {key: value for key, value in body.items() if key not in ACCOUNT_FIELDS}
        known = self.store.account(platform, account_id) is not None
        account = self.store.save_account(
            platform=platform,
            account_id=account_id,
            token=token,
            name=str(body.get("name") or account_id),
            extra=extra,
        )
        # A new account under a token_expired profile starts expired; a new token on a known
        # account is a reconnect (the expired token no longer matches).
        if (
            not known
            and self.store.conditions.profiles.effective(platform, account_id).token_expired
        ):
            self.store.conditions.expire([account], expired=True)
        return JSONResponse(account.public(), status_code=201)

    async def save_app(self, request: Request) -> Response:
        try:
            body = await self.json_object(request)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        platform = body.get("platform")
        app_id = str(body.get("app_id") or "").strip()
        app_secret = str(body.get("app_secret") or "")
        if platform not in self.store.platforms or not app_id or not app_secret:
            return JSONResponse(
                {"error": f"needed: platform ({sorted(self.store.platforms)}), app_id, app_secret"},
                status_code=400,
            )
        # Anything else is the app's setting in the console (Facebook's `webhook_url`,
        # `verify_token`, `webhook_fields`: where its Page webhooks go).
        extra = {key: value for key, value in body.items() if key not in APP_FIELDS}
        self.store.save_app(platform, app_id, app_secret, **extra)
        return JSONResponse({"platform": platform, "app_id": app_id}, status_code=201)

    async def list_accounts(self, request: Request) -> Response:
        platform = request.query_params.get("platform") or None
        return JSONResponse([account.public() for account in self.store.accounts(platform)])

    async def reset(self, request: Request) -> Response:
        try:
            await self.json_object(request)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        self.store.reset()
        return JSONResponse({"reset": True})

    async def ledger(self, request: Request) -> Response:
        query = request.query_params
        top_level = query.get("top_level")
        try:
            after_seq = int(query.get("after_seq") or 0)
            limit = int(query["limit"]) if query.get("limit") else None
        except ValueError:
            return JSONResponse({"error": "after_seq and limit must be integers"}, status_code=400)
        entries = self.store.reports.entries(
            platform=query.get("platform") or None,
            account_id=query.get("account_id") or None,
            kind=query.get("kind") or None,
            top_level=None if top_level is None else top_level.lower() in {"1", "true", "yes"},
            after_seq=after_seq,
            limit=limit,
        )
        return JSONResponse(entries)

    async def ledger_summary(self, request: Request) -> Response:
        return JSONResponse(
            self.store.reports.summary(request.query_params.get("platform") or None)
        )

    async def ledger_duplicates(self, request: Request) -> Response:
        platform = request.query_params.get("platform") or None
        return JSONResponse({"duplicates": self.store.reports.duplicates(platform)})

    def matching_accounts(self, profile: profiles.Profile) -> list[Account]:
        if profile.account_id is not None:
            platforms = (
                self.store.platforms
                if profile.platform == profiles.ANY_PLATFORM
                else {profile.platform}
            )
            found = [
                self.store.account(platform, profile.account_id) for platform in sorted(platforms)
            ]
            return [account for account in found if account is not None]
        if profile.platform == profiles.ANY_PLATFORM:
            return self.store.accounts()
        return self.store.accounts(profile.platform)

    async def put_profile(self, request: Request) -> Response:
        try:
            profile = profiles.parse(await self.json_object(request), self.store.platforms)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        conditions = self.store.conditions
        conditions.profiles.put(profile)
        shown = profile.as_dict()
        if "token_expired" in profile.given:
            accounts = self.matching_accounts(profile)
            conditions.expire(accounts, expired=profile.given["token_expired"])
            shown["accounts_affected"] = len(accounts)
        return JSONResponse(shown)

    async def list_profiles(self, request: Request) -> Response:
        return JSONResponse(
            {
                "profiles": [profile.as_dict() for profile in self.store.conditions.profiles.all()],
                "expired_tokens": self.store.conditions.expired_accounts(),
            }
        )

    async def clear_profiles(self, request: Request) -> Response:
        query = request.query_params
        platform = query.get("platform") or None
        account_id = query.get("account_id") or None
        removed = self.store.conditions.profiles.clear(platform, account_id)
        self.store.conditions.clear_expired(platform, account_id)
        return JSONResponse({"removed": len(removed)})

    async def put_settings(self, request: Request) -> Response:
        try:
            self.store.conditions.settings.update(await self.json_object(request))
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(self.store.conditions.settings.as_dict())

    async def get_settings(self, request: Request) -> Response:
        return JSONResponse(self.store.conditions.settings.as_dict())

    async def add_fault(self, request: Request) -> Response:
        try:
            fault = self.store.faults.add(await self.json_object(request))
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(fault.as_dict(), status_code=201)

    async def list_faults(self, request: Request) -> Response:
        return JSONResponse([fault.as_dict() for fault in self.store.faults.pending()])

    async def clear_faults(self, request: Request) -> Response:
        removed = self.store.faults.clear(request.query_params.get("platform") or None)
        return JSONResponse({"removed": removed})

    async def serve_file(self, request: Request) -> Response:
        media = self.store.files.by_file(
            request.path_params["platform"], request.path_params["name"]
        )
        if media is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        return FileResponse(self.store.files.path(media), media_type=media.content_type)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/_control/accounts", changing(self.save_account), methods=["POST"]),
            Route("/_control/accounts", self.list_accounts, methods=["GET"]),
            Route("/_control/apps", changing(self.save_app), methods=["POST"]),
            Route("/_control/reset", changing(self.reset), methods=["POST"]),
            Route("/_control/faults", changing(self.add_fault), methods=["POST"]),
            Route("/_control/faults", self.list_faults, methods=["GET"]),
            Route("/_control/faults", changing(self.clear_faults), methods=["DELETE"]),
            Route("/_control/profile", changing(self.put_profile), methods=["PUT"]),
            Route("/_control/profile", self.list_profiles, methods=["GET"]),
            Route("/_control/profile", changing(self.clear_profiles), methods=["DELETE"]),
            Route("/_control/settings", changing(self.put_settings), methods=["PUT"]),
            Route("/_control/settings", self.get_settings, methods=["GET"]),
            Route("/_ledger", self.ledger, methods=["GET"]),
            Route("/_ledger/summary", self.ledger_summary, methods=["GET"]),
            Route("/_ledger/duplicates", self.ledger_duplicates, methods=["GET"]),
            Route("/files/{platform}/{name}", self.serve_file, methods=["GET"]),
        ]


def routes(store: SandboxStore) -> list[BaseRoute]:
    return Controls(store).routes()
