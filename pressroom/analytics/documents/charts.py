"""The report charts, defined once as Vega-Lite specs: the dashboard draws them in the
browser, the PDF prints the same spec through vl-convert (Vega bundled, no network).

A spec carries its language's number and date locale in `config.locale`, so it reads the
same wherever it is drawn: Vietnamese "1.234,5" and 05/01/2027, English "1,234.5" and
5 Jan 2027. Dates travel as ISO strings and are read as UTC days, so no browser's time
zone moves a point to the day before.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypedDict

import vl_convert

from pressroom.analytics.documents.fonts import find_fonts
from pressroom.analytics.documents.model import Language
from pressroom.analytics.documents.wording import ENGLISH_MONTHS

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
PRINT_FONT = "Liberation Serif, Times New Roman, DejaVu Serif, serif"
# 480 px across the 165 mm of text: a 12 px label prints at about 12 points.
PRINT_WIDTH_PX = 480

ValueKind = Literal["int", "decimal", "percent"]
Number = int | float | Decimal


class TrendPoint(TypedDict):
    day: date
    measure: str
    value: Number | None


NUMBER_LOCALES: dict[Language, dict[str, Any]] = {
    "vi": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}

TIME_LOCALES: dict[Language, dict[str, Any]] = {
    "vi": {
        "dateTime": "%H:%M %d/%m/%Y",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["SA", "CH"],
        "days": ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"],
        "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
        "months": [f"tháng {month}" for month in range(1, 13)],
        "shortMonths": [f"thg {month}" for month in range(1, 13)],
    },
    "en": {
        "dateTime": "%a %e %b %Y %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": [
            "Sunday",
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
        ],
        "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        "months": list(ENGLISH_MONTHS),
        "shortMonths": [month[:3] for month in ENGLISH_MONTHS],
    },
}

DAY_FORMATS: dict[Language, str] = {"vi": "%d/%m/%Y", "en": "%-d %b %Y"}

# Monday is 0, as date.weekday() counts.
WEEKDAYS: dict[Language, tuple[str, ...]] = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

# The few words a chart says itself; the caller gives titles and measure names.
_WORDS: dict[Language, dict[str, str]] = {
    "vi": {"day": "Ngày", "measure": "Chỉ số", "hour": "Giờ trong ngày", "weekday": "Thứ"},
    "en": {"day": "Day", "measure": "Measure", "hour": "Hour of the day", "weekday": "Day"},
}


def number_format(kind: ValueKind) -> str:
    """The d3 format of a value; the locale in the spec's config supplies the separators."""
    return {"int": ",d", "decimal": ",.2~f", "percent": ".1~%"}[kind]


def _config(language: Language) -> dict[str, Any]:
    return {
        "locale": {"number": NUMBER_LOCALES[language], "time": TIME_LOCALES[language]},
        "axis": {"labelFontSize": 12, "titleFontSize": 12},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
        "title": {"fontSize": 14, "anchor": "start"},
        "view": {"stroke": None},
    }


def _number(value: Number | None) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _frame(language: Language, title: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": "container",
        "config": _config(language),
    }
    if title:
        spec["title"] = title
    return spec


def trend_spec(
    points: Sequence[TrendPoint],
    *,
    language: Language,
    title: str = "",
    value_title: str = "",
    value_kind: ValueKind = "int",
) -> dict[str, Any]:
    """A line per measure over the days of the period."""
    words = _WORDS[language]
    values = [
        {
            "day": point["day"].isoformat(),
            "measure": point["measure"],
            "value": _number(point["value"]),
        }
        for point in points
    ]
    day = {
        "field": "day",
        "type": "temporal",
        "timeUnit": "utcyearmonthdate",
        "title": words["day"],
    }
    value_format = number_format(value_kind)
    return {
        **_frame(language, title),
        "height": 260,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {**day, "axis": {"format": DAY_FORMATS[language], "labelAngle": 0}},
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "axis": {
                    "format": value_format,
                    **({"tickMinStep": 1} if value_kind == "int" else {}),
                },
            },
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": words["measure"],
                "legend": {"orient": "bottom", "direction": "horizontal"},
            },
            "tooltip": [
                {**day, "format": DAY_FORMATS[language]},
                {"field": "measure", "type": "nominal", "title": words["measure"]},
                {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title or None,
                    "format": value_format,
                },
            ],
        },
    }


def bars_spec(
    rows: Sequence[tuple[str, Number | None]],
    title: str,
    *,
    language: Language,
    value_title: str = "",
    label_title: str = "",
    value_kind: ValueKind = "int",
) -> dict[str, Any]:
    """Horizontal bars, longest first (per platform, per unit), each with its value."""
    values = [{"label": label, "value": _number(value)} for label, value in rows]
    value_format = number_format(value_kind)
    label = {
        "field": "label",
        "type": "nominal",
        "sort": "-x",
        "title": label_title or None,
        "axis": {"labelLimit": 220},
    }
    value = {
        "field": "value",
        "type": "quantitative",
        "title": value_title or None,
        "axis": {"format": value_format},
    }
    return {
        **_frame(language, title),
        "height": {"step": 24},
        "data": {"values": values},
        "encoding": {"y": label, "x": value},
        "layer": [
            {
                "mark": {"type": "bar", "color": "#1f5f99"},
                "encoding": {
                    "tooltip": [
                        {"field": "label", "type": "nominal", "title": label_title or None},
                        {"field": "value", "type": "quantitative", "format": value_format},
                    ]
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 12},
                "encoding": {
                    "text": {"field": "value", "type": "quantitative", "format": value_format}
                },
            },
        ],
    }


def hours_spec(
    cells: Sequence[tuple[int, int, Number | None]],
    *,
    language: Language,
    title: str = "",
    value_title: str = "",
    value_kind: ValueKind = "int",
) -> dict[str, Any]:
    """A week by hours heatmap (weekday 0 is Monday), to show when posts reach most people."""
    words = _WORDS[language]
    names = WEEKDAYS[language]
    values = [
        {"weekday": names[weekday], "hour": hour, "value": _number(value)}
        for weekday, hour, value in cells
    ]
    value_format = number_format(value_kind)
    return {
        **_frame(language, title),
        "height": {"step": 22},
        "data": {"values": values},
        "mark": {"type": "rect"},
        "encoding": {
            "x": {
                "field": "hour",
                "type": "ordinal",
                "title": words["hour"],
                "scale": {"domain": list(range(24))},
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "weekday",
                "type": "ordinal",
                "title": None,
                "scale": {"domain": list(names)},
            },
            "color": {
                "field": "value",
                "type": "quantitative",
                "title": value_title or None,
                "scale": {"scheme": "blues"},
                "legend": {"format": value_format, "orient": "bottom"},
            },
            "tooltip": [
                {"field": "weekday", "type": "ordinal", "title": words["weekday"]},
                {"field": "hour", "type": "ordinal", "title": words["hour"]},
                {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title or None,
                    "format": value_format,
                },
            ],
        },
    }


def print_spec(spec: dict[str, Any], *, width_px: int = PRINT_WIDTH_PX) -> dict[str, Any]:
    """The spec as printed: a fixed width, a white page, serif type (Liberation Serif is
    Times New Roman's metric twin) and no title of its own (the PDF prints the caption as
    text, so that it can be searched and copied)."""
    printed = copy.deepcopy(spec)
    printed.pop("title", None)
    if printed.get("width", "container") == "container":
        printed["width"] = width_px
    config = printed.setdefault("config", {})
    config["font"] = PRINT_FONT
    config["background"] = "white"
    return printed


def _renderable(spec: dict[str, Any]) -> dict[str, Any]:
    # There is no container to measure outside a browser.
    if spec.get("width") == "container":
        return {**spec, "width": PRINT_WIDTH_PX}
    return spec


_registered: set[str] = set()


def _register_fonts() -> None:
    """Make the report fonts known to vl-convert, wherever REPORT_FONT_DIR put them."""
    for directory in find_fonts().directories:
        if str(directory) not in _registered:
            vl_convert.register_font_directory(str(directory))
            _registered.add(str(directory))


def chart_svg(spec: dict[str, Any]) -> str:
    _register_fonts()
    return str(vl_convert.vegalite_to_svg(_renderable(spec), allowed_base_urls=[]))


def chart_png(spec: dict[str, Any], *, scale: float = 2) -> bytes:
    _register_fonts()
    return bytes(vl_convert.vegalite_to_png(_renderable(spec), scale=scale, allowed_base_urls=[]))
