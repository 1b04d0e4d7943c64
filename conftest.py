"""Shared pytest fixtures: a platform sandbox running for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pressroom.platforms.testing import RunningSandbox


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with RunningSandbox(tmp_path_factory.mktemp("sandbox")) as running:
        yield running


@pytest.fixture
def clean_sandbox(sandbox: RunningSandbox) -> RunningSandbox:
    """The session's sandbox with no accounts, objects or faults left by earlier tests."""
    sandbox.reset()
    return sandbox
