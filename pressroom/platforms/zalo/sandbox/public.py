"""What simulated citizens do on the emulated Zalo: write to an OA (a `user_send_text` webhook),
follow and unfollow it (a `follow` or `unfollow` webhook, and one follower more or fewer in
getoa and user/getlist). Zalo offers no API for comments under an OA's articles (UNCONFIRMED), so
citizens do not comment, and they do not react."""

from __future__ import annotations

from pressroom.platforms.zalo.sandbox.citizens import follower_id, vietnamese_name
from pressroom.platforms.zalo.sandbox.conversations import PLATFORM, Conversations
from pressroom.platforms.zalo.sandbox.profile import count_follow
from pressroom.sandbox.emulation import Citizen
from pressroom.sandbox.store import Account, Item, SandboxStore


class ZaloPublic:
    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.conversations = Conversations(store)

    def posts(self, account: Account) -> list[Item]:
        """The OA's articles, newest first."""
        return self.store.items(
            platform=PLATFORM, account_id=account.account_id, kind="article", newest_first=True
        )

    def comments(self, post: Item) -> list[Item]:
        return []

    def comment(
        self, post: Item, citizen: Citizen, text: str, reply_to: Item | None = None
    ) -> Item | None:
        return None

    def messages(self, account: Account) -> list[Item]:
        """The OA's conversations, oldest first (the viewer shows them)."""
        return self.store.items(platform=PLATFORM, account_id=account.account_id, kind="message")

    def message(self, account: Account, citizen: Citizen, text: str) -> Item | None:
        return self.conversations.receive(account, citizen.id, citizen.name, text)

    def react(self, target: Item, citizen: Citizen, reaction: str) -> None:
        return None

    def citizen(self, account: Account, number: int) -> Citizen:
        """The OA's follower numbered `number` (the one user/getlist lists at that place)."""
        return Citizen(
            follower_id(account.account_id, number), vietnamese_name(account.account_id, number)
        )

    # Zalo's own: not in every platform's public

    def follow(self, account: Account, citizen: Citizen) -> None:
        count_follow(self.store, account, follows=True)
        self.conversations.follow(account, citizen.id, follows=True)

    def unfollow(self, account: Account, citizen: Citizen) -> None:
        count_follow(self.store, account, follows=False)
        self.conversations.follow(account, citizen.id, follows=False)


def public(store: SandboxStore) -> ZaloPublic:
    return ZaloPublic(store)
