"""The PDF's streams are compressed once by :func:`parcours.pdf.compress_streams`: every document kind's
file decodes to exactly what pydyf alone would have written, and every stream is compressed."""

from __future__ import annotations

import io
import re
import uuid

import pydyf
import pypdf
import pytest

from parcours import pdf
from parcours.documents import registry
from parcours.documents.rendering import render_pdf
from parcours.documents.samples import sample_context


def plain(obj) -> str:
    """``obj``'s text, references as "n g R" (pypdf's repr names the reader that read them)."""
    return re.sub(r"IndirectObject\((\d+), (\d+), \d+\)", r"\1 \2 R", repr(obj))


def decoded_objects(document: bytes) -> dict:
    """Each indirect object of ``document`` by number: a stream's decoded bytes and dictionary (without
    /Filter and /Length), or the object itself. The cross-reference stream is left out: it holds the
    objects' offsets and the checksum of the file, which follow the compressed sizes."""
    reader = pypdf.PdfReader(io.BytesIO(document))
    objects = {}
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if isinstance(obj, pypdf.generic.StreamObject) and obj.get("/Type") == "/XRef":
            continue
        if isinstance(obj, pypdf.generic.StreamObject):
            header = {key: value for key, value in obj.items() if key not in {"/Filter", "/Length"}}
            objects[number] = (obj.get_data(), plain(header), obj.get("/Filter"))
        else:
            objects[number] = plain(obj)
    return objects


def render(kind: str) -> bytes:
    document_type = registry.get(kind)
    ctx = document_type.clean(document_type.clean(sample_context(kind)), language="fr")
    return render_pdf(
        document_type, ctx, language="fr", public_id=uuid.UUID(int=7), verify_url="https://example.org/v/1"
    )


@pytest.mark.parametrize("kind", sorted(registry.kinds()))
def test_every_kind_decodes_to_what_pydyf_writes(kind, monkeypatch):
    ours = decoded_objects(render(kind))
    monkeypatch.setattr(pdf, "compress_streams", lambda document, written: None)
    pydyfs = decoded_objects(render(kind))

    assert ours.keys() == pydyfs.keys()
    streams = 0
    for number, obj in ours.items():
        if isinstance(obj, tuple):
            streams += 1
            data, header, compression = obj
            assert (data, header) == pydyfs[number][:2], f"object {number}"
            assert compression == pydyfs[number][2] == "/FlateDecode", f"object {number}"
        else:
            assert obj == pydyfs[number], f"object {number}"
    assert streams >= 3  # a page's content and the fonts at least


def test_a_stream_with_other_items_is_left_to_pydyf():
    written = pydyf.PDF()
    numbers = pydyf.Stream([b"0 0 m", 1.5, b"w"], compress=True)
    text = pydyf.Stream([b"BT", "/P", b"ET"], compress=True)
    written.add_object(numbers)
    written.add_object(text)

    pdf.compress_streams(None, written)

    assert numbers.compress and "Filter" not in numbers.extra
    assert not text.compress and text.extra["Filter"] == "/FlateDecode"
    output = io.BytesIO()
    written.write(output)
    reader = pypdf.PdfReader(io.BytesIO(output.getvalue()))
    assert reader.get_object(numbers.number).get_data() == b"0 0 m\n1.5\nw"
    assert reader.get_object(text.number).get_data() == b"BT\n/P\nET"
