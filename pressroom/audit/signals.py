"""Sign-ins, sign-outs and failed sign-ins go into the audit chain too."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, action=Kind.USER_SIGN_IN, obj=user)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, action=Kind.USER_SIGN_OUT, obj=user)


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Only the username that was tried; never the password.
    record_event(
        actor="anonymous",
        action=Kind.USER_SIGN_IN_FAILED,
        data={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    record_event(
        actor="anonymous", action=Kind.USER_LOCKED_OUT, data={"username": str(username or "")[:150]}
    )
