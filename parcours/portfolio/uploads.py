"""Evidence upload checks: type by content (PDF, JPEG, PNG only), size, hostile content, metadata stripped.

Everything that is refused raises ``UploadRefused`` with a message naming the file and the reason.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: {".pdf"}, JPEG: {".jpg", ".jpeg"}, PNG: {".png"}}
#: PDF features that run code or open things: refused in evidence files.
PDF_ACTIVE_CONTENT = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|OpenAction\s*<<[^>]*/S\s*/JavaScript)\b"
)
MAX_IMAGE_PIXELS = 40_000_000


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    content: bytes
    sha256: str


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def check_upload(name: str, data: bytes) -> CheckedUpload:
    """Validate an uploaded evidence file and return the bytes to store (images re-encoded without metadata)."""
    limit = settings.PARCOURS["EVIDENCE_MAX_BYTES"]
    if not data:
        raise UploadRefused(_("%(name)s is empty.") % {"name": name})
    if len(data) > limit:
        raise UploadRefused(
            _("%(name)s is too large (%(size)s MB; the limit is %(limit)s MB).")
            % {"name": name, "size": round(len(data) / 1_000_000, 1), "limit": round(limit / 1_000_000, 1)}
        )
    content_type = sniff(data[:16])
    if content_type is None:
        raise UploadRefused(_("%(name)s is not a PDF, JPEG or PNG file.") % {"name": name})
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS[content_type]:
        raise UploadRefused(
            _("%(name)s: its extension does not match its content (%(type)s).")
            % {"name": name, "type": content_type}
        )
    content = _check_pdf(name, data) if content_type == PDF else _clean_image(name, data, content_type)
    return CheckedUpload(
        name=name, content_type=content_type, content=content, sha256=hashlib.sha256(content).hexdigest()
    )


def _check_pdf(name: str, data: bytes) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if PDF_ACTIVE_CONTENT.search(data):
        raise UploadRefused(
            _("%(name)s contains scripts or embedded content, which are not accepted.") % {"name": name}
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise UploadRefused(_("%(name)s is encrypted; upload an unprotected PDF.") % {"name": name})
            if len(reader.pages) == 0:
                raise UploadRefused(_("%(name)s has no page.") % {"name": name})
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        if isinstance(exc, UploadRefused):
            raise
        raise UploadRefused(_("%(name)s is not a readable PDF.") % {"name": name}) from exc
    return data


def _clean_image(name: str, data: bytes, content_type: str) -> bytes:
    """Re-encode the image: drops EXIF (GPS included) and any other metadata; refuses decompression bombs."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                output = io.BytesIO()
                if content_type == JPEG:
                    image.convert("RGB").save(output, format="JPEG", quality=92, optimize=True)
                else:
                    image.save(output, format="PNG", optimize=True)
                return output.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused(_("%(name)s is an image too large to process.") % {"name": name}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRefused(_("%(name)s is not a valid image.") % {"name": name}) from exc
