"""The QR code printed on every document opens its verification page: the page is rasterised as a printer
or a phone's camera would see it, and the code is read back by an independent decoder (zxing-cpp)."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid

import pytest
import zxingcpp
from PIL import Image

from parcours.documents import registry
from parcours.documents.rendering import render_pdf
from parcours.documents.samples import sample_context
from parcours.qr import qr_code

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is missing"
)


def printed_codes(pdf: bytes, dpi: int, tmp_path) -> list[str]:
    """The QR codes found on the document's pages, each page rasterised at ``dpi`` in grey."""
    command = ["pdftoppm", "-gray", "-png", "-r", str(dpi), "-", str(tmp_path / "page")]
    subprocess.run(command, input=pdf, check=True)
    codes = []
    for page in sorted(tmp_path.glob("page*.png")):
        found = zxingcpp.read_barcodes(Image.open(page))
        codes += [code.text for code in found if code.format == zxingcpp.BarcodeFormat.QRCode]
        page.unlink()
    return codes


@pytest.mark.parametrize("kind", sorted(registry.kinds()))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_printed_code_reads_back_as_the_verification_address(kind, language, tmp_path):
    doc_type = registry.get(kind)
    public_id = uuid.uuid4()
    url = f"https://parcours.ecole-exemple.fr/verify/document/{public_id}"
    ctx = doc_type.clean(doc_type.clean(sample_context(kind)), language=language)
    pdf = render_pdf(doc_type, ctx, language=language, public_id=public_id, verify_url=url)
    # 150 dpi: an office scan; 100 dpi: a phone held at arm's length.
    for dpi in (150, 100):
        assert printed_codes(pdf, dpi, tmp_path) == [url], (kind, language, dpi)


def test_codes_read_back_for_many_addresses():
    """The data mask is fixed (parcours.qr.QR_MASK): check it on addresses of every shape, not one."""
    for n in range(25):
        url = f"https://parcours-{n}.example.org/verify/document/{uuid.uuid4()}"
        png = io.BytesIO()
        qr_code(url).save(png, kind="png", scale=4, border=4)
        png.seek(0)
        decoded = [c.text for c in zxingcpp.read_barcodes(Image.open(png).convert("L"))]
        assert decoded == [url]
