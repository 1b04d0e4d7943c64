"""The e-mail that lets a person choose their password: sent when a unit administrator adds
them, and again on request (the link expires, mail gets lost).

The link is Django's password-reset link (a token that stops working once the password is set
or the e-mail address changes, and after PASSWORD_RESET_TIMEOUT); the mail never holds a
password. A mail server that is down does not undo anything: the failure is logged and
reported to the caller, who offers to send the link again.
"""

from __future__ import annotations

import logging
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pressroom.core.errors import ActionError
from pressroom.orgs.access import AnyUser
from pressroom.orgs.people import may_change_account

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def set_password_link(person: User) -> str:
    """The absolute address where the person chooses a password (valid until used)."""
    path = reverse(
        "set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def send_set_password_link(*, user: User, by: AnyUser) -> bool:
    """E-mail the person the link to choose their password; False if the mail server failed.

    Only someone who may change the person's account sends it, to the address on the account.
    """
    if not may_change_account(by, user):
        raise ActionError(
            _("You are not allowed to change the account of %(person)s.")
            % {"person": user.get_username()}
        )
    if not user.is_active:
        raise ActionError(
            _("%(person)s is deactivated: reactivate the account before sending the link.")
            % {"person": user.get_username()}
        )
    if not user.email:
        raise ActionError(
            _("%(person)s has no e-mail address to send the link to.")
            % {"person": user.get_username()}
        )
    days = max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1)
    # The person has not chosen a language yet: the interface's own, Vietnamese.
    with translation.override("vi"):
        subject = _("Your Pressroom account")
        body = "\n\n".join(
            [
                _("Hello %(name)s,")
                % {"name": f"{user.last_name} {user.first_name}".strip() or user.get_username()},
                _("An account in Pressroom, the official communications desk, is ready for you.")
                + " "
                + _("Your username is %(username)s.") % {"username": user.get_username()},
                ngettext(
                    "Choose your password at this address (it works once, for %(days)s day):",
                    "Choose your password at this address (it works once, for %(days)s days):",
                    days,
                )
                % {"days": days},
                set_password_link(user),
                _(
                    "If the link no longer works, ask your unit administrator to send a new one. "
                    "Nobody from Pressroom will ever ask you for your password."
                ),
            ]
        )
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("could not send the set-password link to user %s", user.pk)
        return False
    return True
