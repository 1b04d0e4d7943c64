"""Compact lists name a post's platforms by the brand each descriptor gives."""

from __future__ import annotations

from types import SimpleNamespace

from pressroom.desk.templatetags.pressroom import platforms_of


def test_platforms_by_their_brand_once_each_in_order() -> None:
    channels = [SimpleNamespace(platform=name) for name in ("zalo", "telegram", "zalo")]
    assert platforms_of(channels) == "Telegram · Zalo"
    assert platforms_of([]) == ""
