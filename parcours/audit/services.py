"""Write audit events, chained by hash, and verify the chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditEvent

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    payload = {
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "institution_id": event.institution_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
        "created_at": event.created_at.isoformat(),
        "previous_hash": event.previous_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record(
    action: str,
    *,
    actor=None,
    target: models.Model | None = None,
    institution=None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the chain. ``action`` is a stable code such as ``recognition.decision.signed``.

    Inside a transaction, the event belongs to it (no savepoint of its own: if appending fails, the whole
    action is rolled back, never recorded without its event); otherwise it is written in its own."""
    with transaction.atomic(savepoint=False):
        last = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
        event = AuditEvent(
            action=action,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=(f"user:{actor.pk}" if getattr(actor, "is_authenticated", False) else "system"),
            institution=institution,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=json.loads(json.dumps(data or {}, default=str)),
            created_at=timezone.now(),
            previous_hash=last.hash if last else GENESIS,
        )
        event.hash = _digest(event)
        event.save()
    return event


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify() -> ChainReport:
    """Walk the chain in order; report the first event whose hash or link does not match."""
    previous = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous:
            return ChainReport(
                checked, event.pk, "link to the previous event is broken (an event was removed)"
            )
        if _digest(event) != event.hash:
            return ChainReport(checked, event.pk, "content does not match its hash (the event was edited)")
        previous = event.hash
        checked += 1
    return ChainReport(checked)
