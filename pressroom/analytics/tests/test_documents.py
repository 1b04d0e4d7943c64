"""Report documents as PDF, laid out as Decree 30/2020/NĐ-CP sets out, read back with pypdf;
and the fonts they are set in."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF

from pressroom.analytics.documents import (
    Chart,
    Column,
    FontsMissing,
    Heading,
    ReportDocument,
    Signer,
    Table,
    charts,
    find_fonts,
    render_pdf,
)
from pressroom.analytics.documents.fonts import font_directories
from pressroom.analytics.documents.model import Language
from pressroom.analytics.documents.wording import place_and_date

MM = 72 / 25.4
A4 = (595.28, 841.89)
PLACES = ("Phường Đông Hà", "Xã Hướng Hóa", "Thừa Thiên Huế", "Phường Đông Lương", "Xã Cam Lộ")
VIETNAMESE = (*PLACES, "người dùng", "bình luận", "lượt tiếp cận", "Nguyễn Thị Ánh Tuyết")
COLUMNS = (
    Column("Đơn vị", "text"),
    Column("Ngày", "date"),
    Column("Lượt tiếp cận", "int"),
    Column("Điểm tương tác", "decimal"),
    Column("Tỷ lệ bình luận", "percent"),
    Column("Thời gian trả lời", "duration"),
    Column("Ghi chú", "text"),
)


def nfc(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def units_table(language: Language = "vi") -> Table:
    rows = tuple(
        (
            PLACES[index % 5],
            date(2026, 10, 1) + timedelta(days=index),
            1234 * index,
            Decimal("3.25") * index,
            0.125 if index == 1 else 0.01 * index,
            timedelta(minutes=7 * index, seconds=30),
            None if index % 7 == 0 else "bình luận của người dùng",
        )
        for index in range(70)
    )
    total = ("Tổng cộng", None, 5_958_072, Decimal("7880.50"), 0.5, timedelta(hours=30), "")
    title = "Bảng 1. Kết quả theo đơn vị: lượt tiếp cận [quý IV]" if language == "vi" else "Units"
    return Table("units", title, COLUMNS, rows, total, note="Số liệu của người dùng.")


def report(language: Language = "vi", issued_on: date = date(2027, 1, 5)) -> ReportDocument:
    points: list[charts.TrendPoint] = [
        {"day": date(2026, 12, 1) + timedelta(days=day), "measure": measure, "value": 1500 * day}
        for day in range(31)
        for measure in ("lượt tiếp cận", "bình luận")
    ]
    trend = charts.trend_spec(points, language="vi", title="Lượt tiếp cận")
    bars = charts.bars_spec(
        [(place, 1000 * n) for n, place in enumerate(PLACES)], "Theo đơn vị", language="vi"
    )
    return ReportDocument(
        language=language,
        heading=Heading(
            parent_body="Ủy ban nhân dân tỉnh Quảng Trị",
            issuer="Sở Văn hóa, Thể thao và Du lịch",
            number="12/BC-UBND",
            place="Hà Tĩnh",
            issued_on=issued_on,
            title="Báo cáo" if language == "vi" else "Report",
            summary_line="Kết quả hoạt động truyền thông trên mạng xã hội quý IV năm 2026",
        ),
        paragraphs=(
            (
                "Trong quý, các đơn vị Phường Đông Hà, Xã Hướng Hóa và Thừa Thiên Huế có số "
                "lượt tiếp cận cao nhất; số bình luận của người dùng tăng 12,5% so với quý trước."
            ),
            # Decomposed on purpose: what the renderer prints is composed again.
            unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết trả lời bình luận trong ngày."),
        ),
        tables=(units_table(language),),
        charts=(
            Chart("trend", "Biểu đồ 1. Lượt tiếp cận theo ngày", trend),
            Chart("bars", "Biểu đồ 2", bars),
        ),
        recipients=("Bộ Thông tin và Truyền thông;", "UBND tỉnh", "Lưu: VT, TTTT."),
        signer=Signer("Giám đốc", "Nguyễn Văn Ánh"),
        footnotes=("Số liệu lấy từ các nền tảng lúc 00:05 ngày 05/01/2027.",),
    )


class Fragment:
    def __init__(self, text: str, x: float, y: float, size: float, style: str) -> None:
        self.text, self.x, self.y, self.size, self.style = text, x, y, size, style


def fragments(page: pypdf.PageObject) -> list[Fragment]:
    found: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            name = str(font["/BaseFont"]) if font else ""
            italic = re.search("Italic|Oblique", name)
            style = ("B" if "Bold" in name else "") + ("I" if italic else "")
            found.append(Fragment(text, cm[4] + tm[4], cm[5] + tm[5], size, style))

    page.extract_text(visitor_text=visit)
    return found


def images(page: pypdf.PageObject) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of every image drawn on the page."""
    placed: list[tuple[float, float, float, float]] = []
    matrix: list[float] = []

    def visit(operator: bytes, operands: list[Any], cm: Any, tm: Any) -> None:
        nonlocal matrix
        if operator == b"cm":
            matrix = [float(value) for value in operands]
        elif operator == b"Do" and matrix:
            placed.append((matrix[4], matrix[5], matrix[0], matrix[3]))

    page.extract_text(visitor_operand_before=visit)
    return placed


@pytest.fixture(scope="module")
def vietnamese_pdf() -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render_pdf(report())))


def test_every_page_is_a4_portrait_and_the_report_runs_over_pages(
    vietnamese_pdf: pypdf.PdfReader,
) -> None:
    assert len(vietnamese_pdf.pages) >= 2
    for page in vietnamese_pdf.pages:
        assert float(page.mediabox.width) == pytest.approx(A4[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4[1], abs=1)


def test_the_heading_and_every_vietnamese_word_are_in_the_text(
    vietnamese_pdf: pypdf.PdfReader,
) -> None:
    text = nfc(" ".join(page.extract_text() for page in vietnamese_pdf.pages))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
        "Số: 12/BC-UBND",
        "Hà Tĩnh, ngày 05 tháng 01 năm 2027",
        "BÁO CÁO",
        "Kết quả hoạt động truyền thông trên mạng xã hội quý IV năm 2026",
        "Nơi nhận:",
        "- Bộ Thông tin và Truyền thông;",
        "- UBND tỉnh;",
        "- Lưu: VT, TTTT.",
        "GIÁM ĐỐC",
        "Nguyễn Văn Ánh",
        "Số liệu lấy từ các nền tảng lúc 00:05 ngày 05/01/2027.",
        "Biểu đồ 1. Lượt tiếp cận theo ngày",
        *VIETNAMESE,
    ):
        assert expected in text, expected


def test_table_values_are_written_the_vietnamese_way(vietnamese_pdf: pypdf.PdfReader) -> None:
    text = nfc(" ".join(page.extract_text() for page in vietnamese_pdf.pages)).replace("\xa0", " ")
    for expected in (
        "5.958.072",
        "7.880,50",
        "12,5%",
        "50,0%",
        "01/10/2026",
        "—",
        "30 giờ 00 phút",
        "1 giờ 03 phút",
    ):
        assert expected in text, expected
    # The heading row is printed again on the pages the table runs onto.
    assert sum("Lượt tiếp" in page.extract_text() for page in vietnamese_pdf.pages) >= 2


def test_page_numbers_from_the_second_page_in_the_top_margin(
    vietnamese_pdf: pypdf.PdfReader,
) -> None:
    width, height = A4
    top_margin = height - 20 * MM
    for number, page in enumerate(vietnamese_pdf.pages, start=1):
        above = [piece for piece in fragments(page) if piece.y + 0.75 * piece.size > top_margin]
        if number == 1:
            assert above == []
            continue
        assert [piece.text.strip() for piece in above] == [str(number)]
        assert above[0].x == pytest.approx((30 * MM + width - 15 * MM) / 2, abs=8)


def test_nothing_is_printed_in_the_side_and_bottom_margins(vietnamese_pdf: pypdf.PdfReader) -> None:
    fonts = find_fonts()
    measure = FPDF(unit="pt")
    for style, path in fonts.files.items():
        measure.add_font("Measured", style=style, fname=path)
    width, _height = A4
    for page in vietnamese_pdf.pages:
        for piece in fragments(page):
            text = re.sub(r"\s+", " ", piece.text).strip()
            measure.set_font("Measured", piece.style, piece.size)
            assert piece.x + 0.01 >= 30 * MM, piece.text
            assert piece.x + measure.get_string_width(text) <= width - 15 * MM + 1, piece.text
            assert piece.y - 0.25 * piece.size >= 20 * MM, piece.text
        for x, y, image_width, image_height in images(page):
            assert x >= 30 * MM - 0.5
            assert x + image_width <= width - 15 * MM + 0.5
            assert y >= 20 * MM - 0.5
            assert y + image_height <= A4[1] - 20 * MM + 0.5


def test_the_heading_has_the_issuer_at_left_and_the_nation_at_right(
    vietnamese_pdf: pypdf.PdfReader,
) -> None:
    middle = A4[0] / 2
    first = {nfc(piece.text).strip(): piece for piece in fragments(vietnamese_pdf.pages[0])}
    assert first["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].x > middle - 60
    assert first["Số: 12/BC-UBND"].x < middle
    assert first["Hà Tĩnh, ngày 05 tháng 01 năm 2027"].x > middle - 40
    assert first["Số: 12/BC-UBND"].y == pytest.approx(
        first["Hà Tĩnh, ngày 05 tháng 01 năm 2027"].y, abs=2
    )
    assert first["BÁO CÁO"].size == 14
    assert 13 <= first["Độc lập - Tự do - Hạnh phúc"].size <= 14


def test_fonts_are_embedded_and_the_charts_are_printed(vietnamese_pdf: pypdf.PdfReader) -> None:
    family = find_fonts().family.replace(" ", "")
    for page in vietnamese_pdf.pages:
        resources: Any = page["/Resources"]
        for reference in resources["/Font"].values():
            font = reference.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor
            assert family in font["/BaseFont"]
    assert sum(len(images(page)) for page in vietnamese_pdf.pages) == 2


def test_metadata_says_title_author_and_language(vietnamese_pdf: pypdf.PdfReader) -> None:
    metadata = vietnamese_pdf.metadata
    assert metadata is not None
    assert "Kết quả hoạt động truyền thông" in nfc(metadata.title or "")
    assert nfc(metadata.author or "") == "Sở Văn hóa, Thể thao và Du lịch"
    assert str(vietnamese_pdf.root_object["/Lang"]) == "vi"


def test_the_english_layout() -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(report("en", date(2026, 12, 1)))))
    text = nfc(" ".join(page.extract_text() for page in reader.pages))
    for expected in (
        "SOCIALIST REPUBLIC OF VIET NAM",
        "Independence - Freedom - Happiness",
        "No.: 12/BC-UBND",
        "Hà Tĩnh, 1 December 2026",
        "REPORT",
        "Recipients:",
        "5,958,072",
        "7,880.50",
        "12.5%",
        "1 Oct 2026",
    ):
        assert expected in text, expected
    assert "CỘNG HÒA" not in text
    assert "Nơi nhận" not in text
    assert str(reader.root_object["/Lang"]) == "en"


@pytest.mark.parametrize(
    ("day", "language", "line"),
    [
        (date(2027, 1, 5), "vi", "Hà Tĩnh, ngày 05 tháng 01 năm 2027"),
        (date(2027, 2, 28), "vi", "Hà Tĩnh, ngày 28 tháng 02 năm 2027"),
        (date(2027, 3, 9), "vi", "Hà Tĩnh, ngày 09 tháng 3 năm 2027"),
        (date(2026, 12, 31), "vi", "Hà Tĩnh, ngày 31 tháng 12 năm 2026"),
        (date(2026, 12, 1), "en", "Hà Tĩnh, 1 December 2026"),
    ],
)
def test_the_date_line_pads_days_below_ten_and_january_and_february(
    day: date, language: Language, line: str
) -> None:
    assert place_and_date("Hà Tĩnh", day, language) == line


LIBERATION = {
    "": "LiberationSerif-Regular.ttf",
    "B": "LiberationSerif-Bold.ttf",
    "I": "LiberationSerif-Italic.ttf",
    "BI": "LiberationSerif-BoldItalic.ttf",
}
DEJAVU = {
    "": "DejaVuSerif.ttf",
    "B": "DejaVuSerif-Bold.ttf",
    "I": "DejaVuSerif-Italic.ttf",
    "BI": "DejaVuSerif-BoldItalic.ttf",
}


def font_copies(directory: Path, names: dict[str, str], *, ascii_only: bool = False) -> None:
    """The installed report fonts under other names; `ascii_only` drops every letter past
    ASCII, as an old Liberation Serif lacks the Vietnamese ones."""
    directory.mkdir(parents=True, exist_ok=True)
    for style, original in find_fonts().files.items():
        if not ascii_only:
            shutil.copy(original, directory / names[style])
            continue
        font = TTFont(original)
        subsetter = subset.Subsetter()
        subsetter.populate(unicodes=range(0x20, 0x7F))
        subsetter.subset(font)
        font.save(directory / names[style])


def test_no_fonts_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(FontsMissing, match="Liberation Serif") as refused:
        find_fonts([tmp_path])
    assert str(tmp_path) in str(refused.value)


def test_a_liberation_without_vietnamese_letters_gives_way_to_dejavu(tmp_path: Path) -> None:
    font_copies(tmp_path / "liberation", LIBERATION, ascii_only=True)
    font_copies(tmp_path / "dejavu", DEJAVU)
    assert find_fonts([tmp_path]).family == "DejaVu Serif"
    font_copies(tmp_path / "liberation2", LIBERATION)
    chosen = find_fonts([tmp_path / "liberation2", tmp_path])
    assert chosen.family == "Liberation Serif"
    assert chosen.files["B"] == tmp_path / "liberation2" / "LiberationSerif-Bold.ttf"


def test_the_report_font_dir_setting_is_searched_first(tmp_path: Path, settings: Any) -> None:
    font_copies(tmp_path, LIBERATION)
    settings.REPORT_FONT_DIR = str(tmp_path)
    assert font_directories()[0] == tmp_path
    assert find_fonts().files[""] == tmp_path / "LiberationSerif-Regular.ttf"


def test_a_province_without_parent_body_recipients_or_tables_fits_one_page() -> None:
    heading = Heading(
        "", "Ủy ban nhân dân tỉnh Hà Tĩnh", "…/BC-UBND", "Hà Tĩnh", date(2026, 3, 2), "Báo cáo", ""
    )
    document = ReportDocument(
        "vi", heading, signer=Signer("KT. Chủ tịch\nPhó Chủ tịch", "Lê Văn Bình")
    )
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(document)))
    assert len(reader.pages) == 1
    text = nfc(reader.pages[0].extract_text())
    assert "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH" in text
    assert "Số: …/BC-UBND" in text
    assert "Hà Tĩnh, ngày 02 tháng 3 năm 2026" in text
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Lê Văn Bình" in text
    assert "Nơi nhận" not in text
