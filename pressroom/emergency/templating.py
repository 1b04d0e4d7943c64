"""Filling an emergency template's named fields ({khu_vuc}, {thoi_gian}, …), safely.

Only plain names are fields: no attribute or index look-ups, no conversions, no format
specifications, so a template can never reach into Python objects or ask for huge padding.
`{{` and `}}` stand for literal braces.
"""

from __future__ import annotations

import re
from string import Formatter

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pressroom.core.text import nfc

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# Labels of the usual fields, for a template whose author gave none; any other field is
# shown by its name, spaced and capitalised.
FIELD_LABELS: dict[str, Promise] = {
    "khu_vuc": gettext_lazy("Area"),
    "thoi_gian": gettext_lazy("Time"),
    "muc_do": gettext_lazy("Level"),
    "huong_dan": gettext_lazy("What people should do"),
}
MAX_LABEL = 80
# Fields that usually take several sentences get a larger box.
LONG_FIELDS = frozenset({"huong_dan"})


class TemplateProblem(ValueError):
    """A malformed template or a field left empty, in plain, translated words."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = [str(message) for message in messages]


def _parts(text: str) -> list[tuple[str, str | None]]:
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as error:
        raise TemplateProblem(
            _(
                "A brace is not closed or not opened. Write fields as {khu_vuc}, and {{ or }} "
                "for a brace of its own."
            )
        ) from error
    parts: list[tuple[str, str | None]] = []
    for literal, name, format_spec, conversion in parsed:
        if name is None:
            parts.append((literal, None))
            continue
        if not FIELD_NAME.match(name) or format_spec or conversion:
            raise TemplateProblem(
                _(
                    "“{%(field)s}” is not a field name. Use lower-case letters without accents, "
                    "digits and underscores, such as {khu_vuc}."
                )
                % {"field": name}
            )
        parts.append((literal, name))
    return parts


def fields_of(*texts: str) -> list[str]:
    """The field names the texts declare, in the order they first appear."""
    names: list[str] = []
    for text in texts:
        for _literal, name in _parts(text):
            if name is not None and name not in names:
                names.append(name)
    return names


def parts_of(text: str) -> list[tuple[str, str | None]]:
    """The text as (literal, field name or None) pairs, for a preview that fills them in."""
    return _parts(text)


def label_for(name: str, labels: dict[str, str] | None = None) -> str:
    """What a person sees for a field: the template author's label, else a usual one."""
    given = (labels or {}).get(name, "").strip()
    if given:
        return given
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    return name.replace("_", " ").strip().capitalize()


def parse_labels(lines: str, fields: list[str]) -> dict[str, str]:
    """Labels written one a line as `khu_vuc: Khu vực`, for fields of the template only."""
    labels: dict[str, str] = {}
    problems: list[str] = []
    for line in nfc(lines).splitlines():
        if not line.strip():
            continue
        name, colon, label = line.partition(":")
        name, label = name.strip().strip("{}").strip(), label.strip()
        if not colon or not label:
            problems.append(
                _("“%(line)s”: write a field and its label as “khu_vuc: Khu vực”.")
                % {"line": line.strip()}
            )
        elif name not in fields:
            problems.append(
                _("“%(field)s” is not a field of this template's title or text.") % {"field": name}
            )
        elif len(label) > MAX_LABEL:
            problems.append(
                _("The label of “%(field)s” may have at most %(max)d characters.")
                % {"field": name, "max": MAX_LABEL}
            )
        else:
            labels[name] = label
    if problems:
        raise TemplateProblem(*problems)
    return labels


def labels_as_lines(labels: dict[str, str]) -> str:
    return "\n".join(f"{name}: {label}" for name, label in labels.items())


def fill(text: str, values: dict[str, str], labels: dict[str, str] | None = None) -> str:
    """The text with every field replaced; a field without a value is refused by name."""
    parts = _parts(text)
    missing = [
        name for _literal, name in parts if name is not None and not values.get(name, "").strip()
    ]
    if missing:
        raise TemplateProblem(
            *[
                _("Fill in the field “%(label)s”.") % {"label": label_for(name, labels)}
                for name in dict.fromkeys(missing)
            ]
        )
    return "".join(
        literal + (nfc(values[name]).strip() if name is not None else "") for literal, name in parts
    )
