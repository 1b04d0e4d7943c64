"""Background tasks of the inbox: thin, each calls a service. Safe to run twice."""

from __future__ import annotations

from django.tasks import task

from pressroom.inbox import processing


@task()
def process_events() -> None:
    """Read every stored webhook body (the intake enqueues this after each batch)."""
    while processing.process_stored():
        pass


@task()
def send_reply(reply_id: int) -> None:
    from pressroom.inbox import sending

    sending.send(reply_id)
