"""`pressroom sandbox_faults` sets, shows and clears a running sandbox's profiles."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pressroom.platforms.base import OutcomeKind, Publication
from pressroom.platforms.testing import RunningSandbox, publish


def run(*args: str) -> str:
    out = StringIO()
    call_command("sandbox_faults", *args, stdout=out)
    return out.getvalue()


def test_the_command_sets_a_platform_profile(clean_sandbox: RunningSandbox) -> None:
    output = run(
        "--url",
        clean_sandbox.url,
        "--platform",
        "telegram",
        "--server-error-rate",
        "0.1",
        "--timeout-rate",
        "0.05",
        "--rate-limit-rate",
        "0.05",
        "--reject-rate",
        "0.01",
        "--latency-ms",
        "100",
        "--jitter-ms",
        "20",
        "--seed",
        "3",
    )
    expected = {
        "platform": "telegram",
        "server_error_rate": 0.1,
        "timeout_after_create_rate": 0.05,
        "rate_limit_rate": 0.05,
        "reject_rate": 0.01,
        "latency_ms": {"mean": 100, "jitter": 20},
        "seed": 3,
    }
    assert json.loads(output) == expected
    assert clean_sandbox.profiles()["profiles"] == [expected]


def test_the_command_expires_a_token_and_clears(clean_sandbox: RunningSandbox) -> None:
    access = clean_sandbox.connect("zalo", "42")
    publication = Publication(text="Thông báo", title="Tiêu đề")
    run("--url", clean_sandbox.url, "--platform", "zalo", "--account", "42", "--token-expired")
    assert publish("zalo", access, publication).kind is OutcomeKind.CREDENTIALS_EXPIRED
    run("--url", clean_sandbox.url, "--platform", "zalo", "--account", "42", "--token-ok")
    assert publish("zalo", access, publication).published
    run("--url", clean_sandbox.url, "--server-error-rate", "1")
    assert publish("zalo", access, publication).kind is not OutcomeKind.PUBLISHED
    output = run("--url", clean_sandbox.url, "--clear")
    assert json.loads(output) == {"removed": 2}
    assert clean_sandbox.profiles()["profiles"] == []
    assert publish("zalo", access, publication).published


def test_the_command_switches_limits_and_shows(clean_sandbox: RunningSandbox) -> None:
    run("--url", clean_sandbox.url, "--no-enforce-limits")
    assert clean_sandbox.settings() == {"enforce_limits": False}
    run("--url", clean_sandbox.url, "--enforce-limits")
    assert clean_sandbox.settings() == {"enforce_limits": True}
    clean_sandbox.set_profile("mastodon", reject_rate=0.5)
    shown = json.loads(run("--url", clean_sandbox.url))
    assert shown["profiles"] == [{"platform": "mastodon", "reject_rate": 0.5}]


def test_the_command_reports_a_refused_profile(clean_sandbox: RunningSandbox) -> None:
    with pytest.raises(CommandError, match="reject_rate must be between 0 and 1"):
        run("--url", clean_sandbox.url, "--reject-rate", "2")


def test_the_command_reports_an_absent_sandbox() -> None:
    with pytest.raises(CommandError, match="did not answer"):
        run("--url", "http://127.0.0.1:9", "--server-error-rate", "0.1")
