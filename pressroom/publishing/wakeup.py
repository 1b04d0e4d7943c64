"""Waking dispatchers when deliveries are queued, on PostgreSQL (LISTEN / NOTIFY).

Without it a dispatcher finds new work at its next poll (`DISPATCHER_POLL_S`). With it, a
post published now, an emergency alert or a reconnected channel is claimed at once, by
dispatchers on any machine. SQLite has no such thing: there the poll is all there is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connection, connections, transaction

logger = logging.getLogger(__name__)

CHANNEL = "pressroom_deliveries"


def announce() -> None:
    """Tell the dispatchers, once this transaction commits, that deliveries are waiting."""
    if connection.vendor != "postgresql":
        return

    def notify() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, '')", [CHANNEL])

    transaction.on_commit(notify)


class Listener:
    """A thread with its own connection that calls `wake` on every announcement."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self.wake = wake
        self.stopping = threading.Event()
        self.listening = threading.Event()
        self.thread = threading.Thread(target=self._run, name="dispatcher-listen", daemon=True)

    @classmethod
    def start_if_supported(cls, wake: Callable[[], None]) -> Listener | None:
        if connection.vendor != "postgresql":
            return None
        listener = cls(wake)
        listener.thread.start()
        return listener

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        wrapper = connections["default"]
        while not self.stopping.is_set():
            try:
                params = wrapper.get_connection_params()
                with psycopg.connect(**params, autocommit=True) as listen:
                    listen.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self.stopping.is_set():
                        # A short wait, so `stop` returns promptly.
                        for _ in listen.notifies(timeout=0.25):
                            self.wake()
            except Exception:
                # The poll still finds the work; try to listen again shortly.
                self.listening.clear()
                logger.warning("not listening for new deliveries", exc_info=True)
                self.stopping.wait(5)
