"""The serif fonts the reports are set in: Liberation Serif 2 (metric-compatible with Times
New Roman, which Decree 30/2020/NĐ-CP expects), else DejaVu Serif, found on disk; only a
family that writes every Vietnamese letter will do."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext
from fontTools.ttLib import TTFont, TTLibError

# fpdf2's style letters -> the font file of each family.
_FAMILIES: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Liberation Serif",
        {
            "": "LiberationSerif-Regular.ttf",
            "B": "LiberationSerif-Bold.ttf",
            "I": "LiberationSerif-Italic.ttf",
            "BI": "LiberationSerif-BoldItalic.ttf",
        },
    ),
    (
        "DejaVu Serif",
        {
            "": "DejaVuSerif.ttf",
            "B": "DejaVuSerif-Bold.ttf",
            "I": "DejaVuSerif-Italic.ttf",
            "BI": "DejaVuSerif-BoldItalic.ttf",
        },
    ),
)

_USUAL_DIRECTORIES = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
)


class FontsMissing(RuntimeError):
    """Neither Liberation Serif 2 nor DejaVu Serif is installed where we look."""

    def __init__(self, searched: Sequence[Path]) -> None:
        self.searched = tuple(searched)
        super().__init__(
            gettext(
                "Reports need the Liberation Serif (version 2) or DejaVu Serif fonts, all four "
                "styles, with the Vietnamese letters; none were found in %(directories)s. "
                "Install fonts-liberation2 or fonts-dejavu, or set REPORT_FONT_DIR."
            )
            % {"directories": ", ".join(str(path) for path in self.searched) or "-"}
        )


@dataclass(frozen=True)
class FontSet:
    family: str
    files: dict[str, Path]  # "", "B", "I", "BI"

    @property
    def directories(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(path.parent for path in self.files.values()))


def font_directories() -> list[Path]:
    """REPORT_FONT_DIR first (when set), then the usual places of each system."""
    directories: list[Path] = []
    configured = str(getattr(settings, "REPORT_FONT_DIR", "") or "")
    if configured:
        directories.append(Path(configured).expanduser())
    directories.extend(Path(place).expanduser() for place in _USUAL_DIRECTORIES)
    windows = os.environ.get("WINDIR")
    if windows:
        directories.append(Path(windows) / "Fonts")
    return directories


# Every letter Vietnamese writes: Debian's fonts-liberation 1.07 lacks ơ, ư and the
# Latin Extended Additional block, Liberation 2 (fonts-liberation2) and DejaVu have them.
VIETNAMESE = frozenset(
    [
        *range(0x1EA0, 0x1EFA),
        *(ord(letter) for letter in "ăâđêôơưĂÂĐÊÔƠƯàáãèéìíòóõùúýÀÁÃÈÉÌÍÒÓÕÙÚÝ"),
    ]
)


def _by_directory(directories: Iterable[Path], wanted: set[str]) -> list[dict[str, Path]]:
    """The wanted font files of each directory holding any, in the order searched."""
    found: dict[Path, dict[str, Path]] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        for root, _dirs, names in os.walk(directory, followlinks=True):
            here = {name: Path(root) / name for name in names if name in wanted}
            if here:
                found.setdefault(Path(root).resolve(), here)
    return list(found.values())


def _writes_vietnamese(path: Path) -> bool:
    try:
        font = TTFont(path, lazy=True)
        try:
            characters = set(font.getBestCmap() or {})
        finally:
            font.close()
    except (OSError, TTLibError):
        return False
    return characters.issuperset(VIETNAMESE)


def find_fonts(directories: Sequence[Path] | None = None) -> FontSet:
    """The first family whose four styles sit in one directory and write every Vietnamese
    letter; FontsMissing otherwise."""
    searched = font_directories() if directories is None else list(directories)
    key = tuple(str(path) for path in searched)
    cached = _found.get(key)
    if cached is not None:
        return cached
    wanted = {name for _family, files in _FAMILIES for name in files.values()}
    places = _by_directory(searched, wanted)
    for family, files in _FAMILIES:
        for place in places:
            if not all(name in place for name in files.values()):
                continue
            chosen = {style: place[name] for style, name in files.items()}
            if all(_writes_vietnamese(path) for path in chosen.values()):
                font_set = FontSet(family, chosen)
                _found[key] = font_set
                return font_set
    raise FontsMissing(searched)


_found: dict[tuple[str, ...], FontSet] = {}
