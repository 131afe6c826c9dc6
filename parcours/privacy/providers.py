"""Export and erasure for the core apps: accounts, portfolio, recognition, notifications."""

from __future__ import annotations

from django.db.models import Q

from .registry import PersonalData, register


def _iso(value):
    return value.isoformat() if value else None


def _account(user) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "memberships": [
            {
                "institution": m.institution.name,
                "role": m.role,
                "cohort": m.cohort.label if m.cohort else None,
                "employment_status": m.employment_status,
                "active": m.is_active,
            }
            for m in user.memberships.select_related("institution", "cohort")
        ],
    }


def _portfolio(user) -> dict | None:
    profile = getattr(user, "reservist_profile", None)
    if profile is None:
        return None
    return {
        "status": profile.status,
        "force": profile.force.name_fr if profile.force else None,
        "esr_start": _iso(profile.esr_start),
        "esr_end": _iso(profile.esr_end),
        "unit": profile.unit,
        "rank": profile.rank,
        "periods": [
            {
                "id": p.pk,
                "title": p.title,
                "activity_type": p.activity_type.name_fr,
                "start_date": _iso(p.start_date),
                "end_date": _iso(p.end_date),
                "days": p.days,
                "description": p.description,
                "place": p.place,
                "visibility": p.visibility,
                "claims": [
                    {
                        "competency": str(c.competency),
                        "self_level": c.self_level.label_fr if c.self_level else None,
                        "account": c.account,
                    }
                    for c in p.claims.select_related("competency", "self_level")
                ],
                "evidence": [
                    {
                        "file": f"evidence/{e.pk}-{e.original_name}",
                        "sha256": e.sha256,
                        "uploaded_at": _iso(e.uploaded_at),
                    }
                    for e in p.evidence.all()
                ],
            }
            for p in profile.periods.select_related("activity_type")
        ],
    }


def _portfolio_files(user):
    profile = getattr(user, "reservist_profile", None)
    if profile is None:
        return
    for evidence in profile.evidence.all():
        with evidence.file.open("rb") as handle:
            yield f"evidence/{evidence.pk}-{evidence.original_name}", handle.read()


def _portfolio_erase(user) -> None:
    """Delete files and everything not validated; validated periods are kept (academic records), emptied."""
    from parcours.portfolio.models import ReservistProfile

    profile = ReservistProfile.objects.filter(user=user).first()
    if profile is None:
        return
    for evidence in profile.evidence.all():
        evidence.file.delete(save=False)
        evidence.delete()
    validated = profile.periods.filter(validations__isnull=False).distinct()
    validated.update(description="", place="", days_reason="")
    for period in profile.periods.exclude(pk__in=validated.values("pk")):
        if not period.requests.exists():
            period.delete()
    profile.periods.filter(pk__in=validated.values("pk"))
    profile.unit = profile.rank = ""
    profile.save(update_fields=["unit", "rank", "updated_at"])


def _recognition(user) -> list:
    from parcours.recognition.models import RecognitionRequest

    return [
        {
            "reference": r.reference,
            "title": r.title,
            "status": r.status,
            "outcome": r.outcome,
            "submitted_at": _iso(r.submitted_at),
            "decided_at": _iso(r.decided_at),
            "history": [
                {
                    "transition": t.name,
                    "from": t.source,
                    "to": t.target,
                    "at": _iso(t.created_at),
                    "comment": t.comment,
                }
                for t in r.transitions.all()
            ],
            "decisions": [
                {
                    "outcome": d.outcome,
                    "reason": d.reason,
                    "signed_at": _iso(d.signed_at),
                    "competencies": [
                        {"competency": str(c.competency), "level": c.level.label_fr if c.level else None}
                        for c in d.competencies.select_related("competency", "level")
                    ],
                    "ects": [str(a.ects) for a in d.validated_activities.all()],
                }
                for d in r.decisions.all()
            ],
        }
        for r in RecognitionRequest.objects.filter(holder=user).prefetch_related("transitions", "decisions")
    ]


def _recognition_erase(user) -> None:
    """Drafts and undecided requests go; decided ones stay (the law keeps decisions), comments are emptied."""
    from parcours.recognition.models import Comment, RecognitionRequest

    RecognitionRequest.objects.filter(holder=user, decisions__isnull=True).delete()
    Comment.objects.filter(Q(request__holder=user) | Q(author=user)).update(body="[effacé / erased]")
    RecognitionRequest.objects.filter(holder=user).update(message="")


def _notifications(user) -> list:
    return [
        {"message": n.message, "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}
        for n in user.notifications.all()
    ]


def _account_erase(user) -> None:
    """Pseudonymise the account last: decisions and the audit trail keep pointing at the same row."""
    user.email = f"efface-{user.pk}@invalid.example"
    user.first_name = "Personne"
    user.last_name = f"effacée n°{user.pk}"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.memberships.update(is_active=False)


register(PersonalData("account", _account, erase=_account_erase, order=99))
register(PersonalData("portfolio", _portfolio, files=_portfolio_files, erase=_portfolio_erase, order=40))
register(PersonalData("recognition", _recognition, erase=_recognition_erase, order=30))
register(
    PersonalData(
        "notifications", _notifications, erase=lambda user: user.notifications.all().delete(), order=10
    )
)
