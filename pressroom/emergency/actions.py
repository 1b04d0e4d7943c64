"""Writes to emergency alerts and templates: compose, confirm (second person), cancel.

An alert is a post with `is_emergency=True` to every channel of the chosen units. The
composer writes it and sends it for confirmation (`save_post`, `submit_post`: the post's
problems are found then). A second person with approval rights on every chosen unit confirms
it after proving again who they are; confirming approves the post and publishes it now
(`approve_emergency_post`, `schedule_post(at=None)`) in one transaction; `approve_post`
refuses an emergency post. Its deliveries get the highest priority (`publishing.scheduling`), so
the dispatcher sends them before anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.channels.models import Channel
from pressroom.content import actions as content
from pressroom.content.models import Post
from pressroom.content.validation import MAX_TEXT
from pressroom.core.errors import ActionError
from pressroom.core.text import has_control_characters, nfc
from pressroom.emergency.models import EmergencyAlert, EmergencyTemplate, Hazard
from pressroom.emergency.templating import MAX_LABEL, TemplateProblem, fields_of, fill
from pressroom.emergency.two_factor import reauthenticate
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Unit
from pressroom.publishing import scheduling


def _require(user: Any, unit: Unit, capability: str) -> None:
    if capability not in capabilities_in(user, unit):
        raise ActionError(_("You are not allowed to do this for %(unit)s.") % {"unit": unit})


def channels_of(units: Iterable[Unit]) -> list[Channel]:
    """Every channel of these units that is not switched off (paused ones wait for a reconnect)."""
    return list(
        Channel.objects.filter(unit__in=list(units))
        .exclude(status=Channel.Status.DISABLED)
        .select_related("unit")
        .order_by("unit__path", "platform", "name")
    )


def render_template(template: EmergencyTemplate, values: dict[str, str]) -> tuple[str, str]:
    """The template's title and text with its fields filled; a missing field is refused."""
    try:
        labels = template.field_labels
        return fill(template.title, values, labels), fill(template.text, values, labels)
    except TemplateProblem as problem:
        raise ActionError(*problem.messages) from problem


@transaction.atomic
def compose_alert(
    *,
    by: User,
    unit: Unit,
    hazard: str = "",
    units: Iterable[Unit] | None = None,
    title: str = "",
    text: str = "",
    template: EmergencyTemplate | None = None,
    values: dict[str, str] | None = None,
) -> EmergencyAlert:
    """Write an alert from `unit` to the chosen units (default: the unit's whole subtree).

    It waits for a second person to confirm it; nothing is sent until then.
    """
    _require(by, unit, Capability.COMPOSE)
    chosen = list(units) if units is not None else list(unit.subtree())
    if not chosen:
        raise ActionError(_("Choose at least one unit to receive the alert."))
    for target in chosen:
        if not target.path.startswith(unit.path):
            raise ActionError(
                _("%(target)s is not under %(unit)s: an alert goes to the units below its own.")
                % {"target": target, "unit": unit}
            )
        _require(by, target, Capability.COMPOSE)
    if template is not None:
        if not template.is_active or template.unit_id not in unit.ancestor_ids():
            raise ActionError(_("This template is not offered to %(unit)s.") % {"unit": unit})
        hazard = template.hazard
        title, text = render_template(template, values or {})
    if hazard not in Hazard.values:
        raise ActionError(_("Choose the kind of hazard."))
    title, text = nfc(title).strip(), nfc(text).strip()
    if not title:
        raise ActionError(_("The alert needs a title."))
    if not text:
        raise ActionError(_("The alert needs a text."))
    channels = channels_of(chosen)
    if not channels:
        raise ActionError(
            _("The chosen units have no channel. A unit administrator connects channels.")
        )
    post = content.save_post(by=by, unit=unit, title=title, body=text, channels=channels)
    Post.objects.filter(pk=post.pk).update(is_emergency=True)
    # Sending for confirmation checks the post on every channel (length, title, …) now, so the
    # composer fixes it before the second person is asked.
    post = content.submit_post(post=post, by=by)
    alert = EmergencyAlert.objects.create(
        unit=unit, hazard=hazard, template=template, post=post, composed_by=by
    )
    alert.units.set(chosen)
    record_event(
        actor=by,
        action="emergency.compose",
        obj=alert,
        unit_id=unit.pk,
        data={
            "post": post.pk,
            "hazard": hazard,
            "template": template.pk if template else None,
            "units": [target.pk for target in chosen],
            "channels": len(channels),
        },
    )
    return alert


def check_confirmer(alert: EmergencyAlert, by: User) -> None:
    """Why this person cannot confirm this alert now (raises), before asking them for a code."""
    if alert.status != EmergencyAlert.Status.WAITING:
        raise ActionError(
            _("This alert is %(status)s; only an alert waiting for confirmation can be confirmed.")
            % {"status": alert.get_status_display().lower()}
        )
    if alert.composed_by_id == by.pk:
        raise ActionError(
            _(
                "You composed this alert, so you cannot confirm it. A second person with "
                "approval rights on every chosen unit must confirm it."
            )
        )
    for target in [alert.unit, *alert.units.all()]:
        if Capability.APPROVE not in capabilities_in(by, target):
            raise ActionError(
                _("Only an approver of %(unit)s can confirm this alert.") % {"unit": target}
            )
    problems = content.problems_of(alert.post)
    if problems:
        raise ActionError(*problems)


def confirm_alert(
    *, alert: EmergencyAlert, by: User, code: str = "", password: str = ""
) -> EmergencyAlert:
    """The second person confirms: re-authenticate, then approve and publish now, atomically.

    With two-factor on, `code` is required (a current TOTP code); otherwise `password`.
    """
    check_confirmer(alert, by)
    # Outside the transaction below: a wrong code is recorded (audit, django-otp's back-off)
    # even though nothing is confirmed.
    method = reauthenticate(user=by, code=code, password=password, about=alert)
    return _confirm(alert=alert, by=by, method=method)


@transaction.atomic
def _confirm(*, alert: EmergencyAlert, by: User, method: str) -> EmergencyAlert:
    alert = (
        EmergencyAlert.objects.select_for_update(of=("self",))
        .select_related("post", "unit")
        .get(pk=alert.pk)
    )
    # Again under the lock: another approver may have confirmed or cancelled meanwhile.
    check_confirmer(alert, by)
    post = content.approve_emergency_post(post=alert.post, by=by)
    post = scheduling.schedule_post(post=post, by=by, at=None)
    alert.status = EmergencyAlert.Status.SENT
    alert.confirmed_by = by
    alert.confirmed_at = timezone.now()
    alert.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    alert.post = post
    record_event(
        actor=by,
        action="emergency.confirm",
        obj=alert,
        unit_id=alert.unit_id,
        data={"post": post.pk, "channels": post.deliveries.count(), "reauthenticated": method},
    )
    return alert


@transaction.atomic
def cancel_alert(*, alert: EmergencyAlert, by: User, reason: str) -> EmergencyAlert:
    """Stop an alert before it is confirmed: its composer or an approver, with a reason."""
    alert = (
        EmergencyAlert.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=alert.pk)
    )
    if alert.status != EmergencyAlert.Status.WAITING:
        raise ActionError(_("Only an alert waiting for confirmation can be cancelled."))
    own = alert.composed_by_id == by.pk
    if not own and Capability.APPROVE not in capabilities_in(by, alert.unit):
        raise ActionError(
            _("Only its composer or an approver of %(unit)s can cancel this alert.")
            % {"unit": alert.unit}
        )
    reason = nfc(reason).strip()
    if not reason:
        raise ActionError(_("Say why the alert is cancelled."))
    now = timezone.now()
    # The post is finished: it is never sent, changed or sent for review again.
    Post.objects.filter(pk=alert.post_id).update(status=Post.Status.CANCELLED, updated_at=now)
    alert.status = EmergencyAlert.Status.CANCELLED
    alert.cancelled_by = by
    alert.cancelled_at = now
    alert.cancel_reason = reason
    alert.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
    record_event(
        actor=by,
        action="emergency.cancel",
        obj=alert,
        unit_id=alert.unit_id,
        data={"post": alert.post_id, "reason": reason},
    )
    return alert


@transaction.atomic
def save_template(
    *,
    by: User,
    unit: Unit,
    hazard: str,
    title: str,
    text: str,
    is_active: bool = True,
    labels: dict[str, str] | None = None,
    template: EmergencyTemplate | None = None,
) -> EmergencyTemplate:
    """Create or change a unit's pre-approved template (unit administrators)."""
    _require(by, unit, Capability.MANAGE)
    if template is not None and template.unit_id != unit.pk:
        raise ActionError(_("A template stays with its unit."))
    if hazard not in Hazard.values:
        raise ActionError(_("Choose the kind of hazard."))
    title, text = nfc(title).strip(), nfc(text).strip()
    if not title or not text:
        raise ActionError(_("A template needs a title and a text."))
    if has_control_characters(title):
        raise ActionError(
            _("A title is one line: remove the line breaks, tabs or control characters.")
        )
    if len(title) > content.MAX_TITLE:
        raise ActionError(
            _("A title may have at most %(max)d characters.") % {"max": content.MAX_TITLE}
        )
    if len(text) > MAX_TEXT:
        raise ActionError(
            _("A text may have at most %(max)d characters; this one has %(count)d.")
            % {"max": MAX_TEXT, "count": len(text)}
        )
    try:
        fields = fields_of(title, text)
    except TemplateProblem as problem:
        raise ActionError(*problem.messages) from problem
    labels = {name: nfc(label).strip() for name, label in (labels or {}).items()}
    for name, label in labels.items():
        if name not in fields:
            raise ActionError(
                _("“%(field)s” is not a field of this template's title or text.") % {"field": name}
            )
        if not label or has_control_characters(label) or len(label) > MAX_LABEL:
            raise ActionError(
                _("The label of “%(field)s” may have at most %(max)d characters.")
                % {"field": name, "max": MAX_LABEL}
            )
    creating = template is None
    template = template or EmergencyTemplate(unit=unit)
    template.hazard = hazard
    template.title = title
    template.text = text
    template.is_active = is_active
    # In the order the fields appear, as the composer shows them.
    template.field_labels = {name: labels[name] for name in fields if name in labels}
    template.save()
    record_event(
        actor=by,
        action="emergency_template.create" if creating else "emergency_template.edit",
        obj=template,
        unit_id=unit.pk,
        data={
            "title": title,
            "hazard": hazard,
            "fields": fields,
            "labels": template.field_labels,
            "active": is_active,
        },
    )
    return template
