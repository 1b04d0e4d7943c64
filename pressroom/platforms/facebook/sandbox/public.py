"""Simulated people on the sandbox's Facebook: they comment on a Page's posts (and answer each
other), write to the Page in Messenger and react; each action is kept as the Graph API shows
it and sent as the webhook Facebook would send (hooks.py).
"""

from __future__ import annotations

import hashlib

from pressroom.platforms.facebook.sandbox import hooks
from pressroom.platforms.facebook.sandbox.graph import PLATFORM
from pressroom.platforms.facebook.sandbox.threads import add_comment, add_message, post_comments
from pressroom.sandbox.emulation import Citizen
from pressroom.sandbox.store import Account, Item, SandboxStore

NAMES = (
    "Nguyễn Thị Lan",
    "Trần Văn Minh",
    "Lê Thị Hồng",
    "Phạm Quốc Huy",
    "Hoàng Thị Mai",
    "Vũ Đức Thắng",
    "Đặng Thị Thu",
    "Bùi Văn Nam",
    "Đỗ Thị Ngọc Ánh",
    "Ngô Minh Tuấn",
    "Dương Thị Hạnh",
    "Lý Văn Phúc",
)


class FacebookPublic:
    """What people do on the Pages of one sandbox store (pressroom.sandbox.emulation.Public)."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def posts(self, account: Account) -> list[Item]:
        return self.store.items(
            platform=PLATFORM, account_id=account.account_id, kind="post", newest_first=True
        )

    def comments(self, post: Item) -> list[Item]:
        return post_comments(self.store, post.account_id, post.remote_id)

    def comment(
        self, post: Item, citizen: Citizen, text: str, reply_to: Item | None = None
    ) -> Item | None:
        if post.platform != PLATFORM or post.kind != "post":
            return None
        comment = add_comment(
            self.store,
            page_id=post.account_id,
            post_id=post.remote_id,
            parent_id=reply_to.remote_id if reply_to is not None else post.remote_id,
            author={"id": citizen.id, "name": citizen.name},
            text=text,
        )
        hooks.deliver(self.store, post.account_id, [hooks.comment_change(comment, "add")])
        return comment

    def message(self, account: Account, citizen: Citizen, text: str) -> Item | None:
        message = add_message(
            self.store,
            page=account,
            psid=citizen.id,
            name=citizen.name,
            text=text,
            incoming=True,
        )
        hooks.deliver(self.store, account.account_id, [hooks.message_event(message)])
        return message

    def react(self, target: Item, citizen: Citizen, reaction: str) -> None:
        if target.kind == "message":
            event = hooks.message_reaction_event(target, citizen.id, reaction)
        elif target.kind in {"post", "comment"}:
            person = {"id": citizen.id, "name": citizen.name}
            event = hooks.reaction_change(target, person, reaction)
        else:
            return
        hooks.deliver(self.store, target.account_id, [event])

    def citizen(self, account: Account, number: int) -> Citizen:
        """A Page-scoped id (16 digits, like a PSID), stable per Page and number."""
        digest = hashlib.sha256(f"{account.account_id}:{number}".encode()).hexdigest()
        scoped = f"2{int(digest[:16], 16) % 10**15:015d}"
        return Citizen(id=scoped, name=NAMES[number % len(NAMES)])


def public(store: SandboxStore) -> FacebookPublic:
    return FacebookPublic(store)
