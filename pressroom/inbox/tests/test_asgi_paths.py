"""The ASGI application: webhooks go to Django without middleware, every page through it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

import httpx
from django.test import override_settings

from pressroom.asgi import application
from pressroom.inbox.models import RawEvent
from pressroom.inbox.tests.test_intake import PAGE, feed
from pressroom.testing import BaseTransactionTestCase


def call(method: str, path: str, **kwargs: object) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            return await client.request(method, path, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(run())


@override_settings(FACEBOOK_APP_SECRET="asgi-secret")
class AsgiPathTests(BaseTransactionTestCase):
    def test_a_signed_webhook_is_stored_through_the_machine_path(self) -> None:
        body = feed(f"{PAGE}_777_99")
        signature = "sha256=" + hmac.new(b"asgi-secret", body, hashlib.sha256).hexdigest()
        answer = call(
            "POST",
            "/webhooks/facebook",
            content=body,
            headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"},
        )
        self.assertEqual((answer.status_code, answer.text), (200, "OK"))
        self.assertEqual(RawEvent.objects.count(), 1)
        # No page middleware ran: no session cookie, no page security headers.
        self.assertNotIn("set-cookie", answer.headers)
        self.assertNotIn("content-security-policy", answer.headers)
        self.assertEqual(call("POST", "/webhooks/facebook", content=body).status_code, 403)
        missing = call("GET", "/webhooks/nowhere/1/2")
        # Plain text: the page layout needs the middleware these paths go without.
        self.assertEqual(missing.status_code, 404)
        self.assertTrue(missing.headers["content-type"].startswith("text/plain"))

    def test_pages_still_go_through_the_middleware(self) -> None:
        answer = call("GET", "/sign-in/")
        self.assertEqual(answer.status_code, 200)
        self.assertIn("content-security-policy", answer.headers)
        self.assertEqual(answer.headers["x-content-type-options"], "nosniff")
