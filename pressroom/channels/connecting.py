"""Connecting, reconnecting and disconnecting channels from the app (unit administrators).

The platform's side of each step is its connector (`pressroom.platforms.<name>.connect`); this
module keeps the attempt, checks who may do what, stores the channels and audits every step.
A refused step changes nothing but the attempt (which it closes) and the audit log.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.channels.models import Channel, ConnectAttempt, PlatformApp
from pressroom.channels.signals import channel_connected
from pressroom.core.crypto import encrypt_json
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Unit
from pressroom.platforms.connecting import Connector, ConnectRefused, Found, Setup, Target
from pressroom.platforms.registry import connector_for, descriptor_for
from pressroom.publishing.channel_state import reconnect_channel
from pressroom.publishing.models import Delivery


class StoredApps:
    """The apps Pressroom registered on Mastodon instances (connecting.AppRegistry)."""

    def __init__(self, redirect_uri: str) -> None:
        self.redirect_uri = redirect_uri

    def get(self, platform: str, instance: str) -> dict[str, Any] | None:
        app = PlatformApp.objects.filter(
            platform=platform, instance=instance, redirect_uri=self.redirect_uri
        ).first()
        return app.app if app else None

    def save(self, platform: str, instance: str, app: dict[str, Any]) -> None:
        PlatformApp.objects.update_or_create(
            platform=platform,
            instance=instance,
            redirect_uri=self.redirect_uri,
            defaults={"app_encrypted": encrypt_json(app)},
        )


def sandbox_available() -> bool:
    return bool(settings.SANDBOX_URL)


def target_for(connector: Connector, *, sandbox: bool) -> Target:
    if sandbox and not sandbox_available():
        raise ConnectRefused(_("This server has no training sandbox."), code="no_sandbox")
    target = connector.target(settings.SANDBOX_URL if sandbox else None)
    missing = connector.missing_settings(target)
    if missing:
        raise ConnectRefused(
            _(
                "This server is not set up to connect %(platform)s yet: its administrator must "
                "set %(settings)s (see the operations guide)."
            )
            % {"platform": connector.label, "settings": ", ".join(missing)},
            code="not_configured",
        )
    return target


def _require_manage(user: User, unit: Unit) -> None:
    if Capability.MANAGE not in capabilities_in(user, unit):
        raise ConnectRefused(
            _("Only an administrator of the unit can connect its channels."), code="forbidden"
        )


def _register_training_app(connector: Connector, target: Target) -> None:
    """The sandbox learns the training app's id and secret, as a developer console would."""
    if not (target.sandbox and target.app_id):
        return
    try:
        with httpx.Client(timeout=10, trust_env=False) as http:
            http.post(
                f"{settings.SANDBOX_URL.rstrip('/')}/_control/apps",
                json={
                    "platform": connector.platform,
                    "app_id": target.app_id,
                    "app_secret": target.app_secret,
                },
            ).raise_for_status()
    except httpx.HTTPError as error:
        raise ConnectRefused(
            _("The training sandbox could not be reached (%(error)s).")
            % {"error": type(error).__name__},
            code="unreachable",
        ) from error


def forget_expired_attempts() -> int:
    """Erase what abandoned attempts still hold (a platform's tokens for accounts nobody
    chose), and drop attempts older than a day. Answers how many were erased."""
    now = timezone.now()
    erased = (
        ConnectAttempt.objects.filter(expires_at__lte=now, finished_at__isnull=True)
        .exclude(found_encrypted="", flow_encrypted="")
        .update(found_encrypted="", flow_encrypted="", finished_at=now)
    )
    ConnectAttempt.objects.filter(expires_at__lte=now - timedelta(days=1)).delete()
    return erased


def start_connect(
    *,
    user: User,
    unit: Unit,
    platform: str,
    sandbox: bool,
    redirect_uri: str,
    fields: Mapping[str, str] | None = None,
    channel: Channel | None = None,
) -> str:
    """Begin connecting (or reconnecting `channel`): answers where to send the person."""
    _require_manage(user, unit)
    forget_expired_attempts()
    connector = connector_for(platform)
    if not connector.uses_consent:
        raise ConnectRefused(_("This platform is connected with a form."), code="form")
    target = target_for(connector, sandbox=sandbox)
    _register_training_app(connector, target)
    state = secrets.token_urlsafe(32)
    apps = StoredApps(redirect_uri)
    consent = connector.begin(Setup(target, redirect_uri, state), fields or {}, apps)
    with transaction.atomic():
        if consent.registered_app is not None:
            apps.save(platform, str(consent.flow.get("instance") or ""), consent.registered_app)
        attempt = ConnectAttempt(
            state=state,
            platform=platform,
            unit=unit,
            user=user,
            channel=channel,
            sandbox=target.sandbox,
            expires_at=timezone.now() + ConnectAttempt.LIFETIME,
        )
        attempt.flow = consent.flow
        attempt.save()
        record_event(
            actor=user,
            action=Kind.CHANNEL_CONNECT_START,
            obj=channel or unit,
            unit_id=unit.pk,
            data={"platform": platform, "sandbox": target.sandbox, "attempt": attempt.pk},
        )
    return consent.url


def _refuse(user: User, unit: Unit | None, platform: str, refusal: ConnectRefused) -> None:
    record_event(
        actor=user,
        action=Kind.CHANNEL_CONNECT_REFUSED,
        obj=unit,
        unit_id=unit.pk if unit else None,
        data={"platform": platform, "code": refusal.code, "reason": refusal.message[:300]},
    )


def _close(attempt: ConnectAttempt) -> None:
    attempt.finished_at = timezone.now()
    attempt.found = []
    attempt.flow_encrypted = ""
    attempt.save(update_fields=["finished_at", "found_encrypted", "flow_encrypted"])


def open_attempt(*, user: User, platform: str, state: str) -> ConnectAttempt:
    """The attempt a platform's answer belongs to; refused when the state is forged (unknown
    or someone else's), used or expired."""
    attempt = (
        ConnectAttempt.objects.select_related("unit", "channel")
        .filter(state=state, platform=platform)
        .first()
        if state
        else None
    )
    if attempt is None or attempt.user_id != user.pk:
        refusal = ConnectRefused(
            _(
                "This answer from %(platform)s does not belong to a connection you started, "
                "so nothing was connected. Start again from the channels page."
            )
            % {"platform": descriptor_for(platform).label},
            code="forged_state",
        )
        _refuse(user, None, platform, refusal)
        raise refusal
    if not attempt.is_open:
        refusal = ConnectRefused(
            _(
                "This connection has expired or was already used, so nothing was connected. "
                "Start again: it takes a minute."
            ),
            code="expired_state",
        )
        with transaction.atomic():
            if attempt.finished_at is None:
                _close(attempt)
            _refuse(user, attempt.unit, platform, refusal)
        raise refusal
    return attempt


def receive_consent(
    *, user: User, platform: str, query: Mapping[str, str], redirect_uri: str
) -> ConnectAttempt:
    """The platform sent the person back: exchange its code and keep the accounts found."""
    attempt = open_attempt(user=user, platform=platform, state=query.get("state", ""))
    connector = connector_for(platform)
    try:
        _require_manage(user, attempt.unit)
        target = target_for(connector, sandbox=attempt.sandbox)
        found = connector.finish(
            Setup(target, redirect_uri, attempt.state), attempt.flow, dict(query)
        )
    except ConnectRefused as refusal:
        with transaction.atomic():
            _close(attempt)
            _refuse(user, attempt.unit, platform, refusal)
        raise
    if not found:
        nothing = ConnectRefused(
            _("%(platform)s gave access to no account, so there is nothing to connect.")
            % {"platform": connector.label},
            code="nothing_found",
        )
        with transaction.atomic():
            _close(attempt)
            _refuse(user, attempt.unit, platform, nothing)
        raise nothing
    attempt.found = [dataclasses.asdict(account) for account in found]
    attempt.flow_encrypted = ""
    attempt.save(update_fields=["found_encrypted", "flow_encrypted"])
    return attempt


def found_accounts(attempt: ConnectAttempt) -> list[Found]:
    return [
        Found(
            **{
                **account,
                "problems": tuple(account["problems"]),
                "details": tuple(account["details"]),
                "aliases": tuple(account.get("aliases") or ()),
            }
        )
        for account in attempt.found
    ]


def connect_chosen(*, user: User, attempt: ConnectAttempt, chosen: list[str]) -> list[Channel]:
    """Connect the accounts the administrator chose among those found."""
    if not attempt.is_open or attempt.user_id != user.pk:
        raise ConnectRefused(
            _("This connection has expired or was already used. Start again."),
            code="expired_state",
        )
    accounts = {account.external_id: account for account in found_accounts(attempt)}
    picked = [
        accounts[external_id] for external_id in dict.fromkeys(chosen) if external_id in accounts
    ]
    if not picked:
        raise ConnectRefused(_("Choose at least one account to connect."), code="none_chosen")
    channels = []
    with transaction.atomic():
        for account in picked:
            channels.append(_store(user=user, attempt=attempt, found=account))
        _close(attempt)
    return channels


def connect_with_form(
    *,
    user: User,
    unit: Unit,
    platform: str,
    sandbox: bool,
    fields: Mapping[str, str],
    channel: Channel | None = None,
) -> Channel:
    """Connect (or reconnect) a platform without a consent page (Telegram): check what the
    administrator typed with the platform, then store it."""
    _require_manage(user, unit)
    connector = connector_for(platform)
    try:
        target = target_for(connector, sandbox=sandbox)
        found = connector.check(target, fields)
        if found.problems:
            raise ConnectRefused(" ".join(found.problems), code="missing_rights")
    except ConnectRefused as refusal:
        _refuse(user, unit, platform, refusal)
        raise
    attempt = ConnectAttempt(
        state=secrets.token_urlsafe(32),
        platform=platform,
        unit=unit,
        user=user,
        channel=channel,
        sandbox=target.sandbox,
        expires_at=timezone.now(),
    )
    with transaction.atomic():
        return _store(user=user, attempt=attempt, found=found)


def _account_ids(attempt: ConnectAttempt, found: Found) -> set[str]:
    """The ids a channel of this account may have (a Telegram channel's @username too)."""
    return {found.external_id, *found.aliases}


def _same_account(attempt: ConnectAttempt, found: Found) -> Channel | None:
    """The unit's or another unit's channel of the same account, unless disconnected."""
    return (
        Channel.objects.select_for_update()
        .filter(
            platform=attempt.platform,
            external_id__in=_account_ids(attempt, found),
            api_base=found.api_base,
        )
        .exclude(status=Channel.Status.DISABLED)
        .select_related("unit")
        .order_by("pk")
        .first()
    )


def _store(*, user: User, attempt: ConnectAttempt, found: Found) -> Channel:
    unit = attempt.unit
    label = descriptor_for(attempt.platform).label
    if not found.connectable:
        raise ConnectRefused(
            _("“%(name)s” cannot be connected: %(problems)s")
            % {"name": found.name, "problems": " ".join(found.problems)},
            code="missing_rights",
        )
    channel = attempt.channel
    if channel is not None:
        if channel.external_id not in _account_ids(attempt, found):
            raise ConnectRefused(
                _(
                    "You signed in to “%(name)s”, not to the account of the channel being "
                    "reconnected. Sign in with the channel's own account."
                )
                % {"name": found.name},
                code="other_account",
            )
    else:
        channel = _same_account(attempt, found)
        if channel is not None and channel.unit_id != unit.pk:
            raise ConnectRefused(
                _(
                    "“%(name)s” is already connected to %(unit)s: a %(platform)s account "
                    "belongs to one unit. Ask that unit's administrator to disconnect it first."
                )
                % {"name": found.name, "unit": channel.unit.name, "platform": label},
                code="taken",
            )
    options = _options(attempt, found)
    if channel is not None:
        channel.name = found.name
        channel.options = {**channel.options, **options}
        channel.save(update_fields=["name", "options"])
        reconnect_channel(channel=channel, credentials=found.credentials, by=user)
    else:
        channel = Channel(
            unit=unit,
            platform=attempt.platform,
            name=found.name[:200],
            external_id=found.external_id,
            api_base=found.api_base,
            is_sandbox=attempt.sandbox,
            options=options,
        )
        channel.credentials = found.credentials
        channel.save()
        record_event(
            actor=user,
            action=Kind.CHANNEL_CREATE,
            obj=channel,
            unit_id=unit.pk,
            data={"platform": attempt.platform, "via": "connect", "sandbox": attempt.sandbox},
        )
    transaction.on_commit(lambda: _after_connect(channel.pk, found))
    return channel


def _options(attempt: ConnectAttempt, found: Found) -> dict[str, Any]:
    options = dict(found.options)
    if attempt.sandbox and settings.SANDBOX_URL:
        options["viewer_url"] = (
            f"{settings.SANDBOX_URL.rstrip('/')}/view/{attempt.platform}/{found.external_id}"
        )
    return options


def _after_connect(channel_id: int, found: Found) -> None:
    options = connector_for(Channel.objects.get(pk=channel_id).platform).after_connect(found)
    if options:
        channel = Channel.objects.get(pk=channel_id)
        channel.options = {**channel.options, **options}
        channel.save(update_fields=["options"])
    channel_connected.send(sender=Channel, channel_id=channel_id)


def disconnect_channel(*, user: User, channel: Channel) -> bool:
    """Give the platform's access back where it allows, forget the credentials and disable the
    channel (its history stays). Answers whether the platform took the access back."""
    _require_manage(user, channel.unit)
    credentials = channel.credentials if channel.credentials_encrypted else {}
    revoked = connector_for(channel.platform).disconnect(
        channel.api_base, channel.external_id, credentials
    )
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel.pk)
        channel.credentials_encrypted = ""
        channel.status = Channel.Status.DISABLED
        channel.status_reason = _("Disconnected by %(name)s") % {
            "name": user.get_full_name() or user.get_username()
        }
        channel.save(update_fields=["credentials_encrypted", "status", "status_reason"])
        # What was waiting to go out waits for a reconnect, as for an expired login.
        paused = Delivery.objects.filter(channel=channel, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.PAUSED
        )
        record_event(
            actor=user,
            action=Kind.CHANNEL_DISCONNECT,
            obj=channel,
            unit_id=channel.unit_id,
            data={"revoked": revoked, "paused_deliveries": paused},
        )
    return revoked
