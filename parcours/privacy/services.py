"""Export everything a person's account holds, erase it, enforce retention periods."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parcours.audit.services import audit_record

from .registry import providers


def personal_data_export(*, user) -> bytes:
    """A zip with ``data.json`` (every app's data) and the person's files."""
    buffer = io.BytesIO()
    data = {"exported_at": timezone.now().isoformat()}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for provider in providers():
            data[provider.name] = provider.export(user)
            for name, content in provider.files(user):
                archive.writestr(name, content)
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
    audit_record("privacy.export", actor=user, target=user)
    return buffer.getvalue()


@transaction.atomic
def personal_data_erase(*, user, actor) -> None:
    """Delete what can be deleted; pseudonymise academic records the law requires to keep."""
    audit_record("privacy.erasure", actor=actor, target=user)
    for provider in providers():
        provider.erase(user)


def retention_enforce(*, now=None) -> dict[str, int]:
    """Delete what outlived its retention period. Run daily (task or `manage.py privacy retention`)."""
    from parcours.notifications.models import Notification
    from parcours.portfolio.models import EvidenceAccess
    from parcours.recognition.models import RecognitionRequest

    now = now or timezone.now()
    counts = {}
    counts["notifications"] = Notification.objects.filter(created_at__lt=now - timedelta(days=365)).delete()[
        0
    ]
    stale = RecognitionRequest.objects.filter(
        status__in=["draft", "withdrawn"], updated_at__lt=now - timedelta(days=365)
    )
    counts["abandoned_requests"] = stale.delete()[0]
    counts["evidence_accesses"] = EvidenceAccess.objects.filter(
        accessed_at__lt=now - timedelta(days=5 * 365)
    ).delete()[0]
    return counts


def erasure_request(*, user, reason: str = ""):
    from .models import ErasureRequest

    pending = ErasureRequest.objects.filter(user=user, processed_at__isnull=True).first()
    if pending is not None:
        return pending
    with transaction.atomic():
        request = ErasureRequest.objects.create(user=user, reason=reason)
        audit_record("privacy.erasure.requested", actor=user, target=request)
    return request


def erasure_process(*, request, actor) -> None:
    from .models import ErasureRequest

    with transaction.atomic():
        updated = ErasureRequest.objects.filter(pk=request.pk, processed_at__isnull=True).update(
            processed_at=timezone.now(), processed_by=actor
        )
        if updated:
            personal_data_erase(user=request.user, actor=actor)
