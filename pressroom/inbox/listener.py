"""One round of the inbox's listener (`pressroom listen`): recover replies whose sender stopped
mid-send, send the replies due, read stored webhook bodies, poll the channels that are due."""

from __future__ import annotations

from pressroom.inbox import polling, processing, sending


def listen_round() -> None:
    sending.reap()
    for reply_id in sending.due_replies():
        sending.send(reply_id)
    while processing.process_stored():
        pass
    polling.poll_due()
