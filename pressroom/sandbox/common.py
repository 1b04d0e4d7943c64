"""Helpers every platform emulation uses: reading parameters, checking images, absolute URLs."""

from __future__ import annotations

import json
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

# Text fields (not files) up to this size; a Facebook post allows 63,206 characters.
MAX_FIELD_BYTES = 4 * 1024 * 1024

# When the request being answered reached the sandbox (epoch seconds, before any latency).
RECEIVED_AT: ContextVar[float | None] = ContextVar("received_at", default=None)


class StampArrival:
    """ASGI middleware: note each request's arrival time for the ledger's `received_at`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            RECEIVED_AT.set(time.time())
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    content_type: str


@dataclass
class Incoming:
    """A request's parameters from the query string, a form (urlencoded or multipart) or JSON."""

    values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return "" if value is None else str(value)

    def getlist(self, name: str) -> list[Any]:
        return self.lists.get(name, [])

    def add(self, name: str, value: Any) -> None:
        self.values[name] = value
        self.lists.setdefault(name, []).append(value)


class BadRequestBody(ValueError):
    """The body is not what its content type says (broken JSON, broken multipart)."""


async def read_incoming(request: Request) -> Incoming:
    incoming = Incoming()
    for name, value in request.query_params.multi_items():
        incoming.add(name, value)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as error:
            raise BadRequestBody("The body is not valid JSON") from error
        if isinstance(body, dict):
            for name, value in body.items():
                if isinstance(value, list):
                    incoming.values[name] = value
                    incoming.lists.setdefault(name, []).extend(value)
                else:
                    incoming.add(name, value)
        return incoming
    if content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        try:
            form = await request.form(max_part_size=MAX_FIELD_BYTES)
        except Exception as error:
            raise BadRequestBody("The form could not be read") from error
        for name, item in form.multi_items():
            if isinstance(item, UploadFile):
                content = await item.read()
                incoming.files[name] = Upload(
                    filename=item.filename or name,
                    content=content,
                    content_type=item.content_type or "application/octet-stream",
                )
            else:
                incoming.add(name, item)
    return incoming


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int


def image_info(content: bytes) -> ImageInfo | None:
    """What the bytes are as an image, or None when they are not one."""
    try:
        with Image.open(BytesIO(content)) as image:
            image.verify()
            content_type = Image.MIME.get(image.format or "", "")
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    if not content_type:
        return None
    return ImageInfo(content_type=content_type, width=width, height=height)


def server_root(request: Request) -> str:
    """The sandbox's own address as the client reached it, for URLs in answers."""
    return f"{request.url.scheme}://{request.url.netloc}"


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() in {"bearer", "oauth"}:
        return token.strip()
    return ""


def loads_json(value: Any) -> Any:
    """A JSON value sent as a form field; the value itself when it was already decoded."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
