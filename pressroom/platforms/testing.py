"""The sandbox with every platform's emulation, and the production clients to reach it."""

from __future__ import annotations

import asyncio
from typing import Any

from pressroom.platforms.base import ChannelAccess, Outcome, Publication, new_sandbox_token
from pressroom.platforms.clients import client_class, make_http_client
from pressroom.platforms.registry import descriptor_for
from pressroom.sandbox.testing import RunningEmulator, ServedApp


def credentials_for(platform: str, token: str) -> dict[str, str]:
    """The credentials a platform's client reads, holding the sandbox account's token."""
    return descriptor_for(platform).sandbox_credentials(token)


def new_token() -> str:
    """A token shaped like a bot token (digits, a colon, then random), fine for every platform."""
    return new_sandbox_token()


def publish(
    platform: str,
    access: ChannelAccess,
    publication: Publication,
    *,
    timeout: float = 5.0,
    total_timeout: float | None = None,
) -> Outcome:
    """Publish once from synchronous test code, with the production HTTP client."""

    async def run() -> Outcome:
        async with make_http_client() as http:
            client = client_class(platform)(
                access, http, timeout=timeout, total_timeout=total_timeout
            )
            return await client.publish(publication)

    return asyncio.run(run())


class RunningSandbox(RunningEmulator):
    """`with RunningSandbox(tmp_path) as sandbox:` … `sandbox.connect("zalo", "42…")` …"""

    def connect(
        self,
        platform: str,
        account_id: str,
        *,
        token: str | None = None,
        options: dict[str, Any] | None = None,
        **extra: Any,
    ) -> ChannelAccess:
        """Register an account (a fresh token unless given) and return a client's access to it."""
        token = token or new_token()
        self.add_account(platform, account_id, token, **extra)
        return ChannelAccess(
            api_base=self.base_for(platform),
            external_id=account_id,
            credentials=credentials_for(platform, token),
            options=options or {},
        )


__all__ = ["RunningSandbox", "ServedApp", "credentials_for", "new_token", "publish"]
