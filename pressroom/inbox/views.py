"""The conversation page and what is done from it: replies, approval, assignment, status and
tag, notes, moderation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pressroom.core.errors import ActionError, add_to_form, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.inbox import actions, replies, sending
from pressroom.inbox.forms import AssignForm, ModerateForm, NoteForm, ReplyForm, StatusForm
from pressroom.inbox.models import Conversation, Message, Reply, SavedReply
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability
from pressroom.platforms.registry import listener_for


def get_conversation_for(
    request: AuthenticatedHttpRequest, conversation_id: int
) -> tuple[Conversation, frozenset[str]]:
    conversation = get_object_or_404(
        Conversation.objects.select_related("channel__unit", "assignee", "delivery__post"),
        pk=conversation_id,
    )
    caps = capabilities_in(request.user, conversation.channel.unit)
    if Capability.VIEW not in caps:
        raise Http404
    return conversation, caps


def _thread(conversation: Conversation) -> list[tuple[Message, int]]:
    """The messages in reading order, each with its depth under the comment it answers."""
    items = list(conversation.messages.select_related("reply__written_by").order_by("at", "id"))
    by_remote = {message.remote_id: message for message in items}
    depth: dict[int, int] = {}
    children: dict[str, list[Message]] = {}
    roots: list[Message] = []
    for message in items:
        parent = by_remote.get(message.parent_remote_id)
        if parent is not None and parent.pk != message.pk:
            children.setdefault(parent.remote_id, []).append(message)
        else:
            roots.append(message)
    ordered: list[tuple[Message, int]] = []

    def walk(message: Message, level: int) -> None:
        depth[message.pk] = level
        ordered.append((message, min(level, 4)))
        for child in children.get(message.remote_id, []):
            if child.pk not in depth:
                walk(child, level + 1)

    for root in roots:
        walk(root, 0)
    return ordered


@login_required
@require_GET
def conversation_detail(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation, caps = get_conversation_for(request, conversation_id)
    return render_conversation(request, conversation, caps)


def render_conversation(
    request: AuthenticatedHttpRequest,
    conversation: Conversation,
    caps: frozenset[str],
    *,
    reply_form: ReplyForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    saved = replies.saved_replies_for(conversation)
    chosen_saved = None
    if reply_form is None:
        initial: dict[str, Any] = {}
        saved_id = request.GET.get("saved")
        if saved_id and saved_id.isdigit():
            chosen_saved = next((s for s in saved if s.pk == int(saved_id)), None)
            if chosen_saved is not None:
                initial = {"text": chosen_saved.text, "saved_reply": chosen_saved.pk}
        answering = request.GET.get("answer")
        if answering and answering.isdigit():
            initial["in_reply_to"] = int(answering)
        reply_form = ReplyForm(initial=initial)
    answered = None
    answer_id = reply_form["in_reply_to"].value()
    if answer_id:
        answered = conversation.messages.filter(pk=answer_id).first()
    ways = replies.windows(conversation, answered)
    reply_form.fields["way"].choices = [  # type: ignore[attr-defined]
        (w.way, w.rule.label) for w in ways if w.open
    ]
    listener = listener_for(conversation.channel.platform)
    return render(
        request,
        "inbox/conversation.html",
        {
            "conversation": conversation,
            "thread": _thread(conversation),
            "windows": ways,
            "answered": answered,
            "reply_form": reply_form,
            "note_form": note_form or NoteForm(),
            "assign_form": AssignForm(
                initial={"assignee": conversation.assignee_id}, conversation=conversation
            ),
            "status_form": StatusForm(
                initial={"status": conversation.status, "tag": conversation.tag}
            ),
            "moderate_form": ModerateForm(),
            "moderation": sorted(str(kind) for kind in listener.moderation),
            "saved_replies": saved,
            "notes": conversation.notes.select_related("author"),
            "pending": conversation.replies.exclude(state=Reply.State.SENT).select_related(
                "written_by"
            ),
            "may_answer": Capability.COMPOSE in caps,
            "may_approve": Capability.APPROVE in caps,
            "may_manage": Capability.MANAGE in caps,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
def conversation_reply(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation, caps = get_conversation_for(request, conversation_id)
    form = ReplyForm(request.POST)
    ways = replies.windows(conversation)
    form.fields["way"].choices = Reply.Way.choices  # type: ignore[attr-defined]
    if not form.is_valid():
        return render_conversation(request, conversation, caps, reply_form=form, status=400)
    data = form.cleaned_data
    answered = None
    if data.get("in_reply_to"):
        answered = conversation.messages.filter(pk=data["in_reply_to"]).first()
    saved = None
    if data.get("saved_reply"):
        saved = SavedReply.objects.filter(
            pk=data["saved_reply"], unit_id__in=conversation.channel.unit.ancestor_ids()
        ).first()
    try:
        reply = replies.write_reply(
            user=request.user,
            conversation=conversation,
            text=data["text"],
            way=data["way"],
            in_reply_to=answered,
            saved_reply=saved,
        )
    except ActionError as error:
        add_to_form(form, error)
        return render_conversation(request, conversation, caps, reply_form=form, status=400)
    del ways
    if reply.state == Reply.State.AWAITING_APPROVAL:
        messages.info(request, _("Your reply waits for an approver of the unit."))
    else:
        messages.success(request, _("Your reply is on its way."))
    return redirect("inbox_conversation", conversation.pk)


@login_required
@require_POST
def conversation_assign(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation, caps = get_conversation_for(request, conversation_id)
    form = AssignForm(request.POST, conversation=conversation)
    if Capability.COMPOSE not in caps or not form.is_valid():
        messages.error(request, _("Choose a colleague of this unit."))
        return redirect("inbox_conversation", conversation.pk)
    actions.assign(
        user=request.user, conversation=conversation, assignee=form.cleaned_data["assignee"]
    )
    messages.success(request, _("Assignment saved."))
    return redirect("inbox_conversation", conversation.pk)


@login_required
@require_POST
def conversation_status(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation, caps = get_conversation_for(request, conversation_id)
    form = StatusForm(request.POST)
    if Capability.COMPOSE not in caps or not form.is_valid():
        messages.error(request, _("Choose a status and a tag from the lists."))
        return redirect("inbox_conversation", conversation.pk)
    actions.set_status(
        user=request.user,
        conversation=conversation,
        status=form.cleaned_data["status"],
        tag=form.cleaned_data["tag"],
    )
    messages.success(request, _("Conversation updated."))
    return redirect("inbox_conversation", conversation.pk)


@login_required
@require_POST
def conversation_note(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation, caps = get_conversation_for(request, conversation_id)
    form = NoteForm(request.POST)
    if Capability.COMPOSE not in caps:
        raise Http404
    if not form.is_valid():
        return render_conversation(request, conversation, caps, note_form=form, status=400)
    actions.add_note(user=request.user, conversation=conversation, text=form.cleaned_data["text"])
    return redirect("inbox_conversation", conversation.pk)


@login_required
@require_POST
def message_moderate(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(Message.objects.select_related("conversation"), pk=message_id)
    conversation, caps = get_conversation_for(request, message.conversation_id)
    form = ModerateForm(request.POST)
    if Capability.COMPOSE not in caps:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Choose what to do and the reason."))
        return redirect("inbox_conversation", conversation.pk)
    try:
        actions.moderate(
            user=request.user,
            message=message,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            explanation=form.cleaned_data["explanation"],
        )
    except ActionError as error:
        add_to_messages(request, error)
    else:
        messages.success(request, _("Done, and written to the moderation log."))
    return redirect("inbox_conversation", conversation.pk)


@login_required
@require_POST
def reply_decide(request: AuthenticatedHttpRequest, reply_id: int) -> HttpResponse:
    reply = get_object_or_404(Reply.objects.select_related("conversation"), pk=reply_id)
    conversation, _caps = get_conversation_for(request, reply.conversation_id)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            replies.approve_reply(user=request.user, reply=reply)
            messages.success(request, _("Approved: the reply is on its way."))
        elif decision == "decline":
            replies.decline_reply(user=request.user, reply=reply)
            messages.info(request, _("The reply will not be sent."))
        elif decision in ("arrived", "missing"):
            if Capability.COMPOSE not in _caps:
                raise Http404
            sending.settle(user=request.user, reply=reply, arrived=decision == "arrived")
            messages.success(request, _("Thank you: noted."))
    except ActionError as error:
        add_to_messages(request, error)
    return redirect("inbox_conversation", conversation.pk)
