"""What the inbox tells the apps above it (the correction desk): sent after the commit."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `message_ids`: new messages from the public, stored and committed.
messages_received = Signal()
