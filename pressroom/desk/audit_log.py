"""The audit log as leadership and administrators read it: which events a person may see,
the rows of a page, and the export (itself recorded in the chain)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.audit.models import AuditEvent
from pressroom.channels.models import Channel
from pressroom.content.access import visible_posts
from pressroom.content.models import Post
from pressroom.core.dates import VIETNAM
from pressroom.orgs.access import tops, units_for
from pressroom.orgs.models import Capability, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# More rows than this are not written to one file: the last row says the file was cut.
EXPORT_LIMIT = 50_000
# How much of an event's data a page shows.
SUMMARY_KEYS = 4
SUMMARY_VALUE_CHARS = 60
# Keys never shown, whatever their value (the data holds no secrets, and should one ever
# slip in under such a name, it stays out of pages and files).
_SECRET_WORDS = ("token", "secret", "password", "passwd", "credential", "api_key")
_LABELS = dict(Kind.choices)


def visible_events(user: User, approve_units: QuerySet[Unit]) -> QuerySet[AuditEvent] | None:
    """The events the person may read, or None if they may read none (`approve_units`: their
    `units_for(user, Capability.APPROVE)`).

    A superuser reads everything, events without a unit too (sign-ins, the system's own).
    An approver or administrator (administrators approve too) reads the events of the units
    where they approve and every unit below them, merged units kept as history included.
    """
    if user.is_superuser:
        return AuditEvent.objects.all()
    paths = list(tops(approve_units).values_list("path", flat=True))
    if not paths:
        return None
    below = Q()
    for path in paths:
        below |= Q(path__startswith=path)
    return AuditEvent.objects.filter(unit_id__in=Unit.objects.filter(below).values("pk"))


def newest_first(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return events.select_related("actor").order_by("-created_at", "-id")


def is_secret(key: object) -> bool:
    name = str(key).lower()
    return any(word in name for word in _SECRET_WORDS)


def without_secrets(value: Any) -> Any:
    """The data with every key named like a secret left out, at any depth."""
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items() if not is_secret(k)}
    if isinstance(value, list):
        return [without_secrets(item) for item in value]
    return value


def summary(data: Any) -> list[tuple[str, str]]:
    """A few `key: value` pairs of an event's data, values shortened."""
    if not isinstance(data, dict):
        return []
    pairs: list[tuple[str, str]] = []
    for key, value in without_secrets(data).items():
        if len(pairs) == SUMMARY_KEYS:
            break
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if len(text) > SUMMARY_VALUE_CHARS:
            text = text[: SUMMARY_VALUE_CHARS - 1] + "…"
        pairs.append((str(key), text))
    return pairs


def action_label(code: str) -> str:
    """The kind's label in the reader's language; the code itself for a kind no longer listed."""
    label = _LABELS.get(code)
    return str(label) if label is not None else code


def type_label(object_type: str) -> str:
    """A model's name for people ("post", "channel"), or the stored type if it is gone."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(model._meta.verbose_name)


@dataclass
class Row:
    """One event as the page shows it."""

    event: AuditEvent
    action_label: str
    unit_name: str
    object_label: str
    object_url: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def account_removed(self) -> bool:
        return self.event.actor_id is None and bool(self.event.actor_ref)

    @property
    def by_system(self) -> bool:
        return self.event.actor_id is None and not self.event.actor_ref


def _ids_of(events: Sequence[AuditEvent], object_type: str) -> set[int]:
    return {
        int(event.object_id)
        for event in events
        if event.object_type == object_type and event.object_id.isdigit()
    }


def rows_of(events: Sequence[AuditEvent], *, user: User) -> list[Row]:
    """The page's rows: the unit names in one query, the posts and channels the reader may
    open in one query each (none when the page names none)."""
    post_type, channel_type = Post._meta.label_lower, Channel._meta.label_lower
    unit_ids = {event.unit_id for event in events if event.unit_id is not None}
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")) if unit_ids else {}
    post_ids, channel_ids = _ids_of(events, post_type), _ids_of(events, channel_type)
    posts: dict[int, str] = {}
    if post_ids:
        posts = dict(visible_posts(user).filter(pk__in=post_ids).values_list("pk", "title"))
    channels: dict[int, str] = {}
    if channel_ids:
        channels = dict(
            Channel.objects.filter(
                pk__in=channel_ids, unit__in=units_for(user, Capability.VIEW)
            ).values_list("pk", "name")
        )
    rows = []
    for event in events:
        pk = int(event.object_id) if event.object_id.isdigit() else None
        if event.object_type == post_type and pk in posts:
            label, url = posts[pk], reverse("post_detail", args=[pk])
        elif event.object_type == channel_type and pk in channels:
            label, url = channels[pk], reverse("channel_detail", args=[pk])
        elif event.object_type:
            label, url = f"{type_label(event.object_type)} #{event.object_id}", ""
        else:
            label, url = "", ""
        rows.append(
            Row(
                event=event,
                action_label=action_label(event.action),
                unit_name=units.get(event.unit_id, "") if event.unit_id is not None else "",
                object_label=label,
                object_url=url,
                details=summary(event.data),
            )
        )
    return rows


def person_of(event: AuditEvent) -> str:
    """Who did it, for a file: the full name, the user name of a removed account, or the
    system (with what it was: the dispatcher, an anonymous visitor)."""
    if event.actor is not None:
        name = f"{event.actor.last_name} {event.actor.first_name}".strip()
        return name or event.actor.get_username()
    if event.actor_ref:
        return event.actor_label
    if event.actor_label and event.actor_label != "system":
        return f"{_('System')} ({event.actor_label})"
    return _("System")


def header() -> list[str]:
    return [
        _("When"),
        _("Person"),
        _("User name"),
        _("Action code"),
        _("Action"),
        _("Object type"),
        _("Object ID"),
        _("Unit"),
        _("Data"),
    ]


def _cells(events: Iterable[AuditEvent], units: dict[int, str]) -> Iterable[list[str]]:
    for event in events:
        yield [
            timezone.localtime(event.created_at, VIETNAM).isoformat(timespec="seconds"),
            person_of(event),
            event.actor.get_username() if event.actor is not None else event.actor_label,
            event.action,
            action_label(event.action),
            event.object_type,
            event.object_id,
            units.get(event.unit_id, "") if event.unit_id is not None else "",
            json.dumps(without_secrets(event.data), ensure_ascii=False, sort_keys=True),
        ]


def export_audit_log(
    *,
    by: User,
    events: QuerySet[AuditEvent],
    unit_id: int | None,
    filters: dict[str, Any],
) -> tuple[list[str], list[list[str]], bool]:
    """The filtered events for a file, newest first, at most EXPORT_LIMIT of them (then a last
    row says so); the export is recorded in the chain with the filters it used.

    The rows are read before the event is written, so the chain's lock is held only for the
    one append, not while 50,000 rows are read.
    """
    units = dict(Unit.objects.filter(pk__in=events.values("unit_id")).values_list("pk", "name"))
    cells = list(_cells(newest_first(events)[: EXPORT_LIMIT + 1].iterator(chunk_size=2000), units))
    cut = len(cells) > EXPORT_LIMIT
    del cells[EXPORT_LIMIT:]
    rows = len(cells)
    if cut:
        cells.append(
            [
                _(
                    "The file was cut at %(count)s rows: more events match. "
                    "Narrow the filters to export the rest."
                )
                % {"count": number_format(EXPORT_LIMIT, force_grouping=True)}
            ]
        )
    record_event(
        actor=by,
        action=Kind.AUDIT_EXPORT,
        unit_id=unit_id,
        data={"filters": filters, "rows": rows, "cut": cut},
    )
    return header(), cells, cut
