"""What a signed decision or a closed jury session produces, after commit: documents and credentials.

Each output is idempotent (keyed by its source), so a task that runs twice produces no duplicate.
"""

from __future__ import annotations

from django.apps import apps
from django.utils import formats, translation

from .models import Decision, JurySession

DECISION_SOURCE = "recognition.decision"
SESSION_SOURCE = "recognition.session"


def _programme(user, institution) -> str:
    membership = (
        user.memberships.filter(institution=institution, cohort__isnull=False)
        .select_related("cohort__programme")
        .first()
    )
    return membership.cohort.programme.name_fr if membership else ""


def _signer_function(decision: Decision) -> str:
    return "Directeur·rice des études"


def decision_context(decision: Decision) -> dict:
    """Everything the decision letter and the attestation show. Never unit, rank or place."""
    request = decision.request
    holder = request.holder
    activities = list(
        decision.validated_activities.select_related("period__activity_type").prefetch_related(
            "exempted_units"
        )
    )
    competencies = list(decision.competencies.select_related("competency", "level"))
    exemptions = [
        {"code": unit.code, "title": unit.title_fr, "title_en": unit.title_en or unit.title_fr}
        for activity in activities
        for unit in activity.exempted_units.all()
    ]
    weeks = sum(a.internship_weeks_exempted for a in activities)
    return {
        "reference": f"{request.reference}-D{decision.pk}",
        "request_reference": request.reference,
        "institution_name": request.institution.name,
        "institution_city": request.institution.city,
        "issued_on": decision.signed_at.date().isoformat(),
        "holder_name": holder.get_full_name() or holder.email,
        "programme": _programme(holder, request.institution),
        "outcome": decision.outcome,
        "reason": decision.reason,
        "competencies": [
            {
                "code": c.competency.code,
                "statement": c.competency.statement_fr,
                "statement_en": c.competency.statement_en or c.competency.statement_fr,
                "level": c.level.label_fr if c.level else "",
                "level_en": (c.level.label_en or c.level.label_fr) if c.level else "",
                "level_rank": c.level.rank if c.level else None,
            }
            for c in competencies
        ],
        "activities": [
            {
                "title": a.period.title,
                "activity_type": a.period.activity_type.name_fr,
                "activity_type_en": a.period.activity_type.name_en or a.period.activity_type.name_fr,
                "start": a.period.start_date.isoformat(),
                "end": a.period.end_date.isoformat(),
                "days": a.period.days,
                "ects": str(a.ects),
                "wording": a.wording_fr,
                "wording_en": a.wording_en,
            }
            for a in activities
        ],
        "exemptions": exemptions,
        "internship_weeks_exempted": weeks,
        "total_ects": str(sum((a.ects for a in activities), start=0)),
        "appeal_deadline": request.appeal_deadline.isoformat() if request.appeal_deadline else "",
        "signer_name": decision.signed_by.get_full_name() or decision.signed_by.email,
        "signer_function": _signer_function(decision),
        "session_title": decision.session.title,
        "corrects": decision.corrects_id,
    }


def decision_outputs(decision_id: int) -> None:
    decision = Decision.objects.select_related(
        "request__holder", "request__institution", "signed_by", "session"
    ).get(pk=decision_id)
    request = decision.request
    context = decision_context(decision)
    if apps.is_installed("parcours.documents"):
        from parcours.documents import api as documents

        if decision.corrects_id:
            documents.document_revoke_for_source(
                source_type=DECISION_SOURCE,
                source_id=str(decision.corrects_id),
                reason="Décision corrigée après recours / corrected after appeal",
                actor=decision.signed_by,
            )
        kinds = ["decision_letter"] + (["recognition_attestation"] if decision.outcome != "refused" else [])
        for kind in kinds:
            documents.document_request(
                kind=kind,
                institution=request.institution,
                holder=request.holder,
                source_type=DECISION_SOURCE,
                source_id=str(decision.pk),
                context=context,
            )
    if apps.is_installed("parcours.credentials") and decision.outcome != "refused":
        from parcours.credentials import api as credentials

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
        esco = list(
            competency.outgoing_associations.filter(destination__framework__kind="reference")
            .exclude(destination__uri="")
            .values_list("destination__uri", flat=True)
        ) + list(
            competency.outgoing_associations.exclude(destination_uri="").values_list(
                "destination_uri", flat=True
            )
        )
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
                        "target_url": competency.uri or "",
                        "target_name": competency.statement_fr,
                        "target_code": competency.code,
                        "framework_name": competency.framework.title_fr,
                    }
                ],
                esco_uris=sorted(set(esco)),
            )
        )
    return specs


def session_context(session: JurySession) -> dict:
    decisions = list(
        Decision.objects.filter(session=session)
        .select_related("request__holder")
        .prefetch_related("validated_activities")
    )
    with translation.override("fr"):
        return {
            "reference": f"PV-{session.date:%Y%m%d}-{session.pk}",
            "institution_name": session.institution.name,
            "institution_city": session.institution.city,
            "session_title": session.title,
            "date": session.date.isoformat(),
            "date_display": formats.date_format(session.date, "DATE_FORMAT"),
            "place": session.place,
            "issued_on": (session.closed_at or session.created_at).date().isoformat(),
            "chair_name": session.chair.get_full_name() or session.chair.email,
            "chair_function": "Directeur·rice des études",
            "members": [
                {"name": m.get_full_name() or m.email, "function": ""} for m in session.members.all()
            ],
            "requests": [
                {
                    "reference": d.request.reference,
                    "holder_name": d.request.holder.get_full_name() or d.request.holder.email,
                    "outcome": d.outcome,
                    "ects": str(sum((a.ects for a in d.validated_activities.all()), start=0)),
                    "corrects": bool(d.corrects_id),
                }
                for d in decisions
            ],
            "total_ects": str(
                sum((a.ects for d in decisions for a in d.validated_activities.all()), start=0)
            ),
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


__all__ = ["decision_context", "decision_outputs", "session_context", "session_outputs"]
