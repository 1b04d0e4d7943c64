"""A channel's own limits (a Mastodon instance's, read when it was connected) over the
platform's defaults."""

from __future__ import annotations

from pressroom.platforms.catalog import limits_for


def test_an_instance_s_limits_replace_the_defaults() -> None:
    default = limits_for("mastodon")
    assert (default.max_text, default.max_media) == (500, 4)
    own = limits_for(
        "mastodon", {"max_characters": 5000, "max_media": 8, "max_image_bytes": 10_485_760}
    )
    assert (own.max_text, own.max_media, own.max_image_bytes) == (5000, 8, 10_485_760)
    assert own.counting == default.counting


def test_nonsense_options_change_nothing() -> None:
    default = limits_for("mastodon")
    assert limits_for("mastodon", {"max_characters": "", "max_media": -1}) == default
    assert limits_for("mastodon", {"max_characters": "lots", "max_media": None}) == default
