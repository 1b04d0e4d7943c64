"""Content packs: a unit sends content (text, versions, media, theme, a date window) down to
chosen units below it; each adopts it as is or adapts it in its own post, which goes through
its own approval. Writes here (audited); adoption is read from the posts written from it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.audit.actions import record_event
from pressroom.content.models import Asset, ContentPack, Post, Theme
from pressroom.core.errors import ActionError
from pressroom.core.notifications import notify
from pressroom.core.text import nfc
from pressroom.orgs.access import AnyUser, capabilities_in, units_for
from pressroom.orgs.models import Capability, Role, Unit

# A unit is reminded of a pack at most this often (no flooding of a commune's notices).
REMIND_EVERY = timedelta(hours=24)
SENT = (Post.Status.PUBLISHED, Post.Status.PARTLY_FAILED)


class Adoption(enum.StrEnum):
    NOT_YET = "not_yet"
    ADOPTED = "adopted"
    ADAPTED = "adapted"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return str(_LABELS[self])


_LABELS = {
    Adoption.NOT_YET: gettext_lazy("Not yet"),
    Adoption.ADOPTED: gettext_lazy("Adopted as is"),
    Adoption.ADAPTED: gettext_lazy("Adapted"),
    Adoption.PUBLISHED: gettext_lazy("Published"),
}


@dataclass(frozen=True)
class UnitAdoption:
    unit: Unit
    state: Adoption
    post: Post | None
    # Published, and changed from the pack on the way.
    adapted: bool = False


def _changed(post: Post, pack: ContentPack) -> bool:
    return (post.title, post.body, post.link) != (pack.title, pack.body, pack.link)


def adoption_of(pack: ContentPack) -> list[UnitAdoption]:
    """Each unit the pack went to, with its furthest post written from it (2 queries)."""
    posts: dict[int, Post] = {}
    for post in pack.posts.order_by("created_at"):
        current = posts.get(post.unit_id)
        if current is None or (post.status in SENT and current.status not in SENT):
            posts[post.unit_id] = post
    rows: list[UnitAdoption] = []
    for unit in pack.units.order_by("path"):
        found = posts.get(unit.pk)
        if found is None:
            rows.append(UnitAdoption(unit, Adoption.NOT_YET, None))
        elif found.status in SENT:
            rows.append(UnitAdoption(unit, Adoption.PUBLISHED, found, _changed(found, pack)))
        elif _changed(found, pack):
            rows.append(UnitAdoption(unit, Adoption.ADAPTED, found, True))
        else:
            rows.append(UnitAdoption(unit, Adoption.ADOPTED, found))
    return rows


def counts_of(rows: list[UnitAdoption]) -> dict[str, int]:
    counts = {state.value: 0 for state in Adoption}
    for row in rows:
        counts[row.state.value] += 1
    return counts


def visible_packs(user: AnyUser) -> QuerySet[ContentPack]:
    """Packs sent by a unit the user works in, or sent to one."""
    units = units_for(user, Capability.VIEW)
    sent = ContentPack.objects.filter(unit__in=units).values("pk")
    received = ContentPack.objects.filter(units__in=units).values("pk")
    return ContentPack.objects.filter(pk__in=sent.union(received)).select_related("unit")


def received_by(user: AnyUser) -> QuerySet[ContentPack]:
    """Packs sent to units where the user writes posts."""
    return (
        ContentPack.objects.filter(units__in=units_for(user, Capability.COMPOSE))
        .distinct()
        .select_related("unit")
    )


def waiting_for(units: QuerySet[Unit], today: date, limit: int = 5) -> QuerySet[ContentPack]:
    """Packs sent to these units, meant for today, that none of them has written a post from
    yet: what the dashboard reminds its people of (the soonest ending first)."""
    return (
        ContentPack.objects.filter(units__in=units, starts_on__lte=today, ends_on__gte=today)
        .exclude(posts__unit__in=units)
        .distinct()
        .select_related("unit")
        .order_by("ends_on", "pk")[:limit]
    )


def _notify_units(pack: ContentPack, units: list[Unit], *, kind: str, text: str) -> int:
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__unit__in=units,
            memberships__role__in=[Role.EDITOR, Role.APPROVER, Role.ADMIN],
        )
        .distinct()
    )
    return notify(users=users, kind=kind, text=text, link=reverse("pack_detail", args=[pack.pk]))


def _window_text(pack: ContentPack) -> dict[str, str]:
    return {
        "title": pack.title,
        "unit": pack.unit.name,
        "until": formats.date_format(pack.ends_on, "SHORT_DATE_FORMAT"),
    }


@transaction.atomic
def send_pack(
    *,
    by: Any,
    unit: Unit,
    title: str,
    body: str,
    link: str = "",
    theme: Theme | None = None,
    variants: dict[str, dict[str, str]] | None = None,
    assets: list[Asset] | None = None,
    starts_on: date,
    ends_on: date,
    units: list[Unit],
) -> ContentPack:
    """Send a pack from `unit` (the person approves there) to units below it, who hear it."""
    if Capability.APPROVE not in capabilities_in(by, unit):
        raise ActionError(
            _("Only an approver of %(unit)s may send content packs from it.") % {"unit": unit}
        )
    title, body = " ".join(nfc(title).split()), nfc(body).strip()
    if not title or not body:
        raise ActionError(_("A content pack needs a title and a text."))
    if ends_on < starts_on:
        raise ActionError(_("The pack's last day comes before its first day."))
    below = [u for u in units if u.path.startswith(unit.path) and u.pk != unit.pk]
    if len(below) < len(units) or not below:
        raise ActionError(_("Choose units below %(unit)s to send the pack to.") % {"unit": unit})
    ancestors = unit.ancestor_ids()
    if theme is not None and theme.unit_id not in ancestors:
        raise ActionError(
            _("This theme belongs to another unit; choose one of %(unit)s or above it.")
            % {"unit": unit}
        )
    for asset in assets or []:
        if asset.unit_id not in ancestors:
            raise ActionError(
                _("%(name)s is in the media library of another unit.") % {"name": asset.name}
            )
    pack = ContentPack.objects.create(
        unit=unit,
        title=title,
        body=body,
        link=link.strip(),
        theme=theme,
        variants={
            platform: {"title": nfc(v.get("title", "")).strip(), "text": nfc(v["text"]).strip()}
            for platform, v in (variants or {}).items()
            if nfc(v.get("text", "")).strip()
        },
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    pack.assets.set(assets or [])
    pack.units.set(below)
    record_event(
        actor=by,
        action="pack.send",
        obj=pack,
        unit_id=unit.pk,
        data={"title": title, "units": sorted(u.pk for u in below)},
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(unit)s sent the content pack “%(title)s”: use it by %(until)s.") % (
            _window_text(pack)
        )
    _notify_units(pack, below, kind="pack_received", text=text)
    return pack


@transaction.atomic
def remind_units(*, pack: ContentPack, by: Any) -> list[Unit]:
    """Remind the units that have not adopted the pack yet (at most once a day); which."""
    pack = ContentPack.objects.select_for_update().select_related("unit").get(pk=pack.pk)
    if Capability.APPROVE not in capabilities_in(by, pack.unit):
        raise ActionError(
            _("Only an approver of %(unit)s may remind units of its packs.") % {"unit": pack.unit}
        )
    now = timezone.now()
    if pack.last_reminded_at is not None and now - pack.last_reminded_at < REMIND_EVERY:
        again = timezone.localtime(pack.last_reminded_at + REMIND_EVERY)
        raise ActionError(
            _("The units were reminded less than a day ago; remind them again after %(when)s.")
            % {"when": formats.date_format(again, "SHORT_DATETIME_FORMAT")}
        )
    waiting = [row.unit for row in adoption_of(pack) if row.state is Adoption.NOT_YET]
    if not waiting:
        raise ActionError(_("Every unit has already used this pack."))
    pack.last_reminded_at = now
    pack.save(update_fields=["last_reminded_at"])
    record_event(
        actor=by,
        action="pack.remind",
        obj=pack,
        unit_id=pack.unit_id,
        data={"units": [u.pk for u in waiting]},
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Reminder: %(unit)s's content pack “%(title)s” is waiting, until %(until)s.") % (
            _window_text(pack)
        )
    _notify_units(pack, waiting, kind="pack_reminder", text=text)
    return waiting


def initial_post(pack: ContentPack, unit: Unit) -> dict[str, Any]:
    """What the composer starts from for a unit adopting the pack."""
    initial: dict[str, Any] = {
        "pack": pack.pk,
        "unit": unit.pk,
        "title": pack.title,
        "body": pack.body,
        "link": pack.link,
        "theme": pack.theme_id,
        "body_shown": pack.body,
        "title_shown": pack.title,
        "library": [a.pk for a in pack.assets.filter(kind=Asset.Kind.IMAGE)],
    }
    for platform, version in pack.variants.items():
        initial[f"variant_{platform}_title"] = version.get("title") or pack.title
        initial[f"variant_{platform}_text"] = version.get("text") or pack.body
        initial[f"variant_{platform}_edited"] = "1"
    return initial
