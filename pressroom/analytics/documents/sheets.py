"""A period report as a workbook (a summary sheet, then a sheet per table) and one table
as CSV. Cells hold real numbers and dates, so that sums and sorts work; a duration is a
number of minutes, the unit said in its column's heading."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pressroom.analytics.documents.model import (
    CellValue,
    Column,
    Language,
    ReportDocument,
    Table,
)
from pressroom.analytics.documents.pdf_page import nfc
from pressroom.analytics.documents.wording import (
    WORDING,
    cell_text,
    document_number,
    minutes_of,
    place_and_date,
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_REFUSED = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31
BOLD = Font(bold=True)
ITALIC = Font(italic=True)

NUMBER_FORMATS = {
    "int": "#,##0",
    "decimal": "#,##0.00",
    "percent": "0.0%",
    "duration": "#,##0.0",
}
DATE_FORMATS: dict[Language, str] = {"vi": "dd/mm/yyyy", "en": "d mmm yyyy"}


def column_heading(column: Column, language: Language) -> str:
    """The heading of a column in a file: a duration says its unit, minutes."""
    label = nfc(column.label)
    if column.kind == "duration":
        return f"{label} ({WORDING[language].minutes})"
    return label


def sheet_names(titles: list[str], taken: set[str]) -> list[str]:
    """Names Excel accepts: at most 31 characters, none of []:*?/\\, no apostrophe at either
    end, and unique regardless of case."""
    used = {name.casefold() for name in taken}
    names = []
    for index, title in enumerate(titles, start=1):
        base = _SHEET_NAME_REFUSED.sub(" ", nfc(title))
        base = re.sub(r"\s+", " ", base).strip().strip("'").strip() or f"{index}"
        name = base[:SHEET_NAME_LIMIT].rstrip()
        copy = 2
        while name.casefold() in used:
            suffix = f" ({copy})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
            copy += 1
        used.add(name.casefold())
        names.append(name)
    return names


def _as_text(cell: Cell, text: str) -> None:
    """A text cell, never a formula, whatever it starts with."""
    cell.value = text
    cell.data_type = "s"


def _put(cell: Cell, value: CellValue, column: Column, language: Language) -> None:
    if value is None:
        return
    if isinstance(value, str):
        _as_text(cell, nfc(value))
        return
    if isinstance(value, timedelta):
        cell.value = minutes_of(value)
        cell.number_format = NUMBER_FORMATS["duration"]
        return
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        cell.value = day
        cell.number_format = DATE_FORMATS[language]
        return
    cell.value = float(value) if isinstance(value, Decimal) else value
    cell.number_format = NUMBER_FORMATS.get(column.kind, "General")


def _text_lines(sheet: Worksheet, start_row: int, lines: list[str], font: Font) -> int:
    row = start_row
    for line in lines:
        cell = sheet.cell(row=row, column=1)
        _as_text(cell, nfc(line))
        cell.font = font
        row += 1
    return row


def _table_sheet(sheet: Worksheet, doc: ReportDocument, table: Table) -> None:
    language = doc.language
    widths = [len(column_heading(column, language)) for column in table.columns]
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        _as_text(cell, column_heading(column, language))
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rows = list(table.rows) + ([table.total] if table.total is not None else [])
    for row_number, values in enumerate(rows, start=2):
        is_total = table.total is not None and row_number == len(rows) + 1
        for index, (value, column) in enumerate(zip(values, table.columns, strict=False), 1):
            cell = sheet.cell(row=row_number, column=index)
            _put(cell, value, column, language)
            if is_total:
                cell.font = BOLD
            shown = cell_text(value, column.kind, language) if value is not None else ""
            widths[index - 1] = max(widths[index - 1], len(shown))
    sheet.freeze_panes = "A2"
    last_data_row = 1 + len(table.rows)
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{last_data_row}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    notes = [table.note] if table.note else []
    notes += list(doc.footnotes)
    if notes:
        _text_lines(sheet, len(rows) + 3, notes, ITALIC)


def _summary_sheet(sheet: Worksheet, doc: ReportDocument, names: list[str]) -> None:
    words = WORDING[doc.language]
    heading = doc.heading
    row = 1
    if heading.parent_body:
        row = _text_lines(sheet, row, [heading.parent_body.upper()], Font())
    row = _text_lines(sheet, row, [heading.issuer.upper()], BOLD)
    row = _text_lines(sheet, row, [words.number_prefix + document_number(heading.number)], Font())
    row = _text_lines(sheet, row, [words.national_title, words.motto], BOLD)
    row = _text_lines(
        sheet, row, [place_and_date(heading.place, heading.issued_on, doc.language)], ITALIC
    )
    row += 1
    row = _text_lines(sheet, row, [heading.title.upper(), heading.summary_line], BOLD)
    row += 1
    for paragraph in doc.paragraphs:
        cell = sheet.cell(row=row, column=1)
        _as_text(cell, nfc(paragraph))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    if names:
        row += 1
        row = _text_lines(sheet, row, [words.tables_list], BOLD)
        for name, table in zip(names, doc.tables, strict=True):
            cell = sheet.cell(row=row, column=1)
            _as_text(cell, nfc(table.title or name))
            cell.hyperlink = f"#'{name}'!A1"
            row += 1
    if doc.footnotes:
        row += 1
        _text_lines(sheet, row, list(doc.footnotes), ITALIC)
    sheet.column_dimensions["A"].width = 100


def render_xlsx(doc: ReportDocument) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary_name = WORDING[doc.language].summary_sheet
    summary.title = summary_name
    names = sheet_names([table.title or table.key for table in doc.tables], {summary_name})
    _summary_sheet(summary, doc, names)
    for name, table in zip(names, doc.tables, strict=True):
        _table_sheet(workbook.create_sheet(title=name), doc, table)
    properties = workbook.properties
    properties.title = nfc(f"{doc.heading.title} {doc.heading.summary_line}".strip())
    properties.subject = nfc(doc.heading.summary_line)
    properties.creator = nfc(doc.heading.issuer)
    properties.language = doc.language
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: CellValue, column: Column) -> str:
    """A value as CSV carries it: plain numbers with a decimal point, ISO dates, minutes
    for durations, percentages as numbers of percent; a text that starts like a formula is
    kept as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = nfc(value)
        return "'" + text if text.startswith(_FORMULA_STARTS) else text
    if isinstance(value, timedelta):
        return _plain(minutes_of(value))
    if isinstance(value, date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if column.kind == "percent":
        return _plain(float(value) * 100)
    if isinstance(value, int):
        return str(value)
    return _plain(float(value))


def _plain(number: float) -> str:
    if number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.10f}".rstrip("0").rstrip(".")


def render_csv(doc: ReportDocument, table_key: str | None = None) -> bytes:
    """One table (the one named, or the first) as UTF-8 CSV with a byte-order mark, so that
    spreadsheets read the Vietnamese right. KeyError when there is no such table."""
    tables = [table for table in doc.tables if table_key is None or table.key == table_key]
    if not tables:
        raise KeyError(table_key)
    table = tables[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    headings = []
    for column in table.columns:
        heading = column_heading(column, doc.language)
        headings.append(f"{heading} (%)" if column.kind == "percent" else heading)
    writer.writerow(headings)
    rows = list(table.rows) + ([table.total] if table.total is not None else [])
    for values in rows:
        writer.writerow(
            [_csv_cell(value, column) for value, column in zip(values, table.columns, strict=False)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
