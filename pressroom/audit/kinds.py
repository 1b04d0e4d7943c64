"""Every kind of event the audit chain records: a closed list, each with a label for people.

`record_event` refuses a kind that is not here, so a new kind of event is added here first
(with its label); a kind is never built from run-time values other than these.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # People and signing in
    USER_SIGN_IN = "user.sign_in", _("Signed in")
    USER_SIGN_OUT = "user.sign_out", _("Signed out")
    USER_SIGN_IN_FAILED = "user.sign_in_failed", _("Sign-in failed")
    USER_LOCKED_OUT = "user.locked_out", _("Sign-in locked after wrong passwords")
    USER_CREATE = "user.create", _("Account created")
    USER_EDIT = "user.edit", _("Name or e-mail address changed")
    USER_DEACTIVATE = "user.deactivate", _("Account deactivated")
    USER_REACTIVATE = "user.reactivate", _("Account reactivated")
    REAUTH_FAILED = "reauth.failed", _("Wrong password or code when confirming")
    REAUTH_LOCKED = "reauth.locked", _("Confirming locked after wrong passwords")
    TWO_FACTOR_ON = "two_factor.on", _("Two-factor sign-in turned on")
    TWO_FACTOR_OFF = "two_factor.off", _("Two-factor sign-in turned off")
    # The unit tree and the roles in it
    MEMBERSHIP_SET = "membership.set", _("Role given or changed")
    MEMBERSHIP_REMOVE = "membership.remove", _("Role taken away")
    UNIT_MOVE = "unit.move", _("Unit moved")
    UNIT_MERGE = "unit.merge", _("Units merged")
    UNIT_CADENCE_SET = "unit.cadence_set", _("Posts-a-week policy changed")
    # Channels
    CHANNEL_CREATE = "channel.create", _("Channel added")
    CHANNEL_EDIT = "channel.edit", _("Channel changed")
    CHANNEL_NEEDS_RECONNECT = "channel.needs_reconnect", _("Channel needs reconnecting")
    CHANNEL_RECONNECT = "channel.reconnect", _("Channel reconnected")
    CHANNEL_CONNECT_START = "channel.connect_start", _("Channel connection started")
    CHANNEL_CONNECT_REFUSED = "channel.connect_refused", _("Channel connection refused")
    CHANNEL_DISCONNECT = "channel.disconnect", _("Channel disconnected")
    CHANNEL_SET_SAVE = "channel_set.save", _("Channel set saved")
    CHANNEL_SET_DELETE = "channel_set.delete", _("Channel set deleted")
    CHANNEL_TOKEN_REFRESHED = "channel.token_refreshed", _("Channel's access token renewed")
    CHANNEL_UNKNOWN_OUTCOME = (
        "channel.unknown_outcome",
        _("What follows an unconfirmed send changed"),
    )
    CREDENTIALS_ROTATE = "credentials.rotate", _("Channel credentials encrypted with a new key")
    # Posts and themes
    POST_CREATE = "post.create", _("Post written")
    POST_EDIT = "post.edit", _("Post changed")
    POST_SUBMIT = "post.submit", _("Post sent for review")
    POST_APPROVE = "post.approve", _("Post approved")
    POST_REJECT = "post.reject", _("Post sent back")
    POST_WITHDRAW = "post.withdraw", _("Post withdrawn from review")
    POST_QUEUE = "post.queue", _("Post put in the queue's next free hours")
    POST_SCHEDULE = "post.schedule", _("Post scheduled")
    POST_LINK_PREVIEW = "post.link_preview", _("Link preview fetched again")
    THEME_CREATE = "theme.create", _("Theme added")
    THEME_EDIT = "theme.edit", _("Theme changed")
    MEDIA_UPLOAD = "media.upload", _("File added to the media library")
    MEDIA_EDIT = "media.edit", _("Media library description changed")
    MEDIA_DELETE = "media.delete", _("File removed from the media library")
    PACK_SEND = "pack.send", _("Content pack sent to units")
    PACK_REMIND = "pack.remind", _("Units reminded of a content pack")
    # Deliveries
    DELIVERY_PUBLISHED = "delivery.published", _("Published on a channel")
    DELIVERY_FAILED = "delivery.failed", _("Could not be published on a channel")
    DELIVERY_SETTLED = "delivery.settled", _("A person said whether an unconfirmed send arrived")
    # Emergency alerts
    EMERGENCY_COMPOSE = "emergency.compose", _("Emergency alert written")
    EMERGENCY_CONFIRM = "emergency.confirm", _("Emergency alert confirmed")
    EMERGENCY_CANCEL = "emergency.cancel", _("Emergency alert cancelled")
    EMERGENCY_TEMPLATE_CREATE = "emergency_template.create", _("Emergency template added")
    EMERGENCY_TEMPLATE_EDIT = "emergency_template.edit", _("Emergency template changed")
    # The inbox
    INBOX_REPLY = "inbox.reply", _("Reply written")
    INBOX_REPLY_APPROVE = "inbox.reply_approve", _("Reply approved")
    INBOX_REPLY_DECLINE = "inbox.reply_decline", _("Reply not approved")
    INBOX_REPLY_SENT = "inbox.reply_sent", _("Reply sent")
    INBOX_REPLY_FAILED = "inbox.reply_failed", _("Reply could not be sent")
    INBOX_REPLY_SETTLED = (
        "inbox.reply_settled",
        _("A person said whether an unconfirmed reply arrived"),
    )
    INBOX_ASSIGN = "inbox.assign", _("Conversation assigned")
    INBOX_STATUS = "inbox.status", _("Conversation status changed")
    INBOX_TAG = "inbox.tag", _("Conversation tagged")
    INBOX_NOTE = "inbox.note", _("Internal note added")
    INBOX_MODERATE = "inbox.moderate", _("Comment hidden, shown again or deleted")
    INBOX_SAVED_REPLY_SET = "inbox.saved_reply_set", _("Saved reply added or changed")
    INBOX_SAVED_REPLY_DELETE = "inbox.saved_reply_delete", _("Saved reply deleted")
    INBOX_POLICY_SET = "inbox.policy_set", _("Response targets changed")
    INBOX_RETENTION = "inbox.retention", _("Old message texts deleted")
    DATA_REQUEST_CREATE = "data_request.create", _("Data-subject request recorded")
    DATA_REQUEST_ACKNOWLEDGE = "data_request.acknowledge", _("Data-subject request acknowledged")
    DATA_REQUEST_COMPLETE = "data_request.complete", _("Data-subject request completed")
    DATA_REQUEST_REFUSE = "data_request.refuse", _("Data-subject request refused")
    MODERATION_LOG_EXPORT = "moderation_log.export", _("Moderation log exported")
    # The correction desk
    CLAIM_CREATE = "claim.create", _("False claim registered")
    CLAIM_EDIT = "claim.edit", _("False claim changed")
    CORRECTION_CREATE = "correction.create", _("Official correction prepared")
    CORRECTION_USE = "correction.use", _("Correction sent as a reply")
    # Reports
    REPORT_EXPORT = "report.export", _("Period report downloaded")
    REPORT_SCHEDULE_SET = "report.schedule_set", _("Scheduled report set")
    REPORT_SCHEDULE_REMOVE = "report.schedule_remove", _("Scheduled report removed")
    REPORT_SENT = "report.sent", _("Scheduled report sent")
    # The audit log itself
    AUDIT_EXPORT = "audit.export", _("Audit log exported")


KINDS = frozenset(Kind.values)


def check_kind(action: str) -> str:
    """The kind, if it is one of the list; a ValueError otherwise (a programming error)."""
    if action not in KINDS:
        raise ValueError(f"Unknown audit event kind {action!r}: add it to pressroom.audit.kinds.")
    return action
