"""How a person is named on every page, in history and in documents."""

from __future__ import annotations

from typing import Any


def full_name(user: Any) -> str:
    """A person's name in Vietnamese order (family name first), or the user name."""
    if user is None:
        return ""
    name = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return name or user.get_username()
