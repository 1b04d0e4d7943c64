"""What the inbox tells the apps above it (the correction desk): sent after the commit."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `message_ids`: new messages from the public, stored and committed.
messages_received = Signal()

# Sent with `channel_id`, `post_remote_id`, `count` and `at`: the platform's latest total of
# reactions on one of the channel's posts (Telegram's `message_reaction_count`).
reactions_counted = Signal()
