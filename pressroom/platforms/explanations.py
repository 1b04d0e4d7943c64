"""What error codes mean for the person who wrote the post: the wording the platforms'
descriptors share."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TOKEN = _(
    "The platform no longer accepts the channel's login. "
    "A unit administrator must reconnect the channel."
)
RATE = _("The platform asked us to slow down. Pressroom waits and tries again by itself.")
PERMISSION = _(
    "The channel's account is not allowed to post there. "
    "A unit administrator must check the account's permissions on the platform."
)
INVALID = _(
    "The platform found something wrong in the post (text, link or image). "
    "Check this platform's version of the post."
)
UNAVAILABLE = _("The platform was unavailable. Pressroom tries again by itself.")
DUPLICATE = _("The platform refused the post as a duplicate of one already published.")
