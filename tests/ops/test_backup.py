import pytest
from django.core.management import CommandError, call_command

from parcours.ops.backup import file_hashes, row_counts
from parcours.portfolio import services as portfolio
from tests.portfolio.test_uploads import jpeg_with_gps, pdf_bytes
from tests.recognition.test_workflow import in_jury, sign

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_into_an_empty_database(world, tmp_path, settings):
    from pathlib import Path

    portfolio.evidence_add(
        profile=world["profile"],
        actor=world["student"],
        name="a.pdf",
        data=pdf_bytes(),
        period=world["period"],
    )
    portfolio.evidence_add(
        profile=world["profile"],
        actor=world["student"],
        name="b.jpg",
        data=jpeg_with_gps(),
        period=world["period"],
    )
    request, session = in_jury(world)
    sign(world, request, session)
    counts, hashes = row_counts(), file_hashes(Path(settings.MEDIA_ROOT))
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", out=str(archive))

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))

    call_command("flush", interactive=False, verbosity=0)
    import shutil

    shutil.rmtree(settings.MEDIA_ROOT)
    assert row_counts()["recognition.decision"] == 0
    call_command("restore", str(archive))
    assert row_counts() == counts
    assert file_hashes(Path(settings.MEDIA_ROOT)) == hashes
    assert len([name for name in hashes if name.startswith("evidence/")]) == 2


def test_restore_refuses_a_broken_archive(tmp_path):
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(broken), force=True)
