"""Forms of the composer, the workflow buttons, the filters and the themes.

Forms check what a person typed and NFC-normalise it; the actions decide what may be saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from pressroom.channels.choices import narrow_channel_field
from pressroom.channels.models import Channel, ChannelSet
from pressroom.content import channel_picking, library, variants
from pressroom.content.actions import NewImage
from pressroom.content.catalogue import offered_to
from pressroom.content.models import Asset, ContentPack, Media, Post, Theme
from pressroom.content.validation import MAX_TEXT, MAX_UPLOAD_BYTES, inspect_image
from pressroom.core.dates import EARLIEST_DATE, VIETNAM, latest_date
from pressroom.core.text import fold, nfc, refuse_control_characters
from pressroom.orgs.access import AnyUser
from pressroom.orgs.choices import narrow_unit_field
from pressroom.orgs.models import Unit
from pressroom.platforms.registry import Platform

# New images per save; more can be added by saving again (the action caps the total).
NEW_IMAGE_SLOTS = 3
# The media library's newest images offered in the composer (the library page has them all).
LIBRARY_OFFER = 12
# The longest search the posts list and the calendar take.
MAX_SEARCH = 200


def check_date_range(value: date) -> None:
    if not EARLIEST_DATE <= value <= latest_date():
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={
                "first": formats.date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
                "last": formats.date_format(latest_date(), "SHORT_DATE_FORMAT"),
            },
        )


class TextField(forms.CharField):
    """A text field that stores what it is given in NFC (Vietnamese often arrives as NFD)."""

    def to_python(self, value: Any) -> str:
        return nfc(super().to_python(value) or "")


class LineField(TextField):
    """A one-line text (a title, a name): line breaks and control characters are refused."""

    default_validators = [refuse_control_characters]


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    """Units indented by their depth in the tree, so the hierarchy shows in a select."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u00a0\u00a0" * max(obj.depth, 0) + obj.name


class ThemeChoiceField(forms.ModelChoiceField[Theme]):
    """Themes with the unit they come from, since a unit sees the themes of those above it."""

    def label_from_instance(self, obj: Theme) -> str:
        return f"{obj.name} · {obj.unit.name}"


@dataclass
class ChannelOption:
    channel: Channel
    checked: bool


@dataclass
class ExistingImage:
    media: Media
    description: forms.BoundField
    remove: forms.BoundField


@dataclass
class LibraryChoice:
    asset: Asset
    picked: bool
    # Asked only of an image picked (its description comes from the library).
    description: forms.BoundField | None


@dataclass
class NewImageSlot:
    number: int
    file: forms.BoundField
    description: forms.BoundField
    # The library item the slot's file became (uploaded at once, or kept after an error).
    stored: forms.BoundField
    asset: Asset | None


class PostForm(forms.Form):
    """The composer: the post, its channels, one variant per platform and its images."""

    # What the quick choices of channels offer (set by channel_picking.add_fields).
    offered_units: list[Unit]
    offered_sets: list[ChannelSet]

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    # No maxlength in the page: the counter shows the limit, the form says when it is passed.
    title = LineField(
        label=_("Title"),
        max_length=variants.MAX_TITLE,
        widget=forms.TextInput(attrs={"data-counter": "title"}),
    )
    body = TextField(
        label=_("Main text"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Each platform's version starts from this text unless you write one."),
    )
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    theme = ThemeChoiceField(queryset=Theme.objects.none(), label=_("Theme"), required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        # The quick choices (a unit and below, a platform, a saved set) may choose them all.
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one channel."),
            "invalid_choice": _("One of the chosen channels is not available to you."),
        },
    )

    # The content pack a new post is written from (its page's "use this pack").
    pack = forms.ModelChoiceField(
        queryset=ContentPack.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args: Any,
        user: AnyUser,
        compose_units: QuerySet[Unit],
        post: Post | None = None,
        **kwargs: Any,
    ) -> None:
        self.user = user
        self.post = post
        if post is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(post)
        super().__init__(*args, **kwargs)
        self.compose_units = compose_units
        self.existing_media = list(post.media.all()) if post is not None else []
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = compose_units
        unit_field.empty_label = _("Choose a unit")
        theme_field: ThemeChoiceField = self.fields["theme"]  # type: ignore[assignment]
        theme_field.queryset = self._available_themes()
        theme_field.empty_label = _("No theme")
        pack_field: forms.ModelChoiceField[ContentPack] = self.fields["pack"]  # type: ignore[assignment]
        pack_field.queryset = ContentPack.objects.filter(units__in=compose_units).distinct()
        self.available_channels = list(
            Channel.objects.filter(unit__in=compose_units)
            .exclude(status=Channel.Status.DISABLED)
            .select_related("unit")
            .order_by("unit__path", "platform", "name")
        )
        channels_field: forms.MultipleChoiceField = self.fields["channels"]  # type: ignore[assignment]
        channels_field.choices = [
            (str(channel.pk), str(channel)) for channel in self.available_channels
        ]
        channel_picking.add_fields(self, compose_units, self.available_channels)
        self.platforms = self._platforms_offered()
        variants.add_fields(self, self.platforms, post)
        self.fields["title"].widget.attrs.pop("maxlength", None)
        for media in self.existing_media:
            self.fields[f"image_{media.pk}_description"] = TextField(
                label=_("Description (alt text)"), required=False, max_length=1500
            )
            self.fields[f"image_{media.pk}_remove"] = forms.BooleanField(
                label=_("Remove this image"), required=False
            )
            self.initial.setdefault(f"image_{media.pk}_description", media.description)
        for number in range(1, NEW_IMAGE_SLOTS + 1):
            self.fields[f"new_image_{number}_asset"] = forms.CharField(
                required=False, widget=forms.HiddenInput(attrs={"data-stored": number})
            )
        self._add_library_fields()
        for number in range(1, NEW_IMAGE_SLOTS + 1):
            self.fields[f"new_image_{number}"] = forms.FileField(
                label=_("Image %(number)d") % {"number": number},
                required=False,
                widget=forms.FileInput(
                    attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
                ),
            )
            self.fields[f"new_image_{number}_description"] = TextField(
                label=_("Description of image %(number)d (alt text)") % {"number": number},
                required=False,
                max_length=1500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def _add_library_fields(self) -> None:
        """The library's images offered (the newest, and those picked), a description for
        each picked one (the library's, to reuse or change)."""
        if not self.is_bound:
            raw = list(self.initial.get("library", []))
        elif isinstance(self.data, MultiValueDict):
            raw = self.data.getlist("library")
        else:
            raw = []
        self.picked_ids = list(dict.fromkeys(int(v) for v in raw if str(v).isdigit()))
        self.unknown_picks = len(raw) > len(self.picked_ids)
        stored = {
            number: int(value)
            for number in self._slots()
            if (value := str(self.data.get(f"new_image_{number}_asset", "") or "")).isdigit()
        }
        attached = {media.asset_id for media in self.existing_media if media.asset_id}
        images = library.offered_assets(self.compose_units).filter(kind=Asset.Kind.IMAGE)
        wanted = [*self.picked_ids, *stored.values()]
        found = {asset.pk: asset for asset in images.filter(pk__in=wanted)}
        self.unknown_picks |= any(pk not in found for pk in wanted)
        self.picked_assets = [found[pk] for pk in self.picked_ids if pk in found]
        self.slot_assets = {n: found[pk] for n, pk in stored.items() if pk in found}
        newest = images.exclude(pk__in=[*found, *attached]).order_by("-uploaded_at", "-id")
        self.library_offer = list(newest[:LIBRARY_OFFER])
        for asset in self.picked_assets:
            name = f"library_{asset.pk}_description"
            self.fields[name] = TextField(
                label=_("Description of %(name)s (alt text)") % {"name": asset.name},
                required=False,
                max_length=1500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.initial.setdefault(name, asset.description)

    @staticmethod
    def _initial_from(post: Post) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "unit": post.unit_id,
            "title": post.title,
            "body": post.body,
            "link": post.link,
            "theme": post.theme_id,
            "channels": [str(pk) for pk in post.channels.values_list("pk", flat=True)],
        }
        initial.update(variants.initial_of(post))
        return initial

    def _available_themes(self) -> QuerySet[Theme]:
        return offered_to(Theme.objects.all(), self.compose_units).order_by("unit__path", "name")

    def _platforms_offered(self) -> list[str]:
        offered = {channel.platform for channel in self.available_channels}
        if self.post is not None:
            offered |= set(self.post.variants.values_list("platform", flat=True))
        return [value for value in Platform.values if value in offered]

    # Cleaning

    def clean_channels(self) -> list[Channel]:
        chosen = {int(pk) for pk in self.cleaned_data["channels"]}
        return [channel for channel in self.available_channels if channel.pk in chosen]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._add_quick_choices(cleaned)
        unit, theme = cleaned.get("unit"), cleaned.get("theme")
        pack = cleaned.get("pack")
        if unit is not None and pack is not None and not pack.units.filter(pk=unit.pk).exists():
            self.add_error(
                "unit",
                _("The content pack “%(pack)s” was not sent to %(unit)s; choose one it went to.")
                % {"pack": pack, "unit": unit},
            )
        if unit is not None and theme is not None and theme.unit_id not in unit.ancestor_ids():
            self.add_error(
                "theme",
                _("This theme belongs to another unit; choose one of %(unit)s or above it.")
                % {"unit": unit},
            )
        for media in self.existing_media:
            removed = cleaned.get(f"image_{media.pk}_remove")
            if not removed and not cleaned.get(f"image_{media.pk}_description"):
                self.add_error(
                    f"image_{media.pk}_description",
                    _("Describe this image for people who cannot see it."),
                )
        self._clean_library_picks(cleaned)
        self._clean_new_images(cleaned)
        # The same item twice (ticked in the library and uploaded again) is used once.
        picks: dict[int, tuple[Asset, str]] = {}
        for asset, text in cleaned["library_picks"]:
            picks.setdefault(asset.pk, (asset, text))
        cleaned["library_picks"] = list(picks.values())
        return cleaned

    def _clean_library_picks(self, cleaned: dict[str, Any]) -> None:
        if self.unknown_picks:
            self.add_error(None, _("One of the chosen library images is not available to you."))
        picks: list[tuple[Asset, str]] = []
        for asset in self.picked_assets:
            name = f"library_{asset.pk}_description"
            description = cleaned.get(name, "")
            if not description:
                self.add_error(name, _("Describe this image for people who cannot see it."))
            picks.append((asset, description))
        cleaned["library_picks"] = picks

    def _add_quick_choices(self, cleaned: dict[str, Any]) -> None:
        """The boxes ticked plus what a quick choice adds; the page shows them all ticked."""
        added = channel_picking.expanded(self, cleaned, self.available_channels)
        ids = {channel.pk for channel in cleaned.get("channels", [])} | added
        cleaned["channels"] = [c for c in self.available_channels if c.pk in ids]
        if added:
            # Bound to the request's QueryDict: a copy takes the added boxes.
            data = QueryDict(mutable=True)
            data.update(self.data)
            data.setlist("channels", [str(pk) for pk in sorted(ids)])
            for name in ("add_unit", "add_platform", "add_set"):
                data[name] = ""
            self.data = data
        if not ids and "channels" not in self.errors:
            self.add_error("channels", _("Choose at least one channel."))

    def channel_summary(self) -> channel_picking.Summary:
        return channel_picking.summary_of(
            self.available_channels, {str(v) for v in (self["channels"].value() or [])}
        )

    def channel_picks(self) -> dict[str, dict[str, Any]]:
        return channel_picking.picks(self, self.available_channels)

    @staticmethod
    def _slots() -> range:
        return range(1, NEW_IMAGE_SLOTS + 1)

    def _clean_new_images(self, cleaned: dict[str, Any]) -> None:
        images: list[NewImage] = []
        numbers: list[int] = []
        for number in self._slots():
            upload: UploadedFile[bytes] | None = cleaned.get(f"new_image_{number}")
            description = cleaned.get(f"new_image_{number}_description", "")
            stored = self.slot_assets.get(number)
            if upload is None and stored is not None:
                # Already in the library: it is used with the description typed beside it.
                description = description or stored.description
                if not description:
                    self.add_error(
                        f"new_image_{number}_description",
                        _("Describe this image for people who cannot see it."),
                    )
                cleaned["library_picks"].append((stored, description))
                continue
            if upload is None:
                if description:
                    self.add_error(
                        f"new_image_{number}", _("Choose the image this description is for.")
                    )
                continue
            name = upload.name or f"image-{number}"
            size = upload.size or 0
            if size > MAX_UPLOAD_BYTES:
                self.add_error(
                    f"new_image_{number}",
                    _("%(name)s is %(size).1f MB; images may be at most %(max)d MB.")
                    % {
                        "name": name,
                        "size": size / 1_048_576,
                        "max": MAX_UPLOAD_BYTES // 1_048_576,
                    },
                )
                continue
            content = upload.read()
            try:
                inspect_image(content, name)
            except ValueError as error:
                self.add_error(f"new_image_{number}", str(error))
                continue
            if not description:
                self.add_error(
                    f"new_image_{number}_description",
                    _("Describe this image for people who cannot see it."),
                )
            # Kept even with an error: the view puts it in the library, chosen.
            images.append(NewImage(filename=name, content=content, description=description))
            numbers.append(number)
        cleaned["new_images"] = images
        cleaned["new_image_numbers"] = numbers

    # What the template and the view use

    def chosen_platforms(self) -> set[str]:
        chosen = {str(value) for value in (self["channels"].value() or [])}
        return {
            channel.platform for channel in self.available_channels if str(channel.pk) in chosen
        }

    def channel_groups(self) -> list[tuple[Unit, list[ChannelOption], bool]]:
        """Channels by unit, each group open when it has a chosen channel (or few groups)."""
        chosen = {str(value) for value in (self["channels"].value() or [])}
        groups: dict[int, tuple[Unit, list[ChannelOption]]] = {}
        for channel in self.available_channels:
            unit = channel.unit
            groups.setdefault(unit.pk, (unit, []))[1].append(
                ChannelOption(channel=channel, checked=str(channel.pk) in chosen)
            )
        few = len(groups) <= 3
        return [
            (unit, options, few or any(option.checked for option in options))
            for unit, options in groups.values()
        ]

    def platform_sections(self) -> list[variants.PlatformSection]:
        return variants.sections(
            self, self.platforms, self.available_channels, self.chosen_platforms()
        )

    def existing_images(self) -> list[ExistingImage]:
        return [
            ExistingImage(
                media=media,
                description=self[f"image_{media.pk}_description"],
                remove=self[f"image_{media.pk}_remove"],
            )
            for media in self.existing_media
        ]

    def library_choices(self) -> list[LibraryChoice]:
        picked = [
            LibraryChoice(asset, True, self[f"library_{asset.pk}_description"])
            for asset in self.picked_assets
        ]
        return [*picked, *(LibraryChoice(asset, False, None) for asset in self.library_offer)]

    def new_image_slots(self) -> list[NewImageSlot]:
        return [
            NewImageSlot(
                number=number,
                file=self[f"new_image_{number}"],
                description=self[f"new_image_{number}_description"],
                stored=self[f"new_image_{number}_asset"],
                asset=self.slot_assets.get(number),
            )
            for number in self._slots()
        ]

    def save_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `save_post` for what was typed (after `is_valid`)."""
        data = self.cleaned_data
        channels: list[Channel] = data["channels"]
        chosen = {channel.platform for channel in channels}
        return {
            "unit": data["unit"],
            "title": data["title"],
            "body": data["body"],
            "link": data["link"],
            "theme": data["theme"],
            "channels": channels,
            "variants": variants.cleaned_versions(data, self.platforms, chosen),
            "images": data["new_images"],
            "assets": data["library_picks"],
            "pack": data.get("pack") if self.post is None else None,
            "image_descriptions": {
                media.pk: data[f"image_{media.pk}_description"]
                for media in self.existing_media
                if not data.get(f"image_{media.pk}_remove")
            },
            "remove_images": [
                media.pk for media in self.existing_media if data.get(f"image_{media.pk}_remove")
            ],
        }


class RejectForm(forms.Form):
    reason = TextField(
        label=_("Why is it sent back?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the post is sent back, so the author can fix it.")},
    )


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Publish at (Vietnam time)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Choose the date and time to publish.")},
    )

    def clean_at(self) -> datetime:
        value: datetime = self.cleaned_data["at"]
        # The time is read as Vietnam time whatever the server's or browser's zone.
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        check_date_range(naive.date())
        return naive.replace(tzinfo=VIETNAM)


class PostFilterForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), required=False, label=_("Unit"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    theme = ThemeChoiceField(queryset=Theme.objects.none(), required=False, label=_("Theme"))
    q = TextField(
        required=False,
        label=_("Search"),
        help_text=_("Title and text, with or without accents"),
        max_length=MAX_SEARCH,
        error_messages={
            "max_length": _(
                "A search can be at most %(limit_value)d characters long "
                "(this one has %(show_value)d)."
            )
        },
    )

    def __init__(
        self, *args: Any, units: QuerySet[Unit], themes: QuerySet[Theme], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.empty_label = _("All units")
        # Thousands of units are not listed: see `orgs.choices`.
        self.chosen_unit = narrow_unit_field(self, "unit", units, empty_label=_("All units"))
        self.units = units
        theme_field: ThemeChoiceField = self.fields["theme"]  # type: ignore[assignment]
        theme_field.queryset = themes
        theme_field.empty_label = _("All themes")
        status_field: forms.ChoiceField = self.fields["status"]  # type: ignore[assignment]
        status_field.choices = [("", _("All statuses")), *Post.Status.choices]


def search_posts(posts: QuerySet[Post], query: str) -> QuerySet[Post]:
    """The posts whose title and text hold every word of the query, in any order, with or
    without diacritics. `search_text` is stored folded, so a plain `contains` (LIKE) on the
    folded words is enough, the same on SQLite and PostgreSQL."""
    for word in fold(query).split():
        posts = posts.filter(search_text__contains=word)
    return posts


def filter_posts(posts: QuerySet[Post], filters: dict[str, Any]) -> QuerySet[Post]:
    """The posts that match what a PostFilterForm or CalendarFilterForm cleaned."""
    if filters.get("unit"):
        posts = posts.filter(unit__path__startswith=filters["unit"].path)
    if filters.get("status"):
        posts = posts.filter(status=filters["status"])
    if filters.get("theme"):
        posts = posts.filter(theme=filters["theme"])
    if filters.get("q"):
        posts = search_posts(posts, filters["q"])
    if filters.get("channel"):
        posts = posts.filter(channels=filters["channel"])
    return posts


class CalendarFilterForm(PostFilterForm):
    view = forms.ChoiceField(
        required=False,
        label=_("Show"),
        choices=[("week", _("Week")), ("month", _("Month"))],
    )
    date = forms.DateField(
        required=False,
        label=_("Date"),
        input_formats=["%Y-%m-%d"],
        validators=[check_date_range],
    )
    channel = forms.ModelChoiceField(
        queryset=Channel.objects.none(), required=False, label=_("Channel")
    )

    def __init__(self, *args: Any, channels: QuerySet[Channel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channel_field: forms.ModelChoiceField[Channel] = self.fields["channel"]  # type: ignore[assignment]
        channel_field.queryset = channels
        channel_field.empty_label = _("All channels")
        narrow_channel_field(
            self,
            "channel",
            channels,
            self.units,
            self.chosen_unit,
            empty_label=_("All channels"),
        )


class ThemeForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    name = LineField(label=_("Name"), max_length=200)
    description = TextField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_active = forms.BooleanField(
        label=_("Active: offered in the composer"), required=False, initial=True
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: UnitChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        unit_field.empty_label = _("Choose a unit")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on: date | None = cleaned.get("starts_on")
        ends_on: date | None = cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The theme cannot end before it starts."))
        return cleaned

    def save_arguments(self) -> dict[str, Any]:
        """What save_theme takes from a valid form (the unit is the caller's to give)."""
        data = self.cleaned_data
        fields = ("name", "description", "starts_on", "ends_on", "is_active")
        return {name: data[name] for name in fields}
