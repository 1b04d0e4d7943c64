"""`{% load corrections_tags %}`: the correction desk's suggestions under a flagged message,
for the inbox's conversation page (a template, so the inbox imports nothing of this app)."""

from __future__ import annotations

from typing import Any

from django import template

from pressroom.corrections.suggestions import Suggestion, may_answer, suggestions_by_message
from pressroom.inbox.models import Message

register = template.Library()


@register.inclusion_tag("corrections/suggestions.html", takes_context=True)
def claim_suggestions(context: template.Context, message: Message) -> dict[str, Any]:
    """`{% claim_suggestions message %}`: the claims the message seems to repeat, each with its
    correction's reply and a button to send it (a person decides), or nothing.

    The whole conversation is loaded at the first message and kept for the others."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    # One render of the page: the stubs type its values narrowly, any object is kept there.
    render_context: Any = context.render_context
    cache: dict[int, tuple[dict[int, list[Suggestion]], bool]] = render_context.setdefault(
        "corrections_suggestions", {}
    )
    if message.conversation_id not in cache:
        found = suggestions_by_message(message.conversation_id)
        allowed = bool(found) and user is not None and may_answer(user, message)
        cache[message.conversation_id] = (found, allowed)
    found, allowed = cache[message.conversation_id]
    return {
        "message": message,
        "suggestions": found.get(message.pk, []),
        "may_answer": allowed,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
