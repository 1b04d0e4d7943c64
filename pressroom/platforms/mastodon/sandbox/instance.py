"""The emulated instance's description (`GET /api/v2/instance`, and the older
`GET /api/v1/instance`) and its one setting, the status length.

`PUT /mastodon/_control/instance` `{"max_characters": 1000}` sets the instance's limit for every
account (500 by default, as Mastodon's); an account's own `max_characters` setting still wins
for that account. `GET` answers the settings; `POST /_control/reset` brings back the defaults.
Like the sandbox's other settings they are kept in memory, not with the platform's state.
"""

from __future__ import annotations

import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.mastodon.sandbox.entities import PLATFORM, VAPID_KEY, instance_root
from pressroom.sandbox.control import changing
from pressroom.sandbox.store import SandboxStore

VERSION = "4.5.0"
API_VERSION = 7
DEFAULT_MAX_CHARACTERS = 500
MAX_ATTACHMENTS = 4
CHARACTERS_PER_URL = 23
IMAGE_SIZE_LIMIT = 16 * 1024 * 1024
IMAGE_MATRIX_LIMIT = 33_177_600
VIDEO_SIZE_LIMIT = 99 * 1024 * 1024
DESCRIPTION_LIMIT = 1500
SUPPORTED_MIME_TYPES = (
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/heic",
    "image/heif",
    "image/webp",
    "image/avif",
    "video/webm",
    "video/mp4",
    "video/quicktime",
    "video/ogg",
    "audio/wave",
    "audio/wav",
    "audio/x-wav",
    "audio/x-pn-wave",
    "audio/vnd.wave",
    "audio/ogg",
    "audio/vorbis",
    "audio/mpeg",
    "audio/mp3",
    "audio/webm",
    "audio/flac",
    "audio/aac",
    "audio/m4a",
    "audio/x-m4a",
    "audio/mp4",
    "audio/3gpp",
    "video/x-ms-asf",
)
TITLE = "Mastodon (sandbox)"
DESCRIPTION = "Máy chủ Mastodon thử nghiệm của Pressroom (Pressroom's sandbox Mastodon server)"
RULES = [
    {"id": "1", "text": "Chỉ dùng để thử nghiệm (For testing only)", "hint": ""},
]


class InstanceSettings:
    """The instance's settings, shared by every account."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.max_characters = DEFAULT_MAX_CHARACTERS

    def as_dict(self) -> dict[str, Any]:
        return {"max_characters": self.max_characters}

    def update(self, values: dict[str, Any]) -> None:
        unknown = sorted(set(values) - {"max_characters"})
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)} (known: max_characters)")
        if "max_characters" in values:
            value = values["max_characters"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError("max_characters must be a positive integer")
            with self._lock:
                self.max_characters = value

    def reset(self) -> None:
        with self._lock:
            self.max_characters = DEFAULT_MAX_CHARACTERS


class Instance:
    """The instance endpoints and the settings' control."""

    def __init__(self, store: SandboxStore, settings: InstanceSettings) -> None:
        self.store = store
        self.settings = settings

    def domain(self, request: Request) -> str:
        return request.url.netloc

    def configuration(self, request: Request) -> dict[str, Any]:
        streaming = instance_root(request).replace("http", "ws", 1)
        return {
            "urls": {
                "streaming": streaming,
                "status": None,
                "about": f"{instance_root(request)}/about",
                "privacy_policy": f"{instance_root(request)}/privacy-policy",
                "terms_of_service": None,
            },
            "vapid": {"public_key": VAPID_KEY},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": {
                "max_characters": self.settings.max_characters,
                "max_media_attachments": MAX_ATTACHMENTS,
                "characters_reserved_per_url": CHARACTERS_PER_URL,
            },
            "media_attachments": {
                "description_limit": DESCRIPTION_LIMIT,
                "image_matrix_limit": IMAGE_MATRIX_LIMIT,
                "image_size_limit": IMAGE_SIZE_LIMIT,
                "supported_mime_types": list(SUPPORTED_MIME_TYPES),
                "video_frame_rate_limit": 120,
                "video_matrix_limit": 8_294_400,
                "video_size_limit": VIDEO_SIZE_LIMIT,
            },
            "polls": {
                "max_options": 4,
                "max_characters_per_option": 50,
                "min_expiration": 300,
                "max_expiration": 2_629_746,
            },
            "translation": {"enabled": False},
            "limited_federation": False,
        }

    async def v2(self, request: Request) -> Response:
        thumbnail = f"{instance_root(request)}/packs/media/images/preview.png"
        return JSONResponse(
            {
                "domain": self.domain(request),
                "title": TITLE,
                "version": VERSION,
                "source_url": "https://github.com/mastodon/mastodon",
                "description": DESCRIPTION,
                "usage": {"users": {"active_month": len(self.store.accounts(PLATFORM))}},
                "thumbnail": {
                    "url": thumbnail,
                    "blurhash": None,
                    "versions": {"@1x": thumbnail, "@2x": thumbnail},
                },
                "icon": [],
                "languages": ["vi", "en"],
                "configuration": self.configuration(request),
                "registrations": {
                    "enabled": False,
                    "approval_required": False,
                    "reason_required": False,
                    "message": None,
                    "min_age": None,
                    "url": None,
                },
                "api_versions": {"mastodon": API_VERSION},
                "contact": {"email": "", "account": None},
                "rules": RULES,
            }
        )

    async def v1(self, request: Request) -> Response:
        configuration = self.configuration(request)
        accounts = self.store.accounts(PLATFORM)
        statuses = sum(
            self.store.count_items(platform=PLATFORM, account_id=account.account_id, kind="status")
            for account in accounts
        )
        return JSONResponse(
            {
                "uri": self.domain(request),
                "title": TITLE,
                "short_description": DESCRIPTION,
                "description": DESCRIPTION,
                "email": "",
                "version": VERSION,
                "urls": {"streaming_api": configuration["urls"]["streaming"]},
                "stats": {
                    "user_count": len(accounts),
                    "status_count": statuses,
                    "domain_count": 0,
                },
                "thumbnail": f"{instance_root(request)}/packs/media/images/preview.png",
                "languages": ["vi", "en"],
                "registrations": False,
                "approval_required": False,
                "invites_enabled": False,
                "configuration": {
                    "accounts": configuration["accounts"],
                    "statuses": configuration["statuses"],
                    "media_attachments": {
                        key: value
                        for key, value in configuration["media_attachments"].items()
                        if key != "description_limit"
                    },
                    "polls": configuration["polls"],
                },
                "contact_account": None,
                "rules": RULES,
            }
        )

    async def put_settings(self, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": "The body must be a JSON object"}, status_code=400)
        try:
            self.settings.update(body)
        except ValueError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(self.settings.as_dict())

    async def get_settings(self, request: Request) -> Response:
        return JSONResponse(self.settings.as_dict())

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v2/instance", self.v2, methods=["GET"]),
            Route("/api/v1/instance", self.v1, methods=["GET"]),
            Route("/_control/instance", changing(self.put_settings), methods=["PUT"]),
            Route("/_control/instance", self.get_settings, methods=["GET"]),
        ]
