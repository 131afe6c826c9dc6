"""Hostile and ordinary uploads: only real PDF, JPEG and PNG files are kept, and images lose their metadata."""

import io

import pytest
from PIL import Image

from parcours.portfolio.uploads import UploadRefused, check_upload


def pdf_bytes(extra: bytes = b"") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue() + extra


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (120, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    gps = {1: "N", 2: (43.0, 7.0, 30.0), 3: "E", 4: (4.0, 5.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_real_pdf_is_accepted():
    checked = check_upload("attestation.pdf", pdf_bytes())
    assert checked.content_type == "application/pdf"
    assert len(checked.sha256) == 64


def test_jpeg_metadata_gps_included_is_removed():
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825)
    checked = check_upload("photo.JPG", data)
    cleaned = Image.open(io.BytesIO(checked.content))
    assert not cleaned.getexif()
    assert cleaned.size == (64, 48)


def test_png_is_reencoded():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10)).save(out, format="PNG")
    assert check_upload("scan.png", out.getvalue()).content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("vide.pdf", b"", "is empty"),
        (
            "dessin.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not a PDF, JPEG or PNG",
        ),
        ("page.html", b"<html><script>alert(1)</script></html>", "not a PDF, JPEG or PNG"),
        ("attestation.png", pdf_bytes(), "extension does not match"),
        (
            "script.pdf",
            pdf_bytes(b"\n1 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj"),
            "contains scripts",
        ),
        ("faux.pdf", b"%PDF-1.7\nthis is not really a pdf", "not a readable PDF"),
        ("faux.jpg", b"\xff\xd8\xff\xe0garbage-garbage", "not a valid image"),
    ],
)
def test_hostile_or_broken_files_are_refused(name, data, message):
    with pytest.raises(UploadRefused, match=message):
        check_upload(name, data)


def test_oversize_is_refused(settings):
    settings.PARCOURS = {**settings.PARCOURS, "EVIDENCE_MAX_BYTES": 1000}
    with pytest.raises(UploadRefused, match="too large"):
        check_upload("attestation.pdf", pdf_bytes(b" " * 2000))


def test_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    with pytest.raises(UploadRefused, match="too large to process"):
        check_upload("bomb.png", out.getvalue())
