"""The inbox's lists: the conversations of the units one may see (filtered, searched), and the
webhook bodies kept for inspection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.inbox.forms import FilterForm
from pressroom.inbox.models import Conversation, RawEvent
from pressroom.orgs.access import units_for
from pressroom.orgs.models import Capability

PAGE_SIZE = 30
WAITING = {
    "1h": timedelta(hours=1),
    "4h": timedelta(hours=4),
    "24h": timedelta(hours=24),
    "3d": timedelta(days=3),
}


def visible_conversations(user: Any) -> QuerySet[Conversation]:
    return Conversation.objects.filter(channel__unit__in=units_for(user, Capability.VIEW))


def filtered(conversations: QuerySet[Conversation], data: dict[str, Any]) -> QuerySet[Conversation]:
    if data.get("unit"):
        conversations = conversations.filter(channel__unit__path__startswith=data["unit"].path)
    if data.get("channel"):
        conversations = conversations.filter(channel=data["channel"])
    if data.get("platform"):
        conversations = conversations.filter(channel__platform=data["platform"])
    status = data.get("status") or ""
    if status == "":
        conversations = conversations.exclude(status=Conversation.Status.CLOSED)
    elif status != "all":
        conversations = conversations.filter(status=status)
    if data.get("tag"):
        conversations = conversations.filter(tag=data["tag"])
    if data.get("waiting") in WAITING:
        conversations = conversations.filter(
            waiting_since__lte=timezone.now() - WAITING[data["waiting"]]
        )
    query = (data.get("q") or "").strip()
    if query:
        conversations = conversations.filter(
            Q(snippet__icontains=query) | Q(messages__text__icontains=query)
        ).distinct()
    return conversations


@login_required
@require_GET
def inbox_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = units_for(request.user, Capability.VIEW)
    form = FilterForm(request.GET or None, units=units)
    data = form.cleaned_data if form.is_valid() else {}
    conversations = filtered(visible_conversations(request.user), data).select_related(
        "channel__unit", "assignee", "delivery__post"
    )
    page = Paginator(conversations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/list.html",
        {
            "form": form,
            "page": page,
            "now": timezone.now(),
            "filtered": any(data.values()) if data else False,
        },
    )


def may_inspect_events(user: Any) -> bool:
    """Bodies for no known channel belong to no unit: administrators of a top unit see them."""
    if getattr(user, "is_superuser", False):
        return True
    return units_for(user, Capability.MANAGE).filter(parent__isnull=True).exists()


@login_required
@require_GET
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Webhook bodies that were not read into the inbox: unreadable, for an unknown channel,
    or failed; kept for inspection."""
    if not may_inspect_events(request.user):
        raise Http404
    state = request.GET.get("state") or ""
    kept = RawEvent.objects.exclude(state__in=[RawEvent.State.STORED, RawEvent.State.PROCESSED])
    if state in RawEvent.State.values:
        kept = kept.filter(state=state)
    page = Paginator(kept.order_by("-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(event, bytes(event.body)[:2000].decode("utf-8", "replace")) for event in page]
    return render(
        request,
        "inbox/events.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "states": [
                (value, label)
                for value, label in RawEvent.State.choices
                if value not in (RawEvent.State.STORED, RawEvent.State.PROCESSED)
            ],
        },
    )
