"""The fixed words of an administrative document in each language, and values written out.

The national title, the motto and the date line are prescribed by Decree 30/2020/NĐ-CP
(Appendix I); they belong to the document's language, not to the reader's interface, so
they are written here rather than left to the translation catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from pressroom.analytics.documents.model import CellValue, ColumnKind, Language

DASH = "—"


@dataclass(frozen=True)
class Wording:
    national_title: str
    motto: str
    number_prefix: str
    recipients: str
    summary_sheet: str
    tables_list: str
    minutes: str


WORDING: dict[Language, Wording] = {
    "vi": Wording(
        national_title="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        motto="Độc lập - Tự do - Hạnh phúc",
        number_prefix="Số: ",
        recipients="Nơi nhận:",
        summary_sheet="Tổng hợp",
        tables_list="Các bảng",
        minutes="phút",
    ),
    "en": Wording(
        national_title="SOCIALIST REPUBLIC OF VIET NAM",
        motto="Independence - Freedom - Happiness",
        number_prefix="No.: ",
        recipients="Recipients:",
        summary_sheet="Summary",
        tables_list="Tables",
        minutes="minutes",
    ),
}

ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def place_and_date(place: str, day: date, language: Language) -> str:
    """ "Hà Tĩnh, ngày 05 tháng 01 năm 2027": the decree pads days below 10 and the months
    January and February with a zero (so that nobody can turn them into 15 or 12)."""
    if language == "en":
        return f"{place}, {day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def document_number(number: str) -> str:
    """The decree writes numbers below 10 with a zero: 5/BC-UBND becomes 05/BC-UBND."""
    return re.sub(r"^(\d)(?=/)", r"0\1", number.strip())


def short_date(day: date, language: Language) -> str:
    """A date in a table: 05/01/2027, or 5 Jan 2027."""
    if language == "en":
        return f"{day.day} {ENGLISH_MONTHS[day.month - 1][:3]} {day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _grouped(number: float | Decimal, places: int, language: Language) -> str:
    text = f"{number:,.{places}f}"
    if language == "vi":
        # 1,234.5 -> 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def duration_text(value: timedelta, language: Language) -> str:
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if language == "en":
        if hours:
            return f"{sign}{hours:,} h {minutes:02d} min"
        return f"{sign}{minutes} min" if minutes else f"{sign}{seconds} s"
    if hours:
        return f"{sign}{_grouped(hours, 0, language)} giờ {minutes:02d} phút"
    return f"{sign}{minutes} phút" if minutes else f"{sign}{seconds} giây"


def minutes_of(value: timedelta) -> float:
    """A duration as a number of minutes, as spreadsheets and CSV files carry it."""
    return round(value.total_seconds() / 60, 2)


def cell_text(value: CellValue, kind: ColumnKind, language: Language) -> str:
    """A value as printed in a table of the PDF."""
    if value is None:
        return DASH
    if isinstance(value, str):
        return value
    if isinstance(value, timedelta):
        return duration_text(value, language)
    if isinstance(value, date):
        return short_date(value, language)
    if isinstance(value, bool):
        return str(value)
    if kind == "percent":
        return _grouped(value * 100, 1, language) + "%"
    if kind == "decimal":
        return _grouped(value, 2, language)
    if kind == "int" or isinstance(value, int):
        return _grouped(round(value), 0, language)
    return _grouped(value, 2, language)


def is_number_kind(kind: ColumnKind) -> bool:
    return kind in {"int", "decimal", "percent", "duration"}
