import pytest
from django.core.management import CommandError, call_command

from parcours.audit.models import AuditEvent
from parcours.audit.services import audit_record, audit_verify


@pytest.mark.django_db
def test_chain_detects_edited_and_deleted_rows(make_user):
    user = make_user()
    for n in range(4):
        audit_record("test.event", actor=user, data={"n": n})
    assert audit_verify().ok
    call_command("audit", "verify")

    second = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=second.pk).update(data={"n": 99})
    report = audit_verify()
    assert not report.ok and report.broken_at == second.pk and "edited" in report.reason
    with pytest.raises(CommandError, match="broken"):
        call_command("audit", "verify")

    AuditEvent.objects.filter(pk=second.pk).delete()
    report = audit_verify()
    assert not report.ok and "removed" in report.reason
