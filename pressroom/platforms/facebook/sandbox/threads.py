"""What people write to a Page in the sandbox, as the store keeps it and the Graph API shows it:
comments under its posts and Messenger messages, each person's conversation with the Page, and
who may read, moderate or message.

A comment is an item of kind `comment` (not top-level) whose data holds its post, its parent
(the post for a first-level comment), its author `from`, `is_hidden` and the private reply
it got. Its id is `{post number}_{comment number}`, as Facebook's are. A message is an item of
kind `message` whose data holds the person's Page-scoped id (`psid`), its `direction` (`in`
from the person, `out` from the Page), its author and the `metadata` the sender attached.
Each person's conversation is a record (`facebook:threads:{page}`) with its `t_…` id, the
person's name and when they last wrote (the messaging window counts from then).

The sandbox gives a simulated person the same id in comments and in Messenger; on Facebook a
commenter's id and their PSID may differ.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from pressroom.platforms.facebook.sandbox.graph import (
    PLATFORM,
    GraphError,
    grant_of,
    graph_time,
    page_scopes,
    page_tasks,
)
from pressroom.sandbox.store import Account, Item, SandboxStore

# Facebook's limits: a private reply within 7 days of the comment, one message per comment;
# the standard messaging window, and a human agent's.
PRIVATE_REPLY_S = 7 * 24 * 3600
MESSAGING_WINDOW_S = 24 * 3600
HUMAN_AGENT_WINDOW_S = 7 * 24 * 3600
MAX_COMMENT = 8000
MAX_MESSAGE_TEXT = 2000
MAX_METADATA = 1000
COMMENT_KINDS = frozenset({"comment"})


def threads_namespace(page_id: str) -> str:
    return f"facebook:threads:{page_id}"


# Who may do what


def may_moderate(page: Account) -> bool:
    """Replying as the Page, hiding and deleting: pages_manage_engagement and MODERATE."""
    return "pages_manage_engagement" in page_scopes(page) and "MODERATE" in page_tasks(page)


def moderate_refusal() -> GraphError:
    return GraphError(
        200, "(#200) Requires pages_manage_engagement permission to manage the object", status=403
    )


def may_message(page: Account) -> bool:
    return "pages_messaging" in page_scopes(page) and "MESSAGING" in page_tasks(page)


def messaging_refusal() -> GraphError:
    return GraphError(
        230, "(#230) Requires pages_messaging permission to manage the object", status=403
    )


# Comments


def add_comment(
    store: SandboxStore,
    *,
    page_id: str,
    post_id: str,
    parent_id: str,
    author: dict[str, str],
    text: str,
) -> Item:
    """A comment under the post (`parent_id` the post itself, or the comment answered); the
    post's `updated_time` moves, as Facebook's does when someone comments."""
    number = store.next_number("facebook:ids")
    comment = store.add_item(
        platform=PLATFORM,
        account_id=page_id,
        kind="comment",
        remote_id=f"{post_id.rsplit('_', 1)[-1]}_{number}",
        top_level=False,
        text=text,
        data={
            "post_id": post_id,
            "parent_id": parent_id,
            "from": {"id": author["id"], "name": author.get("name", "")},
            "is_hidden": False,
            "private_reply": "",
        },
    )
    post = store.item(PLATFORM, post_id, page_id)
    if post is not None:
        store.update_item(
            platform=PLATFORM,
            account_id=page_id,
            remote_id=post_id,
            data={**post.data, "updated_time": comment.created_at},
        )
    return comment


def comment_of(store: SandboxStore, page_id: str, comment_id: str) -> Item | None:
    item = store.item(PLATFORM, comment_id, page_id)
    return item if item is not None and item.kind == "comment" else None


def post_comments(store: SandboxStore, page_id: str, post_id: str) -> list[Item]:
    """Every comment under the post, oldest first."""
    return [
        item
        for item in store.items(platform=PLATFORM, account_id=page_id, kind="comment")
        if item.data.get("post_id") == post_id
    ]


def replies(comments: list[Item], parent_id: str, *, flat: bool) -> list[Item]:
    """The comments answering `parent_id`; with `flat`, their answers too (filter=stream)."""
    chosen = {parent_id}
    found = []
    for comment in comments:
        if comment.data.get("parent_id") in chosen:
            found.append(comment)
            if flat:
                chosen.add(comment.remote_id)
    return found


def set_comment(store: SandboxStore, comment: Item, **changes: Any) -> Item:
    updated = store.update_item(
        platform=PLATFORM,
        account_id=comment.account_id,
        remote_id=comment.remote_id,
        text=changes.pop("text", None),
        data={**comment.data, **changes},
    )
    return updated or comment


def comment_fields(store: SandboxStore, comment: Item, *, link: str) -> dict[str, Any]:
    """The Comment node as Graph shows it to the Page."""
    page_id = comment.account_id
    by_page = comment.data["from"]["id"] == page_id
    comments = post_comments(store, page_id, comment.data["post_id"])
    fields: dict[str, Any] = {
        "id": comment.remote_id,
        "message": comment.text,
        "created_time": graph_time(comment.created_at),
        "from": dict(comment.data["from"]),
        "is_hidden": bool(comment.data.get("is_hidden")),
        "can_hide": not by_page,
        "can_remove": True,
        "can_comment": True,
        "can_like": True,
        "can_reply_privately": may_reply_privately(comment),
        "comment_count": len(replies(comments, comment.remote_id, flat=False)),
        "like_count": int(comment.data.get("like_count", 0)),
        "user_likes": False,
        "is_private": False,
        "permalink_url": f"{link}/{comment.data['post_id']}?comment_id={comment.remote_id}",
        "object": {"id": comment.data["post_id"]},
    }
    parent_id = comment.data.get("parent_id")
    parent = comment_of(store, page_id, parent_id) if parent_id else None
    if parent is not None:
        fields["parent"] = {
            "id": parent.remote_id,
            "message": parent.text,
            "created_time": graph_time(parent.created_at),
            "from": dict(parent.data["from"]),
        }
    if comment.data.get("private_reply"):
        fields["private_reply_conversation"] = {"id": comment.data.get("conversation", "")}
    return fields


def may_reply_privately(comment: Item, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    return (
        comment.data["from"]["id"] != comment.account_id
        and not comment.data.get("private_reply")
        and now - comment.created_at <= PRIVATE_REPLY_S
    )


# Messenger: conversations and messages


def thread(store: SandboxStore, page_id: str, psid: str) -> dict[str, Any] | None:
    return store.record(threads_namespace(page_id), psid)


def open_thread(
    store: SandboxStore, page_id: str, psid: str, name: str, *, person_wrote: bool
) -> dict[str, Any]:
    """The person's conversation with the Page, made on first use; `person_wrote` starts the
    messaging window again."""
    now = time.time()
    kept = thread(store, page_id, psid) or {
        "id": f"t_{store.next_number('facebook:threads', 10_000_000_000)}",
        "name": name,
        "last_in": None,
    }
    kept = {**kept, "updated": now, "name": name or kept.get("name", "")}
    if person_wrote:
        kept["last_in"] = now
    store.put_record(threads_namespace(page_id), psid, kept)
    return kept


def threads(store: SandboxStore, page_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The Page's conversations, most recently updated first."""
    kept = store.records(threads_namespace(page_id)).items()
    return sorted(kept, key=lambda entry: entry[1]["updated"], reverse=True)


def add_message(
    store: SandboxStore,
    *,
    page: Account,
    psid: str,
    name: str,
    text: str,
    incoming: bool,
    extra: dict[str, Any] | None = None,
) -> Item:
    """A message from the person (`incoming`) or from the Page, in their conversation."""
    conversation = open_thread(store, page.account_id, psid, name, person_wrote=incoming)
    person = {"id": psid, "name": conversation["name"]}
    author, recipient = (person, page_person(page)) if incoming else (page_person(page), person)
    return store.add_item(
        platform=PLATFORM,
        account_id=page.account_id,
        kind="message",
        remote_id=f"m_{secrets.token_urlsafe(30)}",
        top_level=False,
        text=text,
        data={
            "psid": psid,
            "direction": "in" if incoming else "out",
            "from": author,
            "to": recipient,
            **(extra or {}),
        },
    )


def thread_messages(store: SandboxStore, page_id: str, psid: str) -> list[Item]:
    """The conversation's messages, newest first (as the Graph API lists them)."""
    return [
        item
        for item in store.items(
            platform=PLATFORM, account_id=page_id, kind="message", newest_first=True
        )
        if item.data.get("psid") == psid
    ]


def page_app(store: SandboxStore, page: Account) -> str:
    """The app a Page token belongs to (a Page without a grant: the first app registered)."""
    grant = grant_of(page)
    if grant:
        return str(grant["app_id"])
    return next(iter(store.records(f"apps:{PLATFORM}")), "0")


def page_person(page: Account) -> dict[str, str]:
    return {"id": page.account_id, "name": page.name}


def participant(person: dict[str, str]) -> dict[str, str]:
    return {"name": person["name"], "email": f"{person['id']}@facebook.com", "id": person["id"]}


def message_fields(message: Item) -> dict[str, Any]:
    return {
        "id": message.remote_id,
        "message": message.text,
        "created_time": graph_time(message.created_at),
        "from": participant(message.data["from"]),
        "to": {"data": [participant(message.data["to"])]},
    }
