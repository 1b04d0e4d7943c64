"""What the emulated Zalo OA API answers with and what it accepts: the envelope, its errors,
the access token, an article's fields as `article/create` and `article/update` check them, and
how often an article was viewed and shared."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from pressroom.sandbox import audience, faults
from pressroom.sandbox.common import Incoming
from pressroom.sandbox.endpoints import PlatformError
from pressroom.sandbox.store import Account, Item, SandboxStore

PLATFORM = "zalo"
MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_TITLE, MAX_AUTHOR, MAX_DESCRIPTION = 150, 50, 300
MAX_SLICE = 10
MAX_FOLLOWERS_PAGE = 50
# Zalo's codes: -216 token invalid, -210 parameter beyond its limit, -222 article missing,
# -32 too many requests, -100 unknown error (try again later), -214 media still processing.
TOKEN_INVALID, BAD_PARAMETER, NO_ARTICLE, TOO_MANY = -216, -210, -222, -32
MEDIA_PROCESSING = -214
UNKNOWN_ERROR = -100
WEB_SCHEMES = ("http://", "https://")


class ZaloError(PlatformError):
    """Zalo's error answer: `{"error": <non-zero>, "message": …}`, in HTTP 200."""

    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.code, "message": self.message}, status_code=self.status)


def official_account(store: SandboxStore, request: Request) -> Account:
    """The OA the request's `access_token` header opens, or Zalo's -216."""
    account = store.account_by_token(PLATFORM, request.headers.get("access_token", ""))
    if account is None:
        raise ZaloError(TOKEN_INVALID, "Access token is invalid")
    return account


def success(data: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": 0, "message": "Success"}
    if data is not None:
        body["data"] = data
    return JSONResponse(body)


def fault_error(fault: faults.Fault) -> ZaloError:
    defaults = {
        "token_expired": (TOKEN_INVALID, "Access token is invalid"),
        "rate_limit": (TOO_MANY, "Exceeding the request rate limit"),
        "reject": (BAD_PARAMETER, "Parameter exceeds allowable limit"),
        "server_error": (UNKNOWN_ERROR, "Unknown error, please try again later"),
        "error": (-1, "Unknown error"),
    }
    code, message = defaults[fault.kind]
    return ZaloError(
        int(fault.code) if fault.code is not None else code,
        fault.message or message,
        status=fault.status or 200,
    )


def validated_article(incoming: Incoming) -> dict[str, Any]:
    """The article as sent, or the ZaloError its first problem gets."""
    article = dict(incoming.values)
    if article.get("type", "normal") != "normal":
        raise ZaloError(BAD_PARAMETER, "type must be normal (video articles need a video_id)")
    title = article.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ZaloError(BAD_PARAMETER, "title is required")
    if len(title) > MAX_TITLE:
        raise ZaloError(BAD_PARAMETER, f"title exceeds {MAX_TITLE} characters")
    if len(str(article.get("author") or "")) > MAX_AUTHOR:
        raise ZaloError(BAD_PARAMETER, f"author exceeds {MAX_AUTHOR} characters")
    if len(str(article.get("description") or "")) > MAX_DESCRIPTION:
        raise ZaloError(BAD_PARAMETER, f"description exceeds {MAX_DESCRIPTION} characters")
    cover = article.get("cover")
    if cover is not None and (
        not isinstance(cover, dict)
        or cover.get("cover_type") != "photo"
        or not is_web_address(cover.get("photo_url"))
    ):
        raise ZaloError(BAD_PARAMETER, "cover must be a photo with a photo_url (http or https)")
    for name in ("status", "comment"):
        if article.get(name, "show") not in {"show", "hide"}:
            raise ZaloError(BAD_PARAMETER, f"{name} must be show or hide")
    check_body(article.get("body"))
    return article


def is_web_address(value: Any) -> bool:
    """Zalo fetches an article's pictures itself: only an absolute web address will do."""
    return isinstance(value, str) and value.startswith(WEB_SCHEMES) and len(value) > 8


def check_body(body: Any) -> None:
    """An article's body: text blocks with content, image and video blocks with a web url."""
    if not isinstance(body, list) or not body:
        raise ZaloError(BAD_PARAMETER, "body is required")
    for block in body:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text" and isinstance(block.get("content"), str) and block["content"].strip():
            continue
        if kind in {"image", "video"} and is_web_address(block.get("url")):
            continue
        raise ZaloError(
            BAD_PARAMETER, "every body block needs a type and its content or url (http or https)"
        )


def article_counts(item: Item) -> tuple[int, int]:
    """An article's `total_view` and `total_share` now: growing with its age, the same for the
    same article (pressroom.sandbox.audience), and what its data adds (`total_view`,
    `total_share`, set by a test or a training tool)."""
    key = f"{PLATFORM}:{item.remote_id}"
    seen = audience.views(key, age_s=time.time() - item.created_at)
    shared = audience.shares(key, seen=seen)
    return (
        seen + int(item.data.get("total_view") or 0),
        shared + int(item.data.get("total_share") or 0),
    )
