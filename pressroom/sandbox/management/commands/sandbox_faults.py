"""`pressroom sandbox_faults`: set, show or clear a running sandbox's fault profile."""

from __future__ import annotations

import json
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError, CommandParser

# Option name → the profile field it sets (only the options given are sent).
RATE_OPTIONS = {
    "server_error_rate": "server_error_rate",
    "timeout_rate": "timeout_after_create_rate",
    "rate_limit_rate": "rate_limit_rate",
    "reject_rate": "reject_rate",
    "timeout_delay_s": "timeout_delay_s",
    "retry_after_s": "retry_after_s",
    "seed": "seed",
}


class Command(BaseCommand):
    help = (
        "Make a running sandbox misbehave on purpose: latency and a mix of server errors, "
        "timeouts after the post was created, rate limits and rejections, or expired tokens, "
        "for one platform ('*' for all) or one account. Options not given are left to the "
        "broader profiles. --clear removes profiles; --show lists them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8001", help="The sandbox.")
        parser.add_argument(
            "--platform",
            default="*",
            help="A platform's name, or '*' for all (the sandbox refuses one it does not know).",
        )
        parser.add_argument("--account", default=None, help="One account (its account id).")
        parser.add_argument("--server-error-rate", type=float, default=None)
        parser.add_argument(
            "--timeout-rate",
            type=float,
            default=None,
            help="Share of publishes created and then answered too late.",
        )
        parser.add_argument("--timeout-delay-s", type=float, default=None)
        parser.add_argument("--rate-limit-rate", type=float, default=None)
        parser.add_argument("--retry-after-s", type=float, default=None)
        parser.add_argument("--reject-rate", type=float, default=None)
        parser.add_argument("--latency-ms", type=float, default=None)
        parser.add_argument("--jitter-ms", type=float, default=None)
        parser.add_argument("--seed", type=int, default=None)
        token = parser.add_mutually_exclusive_group()
        token.add_argument(
            "--token-expired",
            dest="token_expired",
            action="store_const",
            const=True,
            default=None,
            help="The accounts' current tokens stop working until replaced.",
        )
        token.add_argument("--token-ok", dest="token_expired", action="store_const", const=False)
        limits = parser.add_mutually_exclusive_group()
        limits.add_argument(
            "--enforce-limits",
            dest="enforce_limits",
            action="store_const",
            const=True,
            default=None,
            help="Enforce the platforms' real rate limits (the default).",
        )
        limits.add_argument(
            "--no-enforce-limits", dest="enforce_limits", action="store_const", const=False
        )
        parser.add_argument("--clear", action="store_true", help="Remove the profiles.")
        parser.add_argument("--show", action="store_true", help="List the profiles.")

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["url"].rstrip("/")
        with httpx.Client(timeout=10, trust_env=False) as http:
            try:
                if options["enforce_limits"] is not None:
                    self._call(
                        http,
                        "PUT",
                        f"{base}/_control/settings",
                        json={"enforce_limits": options["enforce_limits"]},
                    )
                if options["clear"]:
                    self._clear(http, base, options)
                profile = self._profile(options)
                if profile is not None:
                    self._call(http, "PUT", f"{base}/_control/profile", json=profile)
                if options["show"] or (
                    profile is None and not options["clear"] and options["enforce_limits"] is None
                ):
                    self._call(http, "GET", f"{base}/_control/profile")
            except httpx.HTTPError as error:
                raise CommandError(f"The sandbox at {base} did not answer: {error}") from error

    def _clear(self, http: httpx.Client, base: str, options: dict[str, Any]) -> None:
        # Without --platform and --account, every profile goes.
        params: dict[str, str] = {}
        if options["platform"] != "*":
            params["platform"] = options["platform"]
        if options["account"]:
            params["account_id"] = options["account"]
        self._call(http, "DELETE", f"{base}/_control/profile", params=params)

    def _profile(self, options: dict[str, Any]) -> dict[str, Any] | None:
        """The PUT body from the options given, or None when none was."""
        fields: dict[str, Any] = {
            field: options[option]
            for option, field in RATE_OPTIONS.items()
            if options[option] is not None
        }
        if options["latency_ms"] is not None or options["jitter_ms"] is not None:
            fields["latency_ms"] = {
                "mean": options["latency_ms"] or 0,
                "jitter": options["jitter_ms"] or 0,
            }
        if options["token_expired"] is not None:
            fields["token_expired"] = options["token_expired"]
        if not fields:
            return None
        profile: dict[str, Any] = {"platform": options["platform"], **fields}
        if options["account"]:
            profile["account_id"] = options["account"]
        return profile

    def _call(self, http: httpx.Client, method: str, url: str, **kwargs: Any) -> None:
        response = http.request(method, url, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.is_error:
            message = body.get("error") if isinstance(body, dict) else body
            raise CommandError(f"{method} {url}: HTTP {response.status_code}: {message}")
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
