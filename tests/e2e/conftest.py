"""End-to-end fixtures: a real Chromium (Debian's, or Playwright's own) and a dispatcher."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by
# the test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Debian's Chromium when present (CI); None means Playwright's own browser."""
    configured = os.environ.get("PRESSROOM_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def browser() -> Iterator[Any]:
    """Playwright's sync API keeps an event loop running in this thread while it is open, so
    it is opened per test: tests that call asyncio.run() may run after this one."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        # A developer machine without Debian's Chromium: fetch Playwright's (needs network).
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True)
    # Playwright gives the browser a new, empty profile of its own.
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()
        # While Playwright's event loop runs in this thread, Django keeps the test's database
        # connections per context, not per thread: close them now, or one stays open after
        # the tests and PostgreSQL refuses to drop the test database.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # An English-language browser, as on many office computers: the pages still speak
    # Vietnamese, the default whatever the browser asks for.
    context = browser.new_context(locale="en-US", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def running_dispatcher(transactional_db: Any) -> Iterator[None]:
    """The real dispatcher, in a thread of the test process, polling the test database."""
    from pressroom.publishing.dispatcher import Dispatcher

    dispatcher = Dispatcher(poll_s=0.2)
    thread = threading.Thread(target=lambda: asyncio.run(dispatcher.run()), daemon=True)
    thread.start()
    yield
    dispatcher.stop()
    thread.join(timeout=20)
