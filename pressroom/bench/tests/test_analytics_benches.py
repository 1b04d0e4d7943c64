"""The analytics benchmarks keep working: `report` and `pages` on a tiny history, their
correctness fields checked (never their times)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

SMALL = ("--units", "40", "--channels", "100", "--days", "30", "--engagements", "10000")


def bench(cache: Path, *arguments: str) -> dict[str, Any]:
    finished = subprocess.run(
        [sys.executable, "-m", "pressroom.cli", "bench", *arguments, "--db", "sqlite", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "PRESSROOM_BENCH_CACHE": str(cache)},
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def test_report_figures_equal_duckdb_over_the_same_rows_and_the_history_is_cached(
    tmp_path: Path,
) -> None:
    first = bench(tmp_path, "report", *SMALL, "--repeat", "1")
    assert first["equal"] is True, first["differences"]
    assert first["differences"] == []
    assert first["engagements_in_rows"] == 10000
    assert (first["units"], first["channels"], first["channel_days"]) == (40, 100, 3000)
    assert first["rows"] == first["channel_days"] + first["unit_days"] + first["post_figures"]
    assert first["history"] == "built"
    for field in ("seconds", "duckdb_seconds", "ratio", "dashboard_seconds", "queries"):
        assert field in first
    again = bench(tmp_path, "report", *SMALL, "--repeat", "1")
    assert (again["history"], again["equal"], again["rows"]) == ("cached", True, first["rows"])


def test_pages_answer_with_their_figures(tmp_path: Path) -> None:
    result = bench(
        tmp_path, "pages", *SMALL, "--posts", "50", "--messages", "200", "--requests", "3"
    )
    pages = result["pages"]
    assert set(pages) == {"calendar", "inbox", "dashboard", "report"}
    for page in pages.values():
        assert page["status"] == [200], page
        assert page["requests"] == 3 and page["queries"] > 0 and page["p95_ms"] > 0
    assert pages["calendar"]["posts_shown"] == 50
    # The rows added for the pages were rolled back: a second run adds them again.
    again = bench(
        tmp_path, "pages", *SMALL, "--posts", "50", "--messages", "200", "--requests", "3"
    )
    assert again["pages"]["calendar"]["posts_shown"] == 50
