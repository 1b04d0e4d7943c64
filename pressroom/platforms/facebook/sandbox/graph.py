"""What the emulated Graph API's parts share: its error envelope, times, `fields`, cursors and
the permissions a Page token carries (the grant of the login dialog that produced it)."""

from __future__ import annotations

import base64
import binascii
import json
import math
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse

from pressroom.sandbox import faults
from pressroom.sandbox.common import Incoming
from pressroom.sandbox.endpoints import PlatformError
from pressroom.sandbox.store import Account

PLATFORM = "facebook"

# What a person's role on a Page lets them do (the Page's "tasks"), as the login dialog offers.
ADMIN_TASKS = ("ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE")
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("Quản trị (Admin)", ADMIN_TASKS),
    "editor": ("Biên tập (Editor)", tuple(task for task in ADMIN_TASKS if task != "MANAGE")),
    "analyst": ("Phân tích (Analyst)", ("ANALYZE",)),
}
# Every permission a Page token can hold: what a Page registered without a grant has.
PAGE_PERMISSIONS = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "pages_manage_metadata",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_messaging",
    "read_insights",
    "publish_video",
    "business_management",
)
CATEGORY = "Government organization"
CATEGORY_LIST = [{"id": "2235", "name": CATEGORY}]

PUBLISH_REFUSAL = (
    "(#200) If posting to a group, requires app being installed in the group, and either "
    "publish_to_groups permission with user token, or both pages_read_engagement and "
    "pages_manage_posts permission with page token; If posting to a page, requires both "
    "pages_read_engagement and pages_manage_posts as an admin with sufficient administrative "
    "permission"
)
READ_REFUSAL = (
    "(#10) This endpoint requires the 'pages_read_engagement' permission or the 'Page Public "
    "Content Access' feature. Refer to https://developers.facebook.com/docs/apps/review/"
    "login-permissions#manage-pages and https://developers.facebook.com/docs/apps/review/"
    "feature#reference-PAGES_ACCESS for details."
)


class GraphError(PlatformError):
    """The Graph API's error envelope: `{"error": {message, type, code, …, fbtrace_id}}`."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: int = 400,
        error_type: str = "OAuthException",
        subcode: int | None = None,
        is_transient: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.error_type = error_type
        self.subcode = subcode
        self.is_transient = is_transient
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.error_type,
            "code": self.code,
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["is_transient"] = self.is_transient
        error["fbtrace_id"] = secrets.token_urlsafe(8)
        return error

    def response(self) -> JSONResponse:
        headers = dict(self.headers)
        if self.code in {190, 102}:
            # Graph names a bad token in the header too (RFC 6750's invalid_token).
            reason = self.message.encode("ascii", "replace").decode().replace('"', "'")
            headers.setdefault(
                "WWW-Authenticate", f'OAuth "Facebook Platform" "invalid_token" "{reason}"'
            )
        return JSONResponse({"error": self.body()}, status_code=self.status, headers=headers)


def no_such_object(object_id: str, method: str = "get") -> GraphError:
    return GraphError(
        100,
        f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read "
        "the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        error_type="GraphMethodException",
        subcode=33,
    )


def no_such_field(name: str, node_type: str) -> GraphError:
    return GraphError(
        100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})"
    )


def publish_refusal() -> GraphError:
    return GraphError(200, PUBLISH_REFUSAL, status=403)


def read_refusal() -> GraphError:
    return GraphError(10, READ_REFUSAL, status=403)


def graph_time(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(moment))


def split_fields(value: str) -> list[str]:
    """Top-level names of a `fields` parameter: `a,b.summary(true),c{d,e}` → a, b, c."""
    names, depth, current = [], 0, ""
    for char in value:
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        if char == "," and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    result = []
    for name in names:
        base = name.strip().split(".")[0].split("{")[0].split("(")[0]
        if base:
            result.append(base)
    return result


def select(fields: dict[str, Any], requested: str, default: tuple[str, ...]) -> dict[str, Any]:
    """The fields asked for (the node's defaults when none are), always with its id."""
    names = split_fields(requested) if requested else list(default)
    return {name: fields[name] for name in ["id", *names] if name in fields}


def encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def next_url(request: Request, after: str) -> str:
    """The absolute URL of the next page of a list: the same request from the `after` cursor."""
    params = [(key, value) for key, value in request.query_params.multi_items()]
    params = [(key, value) for key, value in params if key not in {"after", "before"}]
    params.append(("after", after))
    return f"{request.url.scheme}://{request.url.netloc}{request.url.path}?{urlencode(params)}"


def offset_of(incoming: Incoming) -> int:
    """Where a list resumes: its `after` cursor (an offset, as every emulated list pages)."""
    after = incoming.text("after")
    if not after:
        return 0
    decoded = decode_cursor(after)
    if decoded is None or not decoded.isdigit():
        raise GraphError(100, "(#100) The after cursor is not valid")
    return int(decoded)


def limit_of(value: str, default: int = 25, most: int = 100) -> int:
    if not value:
        return default
    try:
        return min(most, max(1, int(value)))
    except ValueError as error:
        raise GraphError(100, "(#100) Param limit must be a number") from error


# A Page token's grant: what the login dialog that produced it allowed.


def grant_of(account: Account) -> dict[str, Any] | None:
    grant = account.extra.get("grant")
    return grant if isinstance(grant, dict) else None


def page_scopes(account: Account) -> list[str]:
    grant = grant_of(account)
    return list(grant["scopes"]) if grant else list(PAGE_PERMISSIONS)


def page_tasks(account: Account) -> list[str]:
    grant = grant_of(account)
    return list(grant["tasks"]) if grant else list(ADMIN_TASKS)


def may_publish(account: Account) -> bool:
    scopes = set(page_scopes(account))
    return {"pages_manage_posts", "pages_read_engagement"} <= scopes and (
        "CREATE_CONTENT" in page_tasks(account)
    )


def may_read(account: Account) -> bool:
    scopes = set(page_scopes(account))
    return bool(scopes & {"pages_read_engagement", "pages_read_user_content"})


def fault_error(fault: faults.Fault, page_id: str) -> GraphError:
    code = int(fault.code) if fault.code is not None else None
    if fault.kind == "token_expired":
        code = code or 190
        return GraphError(
            code,
            fault.message
            or "Error validating access token: Session has expired. The current time is later.",
            status=fault.status or 400,
            subcode=463 if code == 190 else None,
        )
    if fault.kind == "rate_limit":
        code = code or 80001
        minutes = math.ceil((fault.retry_after if fault.retry_after is not None else 60) / 60)
        usage = {
            page_id: [
                {
                    "type": "pages",
                    "call_count": 100,
                    "total_cputime": 25,
                    "total_time": 25,
                    "estimated_time_to_regain_access": minutes,
                }
            ]
        }
        return GraphError(
            code,
            fault.message
            or f"(#{code}) There have been too many calls to this Page account. "
            "Wait a bit and try again.",
            status=fault.status or 400,
            is_transient=True,
            headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
        )
    if fault.kind == "reject":
        code = code or 100
        return GraphError(
            code, fault.message or f"(#{code}) Invalid parameter", status=fault.status or 400
        )
    if fault.kind == "server_error":
        code = code or 2
        return GraphError(
            code,
            fault.message or "An unexpected error has occurred. Please retry your request later.",
            status=fault.status or 500,
            is_transient=True,
        )
    code = code or 1
    return GraphError(
        code,
        fault.message or "An unknown error has occurred.",
        status=fault.status or (500 if code in {1, 2} else 400),
        is_transient=code in {1, 2},
    )
