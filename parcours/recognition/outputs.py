"""What a signed decision or a closed jury session produces, after commit: documents and credentials.

Each output is idempotent (keyed by its source), so a task that runs twice produces no duplicate.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.apps import apps

from .models import Decision, JurySession

logger = logging.getLogger(__name__)

DECISION_SOURCE = "recognition.decision"
SESSION_SOURCE = "recognition.session"


SIGNER_FUNCTION = {"fr": "Directeur·rice des études", "en": "Director of studies"}
APPEAL_HOW = {
    "fr": "Recours gracieux auprès du directeur des études, par écrit (courrier ou message depuis la plateforme), "
    "en exposant les motifs ; le jury réexamine la demande.",
    "en": "Written appeal to the director of studies (letter or message through the platform) stating the grounds; "
    "the jury examines the request again.",
}


def _programme(user, institution) -> dict:
    membership = (
        user.memberships.filter(institution=institution, cohort__isnull=False)
        .select_related("cohort__programme")
        .first()
    )
    if membership is not None:
        programme = membership.cohort.programme
        return {"name": {"fr": programme.name_fr, "en": programme.name_en or programme.name_fr}}
    return {"name": {"fr": "Personnel de l'établissement", "en": "Staff of the institution"}}


def _level(level) -> dict:
    if level is None:
        return {"fr": "Reconnue", "en": "Recognised"}
    return {
        "fr": f"Niveau {level.rank} — {level.label_fr}",
        "en": f"Level {level.rank} — {level.label_en or level.label_fr}",
    }


def _exemptions(activities) -> list[dict]:
    exemptions = []
    for activity in activities:
        for unit in activity.exempted_units.all():
            exemptions.append(
                {
                    "teaching_unit_code": unit.code,
                    "teaching_unit_title": {"fr": unit.title_fr, "en": unit.title_en or unit.title_fr},
                    "scope": "total",
                }
            )
        if activity.internship_weeks_exempted:
            exemptions.append({"internship_weeks": activity.internship_weeks_exempted, "scope": "partial"})
    return exemptions


def decision_context(decision: Decision) -> dict:
    """What the decision letter shows (contract: docs/documents.md). Never unit, rank or place."""
    request = decision.request
    holder = request.holder
    activities = list(decision.validated_activities.prefetch_related("exempted_units"))
    competencies = list(decision.competencies.select_related("competency", "level"))
    total_ects = sum((a.ects for a in activities), start=Decimal("0"))
    changes = [c.change_reason for c in competencies if c.change_reason]
    wording_fr = " ".join(a.wording_fr for a in activities if a.wording_fr)
    wording_en = " ".join(a.wording_en for a in activities if a.wording_en)
    return {
        "reference": f"DEC-{decision.signed_at:%Y}-{decision.pk:04d}",
        "issued_on": decision.signed_at.date().isoformat(),
        "institution": {"name": request.institution.name, "city": request.institution.city},
        "holder": {"full_name": holder.get_full_name() or holder.email},
        "programme": _programme(holder, request.institution),
        "request": {
            "reference": request.reference,
            "submitted_on": request.submitted_at.date().isoformat() if request.submitted_at else None,
        },
        "outcome": decision.outcome,
        "items": [
            {
                "competency_code": c.competency.code or c.competency.identifier[:20],
                "statement": {
                    "fr": c.competency.statement_fr,
                    "en": c.competency.statement_en or c.competency.statement_fr,
                },
                "level_label": _level(c.level),
            }
            for c in competencies
        ],
        "exemptions": _exemptions(activities),
        "total_ects": str(total_ects),
        "diploma_supplement": {"fr": wording_fr, "en": wording_en or wording_fr} if wording_fr else None,
        "changed_from_proposal": bool(changes),
        "jury_reason": decision.reason or " ".join(changes) or None,
        "appeal": {
            "deadline": request.appeal_deadline.isoformat()
            if request.appeal_deadline
            else decision.signed_at.date().isoformat(),
            "how": APPEAL_HOW,
        },
        "signer": {
            "name": decision.signed_by.get_full_name() or decision.signed_by.email,
            "function": SIGNER_FUNCTION,
        },
    }


def attestation_context(decision: Decision, letter: dict) -> dict | None:
    """The attestation lists the recognised competencies; none recognised (only ECTS), no attestation."""
    if not letter["items"]:
        return None
    return {
        "reference": letter["reference"].replace("DEC-", "ATT-"),
        "issued_on": letter["issued_on"],
        "institution": letter["institution"],
        "holder": letter["holder"],
        "programme": letter["programme"],
        "decision": {"reference": letter["reference"], "date": letter["issued_on"]},
        "competencies": letter["items"],
        "exemptions": letter["exemptions"],
        "total_ects": letter["total_ects"],
        "signer": letter["signer"],
    }


def decision_outputs(decision_id: int) -> None:
    decision = Decision.objects.select_related(
        "request__holder", "request__institution", "signed_by", "session"
    ).get(pk=decision_id)
    request = decision.request
    if apps.is_installed("parcours.matching"):
        from parcours.matching.services import learn_decision

        learn_decision.enqueue(decision_id=decision.pk)
    letter = decision_context(decision)
    contexts = {"decision_letter": letter, "recognition_attestation": attestation_context(decision, letter)}
    if apps.is_installed("parcours.documents"):
        from parcours.documents import api as documents

        if decision.corrects_id:
            documents.document_revoke_for_source(
                source_type=DECISION_SOURCE,
                source_id=str(decision.corrects_id),
                reason="Décision corrigée après recours / corrected after appeal",
                actor=decision.signed_by,
            )
        for kind, context in contexts.items():
            if context is None or (kind == "recognition_attestation" and decision.outcome == "refused"):
                continue
            documents.document_request(
                kind=kind,
                institution=request.institution,
                holder=request.holder,
                source_type=DECISION_SOURCE,
                source_id=str(decision.pk),
                context=context,
            )
    if apps.is_installed("parcours.credentials") and decision.outcome != "refused":
        issue_credentials(decision)


def _issuer_ready(institution) -> bool:
    from parcours.credentials.issuers import IssuerError, active_key

    try:
        active_key(institution)
    except IssuerError:
        return False
    return True


def issue_credentials(decision: Decision) -> None:
    """One credential per recognised competency; a school without an issuer key gets a logged warning."""
    from parcours.credentials import api as credentials

    request = decision.request
    if not _issuer_ready(request.institution):
        logger.warning(
            "No credential issued for decision %s: %s has no issuer key (manage.py credentials init-issuer).",
            decision.pk,
            request.institution.slug,
        )
        return
    if decision.corrects_id:
        credentials.credentials_revoke_for_source(
            source_type=DECISION_SOURCE,
            source_id=str(decision.corrects_id),
            reason="Décision corrigée / decision corrected",
            actor=decision.signed_by,
        )
    for spec in competency_achievements(decision):
        credentials.credential_issue(
            holder=request.holder,
            institution=request.institution,
            achievement=spec,
            source_type=DECISION_SOURCE,
            source_id=str(decision.pk),
            issued_by=decision.signed_by,
        )


def competency_achievements(decision: Decision) -> list:
    """One Open Badges achievement per validated competency, aligned to the framework item and ESCO."""
    from parcours.credentials.api import AchievementSpec

    activities = list(decision.validated_activities.all())
    total_ects = sum((a.ects for a in activities), start=0)
    per_competency = total_ects / len(decision.competencies.all()) if decision.competencies.exists() else 0
    specs = []
    for line in decision.competencies.select_related("competency__framework", "level"):
        competency = line.competency
        # ESCO (and other reference) skills the item is linked to, with their labels: a recruiter reads
        # « appliquer la gestion de crises », not a URI.
        esco: dict[str, str] = dict(
            competency.outgoing_associations.filter(destination__framework__kind="reference")
            .exclude(destination__uri="")
            .values_list("destination__uri", "destination__statement_fr")
        )
        for uri, title in competency.outgoing_associations.exclude(destination_uri="").values_list(
            "destination_uri", "destination_title"
        ):
            if not esco.get(uri):
                esco[uri] = title
        specs.append(
            AchievementSpec(
                key=f"competency:{competency.pk}",
                kind="competency",
                name_fr=competency.statement_fr,
                name_en=competency.statement_en or competency.statement_fr,
                description_fr=f"Compétence reconnue au titre de l'engagement dans la réserve opérationnelle "
                f"(Code de l'éducation, L611-9) par {decision.request.institution.name}.",
                description_en="Competency recognised for service in the operational reserve "
                f"(French Education Code, L611-9) by {decision.request.institution.name}.",
                criteria_fr="Décision du jury de validation des compétences acquises dans la réserve opérationnelle.",
                criteria_en="Decision of the jury that validates competencies acquired in the operational reserve.",
                level_label=line.level.label_fr if line.level else "",
                level_rank=line.level.rank if line.level else None,
                ects=round(per_competency, 2) if per_competency else None,
                framework_alignments=[
                    {
                        "target_url": competency.uri
                        or f"urn:parcours:framework:{competency.framework.identifier}:item:{competency.identifier}",
                        "target_name": competency.statement_fr,
                        "target_code": competency.code,
                        "framework_name": competency.framework.title_fr,
                    }
                ],
                esco_uris=sorted(esco),
                esco_labels={uri: label for uri, label in esco.items() if label},
            )
        )
    return specs


def session_context(session: JurySession) -> dict:
    decisions = list(
        Decision.objects.filter(session=session)
        .select_related("request__holder")
        .prefetch_related("validated_activities")
    )
    members = list(session.members.all()) or [session.chair]
    return {
        "reference": f"PV-{session.date:%Y%m%d}-{session.pk}",
        "issued_on": (session.closed_at or session.created_at).date().isoformat(),
        "institution": {"name": session.institution.name, "city": session.institution.city},
        "session": {
            "title": session.title,
            "date": session.date.isoformat(),
            "place": session.place or session.institution.city or "—",
        },
        "members": [
            {
                "name": m.get_full_name() or m.email,
                "function": SIGNER_FUNCTION
                if m.pk == session.chair_id
                else {"fr": "Membre du jury", "en": "Jury member"},
            }
            for m in members
        ],
        "chair": {"name": session.chair.get_full_name() or session.chair.email, "function": SIGNER_FUNCTION},
        "requests": [
            {
                "reference": d.request.reference,
                "holder_full_name": d.request.holder.get_full_name() or d.request.holder.email,
                "outcome": d.outcome,
                "ects": str(sum((a.ects for a in d.validated_activities.all()), start=Decimal("0"))),
            }
            for d in decisions
        ],
    }


def session_outputs(session_id: int) -> None:
    session = JurySession.objects.select_related("institution", "chair").get(pk=session_id)
    if apps.is_installed("parcours.documents"):
        from parcours.documents import api as documents

        documents.document_request(
            kind="jury_minutes",
            institution=session.institution,
            holder=None,
            source_type=SESSION_SOURCE,
            source_id=str(session.pk),
            context=session_context(session),
        )


__all__ = [
    "attestation_context",
    "decision_context",
    "decision_outputs",
    "session_context",
    "session_outputs",
]
