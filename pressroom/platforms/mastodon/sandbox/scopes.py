"""Mastodon's OAuth scopes: the ones it knows, and which granted scope covers which.

A granted `read` covers every `read:…`, `write` every `write:…`, `admin:read` every
`admin:read:…`, and the old `follow` the follow, block and mute scopes (config/initializers/
doorkeeper.rb and app/models/concerns in Mastodon's source).
"""

from __future__ import annotations

from collections.abc import Iterable

KNOWN = (
    "read",
    "write",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "follow",
    "push",
    "profile",
    "admin:read",
    "admin:read:accounts",
    "admin:read:reports",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:read:ip_blocks",
    "admin:read:email_domain_blocks",
    "admin:read:canonical_email_blocks",
    "admin:write",
    "admin:write:accounts",
    "admin:write:reports",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
    "admin:write:ip_blocks",
    "admin:write:email_domain_blocks",
    "admin:write:canonical_email_blocks",
)
KNOWN_SET = frozenset(KNOWN)
DEFAULT = ("read",)
FOLLOW_COVERS = frozenset({"read:follows", "write:follows", "write:blocks", "write:mutes"})

# What each endpoint accepts (any one of them is enough), as its controller asks Doorkeeper.
WRITE_STATUSES = ("write", "write:statuses")
READ_STATUSES = ("read", "read:statuses")
WRITE_MEDIA = ("write", "write:media")
READ_ACCOUNT = ("profile", "read", "read:accounts")


def parse(value: object) -> list[str]:
    """Scopes as sent: a space- (or plus-) separated string, or a list of them."""
    if value is None:
        return []
    parts = value if isinstance(value, list) else [value]
    found: list[str] = []
    for part in parts:
        for scope in str(part).replace("+", " ").split():
            if scope not in found:
                found.append(scope)
    return found


def unknown(scopes: Iterable[str]) -> list[str]:
    return [scope for scope in scopes if scope not in KNOWN_SET]


def covers(granted: str, wanted: str) -> bool:
    if granted == wanted:
        return True
    if granted == "follow":
        return wanted in FOLLOW_COVERS
    return wanted.startswith(granted + ":")


def allows(granted: Iterable[str], accepted: Iterable[str]) -> bool:
    """Whether a token with these scopes may call an endpoint accepting these."""
    granted = list(granted)
    return any(covers(have, want) for want in accepted for have in granted)


def subset(requested: Iterable[str], registered: Iterable[str]) -> bool:
    """Whether every requested scope was registered by the app (exactly, as Doorkeeper
    compares them: an app registered with `write` may ask for `write`, not for `write:media`
    unless it registered that too)."""
    registered = set(registered)
    return all(scope in registered for scope in requested)
