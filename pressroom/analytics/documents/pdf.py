"""A period report as a PDF laid out as Decree 30/2020/NĐ-CP sets out an administrative
document: A4 portrait, Liberation Serif embedded, the two-column heading, the page number
in the top margin from the second page on, recipients at left and the signer at right."""

from __future__ import annotations

from fpdf.enums import Align, XPos, YPos

from pressroom.analytics.documents.fonts import find_fonts
from pressroom.analytics.documents.model import Heading, Language, ReportDocument, Signer
from pressroom.analytics.documents.pdf_blocks import draw_chart, draw_table
from pressroom.analytics.documents.pdf_page import (
    BODY_SIZE,
    DATE_SIZE,
    FOOTNOTE_SIZE,
    HEADING_SIZE_LEFT,
    LEFT_HEADING_WIDTH,
    MIN_LEFT_HEADING_WIDTH,
    MOTTO_SIZE,
    NATIONAL_TITLE_SIZE,
    NUMBER_SIZE,
    POINT,
    RECIPIENTS_SIZE,
    RECIPIENTS_TITLE_SIZE,
    SIGNATURE_SPACE,
    SIGNER_SIZE,
    TITLE_SIZE,
    ReportPDF,
    nfc,
)
from pressroom.analytics.documents.wording import (
    WORDING,
    Wording,
    document_number,
    place_and_date,
)


def _heading(pdf: ReportPDF, heading: Heading, language: Language) -> None:
    words = WORDING[language]
    date_line = nfc(place_and_date(heading.place, heading.issued_on, language))
    # The national side is as wide as its longest line needs (a wider serif than Liberation
    # needs more), the issuing side keeps the rest, at least MIN_LEFT_HEADING_WIDTH.
    needed = max(
        pdf.text_width(words.national_title, "B", NATIONAL_TITLE_SIZE),
        pdf.text_width(words.motto, "B", MOTTO_SIZE),
        pdf.text_width(date_line, "I", DATE_SIZE),
    )
    right_width = min(
        max(needed + 2 * pdf.c_margin + 1.0, pdf.epw - LEFT_HEADING_WIDTH),
        pdf.epw - MIN_LEFT_HEADING_WIDTH,
    )
    left_x = pdf.l_margin
    left_width = pdf.epw - right_width
    right_x = left_x + left_width
    top = pdf.get_y()

    # The issuing side: its parent body above it, then the unit with a short rule.
    if heading.parent_body:
        pdf.centred_lines(
            nfc(heading.parent_body).upper(),
            x=left_x,
            width=left_width,
            style="",
            size=HEADING_SIZE_LEFT,
        )
    issuer_width = pdf.centred_lines(
        nfc(heading.issuer).upper(), x=left_x, width=left_width, style="B", size=HEADING_SIZE_LEFT
    )
    rule_y = pdf.get_y() + 0.8
    pdf.rule(centre=left_x + left_width / 2, length=max(issuer_width / 3, 15.0), y=rule_y)
    left_end = rule_y

    # The national title and the motto, the motto underlined by a rule as long as itself;
    # each on one line, a little smaller (within the decree's sizes) if it must.
    pdf.set_y(top)
    pdf.centred_lines(
        words.national_title,
        x=right_x,
        width=right_width,
        style="B",
        size=pdf.fitting_size(words.national_title, "B", NATIONAL_TITLE_SIZE, 11, right_width),
    )
    motto_width = pdf.centred_lines(
        words.motto,
        x=right_x,
        width=right_width,
        style="B",
        size=pdf.fitting_size(words.motto, "B", MOTTO_SIZE, 13, right_width),
    )
    motto_rule_y = pdf.get_y() + 0.3
    pdf.rule(centre=right_x + right_width / 2, length=motto_width, y=motto_rule_y)
    right_end = motto_rule_y

    line_y = max(left_end, right_end) + 3.0
    pdf.set_y(line_y)
    pdf.centred_lines(
        words.number_prefix + nfc(document_number(heading.number)),
        x=left_x,
        width=left_width,
        style="",
        size=NUMBER_SIZE,
    )
    left_end = pdf.get_y()
    pdf.set_y(line_y)
    pdf.centred_lines(
        date_line,
        x=right_x,
        width=right_width,
        style="I",
        size=pdf.fitting_size(date_line, "I", DATE_SIZE, 13, right_width),
    )
    pdf.set_y(max(left_end, pdf.get_y()) + 8.0)

    pdf.centred_lines(
        nfc(heading.title).upper(), x=left_x, width=pdf.epw, style="B", size=TITLE_SIZE
    )
    if heading.summary_line:
        summary_width = pdf.centred_lines(
            nfc(heading.summary_line), x=left_x, width=pdf.epw, style="B", size=TITLE_SIZE
        )
        rule_y = pdf.get_y() + 1.0
        pdf.rule(centre=left_x + pdf.epw / 2, length=max(summary_width / 3, 30.0), y=rule_y)
    pdf.set_y(pdf.get_y() + 7.0)


def _paragraphs(pdf: ReportPDF, paragraphs: tuple[str, ...]) -> None:
    if not paragraphs:
        return
    pdf.use("", BODY_SIZE)
    with pdf.text_columns(text_align=Align.J, line_height=1.2) as columns:
        for text in paragraphs:
            with columns.paragraph(first_line_indent=10.0, bottom_margin=6 * POINT) as paragraph:
                paragraph.write(nfc(text))
    pdf.ln(2.0)


def _footnotes(pdf: ReportPDF, footnotes: tuple[str, ...]) -> None:
    if not footnotes:
        return
    if pdf.space_left() < 15.0:
        pdf.add_page()
    pdf.ln(2.0)
    pdf.rule(centre=pdf.l_margin + 20.0, length=40.0, y=pdf.get_y())
    pdf.ln(1.5)
    pdf.use("", FOOTNOTE_SIZE)
    for text in footnotes:
        pdf.multi_cell(
            pdf.epw,
            pdf.line_height(FOOTNOTE_SIZE, 1.2),
            nfc(text),
            align=Align.J,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _recipient_lines(recipients: tuple[str, ...]) -> list[str]:
    """Each on its own line after a dash, ending in a semicolon, the last in a full stop."""
    lines = [nfc(text).strip().lstrip("-").strip().rstrip(";.") for text in recipients]
    return [
        f"- {text}{'.' if index == len(lines) - 1 else ';'}" for index, text in enumerate(lines)
    ]


def _closing(
    pdf: ReportPDF, recipients: tuple[str, ...], signer: Signer | None, words: Wording
) -> None:
    if not recipients and signer is None:
        return
    left_width = 80.0
    right_x = pdf.l_margin + left_width
    right_width = pdf.epw - left_width
    lines = _recipient_lines(recipients)
    recipients_height = (
        pdf.line_height(RECIPIENTS_TITLE_SIZE) + len(lines) * pdf.line_height(RECIPIENTS_SIZE)
        if lines
        else 0.0
    )
    signer_height = (
        4 * pdf.line_height(SIGNER_SIZE) + SIGNATURE_SPACE if signer is not None else 0.0
    )
    pdf.ln(6.0)
    # The block stays together: recipients and signature on one page.
    if pdf.space_left() < max(recipients_height, signer_height):
        pdf.add_page()
    top = pdf.get_y()
    if lines:
        pdf.use("BI", RECIPIENTS_TITLE_SIZE)
        pdf.set_x(pdf.l_margin)
        pdf.cell(
            left_width,
            pdf.line_height(RECIPIENTS_TITLE_SIZE),
            words.recipients,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.use("", RECIPIENTS_SIZE)
        for line in lines:
            pdf.multi_cell(
                left_width,
                pdf.line_height(RECIPIENTS_SIZE),
                line,
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    if signer is not None:
        pdf.set_y(top)
        pdf.centred_lines(
            nfc(signer.position).upper(), x=right_x, width=right_width, style="B", size=SIGNER_SIZE
        )
        pdf.set_y(pdf.get_y() + SIGNATURE_SPACE)
        pdf.centred_lines(
            nfc(signer.name), x=right_x, width=right_width, style="B", size=SIGNER_SIZE
        )


def render_pdf(doc: ReportDocument) -> bytes:
    """The report as a PDF, its fonts embedded (subset) and its text extractable."""
    words = WORDING[doc.language]
    pdf = ReportPDF(find_fonts())
    heading = doc.heading
    pdf.set_title(nfc(f"{heading.title} {heading.summary_line}".strip()))
    pdf.set_subject(nfc(heading.summary_line))
    pdf.set_author(nfc(heading.issuer))
    pdf.set_creator("Pressroom")
    pdf.set_lang(doc.language)
    pdf.add_page()
    _heading(pdf, heading, doc.language)
    _paragraphs(pdf, doc.paragraphs)
    for table in doc.tables:
        draw_table(pdf, table, doc.language)
    for chart in doc.charts:
        draw_chart(pdf, chart)
    _footnotes(pdf, doc.footnotes)
    _closing(pdf, doc.recipients, doc.signer, words)
    return bytes(pdf.output())
