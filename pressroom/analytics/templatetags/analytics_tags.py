"""Figures and days as each language writes them: 1.234.567 and 01/12/2026 in Vietnamese,
1,234,567 and 1 Dec 2026 in English (Django's formats, thousands always grouped)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from pressroom.analytics.documents.model import Language
from pressroom.inbox.reports import hours_text

register = template.Library()

DASH = "—"


def language() -> Language:
    """The page's language, as the documents and charts name it."""
    return "en" if (get_language() or "").startswith("en") else "vi"


@register.filter
def figure(value: int | float | Decimal | None, places: int = 0) -> str:
    """A count, grouped by thousands; a dash when there is none."""
    if value is None or value == "":
        return DASH
    if places:
        return formats.number_format(value, decimal_pos=places, force_grouping=True)
    return formats.number_format(round(value), force_grouping=True)


@register.filter
def signed(value: int | None) -> str:
    """A growth with its sign: +1.234, 0, and a minus sign before a fall."""
    if value is None:
        return DASH
    text = figure(abs(value))
    if value > 0:
        return f"+{text}"
    return f"\N{MINUS SIGN}{text}" if value < 0 else text


@register.filter
def change(value: float | None) -> str:
    """A change as a share of what it was: +12,5% / +12.5%; nothing when it cannot be said."""
    if value is None:
        return ""
    text = formats.number_format(abs(value) * 100, decimal_pos=1, force_grouping=True)
    sign = "+" if value > 0 else "\N{MINUS SIGN}" if value < 0 else ""
    return f"{sign}{text}%"


@register.filter
def day(value: date | None) -> str:
    if value is None:
        return DASH
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def cell(value: object) -> str | SafeString:
    """A table cell's figure, or a dash with the reason the platform gives none."""
    number = getattr(value, "value", None)
    if number is None:
        reason = str(getattr(value, "reason", ""))
        return format_html(
            '<abbr class="missing" title="{}">{}</abbr><span class="visually-hidden"> ({})</span>',
            reason,
            DASH,
            reason,
        )
    return figure(number)


@register.filter
def working_hours(seconds: float | None) -> str:
    """Working time as the inbox writes it: "2 h 05 min"; a dash when there is none."""
    return hours_text(seconds)
