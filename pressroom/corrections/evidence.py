"""What an evidence document may be: a PDF or an image, checked by its content, never by the
name or type the browser sent."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from pressroom.content.validation import EXTENSIONS, inspect_image

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
MAX_DOCUMENTS_PER_CLAIM = 10
PDF = "application/pdf"


@dataclass(frozen=True)
class NewDocument:
    filename: str
    content: bytes


@dataclass(frozen=True)
class DocumentInfo:
    content_type: str
    extension: str


def inspect_document(content: bytes, filename: str) -> DocumentInfo:
    """The document's type; ValueError with a message for the person if it cannot be kept."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValueError(
            _("%(name)s is %(size).1f MB; documents may be at most %(max)d MB.")
            % {
                "name": filename,
                "size": len(content) / 1_048_576,
                "max": MAX_DOCUMENT_BYTES // 1_048_576,
            }
        )
    if not content:
        raise ValueError(_("%(name)s is empty.") % {"name": filename})
    # A PDF starts with its header within the first kilobyte (readers accept it there).
    if b"%PDF-" in content[:1024]:
        return DocumentInfo(PDF, ".pdf")
    try:
        info = inspect_image(content, filename)
    except ValueError as error:
        raise ValueError(
            _("%(name)s is neither a PDF nor an image Pressroom can read (JPEG, PNG, GIF or WebP).")
            % {"name": filename}
        ) from error
    return DocumentInfo(info.content_type, EXTENSIONS[info.content_type])
