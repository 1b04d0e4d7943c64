"""Period reports as documents: the administrative PDF, the workbook, the CSV table, and
the charts they share with the dashboard."""

from __future__ import annotations

from pressroom.analytics.documents.fonts import FontsMissing, find_fonts
from pressroom.analytics.documents.model import (
    Chart,
    Column,
    Heading,
    ReportDocument,
    Signer,
    Table,
)
from pressroom.analytics.documents.pdf import render_pdf
from pressroom.analytics.documents.sheets import render_csv, render_xlsx

__all__ = [
    "Chart",
    "Column",
    "FontsMissing",
    "Heading",
    "ReportDocument",
    "Signer",
    "Table",
    "find_fonts",
    "render_csv",
    "render_pdf",
    "render_xlsx",
]
