"""The error an action raises when a user's request cannot be done; the message is for them."""

from __future__ import annotations


class ActionError(Exception):
    """Raised by actions with a translated, user-facing message (or several)."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = [str(message) for message in messages]

    def __str__(self) -> str:
        return " ".join(self.messages)
