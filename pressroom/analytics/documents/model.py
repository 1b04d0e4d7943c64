"""What a period report says, in the shape every renderer (PDF, XLSX, CSV) reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

Language = Literal["vi", "en"]
ColumnKind = Literal["text", "int", "decimal", "percent", "date", "duration"]
# What a cell may hold; None is shown as a dash and left empty in a spreadsheet.
CellValue = str | int | float | Decimal | date | timedelta | None


@dataclass(frozen=True)
class Heading:
    """The administrative heading (Decree 30/2020/NĐ-CP, Appendix I).

    `parent_body` is the body above the issuing unit (empty for a province's own
    people's committee); `number` comes without "Số: " ("12/BC-UBND" or "…/BC-UBND").
    """

    parent_body: str
    issuer: str
    number: str
    place: str
    issued_on: date
    title: str
    summary_line: str


@dataclass(frozen=True)
class Column:
    """A table column. A percent is a fraction (0.125 is 12.5 %)."""

    label: str
    kind: ColumnKind


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    total: tuple[CellValue, ...] | None = None
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec (built by `documents.charts`), shown on screen and printed."""

    key: str
    title: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class Signer:
    position: str
    name: str


@dataclass(frozen=True)
class ReportDocument:
    language: Language
    heading: Heading
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    recipients: tuple[str, ...] = ()
    signer: Signer | None = None
    footnotes: tuple[str, ...] = ()
