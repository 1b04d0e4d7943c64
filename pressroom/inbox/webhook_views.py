"""The addresses the platforms deliver webhooks to (see intake.py for what each answer means).

- `/webhooks/facebook`: every connected Page's feed and Messenger events, signed with the
  app secret (FACEBOOK_APP_SECRET); `GET` answers the subscription check
  (FACEBOOK_VERIFY_TOKEN).
- `/webhooks/zalo`: every connected OA's events, signed with the OA secret key
  (ZALO_OA_SECRET_KEY).
- `/webhooks/telegram/<channel id>`: one channel's bot, with the secret token Pressroom gave
  `setWebhook` for it. An address for no channel is refused (403): there is nothing to check
  its secret against.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from pressroom.inbox.intake import (
    challenge,
    channel_secret,
    receive,
    settings_secret,
    text_response,
)


@csrf_exempt
async def facebook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return challenge(request.GET, "facebook", settings_secret("FACEBOOK_VERIFY_TOKEN"))
    if request.method != "POST":
        return text_response(405, "Method not allowed")
    return await receive(request, "facebook", settings_secret("FACEBOOK_APP_SECRET"))


@csrf_exempt
async def zalo(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return text_response(405, "Method not allowed")
    return await receive(request, "zalo", settings_secret("ZALO_OA_SECRET_KEY"))


@csrf_exempt
async def telegram(request: HttpRequest, channel_id: int) -> HttpResponse:
    if request.method != "POST":
        return text_response(405, "Method not allowed")
    found = await sync_to_async(channel_secret)(channel_id)
    if found is None:
        return text_response(403, "Unknown channel")
    secret, chat_id = found
    return await receive(request, "telegram", secret, channel_id=channel_id, account_id=chat_id)


@csrf_exempt
async def hello(request: HttpRequest) -> HttpResponse:
    """A trivial answer on the same server: the webhook benchmark's reference."""
    return text_response(200, "OK")
