"""System checks for a production start: a real secret key, and credential keys of its own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management.base import CommandError

NO_SECRET_KEY = (
    "SECRET_KEY is not set, so the development key would sign sessions and encrypt platform "
    "credentials. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, for example "
    "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
)


def secret_key_problem() -> str:
    """Why this process must not start with its settings ('' when it may)."""
    if settings.DEBUG:
        return ""
    if not settings.SECRET_KEY_CONFIGURED or settings.SECRET_KEY == (
        settings.DEVELOPMENT_SECRET_KEY
    ):
        return NO_SECRET_KEY
    return ""


def require_secret_key() -> None:
    """Called first by the long-running commands (serve, dispatcher, worker)."""
    problem = secret_key_problem()
    if problem:
        raise CommandError(problem)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(**kwargs: Any) -> list[checks.CheckMessage]:
    problem = secret_key_problem()
    return [checks.Error(problem, id="pressroom.E001")] if problem else []


@checks.register(checks.Tags.security, deploy=True)
def check_credential_keys(**kwargs: Any) -> list[checks.CheckMessage]:
    if settings.PRESSROOM_CREDENTIAL_KEYS:
        return []
    return [
        checks.Warning(
            "PRESSROOM_CREDENTIAL_KEYS is not set: platform credentials are encrypted with a "
            "key derived from SECRET_KEY, so changing SECRET_KEY makes them unreadable.",
            hint="Generate a key with `pressroom rotate_keys --generate` and set it.",
            id="pressroom.W002",
        )
    ]
