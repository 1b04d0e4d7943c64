"""The platforms Pressroom publishes to: one line each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    FACEBOOK = "facebook", _("Facebook Page")
    ZALO = "zalo", _("Zalo Official Account")
    TELEGRAM = "telegram", _("Telegram channel")
    MASTODON = "mastodon", _("Mastodon account")
