"""What a Telegram channel counts, read for Pressroom's reports (see pressroom.platforms.metrics).

- Followers: `getChatMemberCount(chat_id)` → the channel's subscribers [O]; a level read now,
  dated `until` (the Bot API keeps no history: earlier days cannot be read, the channel counts
  as complete up to `until`).
- Posts: the Bot API reads nothing about a channel post. Views are not on its Message, and no
  method gives them [T T8]; forwards, visits and clicks neither. Those measures are reported
  unavailable (a reason, never a zero).
- Reactions come as `message_reaction_count` updates (inbound.py, `Happening.count`) and
  comments as messages in the discussion group: the inbox counts them, not this reading.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from pressroom.platforms.base import Outcome, OutcomeKind
from pressroom.platforms.metrics import Measure, MetricsRequest, Reading, Value
from pressroom.platforms.telegram.client_inbound import TelegramInbound
from pressroom.platforms.transport import Call, Stop

MEMBER_COUNT = "getChatMemberCount"
MEMBER_COUNT_DEFINITION = "Members (subscribers) of the channel, as getChatMemberCount gives them"
# English, to be translated where they are shown (the keys are Measure values); the same
# words every time, so that a report can name them.
NO_VIEWS = gettext_noop("Telegram does not let bots read how many times a post was viewed")
UNAVAILABLE = {
    Measure.REACH.value: NO_VIEWS,
    Measure.SHARES.value: gettext_noop(
        "Telegram does not let bots read how many times a post was forwarded"
    ),
    Measure.VISITS.value: gettext_noop("Telegram does not let bots read the visits to a channel"),
    Measure.CLICKS.value: gettext_noop(
        "Telegram does not let bots read the clicks on a post's links"
    ),
}


class TelegramMetrics(TelegramInbound):
    """Mixed into the Telegram client (client.py)."""

    async def _read_metrics(self, request: MetricsRequest, call: Call) -> Reading:
        if MEMBER_COUNT in request.skip_metrics:
            return Reading(unavailable=dict(UNAVAILABLE))
        count = await self._call(call, MEMBER_COUNT, {"chat_id": self.access.external_id})
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise Stop(
                Outcome(OutcomeKind.RETRY_LATER, code="unexpected_response", reason=MEMBER_COUNT)
            )
        followers = Value(
            Measure.FOLLOWERS, request.read_on, count, MEMBER_COUNT, MEMBER_COUNT_DEFINITION
        )
        return Reading(
            values=(followers,), complete_until=request.until, unavailable=dict(UNAVAILABLE)
        )
