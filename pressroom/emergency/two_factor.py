"""Two-factor sign-in with a TOTP app (django-otp): set-up, turning off, re-authentication.

Confirming an emergency alert asks the confirming person to prove again who they are: a
current code from their authenticator app when they have turned two-factor on, else their
password. Failed attempts are audited; django-otp slows down repeated wrong codes, and
repeated wrong passwords lock the password confirmation as a sign-in is locked.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from pressroom.audit.actions import record_event
from pressroom.audit.models import AuditEvent
from pressroom.core.errors import ActionError

ISSUER = "Pressroom"
TOTP = "totp"
PASSWORD = "password"


def confirmed_devices(user: Any) -> QuerySet[TOTPDevice]:
    devices: QuerySet[TOTPDevice] = TOTPDevice.objects.filter(user=user, confirmed=True)
    return devices


def has_two_factor(user: Any) -> bool:
    return bool(user.is_authenticated) and confirmed_devices(user).exists()


def pending_device(user: Any) -> TOTPDevice | None:
    """The device being set up: created, shown to the user, not yet proven with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def provisioning_uri(device: TOTPDevice) -> str:
    """The otpauth:// address an authenticator app reads (typed, pasted or scanned)."""
    label = quote(f"{ISSUER}:{device.user.get_username()}", safe=":@")
    query = urlencode(
        {
            "secret": b32encode(device.bin_key).decode().rstrip("="),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def qr_data_uri(device: TOTPDevice) -> str:
    """The provisioning address as an SVG QR code, inline (the CSP allows data: images)."""
    return str(segno.make(provisioning_uri(device), error="m").svg_data_uri(scale=5, border=2))


def _clean_code(code: str) -> str:
    return re.sub(r"\s+", "", code or "")


def _verify(device: TOTPDevice, code: str) -> bool:
    """Check a code against one device; refuses while django-otp's back-off is running."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        locked_until = (info or {}).get("locked_until")
        seconds = (
            max(int((locked_until - timezone.now()).total_seconds()) + 1, 1) if locked_until else 1
        )
        raise ActionError(
            _("Too many wrong codes. Wait %(seconds)d seconds, then enter the current code.")
            % {"seconds": seconds}
        )
    # Not inside a transaction that the caller's error would roll back: django-otp records
    # the failure (for its back-off) and the last code used (so it cannot be used again).
    return bool(device.verify_token(code))


def _recent_password_failures(user: Any) -> int:
    """Wrong confirmation passwords within the sign-in lockout's cool-off, from the audit log
    (the sign-in's own throttle, django-axes, only sees sign-ins)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AuditEvent.objects.filter(
        action="reauth.failed", actor_id=user.pk, created_at__gte=since, data__method=PASSWORD
    ).count()


def reauthenticate(
    *, user: Any, code: str = "", password: str = "", about: Model | None = None
) -> str:
    """Prove again who the user is: a TOTP code if they have a device, else the password.

    Returns how ("totp" or "password"); raises ActionError and audits the failure otherwise.
    """
    devices = list(confirmed_devices(user))
    if devices:
        code = _clean_code(code)
        if not code:
            raise ActionError(_("Enter the current 6-digit code from your authenticator app."))
        if any(_verify(device, code) for device in devices):
            return TOTP
        record_event(actor=user, action="reauth.failed", obj=about, data={"method": TOTP})
        raise ActionError(
            _(
                "That code is not right or has expired. Enter the code your authenticator app "
                "shows now."
            )
        )
    if not password:
        raise ActionError(_("Enter your password to confirm."))
    if _recent_password_failures(user) >= settings.AXES_FAILURE_LIMIT:
        record_event(actor=user, action="reauth.locked", obj=about, data={"method": PASSWORD})
        raise ActionError(
            _(
                "Too many wrong passwords. Confirming with your password is locked for "
                "%(minutes)d minutes."
            )
            % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
        )
    if not user.check_password(password):
        record_event(actor=user, action="reauth.failed", obj=about, data={"method": PASSWORD})
        raise ActionError(_("That password is not right."))
    return PASSWORD


@transaction.atomic
def start_two_factor(*, user: Any) -> TOTPDevice:
    """A new secret to put in an authenticator app; it counts once a code from it is verified."""
    if confirmed_devices(user).exists():
        raise ActionError(_("Two-factor sign-in is already on."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=ISSUER, confirmed=False)


def activate_two_factor(*, user: Any, code: str) -> TOTPDevice:
    """Turn two-factor on once the user proves the app shows the right codes."""
    device = pending_device(user)
    if device is None:
        raise ActionError(_("Start the set-up first."))
    code = _clean_code(code)
    if not code:
        raise ActionError(_("Enter the 6-digit code your authenticator app shows."))
    if not _verify(device, code):
        raise ActionError(
            _("That code is not right. Check the secret in your app and the phone's clock.")
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        record_event(actor=user, action="two_factor.on", obj=device)
    return device


def turn_off_two_factor(*, user: Any, code: str) -> None:
    """Turn two-factor off; it takes a current code, so a stolen password alone cannot.

    Someone who lost their phone asks an administrator, who removes the device in the admin.
    """
    devices = list(confirmed_devices(user))
    if not devices:
        raise ActionError(_("Two-factor sign-in is not on."))
    code = _clean_code(code)
    if not code:
        raise ActionError(_("Enter the current 6-digit code from your authenticator app."))
    if not any(_verify(device, code) for device in devices):
        raise ActionError(
            _(
                "That code is not right or has expired. Enter the code your authenticator app "
                "shows now."
            )
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record_event(actor=user, action="two_factor.off")
