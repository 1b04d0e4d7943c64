"""The post as each chosen platform will show it: its version's title and text as the client
sends them, counted as the platform counts, its first images and the link card.

Every fact comes from the platform's descriptor (title style, link card, images first,
limits), so no platform is named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from pressroom.channels.models import Channel
from pressroom.content.models import LinkPreview, Media, Post, Variant
from pressroom.core.safe_fetch import message_for
from pressroom.platforms.base import Limits, TitleStyle
from pressroom.platforms.catalog import limits_for, text_length
from pressroom.platforms.registry import descriptor_for

# A preview shows this many images at most, then says how many more there are.
IMAGES_SHOWN = 4


@dataclass(frozen=True)
class LinkCard:
    url: str
    domain: str
    title: str = ""
    description: str = ""
    image_url: str = ""
    # Why there is nothing to show yet (not fetched, or could not be): for people.
    note: str = ""


@dataclass(frozen=True)
class PlatformPreview:
    platform: str
    label: str
    channel_names: list[str]
    # The title: its own heading (an article's), or the first line of the text (in bold
    # where the platform makes it so), or not shown.
    title: str
    title_as_heading: bool
    title_as_first_line: bool
    title_in_bold: bool
    # The text under the title, with the link where the client adds it.
    text: str
    # The short description a platform shows in lists of articles (empty if none).
    summary: str
    length: int
    max_length: int
    as_caption: bool
    images: list[Media]
    more_images: int
    images_above_text: bool
    card: LinkCard | None

    @property
    def too_long(self) -> bool:
        return self.length > self.max_length


def _strictest(channels: list[Channel]) -> Limits:
    """Of the platform's channels, the limits of the one taking the shortest text (a Mastodon
    instance may take more than another)."""
    limits = [limits_for(channel.platform, channel.options) for channel in channels]
    return min(limits, key=lambda each: each.max_text)


def link_card(link: str, preview: LinkPreview | None) -> LinkCard:
    """The card of the post's link, or what stands in for it while there is none."""
    if preview is None or not preview.is_of(link):
        return LinkCard(
            url=link,
            domain=urlsplit(link).hostname or link,
            note=_("The linked page has not been read yet."),
        )
    domain = urlsplit(preview.final_url or link).hostname or link
    if preview.error:
        return LinkCard(
            url=link,
            domain=domain,
            title=preview.title,
            description=preview.description,
            note=message_for(preview.error, preview.error_status),
        )
    return LinkCard(
        url=link,
        domain=domain,
        title=preview.title or preview.site_name or domain,
        description=preview.description,
        image_url=preview.image_url,
    )


def previews_for(
    post: Post,
    *,
    channels: list[Channel],
    variants: list[Variant],
    media: list[Media],
    preview: LinkPreview | None,
) -> list[PlatformPreview]:
    """One preview per platform of the chosen channels, in the platforms' order by name."""
    by_platform: dict[str, list[Channel]] = {}
    for channel in channels:
        by_platform.setdefault(channel.platform, []).append(channel)
    versions = {variant.platform: variant for variant in variants}
    with_media = bool(media)
    previews = []
    for platform, its_channels in sorted(by_platform.items()):
        descriptor = descriptor_for(platform)
        version = versions.get(platform)
        title = (version.title if version else "") or post.title
        text = version.text if version else post.body
        limits = _strictest(its_channels)
        as_caption = with_media and limits.max_caption is not None
        counted = descriptor.counted_text(title, text, link=post.link, with_media=with_media)
        # The same text without its title: the title is shown apart from it.
        shown = descriptor.counted_text("", text, link=post.link, with_media=with_media)
        shown_images = media[: min(IMAGES_SHOWN, limits.max_media)]
        previews.append(
            PlatformPreview(
                platform=platform,
                label=descriptor.label,
                channel_names=[channel.name for channel in its_channels],
                title=title if descriptor.offers_title else "",
                title_as_heading=descriptor.title is TitleStyle.FIELD,
                title_as_first_line=descriptor.title
                in (TitleStyle.FIRST_LINE, TitleStyle.BOLD_FIRST_LINE),
                title_in_bold=descriptor.title is TitleStyle.BOLD_FIRST_LINE,
                text=shown,
                summary=shown[: limits.max_description] if limits.max_description else "",
                length=text_length(limits, counted),
                max_length=limits.max_caption
                if as_caption and limits.max_caption
                else limits.max_text,
                as_caption=as_caption,
                images=shown_images,
                more_images=len(media) - len(shown_images),
                images_above_text=descriptor.images_above_text,
                card=link_card(post.link, preview)
                if descriptor.link_card and post.link and not with_media
                else None,
            )
        )
    return previews
