"""A post's images at a public address of Pressroom's own, for a platform that shows images by
address only (a Zalo article whose image upload gave no address back).

The address carries a signed, expiring token: it cannot be guessed from another one, says
nothing of the post, and stops working after PUBLIC_MEDIA_LIFETIME. It is served without
signing in, as the platform's servers fetch it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.views.decorators.http import require_GET

from pressroom.content.models import Media

SALT = "pressroom.public-media"


def public_media_url(media: Media) -> str:
    """The image's public address, or "" when this server has no PUBLIC_URL."""
    if not settings.PUBLIC_URL:
        return ""
    token = signing.TimestampSigner(salt=SALT).sign(str(media.pk))
    name = (media.file.name or "image").rsplit("/", 1)[-1]
    path = reverse("public_media", args=[token, name])
    return f"{settings.PUBLIC_URL.rstrip('/')}{path}"


@require_GET
def public_media(request: HttpRequest, token: str, name: str) -> FileResponse:
    lifetime = timedelta(seconds=settings.PUBLIC_MEDIA_LIFETIME_S)
    try:
        media_id = int(signing.TimestampSigner(salt=SALT).unsign(token, max_age=lifetime))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    media = Media.objects.filter(pk=media_id).first()
    if media is None or not media.file:
        raise Http404
    response = FileResponse(media.file.open("rb"), content_type=media.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
