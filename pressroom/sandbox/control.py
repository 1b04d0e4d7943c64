"""The sandbox's own endpoints: register accounts, read the ledger, inject faults, serve files."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.sandbox.faults import PLATFORMS
from pressroom.sandbox.store import SandboxStore

ACCOUNT_FIELDS = frozenset({"platform", "account_id", "token", "name"})


def routes(store: SandboxStore) -> list[BaseRoute]:
    async def json_object(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ValueError("The body must be a JSON object")
        return body

    async def save_account(request: Request) -> Response:
        try:
            body = await json_object(request)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        platform = body.get("platform")
        account_id = str(body.get("account_id") or "").strip()
        token = str(body.get("token") or "")
        if platform not in PLATFORMS or not account_id or not token:
            return JSONResponse(
                {"error": f"needed: platform ({sorted(PLATFORMS)}), account_id, token"},
                status_code=400,
            )
        # Anything else is a platform setting: username, max_characters, verify_id_field, …
        extra = {key: value for key, value in body.items() if key not in ACCOUNT_FIELDS}
        account = store.save_account(
            platform=platform,
            account_id=account_id,
            token=token,
            name=str(body.get("name") or account_id),
            extra=extra,
        )
        return JSONResponse(account.public(), status_code=201)

    async def list_accounts(request: Request) -> Response:
        platform = request.query_params.get("platform") or None
        return JSONResponse([account.public() for account in store.accounts(platform)])

    async def reset(request: Request) -> Response:
        store.reset()
        return JSONResponse({"reset": True})

    async def ledger(request: Request) -> Response:
        query = request.query_params
        top_level = query.get("top_level")
        items = store.items(
            platform=query.get("platform") or None,
            account_id=query.get("account_id") or None,
            kind=query.get("kind") or None,
            top_level=None if top_level is None else top_level.lower() in {"1", "true", "yes"},
        )
        return JSONResponse([item.ledger_entry() for item in items])

    async def add_fault(request: Request) -> Response:
        try:
            fault = store.faults.add(await json_object(request))
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(fault.as_dict(), status_code=201)

    async def list_faults(request: Request) -> Response:
        return JSONResponse([fault.as_dict() for fault in store.faults.pending()])

    async def clear_faults(request: Request) -> Response:
        removed = store.faults.clear(request.query_params.get("platform") or None)
        return JSONResponse({"removed": removed})

    async def serve_file(request: Request) -> Response:
        media = store.media_by_file(request.path_params["platform"], request.path_params["name"])
        if media is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        return FileResponse(store.media_file(media), media_type=media.content_type)

    return [
        Route("/_control/accounts", save_account, methods=["POST"]),
        Route("/_control/accounts", list_accounts, methods=["GET"]),
        Route("/_control/reset", reset, methods=["POST"]),
        Route("/_control/faults", add_fault, methods=["POST"]),
        Route("/_control/faults", list_faults, methods=["GET"]),
        Route("/_control/faults", clear_faults, methods=["DELETE"]),
        Route("/_ledger", ledger, methods=["GET"]),
        Route("/files/{platform}/{name}", serve_file, methods=["GET"]),
    ]
