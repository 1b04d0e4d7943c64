"""Report documents as files: the workbook and the CSV table read back with openpyxl and
csv, the charts drawn by vl-convert, in Vietnamese and in English."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from typing import Any

import openpyxl
import pytest

from pressroom.analytics.documents import (
    Column,
    ReportDocument,
    Table,
    charts,
    render_csv,
    render_xlsx,
)
from pressroom.analytics.documents.model import Language
from pressroom.analytics.tests.test_documents import COLUMNS, PLACES, nfc, report


def test_the_workbook_holds_real_numbers_dates_and_bold_headings() -> None:
    doc = report()
    second = Table("again", doc.tables[0].title, COLUMNS[:1], (("=SUM(A1:A9)",), ("Xã Hướng Hóa",)))
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            render_xlsx(ReportDocument(**{**doc.__dict__, "tables": (doc.tables[0], second)}))
        )
    )
    summary, units, again = workbook.worksheets
    assert summary.title == "Tổng hợp"
    assert units.title == "Bảng 1. Kết quả theo đơn vị lượ"
    assert again.title == "Bảng 1. Kết quả theo đơn vị (2)"
    for name in workbook.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    summary_text = [nfc(str(cell.value)) for (cell,) in summary.iter_rows(max_col=1) if cell.value]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in summary_text
    assert "Hà Tĩnh, ngày 05 tháng 01 năm 2027" in summary_text
    assert "Nguyễn Thị Ánh Tuyết trả lời bình luận trong ngày." in summary_text

    header = [cell.value for cell in units[1]]
    assert header == [
        "Đơn vị",
        "Ngày",
        "Lượt tiếp cận",
        "Điểm tương tác",
        "Tỷ lệ bình luận",
        "Thời gian trả lời (phút)",
        "Ghi chú",
    ]
    assert all(cell.font.b for cell in units[1])
    assert units.freeze_panes == "A2"
    place, day, reach, points, share, minutes, remark = (cell.value for cell in units[3])
    assert place == "Xã Hướng Hóa"
    assert isinstance(day, datetime) and day.date() == date(2026, 10, 2)
    assert units["B3"].number_format == "dd/mm/yyyy"
    assert reach == 1234 and isinstance(reach, int)
    assert points == pytest.approx(3.25) and isinstance(points, float)
    assert share == pytest.approx(0.125) and units["E3"].number_format == "0.0%"
    assert minutes == pytest.approx(7.5)
    assert remark == "bình luận của người dùng"
    assert units["G2"].value is None  # nothing there, not a dash
    total = units[72]
    assert total[0].value == "Tổng cộng" and all(cell.font.b for cell in total)
    assert total[5].value == pytest.approx(1800)
    below = [units.cell(row=row, column=1).value for row in range(73, 77)]
    assert "Số liệu của người dùng." in below
    assert "Số liệu lấy từ các nền tảng lúc 00:05 ngày 05/01/2027." in below
    assert all(units.column_dimensions[letter].width >= 8 for letter in "ABCDEFG")
    assert again["A2"].value == "=SUM(A1:A9)" and again["A2"].data_type == "s"


def test_the_english_workbook_writes_dates_its_way() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report("en"))))
    assert workbook.sheetnames == ["Summary", "Units"]
    assert workbook["Units"]["B2"].number_format == "d mmm yyyy"
    assert workbook["Units"]["F1"].value == "Thời gian trả lời (minutes)"


def test_csv_has_a_byte_order_mark_plain_numbers_and_iso_dates() -> None:
    doc = report()
    body = render_csv(doc)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [
        "Đơn vị",
        "Ngày",
        "Lượt tiếp cận",
        "Điểm tương tác",
        "Tỷ lệ bình luận (%)",
        "Thời gian trả lời (phút)",
        "Ghi chú",
    ]
    assert rows[1] == ["Phường Đông Hà", "2026-10-01", "0", "0", "0", "0.5", ""]
    assert rows[2] == [
        "Xã Hướng Hóa",
        "2026-10-02",
        "1234",
        "3.25",
        "12.5",
        "7.5",
        "bình luận của người dùng",
    ]
    assert rows[-1] == ["Tổng cộng", "", "5958072", "7880.5", "50", "1800", ""]
    assert len(rows) == 72
    formula = Table("risky", "Risky", (Column("Ghi chú", "text"),), (("=HYPERLINK(1)",),))
    risky = ReportDocument(**{**doc.__dict__, "tables": (doc.tables[0], formula)})
    assert render_csv(risky, "risky").decode("utf-8-sig").splitlines()[1] == "'=HYPERLINK(1)"
    with pytest.raises(KeyError):
        render_csv(doc, "missing")


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [nfc("".join(node.itertext())) for node in root.iter() if node.tag.endswith("text")]


def chart_specs(language: Language) -> list[dict[str, Any]]:
    points: list[charts.TrendPoint] = [
        {
            "day": date(2026, 12, 1) + timedelta(days=day),
            "measure": "lượt tiếp cận",
            "value": 2500 * day,
        }
        for day in range(10)
    ]
    return [
        charts.trend_spec(
            points, language=language, title="Lượt tiếp cận theo ngày", value_title="Lượt tiếp cận"
        ),
        charts.bars_spec(
            [(place, 12_345.5 * (n + 1)) for n, place in enumerate(PLACES)],
            "Theo đơn vị",
            language=language,
            value_kind="decimal",
        ),
        charts.hours_spec(
            [(weekday, hour, weekday * 1000 + hour) for weekday in range(7) for hour in range(24)],
            language=language,
            value_title="bình luận",
        ),
    ]


def test_charts_render_with_vietnamese_labels_and_numbers() -> None:
    trend, bars, hours = (
        svg_texts(charts.chart_svg(charts.print_spec(spec))) for spec in chart_specs("vi")
    )
    assert "lượt tiếp cận" in trend and "Ngày" in trend
    assert "10.000" in trend and "03/12/2026" in trend
    assert set(PLACES) <= set(bars)
    assert "61.727,5" in bars  # the label at the end of the longest bar
    assert {"Thứ Hai", "Chủ nhật", "Giờ trong ngày"} <= set(hours)
    assert "2.000" in hours  # the colour legend
    for spec in chart_specs("vi"):
        assert charts.chart_png(spec).startswith(b"\x89PNG\r\n\x1a\n")


def test_charts_in_english_write_numbers_and_dates_the_english_way() -> None:
    trend, bars, hours = (svg_texts(charts.chart_svg(spec)) for spec in chart_specs("en"))
    assert "10,000" in trend and "3 Dec 2026" in trend and "Day" in trend
    assert "61,727.5" in bars
    assert {"Monday", "Sunday", "Hour of the day"} <= set(hours)


def test_the_printed_chart_is_in_serif_without_its_own_title() -> None:
    spec = chart_specs("vi")[0]
    printed = charts.print_spec(spec)
    assert "title" not in printed and spec["title"] == "Lượt tiếp cận theo ngày"
    assert printed["config"]["font"].startswith("Liberation Serif")
    assert printed["width"] == charts.PRINT_WIDTH_PX and spec["width"] == "container"
    assert 'font-family="Liberation Serif' in charts.chart_svg(printed)
