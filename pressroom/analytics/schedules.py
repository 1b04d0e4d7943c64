"""Scheduled reports: set and removed by a unit's administrators (audited), and sent once per
finished month or quarter to the people chosen, with the PDF and the workbook attached."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pressroom.analytics import documents, report
from pressroom.analytics.documents.model import Language
from pressroom.analytics.figures import Period
from pressroom.analytics.models import ReportSchedule
from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.orgs.access import AnyUser, capabilities_in
from pressroom.orgs.models import Capability, Unit

logger = logging.getLogger(__name__)
MAX_RECIPIENTS = 50


def _require_manage(user: AnyUser, unit: Unit) -> None:
    if Capability.MANAGE not in capabilities_in(user, unit):
        raise ActionError(_("Only the unit's administrators can schedule its reports."))


def clean_recipients(text: str) -> str:
    addresses = [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]
    if not addresses:
        raise ActionError(_("Give at least one e-mail address."))
    if len(addresses) > MAX_RECIPIENTS:
        raise ActionError(_("At most %(n)d recipients.") % {"n": MAX_RECIPIENTS})
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError as error:
            raise ActionError(
                _("“%(address)s” is not an e-mail address.") % {"address": address}
            ) from error
    return "\n".join(addresses)


@transaction.atomic
def set_schedule(
    *, by: User, unit: Unit, every: str, recipients: str, language: str
) -> ReportSchedule:
    _require_manage(by, unit)
    if every not in ReportSchedule.Every.values:
        raise ActionError(_("Choose every month or every quarter."))
    schedule = ReportSchedule.objects.create(
        unit=unit,
        every=every,
        recipients=clean_recipients(recipients),
        language=language if language in dict(settings.LANGUAGES) else "vi",
        created_by=by,
        # The period that has just ended is not sent: the first one is the next.
        last_sent=last_finished(every).key(),
    )
    record_event(
        actor=by,
        action=Kind.REPORT_SCHEDULE_SET,
        obj=schedule,
        unit_id=unit.pk,
        data={"every": every, "recipients": len(schedule.addresses()), "language": language},
    )
    return schedule


@transaction.atomic
def remove_schedule(*, by: AnyUser, schedule: ReportSchedule) -> None:
    _require_manage(by, schedule.unit)
    record_event(
        actor=by,
        action=Kind.REPORT_SCHEDULE_REMOVE,
        obj=schedule,
        unit_id=schedule.unit_id,
        data={"every": schedule.every},
    )
    schedule.delete()


def last_finished(every: str, today: date | None = None) -> Period:
    """The last month or quarter that has ended."""
    today = today or timezone.localdate()
    if every == ReportSchedule.Every.MONTH:
        before = today.replace(day=1) - timedelta(days=1)
        return Period.month(before.year, before.month)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    before = quarter_start - timedelta(days=1)
    return Period.quarter(before.year, (before.month - 1) // 3 + 1)


def send_due(today: date | None = None) -> int:
    """Send every schedule's last finished period, once; the number sent."""
    sent = 0
    for schedule in ReportSchedule.objects.select_related("unit", "created_by"):
        period = last_finished(schedule.every, today)
        if schedule.last_sent == period.key() or not schedule.unit.is_active:
            continue
        # Claimed before sending: a period is sent at most once, even by two processes.
        claimed = ReportSchedule.objects.filter(
            pk=schedule.pk, last_sent=schedule.last_sent
        ).update(last_sent=period.key())
        if not claimed:
            continue
        try:
            _send(schedule, period)
        except Exception:
            logger.exception("Could not send scheduled report %s", schedule.pk)
            ReportSchedule.objects.filter(pk=schedule.pk).update(last_sent=schedule.last_sent)
            continue
        sent += 1
    return sent


def _send(schedule: ReportSchedule, period: Period) -> None:
    language: Language = "en" if schedule.language == "en" else "vi"
    document = report.build(schedule.unit, period, language=language)
    with translation.override(language):
        subject = _("Report of %(unit)s for %(period)s") % {
            "unit": schedule.unit.name,
            "period": period.label(),
        }
        body = "\n\n".join(document.paragraphs)
        email = EmailMessage(subject=subject, body=body, to=schedule.addresses())
        name = f"{schedule.unit.slug}-{period.key()}"
        email.attach(f"{name}.pdf", documents.render_pdf(document), "application/pdf")
        email.attach(
            f"{name}.xlsx",
            documents.render_xlsx(document),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        email.send()
    record_event(
        actor=None,
        action=Kind.REPORT_SENT,
        obj=schedule,
        unit_id=schedule.unit_id,
        data={"period": period.key(), "recipients": len(schedule.addresses())},
    )
