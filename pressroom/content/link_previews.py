"""The link card of a post: the linked page fetched safely, read, and kept with the post.

The page is fetched outside any transaction (it may take seconds); only the result is
written, in a short one.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pressroom.audit.actions import record_event
from pressroom.content.models import LinkPreview, Post
from pressroom.core.errors import ActionError
from pressroom.core.page_meta import PageMeta, decode, read_meta
from pressroom.core.safe_fetch import FetchRefused, Resolver, fetch_page
from pressroom.orgs.access import capabilities_in
from pressroom.orgs.models import Capability

logger = logging.getLogger(__name__)

# A task run twice in a row fetches once.
FRESH_FOR = timedelta(minutes=1)


def _read(url: str, resolver: Resolver | None) -> tuple[PageMeta, str, FetchRefused | None]:
    """The page's card, where the redirects led, and the refusal if it was not fetched."""
    try:
        page = fetch_page(url, resolver=resolver)
    except FetchRefused as refusal:
        # The host and the reason only: a link's path or query may carry a token.
        logger.info("Link preview not fetched from %s: %s", urlsplit(url).hostname, refusal.reason)
        return PageMeta(), "", refusal
    meta = read_meta(decode(page.content, page.charset), page.final_url)
    if not meta.title and not meta.description:
        return meta, page.final_url, FetchRefused("nothing")
    return meta, page.final_url, None


def _store(
    post: Post, url: str, meta: PageMeta, final_url: str, refusal: FetchRefused | None
) -> LinkPreview:
    preview, _created = LinkPreview.objects.update_or_create(
        post=post,
        defaults={
            "url": url,
            "final_url": final_url if len(final_url) <= 1000 else "",
            "title": meta.title,
            "description": meta.description,
            "image_url": meta.image_url,
            "site_name": meta.site_name,
            "fetched_at": timezone.now(),
            "error": refusal.reason if refusal else "",
            "error_status": refusal.status if refusal else None,
        },
    )
    return preview


def fetch_for_post(post_id: int, *, resolver: Resolver | None = None) -> LinkPreview | None:
    """Fetch the preview of the post's link, unless it has none or one was just fetched (the
    background task's service; nothing is audited: no person asked for it)."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.link:
        return None
    current = LinkPreview.objects.filter(post=post).first()
    if current and current.is_of(post.link) and timezone.now() - current.fetched_at < FRESH_FOR:
        return current
    url = post.link
    meta, final_url, refusal = _read(url, resolver)
    with transaction.atomic():
        # The link may have changed while the page was fetched: that change fetches again.
        if not Post.objects.filter(pk=post.pk, link=url).exists():
            return None
        return _store(post, url, meta, final_url, refusal)


def refetch_link_preview(*, post: Post, by: User, resolver: Resolver | None = None) -> LinkPreview:
    """A person asks for the link preview again (the page changed, or the site was down).
    Whoever may write the post's unit's posts may."""
    if Capability.COMPOSE not in capabilities_in(by, post.unit):
        raise ActionError(_("You may not change posts of %(unit)s.") % {"unit": post.unit})
    if not post.link:
        raise ActionError(_("This post has no link to preview."))
    url = post.link
    meta, final_url, refusal = _read(url, resolver)
    with transaction.atomic():
        if not Post.objects.filter(pk=post.pk, link=url).exists():
            raise ActionError(_("The post's link changed meanwhile; look at the page again."))
        preview = _store(post, url, meta, final_url, refusal)
        record_event(
            actor=by,
            action="post.link_preview",
            obj=post,
            unit_id=post.unit_id,
            data={"host": urlsplit(url).hostname or "", "error": preview.error},
        )
    return preview


def delete_stale(post: Post) -> None:
    """Forget a preview of a link the post no longer has."""
    LinkPreview.objects.filter(post=post).exclude(url=post.link).delete()
