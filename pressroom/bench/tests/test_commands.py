"""The benchmarks keep working: each command at a tiny size, its correctness fields checked
(never its times, which are measured by running the commands, not by tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

# The harness makes its own database, sandbox and dispatchers; no test database is used.
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def bench(*arguments: str) -> dict[str, Any]:
    finished = subprocess.run(
        [sys.executable, "-m", "pressroom.cli", "bench", *arguments, "--db", "sqlite", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def test_fanout_reaches_every_channel_on_every_platform_once() -> None:
    result = bench("fanout", "--channels", "8", "--latency-ms", "5")
    assert (result["published"], result["failed"], result["duplicates"]) == (8, 0, 0)


def test_schedule_misses_nothing() -> None:
    result = bench("schedule", "--deliveries", "40", "--window-s", "3", "--latency-ms", "5")
    assert (result["missed"], result["duplicates"]) == (0, 0)


def test_chaos_loses_and_doubles_nothing() -> None:
    result = bench("chaos", "--deliveries", "60", "--kills", "1")
    assert (result["duplicates"], result["lost"], result["mismatched"]) == (0, 0, 0)
    assert result["published"] + result["failed_terminal"] + result["waiting_for_person"] == 60


def test_webhooks_stores_every_event_once() -> None:
    result = bench("webhooks", "--events", "300", "--concurrency", "10")
    assert (result["lost"], result["stored"], result["stored_once_each"]) == (0, 300, True)
    assert result["other_statuses"] == {} and result["repeated_accepted"] == result["repeated"]
