"""The post page's previews: how the post looks on each platform, and the button that fetches
the linked page's card again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pressroom.channels.models import Channel
from pressroom.content import link_previews
from pressroom.content.access import get_post_for
from pressroom.content.models import LinkPreview, Media, Post, Variant
from pressroom.content.platform_preview import previews_for
from pressroom.core.errors import ActionError, add_to_messages
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.core.safe_fetch import message_for
from pressroom.orgs.models import Capability


def preview_context(
    post: Post,
    capabilities: set[str],
    channels: list[Channel],
    variants: list[Variant],
    media: list[Media],
) -> dict[str, Any]:
    """What the post page's previews need (read only)."""
    preview = LinkPreview.objects.filter(post=post).first()
    current = preview if preview is not None and preview.is_of(post.link) else None
    return {
        "platform_previews": previews_for(
            post, channels=channels, variants=variants, media=media, preview=current
        ),
        "link_preview": current,
        "link_preview_error": message_for(current.error, current.error_status)
        if current is not None and current.error
        else "",
        "may_refresh_link_preview": bool(post.link) and Capability.COMPOSE in capabilities,
    }


@login_required
@require_POST
def post_link_preview(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    """Fetch the linked page's card again, for whoever may write the post's unit's posts."""
    post, capabilities = get_post_for(request, post_id)
    if Capability.COMPOSE not in capabilities:
        messages.error(request, _("You may not change posts of %(unit)s.") % {"unit": post.unit})
        return redirect(reverse("post_detail", args=[post.pk]) + "#previews-title")
    try:
        preview = link_previews.refetch_link_preview(post=post, by=request.user)
    except ActionError as error:
        add_to_messages(request, error)
    else:
        if preview.error:
            messages.warning(
                request,
                _("The link preview could not be fetched: %(reason)s")
                % {"reason": message_for(preview.error, preview.error_status)},
            )
        else:
            messages.success(request, _("The link preview is fetched again."))
    return redirect(reverse("post_detail", args=[post.pk]) + "#previews-title")
