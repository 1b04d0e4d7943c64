"""Probabilistic fault profiles: latency and a mix of failures on every publish, by chance.

A profile is set with `PUT /_control/profile`:

    {"platform": "telegram", "account_id": "@kenh", "latency_ms": {"mean": 100, "jitter": 20},
     "server_error_rate": 0.10, "timeout_after_create_rate": 0.05, "timeout_delay_s": 30,
     "rate_limit_rate": 0.05, "retry_after_s": 2, "reject_rate": 0.01, "token_expired": false,
     "seed": 7}

`platform` is a platform or `"*"`; `account_id` is optional. Only the fields sent are part of
the profile, and a request sees, field by field, the most specific profile that sets it:
(platform, account) over ("*", account) over (platform) over ("*"). So an account's
`{"token_expired": true}` leaves the platform's latency and fault rates in place. The four
rates go together: they come from the most specific profile that sets any of them (unset ones
are 0 there). A PUT replaces the profile with the same platform and account.

- Latency (uniform in mean ± jitter, never below zero) is added to every request.
- One draw per request that creates a published object (a post, message, article, status)
  picks at most one fault: server error, timeout after create (the object is created, the
  answer is held `timeout_delay_s`), rate limit (retry after `retry_after_s`), rejection.
  Uploads and other calls only get the latency, so a publish is one faultable step.
- `token_expired: true` makes the current token of every account it covers invalid (and the
  first token of an account registered under it): every call gets the platform's invalid-token
  error until `POST /_control/accounts` gives the account a new token, which is how a
  reconnect is simulated. `token_expired: false` makes the current tokens valid again.

With a `seed`, the profile's draws repeat: faults come from one generator, latency from another,
so the fault sequence does not depend on how many uploads happened in between.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

ANY_PLATFORM = "*"
RATE_FIELDS = ("server_error_rate", "timeout_after_create_rate", "rate_limit_rate", "reject_rate")
# Which fault each rate draws (the kinds the platforms render, see faults.py).
RATE_KINDS = {
    "server_error_rate": "server_error",
    "timeout_after_create_rate": "timeout_after_create",
    "rate_limit_rate": "rate_limit",
    "reject_rate": "reject",
}
FIELDS = frozenset(
    {
        "platform",
        "account_id",
        "latency_ms",
        "timeout_delay_s",
        "retry_after_s",
        "token_expired",
        "seed",
        *RATE_FIELDS,
    }
)
DEFAULT_TIMEOUT_DELAY_S = 30.0
DEFAULT_RETRY_AFTER_S = 2.0


@dataclass
class Profile:
    platform: str
    account_id: str | None
    # Only what the PUT said: rates, latency_ms, timeout_delay_s, retry_after_s, token_expired.
    given: dict[str, Any]
    seed: int | None = None
    faults_random: random.Random = field(default_factory=random.Random, repr=False)
    latency_random: random.Random = field(default_factory=random.Random, repr=False)

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.platform, self.account_id)

    @property
    def sets_rates(self) -> bool:
        return any(name in self.given for name in RATE_FIELDS)

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"platform": self.platform}
        if self.account_id is not None:
            shown["account_id"] = self.account_id
        shown.update(self.given)
        if self.seed is not None:
            shown["seed"] = self.seed
        return shown


@dataclass(frozen=True)
class Draw:
    """What chance decided for one request: a fault kind (or none) and its parameters."""

    kind: str | None
    delay_s: float = 0.0
    retry_after_s: float = 0.0


@dataclass(frozen=True)
class Effective:
    """The profiles that apply to one account, merged field by field."""

    latency: tuple[float, float] | None = None
    latency_random: random.Random | None = None
    rates: tuple[tuple[str, float], ...] = ()
    faults_random: random.Random | None = None
    timeout_delay_s: float = DEFAULT_TIMEOUT_DELAY_S
    retry_after_s: float = DEFAULT_RETRY_AFTER_S
    token_expired: bool = False

    def latency_s(self) -> float:
        if self.latency is None or self.latency_random is None:
            return 0.0
        mean, jitter = self.latency
        value = mean + self.latency_random.uniform(-jitter, jitter) if jitter else mean
        return max(0.0, value) / 1000

    def draw(self) -> Draw:
        """At most one fault for a creating request, by the rates."""
        if not self.rates or self.faults_random is None:
            return Draw(None)
        roll = self.faults_random.random()
        threshold = 0.0
        for name, rate in self.rates:
            threshold += rate
            if roll < threshold:
                return Draw(
                    RATE_KINDS[name],
                    delay_s=self.timeout_delay_s,
                    retry_after_s=self.retry_after_s,
                )
        return Draw(None)


NOTHING = Effective()


def _number(spec: dict[str, Any], name: str, *, low: float, high: float | None = None) -> float:
    value = spec[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number")
    if value < low or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ValueError(f"{name} must be {bounds}")
    return float(value)


def parse(spec: dict[str, Any], platforms: Collection[str]) -> Profile:
    """A Profile from the control endpoint's JSON; ValueError says what is wrong."""
    unknown = sorted(set(spec) - FIELDS)
    if unknown:
        raise ValueError(
            f"unknown fields: {', '.join(unknown)} (known: {', '.join(sorted(FIELDS))})"
        )
    platform = spec.get("platform")
    if not isinstance(platform, str) or (platform != ANY_PLATFORM and platform not in platforms):
        raise ValueError(f"platform must be one of {sorted(platforms)} or '*'")
    account = spec.get("account_id")
    account_id = None if account is None or str(account).strip() == "" else str(account).strip()
    given: dict[str, Any] = {}
    for name in RATE_FIELDS:
        if spec.get(name) is not None:
            given[name] = _number(spec, name, low=0, high=1)
    if sum(given.get(name, 0.0) for name in RATE_FIELDS) > 1.0 + 1e-9:
        raise ValueError("the fault rates add up to more than 1")
    if spec.get("latency_ms") is not None:
        latency = spec["latency_ms"]
        if not isinstance(latency, dict):
            latency = {"mean": latency, "jitter": 0}
        unknown_latency = sorted(set(latency) - {"mean", "jitter"})
        if unknown_latency:
            raise ValueError("latency_ms takes mean and jitter")
        given["latency_ms"] = {
            "mean": _number({"latency_ms.mean": latency.get("mean", 0)}, "latency_ms.mean", low=0),
            "jitter": _number(
                {"latency_ms.jitter": latency.get("jitter", 0)}, "latency_ms.jitter", low=0
            ),
        }
    if spec.get("timeout_delay_s") is not None:
        given["timeout_delay_s"] = _number(spec, "timeout_delay_s", low=0)
    if spec.get("retry_after_s") is not None:
        given["retry_after_s"] = _number(spec, "retry_after_s", low=0)
    if spec.get("token_expired") is not None:
        if not isinstance(spec["token_expired"], bool):
            raise ValueError("token_expired must be true or false")
        given["token_expired"] = spec["token_expired"]
    seed = spec.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError("seed must be an integer")
    profile = Profile(platform=platform, account_id=account_id, given=given, seed=seed)
    if seed is not None:
        profile.faults_random = random.Random(f"faults:{seed}")
        profile.latency_random = random.Random(f"latency:{seed}")
    return profile


class ProfileBook:
    """The profiles in force, merged per account and cached until the next change."""

    def __init__(self) -> None:
        self._profiles: dict[tuple[str, str | None], Profile] = {}
        self._merged: dict[tuple[str, str], Effective] = {}
        self._lock = threading.Lock()

    def put(self, profile: Profile) -> Profile:
        with self._lock:
            self._profiles[profile.key] = profile
            self._merged.clear()
        return profile

    def all(self) -> list[Profile]:
        with self._lock:
            return sorted(
                self._profiles.values(),
                key=lambda profile: (profile.platform, profile.account_id or ""),
            )

    def clear(self, platform: str | None = None, account_id: str | None = None) -> list[Profile]:
        """Remove every profile, or those of one platform and/or account; returns them."""
        with self._lock:
            removed = [
                profile
                for profile in self._profiles.values()
                if (platform is None or profile.platform == platform)
                and (account_id is None or profile.account_id == account_id)
            ]
            for profile in removed:
                del self._profiles[profile.key]
            self._merged.clear()
        return removed

    def effective(self, platform: str, account_id: str) -> Effective:
        key = (platform, account_id)
        merged = self._merged.get(key)
        if merged is None:
            with self._lock:
                merged = self._merge(platform, account_id)
                self._merged[key] = merged
        return merged

    def _merge(self, platform: str, account_id: str) -> Effective:
        if not self._profiles:
            return NOTHING
        layers = [
            self._profiles.get(key)
            for key in (
                (ANY_PLATFORM, None),
                (platform, None),
                (ANY_PLATFORM, account_id),
                (platform, account_id),
            )
        ]
        latency = latency_random = faults_random = None
        rates: tuple[tuple[str, float], ...] = ()
        timeout_delay_s, retry_after_s = DEFAULT_TIMEOUT_DELAY_S, DEFAULT_RETRY_AFTER_S
        token_expired = False
        for profile in layers:
            if profile is None:
                continue
            given = profile.given
            if "latency_ms" in given:
                latency = (given["latency_ms"]["mean"], given["latency_ms"]["jitter"])
                latency_random = profile.latency_random
            if profile.sets_rates:
                # The rates of the most specific profile that names any, as one set.
                rates = tuple((name, given[name]) for name in RATE_FIELDS if given.get(name, 0) > 0)
                faults_random = profile.faults_random
            timeout_delay_s = given.get("timeout_delay_s", timeout_delay_s)
            retry_after_s = given.get("retry_after_s", retry_after_s)
            token_expired = given.get("token_expired", token_expired)
        return Effective(
            latency=latency,
            latency_random=latency_random,
            rates=rates,
            faults_random=faults_random,
            timeout_delay_s=timeout_delay_s,
            retry_after_s=retry_after_s,
            token_expired=token_expired,
        )
