"""What the public wrote to the channels, and how the units answered.

RawEvent keeps every webhook body as it came (the only copy: platforms keep nothing for us);
Conversation and Message are what the inbox shows; Reply is the outbox of answers, sent under
the same exactly-once rules as publishing. Policies, saved replies, notes, moderation and
data-subject requests are in the modules named after them.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pressroom.channels.models import Channel
from pressroom.orgs.models import Unit


class RawEvent(models.Model):
    """A webhook body, stored before the platform is answered and processed afterwards."""

    class State(models.TextChoices):
        STORED = "stored", _("Waiting to be read")
        PROCESSED = "processed", _("Read")
        # Not JSON, or not the platform's shape: kept for inspection, answered 400.
        MALFORMED = "malformed", _("Unreadable")
        # For a channel Pressroom does not know (yet): kept and shown to administrators.
        UNKNOWN_CHANNEL = "unknown_channel", _("For an unknown channel")
        FAILED = "failed", _("Could not be read")

    platform = models.CharField(_("platform"), max_length=20)
    # The same delivery twice has the same key: stored once.
    key = models.CharField(max_length=64, unique=True)
    channel = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="raw_events"
    )
    # The platform's ids of the channels the body concerns (for an unknown channel).
    account_ids = models.JSONField(default=list, blank=True)
    body = models.BinaryField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.STORED)
    error = models.TextField(blank=True)
    # The people the body is about (their platform ids): what an erasure reaches.
    people = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["state", "id"])]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.platform} {self.key[:12]} {self.state}"


class Conversation(models.Model):
    """A post's comment thread, or one person's message thread, on one channel."""

    class Kind(models.TextChoices):
        COMMENTS = "comments", _("Comments on a post")
        MESSAGES = "messages", _("Private messages")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class Tag(models.TextChoices):
        NONE = "", _("No tag")
        QUESTION = "question", _("Question")
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        SPAM = "spam", _("Spam")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="conversations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The platform's thread: `post:<remote post id>` or `person:<id>` (see platforms.inbound).
    key = models.CharField(max_length=300)
    # The official post the comments are under (its remote id, and our delivery when known).
    post_remote_id = models.CharField(max_length=200, blank=True)
    delivery = models.ForeignKey(
        "publishing.Delivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    # A message thread's person (shown inside the thread only).
    person_id = models.CharField(max_length=200, blank=True)
    person_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    tag = models.CharField(_("tag"), max_length=12, choices=Tag.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
        verbose_name=_("assigned to"),
    )
    # The citizen's first message still unanswered: response time runs from here.
    waiting_since = models.DateTimeField(null=True, blank=True, db_index=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    first_inbound_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    # Working seconds (the unit's business hours) to the first answer, and to closing.
    first_response_s = models.FloatField(null=True, blank=True)
    resolution_s = models.FloatField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    inbound_count = models.PositiveIntegerField(default=0)
    outbound_count = models.PositiveIntegerField(default=0)
    # The newest text, for the list and the search (erased with the bodies).
    snippet = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-last_message_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "key"], name="one_conversation_per_thread")
        ]
        indexes: ClassVar = [models.Index(fields=["status", "last_message_at"])]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"{self.channel} · {self.key}"


class Message(models.Model):
    """One comment or message, the citizen's or the channel's."""

    class Direction(models.TextChoices):
        IN = "in", _("From the public")
        OUT = "out", _("From the channel")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    remote_id = models.CharField(max_length=200)
    parent_remote_id = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    author_id = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(db_index=True)
    # The channel answered from elsewhere (the platform's own tools), not through Pressroom.
    from_outside = models.BooleanField(default=False)
    reply = models.OneToOneField(
        "inbox.Reply", on_delete=models.SET_NULL, null=True, blank=True, related_name="message"
    )
    hidden = models.BooleanField(default=False)
    removed = models.BooleanField(default=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The body was deleted (retention or a person's erasure); the count stays.
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "remote_id"], name="one_message_per_item")
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.direction} {self.remote_id}"


class Reply(models.Model):
    """An answer written in Pressroom: the outbox row it is sent from, exactly once."""

    class Way(models.TextChoices):
        PUBLIC = "public", _("Public reply")
        PRIVATE = "private", _("Private reply")
        MESSAGE = "message", _("Message")

    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRY = "retry", _("Will retry")
        # The answer was lost: look for it on the platform before any resend.
        UNKNOWN = "unknown", _("Looking for it on the platform")
        WAITING_FOR_PERSON = "waiting_for_person", _("Waiting for a person to look")
        FAILED = "failed", _("Failed")
        DECLINED = "declined", _("Not approved")

    OPEN: ClassVar = (State.QUEUED, State.SENDING, State.RETRY, State.UNKNOWN)

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="replies")
    in_reply_to = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="answers"
    )
    way = models.CharField(_("how"), max_length=10, choices=Way.choices)
    text = models.TextField(_("reply"))
    human_agent = models.BooleanField(default=False)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inbox_replies"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_inbox_replies",
    )
    saved_reply = models.ForeignKey(
        "inbox.SavedReply", on_delete=models.SET_NULL, null=True, blank=True, related_name="uses"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    needs_look = models.BooleanField(default=False)
    first_sent_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["state", "due_at"])]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.way} {self.state} {self.reference}"

    @property
    def platform_reference(self) -> str:
        return f"pressroom:{self.reference}"


class SavedReply(models.Model):
    """A unit's ready answer; the units below it use it too."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")

    def __str__(self) -> str:
        return self.title


class Note(models.Model):
    """A colleague's note on a conversation: never sent, never shown to the public."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return f"note {self.pk}"


class PollCursor(models.Model):
    """Where polling a channel goes on from: the platform's own cursor."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="poll_cursor")
    cursor = models.JSONField(default=dict, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"cursor {self.channel_id}"


class ResponsePolicy(models.Model):
    """A unit's answer targets and working hours; units without one use the nearest above."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="response_policy")
    first_response_hours = models.FloatField(_("first answer within (working hours)"), default=4)
    resolution_hours = models.FloatField(_("closed within (working hours)"), default=24)
    day_starts = models.TimeField(_("working day starts"), default="07:30")
    day_ends = models.TimeField(_("working day ends"), default="17:00")
    # ISO weekdays, Monday = 1.
    weekdays = models.JSONField(_("working days"), default=list)
    replies_need_approval = models.BooleanField(
        _("replies by editors need an approver"), default=False
    )

    class Meta:
        verbose_name = _("response policy")
        verbose_name_plural = _("response policies")

    def __str__(self) -> str:
        return f"policy {self.unit_id}"


class ModerationReason(models.TextChoices):
    """The published moderation policy's grounds (see /moderation-policy/): nothing else."""

    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Insults or harassment")
    THREAT = "threat", _("Threats of violence")
    PERSONAL_DATA = "personal_data", _("Someone's personal data exposed")


class ModerationAction(models.Model):
    """One hide, unhide or delete of a comment on the administration's own channel."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        UNHIDE = "unhide", _("Shown again")
        DELETE = "delete", _("Deleted")

    class State(models.TextChoices):
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="moderation")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(
        _("reason"), max_length=20, choices=ModerationReason.choices, blank=True
    )
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Done in the platform's own tools, learnt from its webhook.
    outside = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DONE)
    error = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.action} {self.message_id}"


class DataSubjectRequest(models.Model):
    """A person's request to see or erase their messages on one channel, with its deadlines
    (Law 91/2025/QH15 on personal data protection, Decree 356/2025)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("A copy of their messages")
        ERASE = "erase", _("Erasure of their messages")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    person_id = models.CharField(_("the person's id on the platform"), max_length=200)
    contact = models.CharField(_("how to answer them"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received on"))
    state = models.CharField(max_length=15, choices=State.choices, default=State.RECEIVED)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("what was done"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"
