"""What the channels tell the apps above them (the inbox): sent after the commit."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `channel_id` once a channel is connected or reconnected and its options are set.
channel_connected = Signal()
