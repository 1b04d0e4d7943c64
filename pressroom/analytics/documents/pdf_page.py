"""The page every report is printed on: A4 portrait, the decree's margins, the report
fonts embedded, the page number centred in the top margin from the second page on."""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from pressroom.analytics.documents.fonts import FontSet

# Millimetres. The decree allows top and bottom 20-25, left 30-35, right 15-20.
MARGIN_TOP = 20.0
MARGIN_BOTTOM = 20.0
MARGIN_LEFT = 30.0
MARGIN_RIGHT = 15.0
PAGE_NUMBER_Y = 10.0  # the middle of the top margin
LEFT_HEADING_WIDTH = 72.0  # the issuing unit's column; the rest is the national title's
MIN_LEFT_HEADING_WIDTH = 60.0
FAMILY = "ReportSerif"

# Points.
BODY_SIZE = 14
HEADING_SIZE_LEFT = 12
NATIONAL_TITLE_SIZE = 13
MOTTO_SIZE = 14
NUMBER_SIZE = 13
DATE_SIZE = 14
TITLE_SIZE = 14
RECIPIENTS_TITLE_SIZE = 12
RECIPIENTS_SIZE = 11
SIGNER_SIZE = 14
FOOTNOTE_SIZE = 11
PAGE_NUMBER_SIZE = 13

POINT = 25.4 / 72  # millimetres in a point
SIGNATURE_SPACE = 28.0


def nfc(text: str) -> str:
    """Precomposed letters: the fonts draw "ệ" as one glyph, not "e" and two marks."""
    return unicodedata.normalize("NFC", text)


class ReportPDF(FPDF):
    def __init__(self, fonts: FontSet) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(left=MARGIN_LEFT, top=MARGIN_TOP, right=MARGIN_RIGHT)
        self.set_auto_page_break(auto=True, margin=MARGIN_BOTTOM)
        for style, path in fonts.files.items():
            self.add_font(FAMILY, style=style, fname=path)
        self.c_margin = 1.0

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font(FAMILY, "", PAGE_NUMBER_SIZE)
            self.set_xy(self.l_margin, PAGE_NUMBER_Y - PAGE_NUMBER_SIZE * POINT / 2)
            self.cell(self.epw, PAGE_NUMBER_SIZE * POINT, str(self.page_no()), align=Align.C)
        self.set_xy(self.l_margin, self.t_margin)

    def use(self, style: str, size: float) -> None:
        self.set_font(FAMILY, style, size)

    def line_height(self, size: float, factor: float = 1.25) -> float:
        return size * POINT * factor

    def centred_lines(self, text: str, *, x: float, width: float, style: str, size: float) -> float:
        """Centred text wrapped within a column; returns the widest line's width."""
        self.use(style, size)
        self.set_x(x)
        lines = self.multi_cell(
            width,
            self.line_height(size),
            text,
            align=Align.C,
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
            dry_run=True,
            output="LINES",
        )
        self.multi_cell(
            width, self.line_height(size), text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        if not isinstance(lines, list):
            return 0.0
        return max((self.get_string_width(line) for line in lines), default=0.0)

    def text_width(self, text: str, style: str, size: float) -> float:
        self.use(style, size)
        return self.get_string_width(text)

    def fitting_size(
        self, text: str, style: str, size: float, smallest: float, width: float
    ) -> float:
        """The largest size from `size` down to `smallest` (half points) at which the text
        holds on one line of the column."""
        while size > smallest and self.text_width(text, style, size) + 2 * self.c_margin > width:
            size -= 0.5
        return size

    def rule(self, *, centre: float, length: float, y: float) -> None:
        self.set_line_width(0.3)
        self.line(centre - length / 2, y, centre + length / 2, y)

    def space_left(self) -> float:
        return self.page_break_trigger - self.get_y()
