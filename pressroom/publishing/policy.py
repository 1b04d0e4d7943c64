"""What follows a send whose answer was lost, as each platform's descriptor says.

A platform that can be searched has the post looked for before any resend; one that drops a
repeated request (Mastodon's Idempotency-Key) is simply sent again; on one that can do
neither (Telegram), the channel chooses: wait for a person to look, or send again.
"""

from __future__ import annotations

from pressroom.channels.models import Channel
from pressroom.platforms.registry import DESCRIPTORS

# Platforms where sending the same post again is harmless.
RESEND_SAFE_PLATFORMS = frozenset(name for name, d in DESCRIPTORS.items() if d.resend_safe)
# Platforms where a lost answer is the channel's choice (see `resends_after_lost_answer`).
CHOOSING_PLATFORMS = frozenset(name for name, d in DESCRIPTORS.items() if d.asks_after_lost_answer)
# What such a channel does: wait for a person (the default: never twice) or send again
# (never missing, maybe twice).
UNKNOWN_OUTCOME_CHOICES = ("wait", "resend")


def can_look_for(platform: str) -> bool:
    """Whether the platform can be searched for a post whose answer was lost."""
    return DESCRIPTORS[platform].can_look


def resend_is_safe(platform: str) -> bool:
    return platform in RESEND_SAFE_PLATFORMS


def resends_after_lost_answer(channel: Channel) -> bool:
    """A channel nobody can look on whose owners chose to send again."""
    return (
        channel.platform in CHOOSING_PLATFORMS
        and (channel.options or {}).get("unknown_outcome") == "resend"
    )
