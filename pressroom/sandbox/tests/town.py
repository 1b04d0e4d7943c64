"""A small emulation with a public, for the sandbox's own tests of its simulated public: its
citizens comment, reply, react and write messages, and each act is sent as a webhook to
the account's `webhook_url`."""

from __future__ import annotations

import json
from typing import Any

from pressroom.sandbox import corpus
from pressroom.sandbox.emulation import Citizen, Emulation, Look
from pressroom.sandbox.store import Account, Item, SandboxStore


class TownPublic:
    platform = "town"

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def posts(self, account: Account) -> list[Item]:
        return self.store.items(
            platform=self.platform, account_id=account.account_id, kind="post", newest_first=True
        )

    def comments(self, post: Item) -> list[Item]:
        return [
            item
            for item in self.store.items(
                platform=self.platform, account_id=post.account_id, kind="comment"
            )
            if item.data["post"] == post.remote_id
        ]

    def messages(self, account: Account) -> list[Item]:
        return self.store.items(platform=self.platform, account_id=account.account_id, kind="dm")

    def comment(
        self, post: Item, citizen: Citizen, text: str, reply_to: Item | None = None
    ) -> Item | None:
        number = self.store.next_number(f"{self.platform}:comment")
        item = self.store.add_item(
            platform=self.platform,
            account_id=post.account_id,
            kind="comment",
            remote_id=f"{post.remote_id}_c{number}",
            top_level=False,
            text=text,
            data={
                "post": post.remote_id,
                "parent": reply_to.remote_id if reply_to else post.remote_id,
                "from": {"id": citizen.id, "name": citizen.name},
            },
        )
        self.send(post.account_id, {"comment": item.remote_id, "text": text})
        return item

    def message(self, account: Account, citizen: Citizen, text: str) -> Item | None:
        number = self.store.next_number(f"{self.platform}:dm")
        item = self.store.add_item(
            platform=self.platform,
            account_id=account.account_id,
            kind="dm",
            remote_id=f"m{number}",
            top_level=False,
            text=text,
            data={"conversation": citizen.id, "author": citizen.name},
        )
        self.send(account.account_id, {"message": item.remote_id, "text": text})
        return item

    def react(self, target: Item, citizen: Citizen, reaction: str) -> None:
        self.send(target.account_id, {"reaction": reaction, "on": target.remote_id})

    def citizen(self, account: Account, number: int) -> Citizen:
        return Citizen(id=f"{account.account_id}-{number}", name=corpus.name(number))

    def send(self, account_id: str, payload: dict[str, Any]) -> None:
        account = self.store.account(self.platform, account_id)
        url = account.extra.get("webhook_url") if account else None
        if url:
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.store.webhooks.queue(self.platform, url, body, {"X-Town": account_id})


class QuietPublic(TownPublic):
    """A platform where citizens cannot write to an account."""

    platform = "quiet"

    def message(self, account: Account, citizen: Citizen, text: str) -> Item | None:
        return None


TOWN = Emulation(
    platform="town",
    path="/town",
    routes=lambda store: [],
    look=Look(brand="Town"),
    public=TownPublic,
)
QUIET = Emulation(
    platform="quiet",
    path="/quiet",
    routes=lambda store: [],
    look=Look(brand="Quiet"),
    public=QuietPublic,
)


def add_post(store: SandboxStore, platform: str, account_id: str, remote_id: str) -> Item:
    return store.add_item(
        platform=platform,
        account_id=account_id,
        kind="post",
        remote_id=remote_id,
        top_level=True,
        text=f"Thông báo {remote_id}",
    )
