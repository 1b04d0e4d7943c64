"""The composer's version of the post for each platform.

A version is prefilled from the main title and text and follows them until someone edits
it; it then carries an "edited" mark and can be taken back to the main text. Without
JavaScript the same holds: the page remembers the main text it showed, so a version that
still equals it (or the new main text) is not an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pressroom.content.validation import MAX_TEXT
from pressroom.core.text import nfc, refuse_control_characters
from pressroom.platforms.base import TitleStyle
from pressroom.platforms.catalog import limits_for
from pressroom.platforms.registry import descriptor_for

if TYPE_CHECKING:
    from pressroom.channels.models import Channel
    from pressroom.content.models import Post

MAX_TITLE = 200


@dataclass
class PlatformSection:
    """One platform's version fields and the limits shown next to them."""

    platform: str
    label: str
    title: forms.BoundField | None
    text: forms.BoundField
    edited: forms.BoundField
    reset: forms.BoundField
    is_edited: bool
    max_text: int
    max_caption: int | None
    counting: str
    max_title: int | None
    requires_title: bool
    chosen: bool


def has_title_field(platform: str) -> bool:
    """Whether the platform shows a title of its own (Zalo's article); elsewhere the title is
    the first line of the text, so the composer asks for no second one."""
    return descriptor_for(platform).title == TitleStyle.FIELD


def add_fields(form: forms.Form, platforms: list[str], post: Post | None) -> None:
    form.fields["body_shown"] = forms.CharField(required=False, widget=forms.HiddenInput)
    form.fields["title_shown"] = forms.CharField(required=False, widget=forms.HiddenInput)
    custom_titles = (
        {v.platform for v in post.variants.all() if v.title != post.title} if post else set()
    )
    for platform in platforms:
        name = {"platform": descriptor_for(platform).label}
        if has_title_field(platform) or platform in custom_titles:
            # No maxlength in the page: the counter shows the limit and the form says when it
            # is passed; the browser never cuts a title silently.
            form.fields[f"variant_{platform}_title"] = forms.CharField(
                label=_("Title on %(platform)s") % name,
                required=False,
                max_length=MAX_TITLE,
                validators=[refuse_control_characters],
                widget=forms.TextInput(attrs={"data-follows": "id_title"}),
            )
            form.fields[f"variant_{platform}_title"].widget.attrs.pop("maxlength", None)
        form.fields[f"variant_{platform}_text"] = forms.CharField(
            label=_("Text on %(platform)s") % name,
            required=False,
            max_length=MAX_TEXT,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 6, "data-follows": "id_body"}),
        )
        form.fields[f"variant_{platform}_edited"] = forms.CharField(
            required=False, widget=forms.HiddenInput(attrs={"data-edited": platform})
        )
        form.fields[f"variant_{platform}_reset"] = forms.BooleanField(
            label=_("Use the main title and text again"),
            required=False,
            widget=forms.CheckboxInput(attrs={"data-reset": platform}),
        )


def initial_of(post: Post) -> dict[str, Any]:
    """A version equal to the main text follows it; one that differs is shown as edited."""
    initial: dict[str, Any] = {"body_shown": post.body, "title_shown": post.title}
    for variant in post.variants.all():
        edited = variant.text != post.body or variant.title != post.title
        initial[f"variant_{variant.platform}_title"] = variant.title
        initial[f"variant_{variant.platform}_text"] = variant.text
        initial[f"variant_{variant.platform}_edited"] = "1" if edited else "0"
    return initial


def _edited(value: str, *, now: str, shown: str) -> bool:
    text = nfc(value or "").strip()
    return bool(text) and text not in (nfc(now).strip(), nfc(shown).strip())


def cleaned_versions(
    cleaned: dict[str, Any], platforms: list[str], chosen: set[str]
) -> dict[str, tuple[str, str]]:
    """What `save_post` takes: an edited version's title and text, or empty strings for a
    version that follows the main text."""
    body, title = cleaned.get("body", ""), cleaned.get("title", "")
    body_shown, title_shown = cleaned.get("body_shown", ""), cleaned.get("title_shown", "")
    versions = {}
    for platform in platforms:
        if platform not in chosen or cleaned.get(f"variant_{platform}_reset"):
            versions[platform] = ("", "")
            continue
        text = cleaned.get(f"variant_{platform}_text", "")
        own_title = cleaned.get(f"variant_{platform}_title", "")
        flagged = cleaned.get(f"variant_{platform}_edited") == "1"
        text_edited = _edited(text, now=body, shown=body_shown) or (
            flagged and nfc(text).strip() not in ("", nfc(body).strip())
        )
        title_edited = _edited(own_title, now=title, shown=title_shown) or (
            flagged and nfc(own_title).strip() not in ("", nfc(title).strip())
        )
        versions[platform] = (
            nfc(own_title).strip() if title_edited else "",
            nfc(text).strip() if text_edited else "",
        )
    return versions


def sections(
    form: forms.Form, platforms: list[str], channels: list[Channel], chosen: set[str]
) -> list[PlatformSection]:
    result = []
    for platform in platforms:
        strictest = min(
            [limits_for(platform, c.options) for c in channels if c.platform == platform]
            or [limits_for(platform)],
            key=lambda limits: limits.max_text,
        )
        title_name = f"variant_{platform}_title"
        edited = form[f"variant_{platform}_edited"]
        result.append(
            PlatformSection(
                platform=platform,
                label=descriptor_for(platform).label,
                title=form[title_name] if title_name in form.fields else None,
                text=form[f"variant_{platform}_text"],
                edited=edited,
                reset=form[f"variant_{platform}_reset"],
                is_edited=edited.value() == "1",
                max_text=strictest.max_text,
                max_caption=strictest.max_caption,
                counting=strictest.counting,
                max_title=strictest.max_title or MAX_TITLE,
                requires_title=strictest.requires_title,
                chosen=platform in chosen,
            )
        )
    return result
