"""One round of the inbox's listener (`pressroom listen`): recover replies whose sender stopped
mid-send, send the replies due, read stored webhook bodies, poll the channels that are due, and
once an hour apply the retention period (`privacy.erase_old_bodies`, idempotent)."""

from __future__ import annotations

import time

from pressroom.inbox import polling, privacy, processing, sending

RETENTION_EVERY_S = 3600.0


class Listener:
    def __init__(self) -> None:
        self._retention_at = 0.0

    def round(self) -> None:
        sending.reap()
        for reply_id in sending.due_replies():
            sending.send(reply_id)
        while processing.process_stored():
            pass
        polling.poll_due()
        if time.monotonic() >= self._retention_at:
            privacy.erase_old_bodies()
            self._retention_at = time.monotonic() + RETENTION_EVERY_S


def listen_round() -> None:
    """One round, retention included."""
    Listener().round()
