"""Settings of the Python runtime for the long-running processes (dispatcher, sandbox)."""

from __future__ import annotations

import gc


def quiet_garbage_collector() -> None:
    """What was loaded at start-up lives as long as the process: move it out of the cyclic
    collector's way, and collect less often, so a burst of a thousand requests is not paused
    by full collections over objects that never die. Memory is still freed by reference
    counting; only cycles wait longer."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
