"""One way to write an emulated platform endpoint: a method of the platform's `EmulatedApi`,
decorated with `endpoint`; the platform's errors are exceptions that know their answer."""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from pressroom.sandbox.common import BadRequestBody
from pressroom.sandbox.conditions import Gate
from pressroom.sandbox.records import Account
from pressroom.sandbox.store import SandboxStore


class PlatformError(ABC, Exception):
    """A platform's error answer, raised anywhere in an emulated endpoint; each platform
    says how it answers."""

    @abstractmethod
    def response(self) -> Response: ...


class EmulatedApi(ABC):
    """A platform's emulated API over the sandbox's store; its endpoints are its methods."""

    def __init__(self, store: SandboxStore, gate: Gate) -> None:
        self.store = store
        self.gate = gate

    @abstractmethod
    def bad_body(self, message: str) -> PlatformError:
        """The platform's answer to a body the sandbox cannot read."""

    async def guarded(
        self,
        account: Account,
        operation: str,
        handler: Callable[[], Awaitable[Response]],
        *,
        creates: bool = False,
    ) -> Response:
        """The handler behind the account's faults, profiles and limits (see conditions.py)."""

        async def answer() -> Response:
            try:
                return await handler()
            except PlatformError as error:
                return error.response()

        return await self.gate.run(account, operation=operation, creates=creates, handler=answer)


def endpoint[Api: EmulatedApi](
    method: Callable[[Api, Request], Awaitable[Response]],
) -> Callable[[Api, Request], Awaitable[Response]]:
    """An endpoint: a platform error or an unreadable body becomes the platform's answer."""

    @functools.wraps(method)
    async def wrapped(api: Api, request: Request) -> Response:
        try:
            return await method(api, request)
        except PlatformError as error:
            return error.response()
        except BadRequestBody as error:
            return api.bad_body(str(error)).response()

    return wrapped
