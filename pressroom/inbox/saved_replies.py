"""Saved replies: a unit's ready answers, offered to it and to every unit below it.

Editors (COMPOSE) use them; a unit's administrators (MANAGE) write, change and delete them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.errors import ActionError
from pressroom.core.text import has_control_characters, nfc
from pressroom.inbox.models import SavedReply
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability, Unit

TITLE_MAX = 120
TEXT_MAX = 4000


def saved_replies_for(unit: Unit) -> QuerySet[SavedReply]:
    """The saved replies offered to the unit: its own and those of every unit above it."""
    return (
        SavedReply.objects.filter(unit_id__in=unit.ancestor_ids())
        .select_related("unit")
        .order_by("title", "id")
    )


def _require_manage(user: Any, unit: Unit) -> None:
    if Capability.MANAGE not in capabilities_in(user, unit):
        raise ActionError(
            _("Only an administrator of %(unit)s may change its saved replies.") % {"unit": unit}
        )


def _clean(title: str, text: str) -> tuple[str, str]:
    title, text = nfc(title).strip(), nfc(text).strip()
    problems = []
    if not title:
        problems.append(_("A saved reply needs a title."))
    elif len(title) > TITLE_MAX:
        problems.append(_("The title is longer than %(max)d characters.") % {"max": TITLE_MAX})
    elif has_control_characters(title):
        problems.append(_("Write the title on one line."))
    if not text:
        problems.append(_("A saved reply needs a text."))
    elif len(text) > TEXT_MAX:
        problems.append(_("The text is longer than %(max)d characters.") % {"max": TEXT_MAX})
    if problems:
        raise ActionError(*problems)
    return title, text


@transaction.atomic
def save_saved_reply(
    *, by: User, unit: Unit, title: str, text: str, saved_reply: SavedReply | None = None
) -> SavedReply:
    """Add a saved reply to the unit, or change one of the unit's own."""
    _require_manage(by, unit)
    if saved_reply is not None and saved_reply.unit_id != unit.pk:
        raise ActionError(_("This saved reply belongs to another unit."))
    title, text = _clean(title, text)
    if saved_reply is None:
        saved_reply = SavedReply.objects.create(unit=unit, title=title, text=text, created_by=by)
        created = True
    else:
        saved_reply.title, saved_reply.text = title, text
        saved_reply.save(update_fields=["title", "text", "updated_at"])
        created = False
    record_event(
        actor=by,
        action=Kind.INBOX_SAVED_REPLY_SET,
        obj=saved_reply,
        unit_id=unit.pk,
        data={"title": title, "created": created},
    )
    return saved_reply


@transaction.atomic
def delete_saved_reply(*, by: User, saved_reply: SavedReply) -> None:
    """Delete a saved reply (replies written with it keep their text)."""
    unit = saved_reply.unit
    _require_manage(by, unit)
    record_event(
        actor=by,
        action=Kind.INBOX_SAVED_REPLY_DELETE,
        obj=saved_reply,
        unit_id=unit.pk,
        data={"title": saved_reply.title},
    )
    saved_reply.delete()
