"""The simulated public: citizens who comment, reply, react and write to the accounts.

At `rate_per_minute` (0: nobody), the driver picks a platform whose emulation has a public
(`Emulation.public`), one of its accounts and an action by `actions` weights, and makes a
citizen act through that platform's `Public`: what they write comes from corpus.py. The same
seed and the same accounts and posts give the same acts, in the same order. `act()` makes one
act now (`POST /_control/public/act`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pressroom.sandbox import corpus
from pressroom.sandbox.corpus import Phrase
from pressroom.sandbox.emulation import Citizen, Emulation, Public
from pressroom.sandbox.store import Account, Item, SandboxStore

logger = logging.getLogger(__name__)

COMMENT = "comment"
REPLY = "reply"
REACT = "react"
MESSAGE = "message"
ACTIONS = (COMMENT, REPLY, REACT, MESSAGE)
DEFAULT_ACTIONS: Mapping[str, float] = {COMMENT: 0.4, REPLY: 0.25, REACT: 0.2, MESSAGE: 0.15}
# Citizens comment on an account's newest posts.
RECENT_POSTS = 5
# How many different people each account's public has.
CITIZENS = 60
# Reactions as emoji; each platform's Public maps them to its own (a Facebook LIKE, …).
REACTIONS = ("👍", "❤️", "😂", "😮", "😢", "😡")
MAX_RATE_PER_MINUTE = 6000.0


class Refused(ValueError):
    """An act that cannot be made, and why (the control answers 400 with it)."""


@dataclass(frozen=True)
class PublicSettings:
    rate_per_minute: float = 0.0
    seed: int = 0
    actions: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_ACTIONS))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rate_per_minute": self.rate_per_minute,
            "seed": self.seed,
            "actions": dict(self.actions),
        }

    def updated(self, changes: Mapping[str, Any]) -> PublicSettings:
        """These settings with the given ones changed, checked (ValueError says what is
        wrong)."""
        unknown = set(changes) - {"rate_per_minute", "seed", "actions"}
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        updated = self
        if "rate_per_minute" in changes:
            rate = changes["rate_per_minute"]
            if (
                isinstance(rate, bool)
                or not isinstance(rate, int | float)
                or not math.isfinite(rate)
                or not 0 <= rate <= MAX_RATE_PER_MINUTE
            ):
                raise ValueError(
                    f"rate_per_minute must be a number from 0 to {MAX_RATE_PER_MINUTE:g}"
                )
            updated = replace(updated, rate_per_minute=float(rate))
        if "seed" in changes:
            seed = changes["seed"]
            if isinstance(seed, bool) or not isinstance(seed, int):
                raise ValueError("seed must be an integer")
            updated = replace(updated, seed=seed)
        if "actions" in changes:
            updated = replace(updated, actions=_weights(changes["actions"]))
        return updated


def _weights(given: Any) -> dict[str, float]:
    problem = f"actions must map some of {list(ACTIONS)} to weights of 0 or more, one above 0"
    if not isinstance(given, dict) or not given or set(given) - set(ACTIONS):
        raise ValueError(problem)
    weights: dict[str, float] = {}
    for action, weight in given.items():
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
            or weight < 0
        ):
            raise ValueError(problem)
        weights[action] = float(weight)
    if not any(weights.values()):
        raise ValueError(problem)
    return weights


@dataclass(frozen=True)
class Act:
    """What one citizen did, with the remote ids of what it made."""

    platform: str
    account_id: str
    action: str
    citizen_number: int
    citizen: Citizen
    text: str = ""
    # The corpus kind of the text (question, spam, false_claim, …); "given" when chosen.
    kind: str = ""
    post_id: str = ""
    # The comment answered (a reply) or reacted to.
    comment_id: str = ""
    reaction: str = ""
    created: Item | None = None
    webhooks: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        created = self.created
        return {
            "platform": self.platform,
            "account_id": self.account_id,
            "action": self.action,
            "citizen": {
                "number": self.citizen_number,
                "id": self.citizen.id,
                "name": self.citizen.name,
            },
            "text": self.text,
            "kind": self.kind,
            "post_id": self.post_id or None,
            "comment_id": self.comment_id or None,
            "reaction": self.reaction or None,
            "created": None
            if created is None
            else {"remote_id": created.remote_id, "kind": created.kind, "data": created.data},
            "webhooks": list(self.webhooks),
        }


class PublicDriver:
    """The public of every emulation that has one, made once for the store."""

    def __init__(
        self,
        store: SandboxStore,
        emulations: Sequence[Emulation],
        *,
        rate_per_minute: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.store = store
        self.publics: dict[str, Public] = {
            emulation.platform: emulation.public(store)
            for emulation in emulations
            if emulation.public is not None
        }
        self.initial = PublicSettings().updated({"rate_per_minute": rate_per_minute, "seed": seed})
        self.settings = self.initial
        self.acted = 0
        self._choices = random.Random(seed)
        self._timing = random.Random(f"{seed}:timing")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        store.on_reset.append(self.reset)

    # Settings

    def configure(self, changes: Mapping[str, Any]) -> PublicSettings:
        """Change the settings (ValueError when one is wrong); a seed given starts its
        sequence again."""
        self.settings = self.settings.updated(changes)
        if "seed" in changes:
            self._seed(self.settings.seed)
        self._nudge()
        return self.settings

    def reset(self) -> None:
        """Back to the settings the sandbox started with."""
        self.settings = self.initial
        self.acted = 0
        self._seed(self.settings.seed)
        self._nudge()

    def _seed(self, seed: int) -> None:
        self._choices = random.Random(seed)
        self._timing = random.Random(f"{seed}:timing")

    # Acting

    def act(
        self,
        platform: str,
        account_id: str,
        action: str,
        *,
        text: str | None = None,
        post_id: str | None = None,
        comment_id: str | None = None,
        citizen: int | None = None,
        reaction: str | None = None,
    ) -> Act:
        """One citizen's act now; what is not given is chosen. Refused says why it cannot be
        made (an unknown platform, account, post or comment, or an action the platform's
        public does not have)."""
        public = self.publics.get(platform)
        if public is None:
            raise Refused(f"platform must be one of {sorted(self.publics)}")
        account = self.store.account(platform, account_id)
        if account is None:
            raise Refused(f"{platform} has no account {account_id!r}")
        if action not in ACTIONS:
            raise Refused(f"action must be one of {list(ACTIONS)}")
        if citizen is not None and citizen < 1:
            raise Refused("citizen must be a number from 1")
        rng = self._choices
        number = citizen if citizen is not None else rng.randint(1, CITIZENS)
        person = public.citizen(account, number)
        before = self.store.webhooks.last_id()
        done = Act(platform, account_id, action, number, person)
        if action == MESSAGE:
            done = self._message(public, account, done, text)
        else:
            post = self._post(public, account, post_id)
            done = replace(done, post_id=post.remote_id)
            comment = self._comment(public, post, comment_id, needed=action == REPLY)
            if action == REACT:
                target = comment or post
                chosen = reaction or rng.choice(REACTIONS)
                _call(public.react, action, platform, target, person, chosen)
                done = replace(
                    done, reaction=chosen, comment_id=comment.remote_id if comment else ""
                )
            else:
                phrase = self._phrase(text, reply=action == REPLY)
                made = _call(
                    public.comment,
                    action,
                    platform,
                    post,
                    person,
                    phrase.text,
                    comment if action == REPLY else None,
                )
                done = replace(
                    done,
                    text=phrase.text,
                    kind=phrase.kind,
                    comment_id=comment.remote_id if comment and action == REPLY else "",
                    created=made,
                )
        queued = [delivery["id"] for delivery in self.store.webhooks.deliveries(after=before)]
        self.acted += 1
        return replace(done, webhooks=tuple(queued))

    def _message(self, public: Public, account: Account, done: Act, text: str | None) -> Act:
        phrase = self._phrase(text, private=True)
        made = _call(public.message, MESSAGE, account.platform, account, done.citizen, phrase.text)
        return replace(done, text=phrase.text, kind=phrase.kind, created=made)

    def _phrase(self, text: str | None, *, reply: bool = False, private: bool = False) -> Phrase:
        if text is not None:
            return Phrase("given", text)
        if reply and self._choices.random() < 0.5:
            return corpus.phrase(self._choices, corpus.FOLLOW_UP)
        return corpus.phrase(self._choices, private=private)

    def _post(self, public: Public, account: Account, post_id: str | None) -> Item:
        posts = public.posts(account)
        if post_id is not None:
            for post in posts:
                if post.remote_id == post_id:
                    return post
            raise Refused(
                f"{account.platform} account {account.account_id!r} has no post {post_id!r}"
            )
        if not posts:
            raise Refused(f"{account.platform} account {account.account_id!r} has no posts yet")
        return self._choices.choice(posts[:RECENT_POSTS])

    def _comment(
        self, public: Public, post: Item, comment_id: str | None, *, needed: bool
    ) -> Item | None:
        """The comment given, or for a reply one picked (half of reactions go to one)."""
        if comment_id is None and not needed and self._choices.random() < 0.5:
            return None
        comments = public.comments(post)
        if comment_id is not None:
            for comment in comments:
                if comment.remote_id == comment_id:
                    return comment
            raise Refused(f"post {post.remote_id!r} has no comment {comment_id!r}")
        if not comments:
            if needed:
                raise Refused(f"post {post.remote_id!r} has no comments to reply to")
            return None
        return self._choices.choice(comments)

    def act_at_random(self) -> Act | None:
        """One act of the public, chosen by the settings; None when nobody can act (no
        account, no posts and no messages on the platform)."""
        rng = self._choices
        candidates = [
            account
            for platform in sorted(self.publics)
            for account in self.store.accounts(platform)
        ]
        if not candidates:
            return None
        account = rng.choice(candidates)
        weights = self.settings.actions
        actions = [action for action in ACTIONS if weights.get(action, 0) > 0]
        action = rng.choices(actions, weights=[weights[action] for action in actions])[0]
        # What cannot be done falls back to something simpler: a reply without comments is a
        # comment, a comment without posts is a message.
        for attempt in _fallbacks(action):
            try:
                return self.act(account.platform, account.account_id, attempt)
            except Refused:
                continue
        return None

    # Running

    async def run(self) -> None:
        """Act at the configured rate until cancelled (the server's lifespan runs it)."""
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        try:
            while True:
                self._changed.clear()
                rate = self.settings.rate_per_minute
                wait = self._timing.expovariate(rate / 60) if rate > 0 else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), wait)
                    continue  # the settings changed: wait again at the new rate
                try:
                    self.act_at_random()
                except Exception:
                    logger.exception("The simulated public could not act")
        finally:
            self._loop = None
            self._changed = None

    def _nudge(self) -> None:
        loop, changed = self._loop, self._changed
        if loop is None or changed is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(changed.set)


def _fallbacks(action: str) -> list[str]:
    return {
        REPLY: [REPLY, COMMENT, MESSAGE],
        COMMENT: [COMMENT, MESSAGE],
        REACT: [REACT, MESSAGE],
        MESSAGE: [MESSAGE, COMMENT],
    }[action]


def _call(method: Any, action: str, platform: str, *args: Any) -> Any:
    """A Public's action; one the platform does not have (None, or NotImplementedError) is
    refused. A reaction answers None when made."""
    try:
        made = method(*args)
    except NotImplementedError:
        made = None
    else:
        if made is not None or action == REACT:
            return made
    raise Refused(f"the {platform} public cannot {action} (the platform has no such act)")
