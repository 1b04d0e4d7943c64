"""Fault injection: make the next n matching sandbox requests fail the way a platform can.

A fault is registered with `POST /_control/faults`:

    {"platform": "telegram", "account_id": "@channel", "operation": "sendMessage",
     "kind": "rate_limit", "retry_after": 8, "count": 2}

and consumed by the next `count` requests that match it (platform, and account and operation
when given). Kinds:

- `error`: the platform's error shape with the given `code`, `status` and `message`;
- `server_error`, `rate_limit`, `token_expired`, `reject`: the platform's own answer for each
  case (`code`, `status`, `message`, `retry_after` override its defaults);
- `timeout_after_create`: do the work (the post exists), then hold the answer `delay_s`
  seconds (default 30) so the client times out; without an `operation` it only matches
  requests that create something;
- `delay`: hold the request `delay_s` seconds (default 1), then answer normally.

Each platform's sandbox turns a fault into its own response (its `fault_error`); the operations
are named in each platform's `sandbox.py`. Faults drawn by chance from a profile are the same
kinds (profiles.py); conditions.py applies both.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

KINDS = frozenset(
    {
        "error",
        "server_error",
        "rate_limit",
        "token_expired",
        "reject",
        "timeout_after_create",
        "delay",
    }
)
# Kinds the platform answers with an error response of its own shape.
ERROR_KINDS = frozenset({"error", "server_error", "rate_limit", "token_expired", "reject"})
DEFAULT_DELAY_S = {"timeout_after_create": 30.0, "delay": 1.0}


@dataclass
class Fault:
    id: int
    platform: str
    kind: str
    account_id: str | None = None
    operation: str | None = None
    code: int | str | None = None
    status: int | None = None
    message: str | None = None
    retry_after: float | None = None
    delay_s: float | None = None
    count: int = 1

    def matches(self, *, platform: str, account_id: str, operation: str, creates: bool) -> bool:
        if self.platform != platform:
            return False
        if self.account_id is not None and self.account_id != account_id:
            return False
        if self.operation is not None:
            return self.operation == operation
        return creates or self.kind != "timeout_after_create"

    @property
    def wait_s(self) -> float:
        return self.delay_s if self.delay_s is not None else DEFAULT_DELAY_S.get(self.kind, 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


def parse(spec: dict[str, Any], fault_id: int, platforms: Collection[str]) -> Fault:
    """A Fault from the control endpoint's JSON; ValueError says what is wrong."""
    platform = spec.get("platform")
    if not isinstance(platform, str) or platform not in platforms:
        raise ValueError(f"platform must be one of {sorted(platforms)}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}")
    count = spec.get("count", 1)
    if not isinstance(count, int) or count < 1:
        raise ValueError("count must be a positive integer")

    def optional(name: str, kind_of: type | tuple[type, ...]) -> Any:
        value = spec.get(name)
        if value is not None and not isinstance(value, kind_of):
            raise ValueError(f"{name} has the wrong type")
        return value

    return Fault(
        id=fault_id,
        platform=platform,
        kind=kind,
        account_id=None if spec.get("account_id") is None else str(spec["account_id"]),
        operation=optional("operation", str),
        code=optional("code", (int, str)),
        status=optional("status", int),
        message=optional("message", str),
        retry_after=optional("retry_after", (int, float)),
        delay_s=optional("delay_s", (int, float)),
        count=count,
    )


class FaultBook:
    """The faults waiting to happen; shared by every request, so guarded by a lock."""

    def __init__(self, platforms: Collection[str] = ()) -> None:
        self.platforms = frozenset(platforms)
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, spec: dict[str, Any]) -> Fault:
        with self._lock:
            fault = parse(spec, next(self._ids), self.platforms)
            self._faults.append(fault)
        return fault

    def take(
        self, *, platform: str, account_id: str, operation: str, creates: bool
    ) -> Fault | None:
        """The first fault matching this request, counted as used once."""
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.matches(
                    platform=platform, account_id=account_id, operation=operation, creates=creates
                ):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self, platform: str | None = None) -> int:
        with self._lock:
            kept = [fault for fault in self._faults if platform and fault.platform != platform]
            removed = len(self._faults) - len(kept)
            self._faults = kept
        return removed
