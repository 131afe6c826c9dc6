"""Comparing PDFs as a reader sees them: pages rasterised by poppler, bookmarks read back with pypdf."""

from __future__ import annotations

import io
import shutil
import subprocess

import pypdf
import pytest

from parcours import pdf

needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is missing"
)


def rasterised(document: bytes, dpi: int = 100) -> list[bytes]:
    """The pages as raw pixels (PPM), as a reader's screen or printer gets them."""
    done = subprocess.run(["pdftoppm", "-r", str(dpi), "-"], input=document, capture_output=True, check=True)
    return done.stdout.split(b"P6\n")[1:]  # one PPM image per page


def outline(document: bytes) -> list:
    def titles(items):
        return [titles(item) if isinstance(item, list) else item.title for item in items]

    return titles(pypdf.PdfReader(io.BytesIO(document)).outline)


def both_ways(monkeypatch, render) -> tuple[bytes, bytes]:
    """``render()`` with the smaller user-agent stylesheet, then with WeasyPrint's full one."""
    with_subset = render()
    with monkeypatch.context() as patched:
        patched.setattr(pdf, "covered_by_user_agent_subset", lambda root: False)
        with_full = render()
    return with_subset, with_full


def assert_same_to_the_eye(with_subset: bytes, with_full: bytes) -> None:
    subset_pages, full_pages = rasterised(with_subset), rasterised(with_full)
    assert len(subset_pages) == len(full_pages) >= 1
    for number, (mine, theirs) in enumerate(zip(subset_pages, full_pages, strict=True), start=1):
        assert mine == theirs, f"page {number} differs"
    assert outline(with_subset) == outline(with_full)
