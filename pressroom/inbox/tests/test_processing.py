"""Applying happenings: one conversation per thread whichever way the items came."""

from __future__ import annotations

from datetime import UTC, datetime

from pressroom.inbox import processing
from pressroom.inbox.models import Conversation, Message
from pressroom.platforms.inbound import Happening, HappeningKind, Person, ThreadKind
from pressroom.testing import BaseTestCase


def comment(remote_id: str, thread: str, *, parent: str = "", text: str = "?") -> Happening:
    return Happening(
        kind=HappeningKind.COMMENT,
        account_id="-100123",
        thread_kind=ThreadKind.COMMENTS,
        thread=thread,
        remote_id=remote_id,
        at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
        author=Person("777", "Minh"),
        text=text,
        parent_id=parent,
        post_id=thread.removeprefix("post:") if thread.startswith("post:") else "",
    )


class ApplyTests(BaseTestCase):
    def test_a_reply_to_a_reply_joins_the_thread_of_the_comment_it_answers(self) -> None:
        channel = self.make_channel(self.commune, "telegram")
        applied = processing.Applied()
        processing.apply(channel, comment("-200:10", "post:42"), applied)
        # Telegram names only the parent: its own thread key is not the post's.
        processing.apply(
            channel, comment("-200:11", "discussion:-200:10", parent="-200:10"), applied
        )
        processing.apply(
            channel, comment("-200:12", "discussion:-200:11", parent="-200:11"), applied
        )
        conversation = Conversation.objects.get()
        self.assertEqual(conversation.key, "post:42")
        self.assertEqual(conversation.inbound_count, 3)
        self.assertEqual(
            list(Message.objects.values_list("parent_remote_id", flat=True)),
            ["", "-200:10", "-200:11"],
        )
        self.assertEqual(len(applied.new_inbound), 3)

    def test_the_same_item_twice_is_one_message(self) -> None:
        channel = self.make_channel(self.commune, "facebook")
        applied = processing.Applied()
        for _ in range(2):
            processing.apply(channel, comment("1_2_3", "post:1_2", text="Xin chào"), applied)
        self.assertEqual(Message.objects.count(), 1)
        self.assertEqual(Conversation.objects.get().inbound_count, 1)
