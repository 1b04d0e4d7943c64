"""The report's tables and charts on the page: tables with their heading row repeated on
every page they run onto, charts printed from the same Vega-Lite spec the dashboard draws."""

from __future__ import annotations

import io

from fpdf.enums import Align, TableBordersLayout
from fpdf.fonts import FontFace
from PIL import Image

from pressroom.analytics.documents.charts import chart_png, print_spec
from pressroom.analytics.documents.model import CellValue, Chart, Column, Language, Table
from pressroom.analytics.documents.pdf_page import ReportPDF, nfc
from pressroom.analytics.documents.wording import cell_text, is_number_kind

TABLE_TITLE_SIZE = 13
TABLE_SIZES = (12.0, 11.5, 11.0, 10.5, 10.0)  # the first at which the text columns have room
ROOMY_TEXT_COLUMN = 30.0  # millimetres
NOTE_SIZE = 11
CELL_PADDING = 1.2  # millimetres, each side
BOLD = FontFace(emphasis="BOLD")
# Enough room under a table's title for its heading and a first row.
TITLE_KEEP_WITH = 25.0
NO_BREAK_SPACE = "\u00a0"
CHART_SCALE = 3  # 480 px across 165 mm: about 220 dots per inch


def _align(column: Column) -> Align:
    if is_number_kind(column.kind):
        return Align.R
    if column.kind == "date":
        return Align.C
    return Align.L


def _column_widths(
    pdf: ReportPDF, table: Table, texts: list[list[str]], total: list[str] | None, size: float
) -> tuple[list[float], bool]:
    """Each column as wide as its longest value (a heading may wrap, word by word), within
    the text width: numbers and dates are never wrapped, text columns give way. Also says
    whether every text column kept its width or at least ROOMY_TEXT_COLUMN."""
    pdf.use("B", size)
    header_words = [
        max((pdf.get_string_width(word) for word in nfc(column.label).split()), default=0.0)
        for column in table.columns
    ]
    pdf.use("", size)
    padding = 2 * CELL_PADDING + 0.6
    fixed = [is_number_kind(column.kind) or column.kind == "date" for column in table.columns]
    natural = []
    least = []
    total_widths = [0.0] * len(table.columns)
    if total is not None:
        pdf.use("B", size)
        total_widths = [pdf.get_string_width(text) for text in total]
        pdf.use("", size)
    for index in range(len(table.columns)):
        longest = max((pdf.get_string_width(row[index]) for row in texts), default=0.0)
        longest = max(longest, total_widths[index])
        words = max(
            (
                pdf.get_string_width(word)
                for row in [*texts, *([total] if total else [])]
                for word in row[index].split()
            ),
            default=0.0,
        )
        natural.append(max(longest, header_words[index]) + padding)
        least.append(max(longest if fixed[index] else words, header_words[index]) + padding)
    widths = _fit(natural, least, fixed, pdf.epw)
    roomy = all(
        is_fixed or width >= min(wanted, ROOMY_TEXT_COLUMN) - 0.01
        for width, wanted, is_fixed in zip(widths, natural, fixed, strict=True)
    )
    return widths, roomy


def _fit(
    natural: list[float], least: list[float], fixed: list[bool], available: float
) -> list[float]:
    """Widths summing to `available`: when the natural widths are too wide, the widest
    text columns are cut down to a common width first (short ones keep theirs), then, if
    that is not enough, every column shrinks in proportion."""
    total = sum(natural)
    if total <= available:
        return [width * available / total for width in natural]
    flexible = [index for index, is_fixed in enumerate(fixed) if not is_fixed]
    room = available - sum(
        width for width, is_fixed in zip(natural, fixed, strict=True) if is_fixed
    )
    widths = list(natural)
    if flexible and room > 0:
        ordered = sorted(natural[index] for index in flexible)
        cap = ordered[-1]
        for count, width in enumerate(ordered):
            remaining = len(ordered) - count
            share = (room - sum(ordered[:count])) / remaining
            if share <= width:
                cap = share
                break
        for index in flexible:
            widths[index] = max(min(natural[index], cap), least[index])
    return [width * available / sum(widths) for width in widths]


def _texts(row: tuple[CellValue, ...], table: Table, language: Language) -> list[str]:
    """The row as printed; a number or a duration never breaks across lines."""
    texts = []
    for value, column in zip(row, table.columns, strict=False):
        text = nfc(cell_text(value, column.kind, language))
        if is_number_kind(column.kind) or column.kind == "date":
            text = text.replace(" ", NO_BREAK_SPACE)
        texts.append(text)
    return texts


def draw_table(pdf: ReportPDF, table: Table, language: Language) -> None:
    texts = [_texts(row, table, language) for row in table.rows]
    total = _texts(table.total, table, language) if table.total is not None else None
    for size in TABLE_SIZES:
        widths, roomy = _column_widths(pdf, table, texts, total, size)
        if roomy:
            break
    if pdf.space_left() < TITLE_KEEP_WITH:
        pdf.add_page()
    pdf.ln(3.0)
    if table.title:
        pdf.centred_lines(
            nfc(table.title), x=pdf.l_margin, width=pdf.epw, style="B", size=TABLE_TITLE_SIZE
        )
        pdf.ln(1.5)
    aligns = [_align(column) for column in table.columns]
    pdf.use("", size)
    with pdf.table(
        width=pdf.epw,
        col_widths=widths,
        align=Align.L,
        text_align=aligns,
        borders_layout=TableBordersLayout.ALL,
        headings_style=BOLD,
        line_height=pdf.line_height(size, 1.15),
        padding=(CELL_PADDING, CELL_PADDING),
        repeat_headings=1,
        first_row_as_headings=True,
        v_align="MIDDLE",
    ) as layout:
        heading_row = layout.row()
        for column in table.columns:
            heading_row.cell(nfc(column.label), align=Align.C)
        for row in texts:
            cells = layout.row()
            for text in row:
                cells.cell(text)
        if total is not None:
            cells = layout.row(style=BOLD)
            for text in total:
                cells.cell(text)
    if table.note:
        pdf.ln(1.0)
        pdf.use("I", NOTE_SIZE)
        pdf.multi_cell(pdf.epw, pdf.line_height(NOTE_SIZE, 1.2), nfc(table.note), align=Align.J)
    pdf.ln(3.0)


def draw_chart(pdf: ReportPDF, chart: Chart) -> None:
    png = chart_png(print_spec(chart.spec), scale=CHART_SCALE)
    with Image.open(io.BytesIO(png)) as image:
        pixel_width, pixel_height = image.size
    width = pdf.epw
    height = width * pixel_height / pixel_width
    page_room = pdf.page_break_trigger - pdf.t_margin - 15.0
    if height > page_room:
        width, height = width * page_room / height, page_room
    caption = pdf.line_height(13) * 2 if chart.title else 0.0
    if pdf.space_left() < height + caption + 4.0:
        pdf.add_page()
    pdf.ln(3.0)
    if chart.title:
        pdf.centred_lines(nfc(chart.title), x=pdf.l_margin, width=pdf.epw, style="B", size=13)
        pdf.ln(1.5)
    pdf.image(io.BytesIO(png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width, h=height)
    pdf.ln(3.0)
