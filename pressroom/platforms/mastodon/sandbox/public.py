"""Simulated citizens on the emulated Mastodon (the sandbox's `Public`): remote accounts on
`xa-hoi.example` who reply to an account's statuses, mention it, write to it privately (a
direct status), favourite or boost its statuses, quote them and follow it. Mastodon sends no
webhooks: what they do shows through the reads Pressroom polls (notifications, each subject to
the account's notification policy, notifications.py; the status's context; conversations).

Tests and the training tools drive them over HTTP, same-origin JSON like the sandbox's other
controls (ids are the platform's; `citizen` is the simulated person's number):
- `POST /mastodon/_control/citizens/comment` `{"status_id", "citizen", "text", "reply_to"?,
  "visibility"?}` (a reply to `status_id`, or to `reply_to` in its thread)
- `POST /mastodon/_control/citizens/message` `{"account_id", "citizen", "text"}`
- `POST /mastodon/_control/citizens/mention` `{"account_id", "citizen", "text"}`: a public
  status of the citizen's own (replying to nothing) addressed to the account
- `POST /mastodon/_control/citizens/react` `{"status_id", "citizen", "reaction"?}`
  (`favourite` by default, or `reblog`)
- `POST /mastodon/_control/citizens/quote` `{"status_id", "citizen", "text"}`
- `POST /mastodon/_control/citizens/follow` `{"account_id", "citizen"}`
- `PUT /mastodon/_control/citizens/{number}` `{"limited"?, "new"?}`: how the instance sees
  the citizen (limited by its moderators; an account made in the last 30 days)
Each answers the status made (`{"id": …}`) or `{}`; 404 for an unknown account or status.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from pressroom.platforms.mastodon.sandbox import people, threads
from pressroom.platforms.mastodon.sandbox.entities import FOLLOWED, PLATFORM
from pressroom.platforms.mastodon.sandbox.notifications import notify
from pressroom.sandbox.control import changing
from pressroom.sandbox.emulation import Citizen
from pressroom.sandbox.store import Account, Item, SandboxStore

STATUS_IDS = "mastodon:ids"
FIRST_STATUS_ID = 110000000000000001
BOOSTS = frozenset({"reblog", "boost", "🔁"})
ACTIONS = frozenset({"comment", "message", "mention", "react", "quote", "follow"})


class MastodonPublic:
    """What citizens do on the emulated Mastodon, recorded as Mastodon shows it."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def posts(self, account: Account) -> list[Item]:
        statuses = self.store.items(
            platform=PLATFORM,
            account_id=account.account_id,
            kind="status",
            top_level=True,
            newest_first=True,
        )
        return [item for item in statuses if threads.visible(item, None)]

    def comments(self, post: Item) -> list[Item]:
        found = threads.descendants(self.store, post, post.account_id)
        return sorted(found, key=lambda item: int(item.remote_id))

    def citizen(self, account: Account, number: int) -> Citizen:
        record = people.numbered_citizen(self.store, number)
        return Citizen(id=str(record["id"]), name=str(record["display_name"]))

    def _record(self, citizen: Citizen) -> dict[str, Any]:
        record = people.citizen(self.store, citizen.id)
        if record is None:
            username = "".join(ch for ch in citizen.id.lower() if ch.isalnum()) or "citizen"
            record = people.save_citizen(
                self.store, citizen.id, username=username, display_name=citizen.name
            )
        return record

    def _status(
        self,
        citizen: Citizen,
        text: str,
        *,
        visibility: str,
        parent: Item | None = None,
        quoted: Item | None = None,
    ) -> Item:
        """A status by the citizen, written the way Mastodon's composer writes it: the people
        it answers @mentioned first."""
        self._record(citizen)
        data: dict[str, Any] = {
            "visibility": visibility,
            "language": "vi",
            "application": {"name": "Web", "website": None},
            "mentions": people.mentioned_ids(self.store, text),
        }
        if parent is not None:
            data["in_reply_to_id"] = parent.remote_id
            data["in_reply_to_account_id"] = parent.account_id
        if quoted is not None:
            data["quoted_status_id"] = quoted.remote_id
            data["quoted_account_id"] = quoted.account_id
        item = self.store.add_item(
            platform=PLATFORM,
            account_id=citizen.id,
            kind="status",
            remote_id=str(self.store.next_number(STATUS_IDS, FIRST_STATUS_ID)),
            top_level=False,
            text=text,
            data=data,
        )
        threads.record_status(self.store, item)
        return item

    def _addressed(self, text: str, *account_ids: str) -> str:
        """The text with an @mention of each account it does not mention yet, in front."""
        prefix = []
        for account_id in account_ids:
            handle = self._handle(account_id)
            if handle and handle.lower() not in text.lower():
                prefix.append(handle)
        return " ".join([*prefix, text])

    def _handle(self, account_id: str) -> str:
        local = people.local_username(self.store, account_id)
        if local:
            return f"@{local}"
        record = people.citizen(self.store, account_id)
        return f"@{record['acct']}" if record else ""

    def comment(
        self,
        post: Item,
        citizen: Citizen,
        text: str,
        reply_to: Item | None = None,
        *,
        visibility: str = "public",
    ) -> Item | None:
        """A public reply (or `unlisted`, `private`), direct when it answers a direct one."""
        parent = reply_to or post
        # Whom the composer mentions: the author of the status answered and of the thread's
        # first status, never the writer.
        addressed = [
            account_id
            for account_id in dict.fromkeys([parent.account_id, post.account_id])
            if account_id != citizen.id
        ]
        if parent.data.get("visibility") == "direct":
            visibility = "direct"
        return self._status(
            citizen, self._addressed(text, *addressed), visibility=visibility, parent=parent
        )

    def message(self, account: Account, citizen: Citizen, text: str) -> Item | None:
        """A direct status mentioning the account, continuing their conversation if any."""
        parent = None
        for conversation in threads.conversations_of(self.store, account.account_id):
            if conversation.get("accounts") == [citizen.id]:
                parent = threads.status(self.store, str(conversation["last_status_id"]))
                break
        return self._status(
            citizen,
            self._addressed(text, account.account_id),
            visibility="direct",
            parent=parent,
        )

    def mention(self, account: Account, citizen: Citizen, text: str) -> Item:
        """A public status of the citizen's own, addressed to the account."""
        return self._status(citizen, self._addressed(text, account.account_id), visibility="public")

    def quote(self, post: Item, citizen: Citizen, text: str) -> Item:
        return self._status(citizen, text, visibility="public", quoted=post)

    def react(self, target: Item, citizen: Citizen, reaction: str) -> None:
        """A favourite (Mastodon has no other reaction on a status), or a boost."""
        self._record(citizen)
        kind = "reblog" if reaction in BOOSTS else "favourite"
        counter = f"{kind}s_count"
        data = {**target.data, counter: int(target.data.get(counter) or 0) + 1}
        updated = self.store.update_item(
            platform=PLATFORM, account_id=target.account_id, remote_id=target.remote_id, data=data
        )
        notify(self.store, target.account_id, kind, citizen.id, updated or target)

    def follow(self, account: Account, citizen: Citizen) -> None:
        record = self._record(citizen)
        if account.account_id in record.get("follows", []):
            return
        follows = [*record.get("follows", []), account.account_id]
        people.update_citizen(self.store, citizen.id, follows=sorted(set(follows)))
        followed = self.store.record(FOLLOWED, account.account_id) or {}
        count = int(followed.get("count") or 0) + 1
        self.store.put_record(FOLLOWED, account.account_id, {"count": count})
        notify(self.store, account.account_id, "follow", citizen.id)


class CitizenControls:
    """The `_control/citizens` endpoints (see the module's docstring)."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self.public = MastodonPublic(store)

    async def body(self, request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            body = None
        return body if isinstance(body, dict) else {}

    def citizen_of(self, body: dict[str, Any]) -> Citizen:
        number = int(body.get("citizen") or 0)
        record = people.numbered_citizen(self.store, number)
        return Citizen(id=str(record["id"]), name=str(record["display_name"]))

    async def act(self, request: Request) -> Response:
        body = await self.body(request)
        action = request.path_params["action"]
        if action not in ACTIONS:
            return JSONResponse({"error": "No such action"}, status_code=404)
        citizen = self.citizen_of(body)
        text = str(body.get("text") or "")
        made: Item | None = None
        if action in {"comment", "react", "quote"}:
            target = threads.status(self.store, str(body.get("status_id") or ""))
            if target is None:
                return JSONResponse({"error": "No such status"}, status_code=404)
            if action == "comment":
                reply_to = threads.status(self.store, str(body.get("reply_to") or ""))
                root = threads.root_of(self.store, target)
                visibility = str(body.get("visibility") or "public")
                if visibility not in {"public", "unlisted", "private", "direct"}:
                    return JSONResponse({"error": "No such visibility"}, status_code=400)
                made = self.public.comment(
                    root, citizen, text, reply_to or target, visibility=visibility
                )
            elif action == "quote":
                made = self.public.quote(target, citizen, text)
            else:
                self.public.react(target, citizen, str(body.get("reaction") or "favourite"))
        else:
            account = self.store.account(PLATFORM, str(body.get("account_id") or ""))
            if account is None:
                return JSONResponse({"error": "No such account"}, status_code=404)
            if action == "message":
                made = self.public.message(account, citizen, text)
            elif action == "mention":
                made = self.public.mention(account, citizen, text)
            else:
                self.public.follow(account, citizen)
        return JSONResponse({"id": made.remote_id, "account_id": citizen.id} if made else {})

    async def describe(self, request: Request) -> Response:
        body = await self.body(request)
        record = people.numbered_citizen(self.store, int(request.path_params["number"]))
        changes: dict[str, Any] = {}
        if "limited" in body:
            changes["limited"] = bool(body["limited"])
        if "new" in body:
            age = 86400 if body["new"] else people.SETTLED_AGE_S
            changes["created_at"] = time.time() - age
        updated = people.update_citizen(self.store, str(record["id"]), **changes) or record
        return JSONResponse(updated)

    def routes(self) -> list[BaseRoute]:
        return [
            Route(
                "/_control/citizens/{action:str}",
                changing(self.act),
                methods=["POST"],
            ),
            Route("/_control/citizens/{number:int}", changing(self.describe), methods=["PUT"]),
        ]
