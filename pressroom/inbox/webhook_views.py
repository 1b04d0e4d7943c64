"""The addresses the platforms deliver webhooks to (see intake.py for what each answer means).

- `/webhooks/<platform>`: for a platform with one app for every channel (Facebook, Zalo), its
  bodies signed with the secret its listener names (a setting: FACEBOOK_APP_SECRET,
  ZALO_OA_SECRET_KEY); `GET` answers the subscription check where the platform has one
  (FACEBOOK_VERIFY_TOKEN).
- `/webhooks/<platform>/<channel id>`: for a platform whose webhooks are set per channel
  (Telegram's `setWebhook`), checked with the secret kept in that channel's credentials. An
  address for no such channel is refused (403): there is nothing to check it against.
- `/webhooks/hello`: a trivial answer on the same server, the webhook benchmark's reference.
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
from pressroom.platforms.inbound import Listener
from pressroom.platforms.registry import DESCRIPTORS, listener_for


def _listener(platform: str) -> Listener | None:
    descriptor = DESCRIPTORS.get(platform)
    if descriptor is None or not descriptor.listener:
        return None
    listener = listener_for(platform)
    return listener if listener.has_webhooks else None


@csrf_exempt
async def app_webhook(request: HttpRequest, platform: str) -> HttpResponse:
    listener = _listener(platform)
    if listener is None or not listener.secret_setting:
        return text_response(404, "Not found")
    if request.method == "GET" and listener.verify_token_setting:
        return challenge(request.GET, platform, settings_secret(listener.verify_token_setting))
    if request.method != "POST":
        return text_response(405, "Method not allowed")
    return await receive(request, platform, settings_secret(listener.secret_setting))


@csrf_exempt
async def channel_webhook(request: HttpRequest, platform: str, channel_id: int) -> HttpResponse:
    listener = _listener(platform)
    if listener is None or not listener.channel_secret:
        return text_response(404, "Not found")
    if request.method != "POST":
        return text_response(405, "Method not allowed")
    found = await sync_to_async(channel_secret)(channel_id, platform, listener.channel_secret)
    if found is None:
        return text_response(403, "Unknown channel")
    secret, account_id = found
    return await receive(request, platform, secret, channel_id=channel_id, account_id=account_id)


@csrf_exempt
async def hello(request: HttpRequest) -> HttpResponse:
    return text_response(200, "OK")
