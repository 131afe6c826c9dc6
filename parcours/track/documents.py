"""The ``diploma_supplement`` document kind, registered from this app into the documents registry.

One bilingual PDF (French first, English beneath each heading) in the Europass diploma-supplement spirit;
stored with language ``fr``. Its template is ``track/pdf/diploma_supplement.html`` for both languages.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, translation

from parcours.documents.contexts import boolean, list_of, number, obj, text
from parcours.documents.contexts import date as date_field
from parcours.documents.registry import DocumentType, format_ects, register

COMPETENCY = {
    "code": text(required=False, help="code of the competency in the framework"),
    "statement_fr": text(help="statement in French"),
    "statement_en": text(help="statement in English"),
    "level_fr": text(help="level reached, in French"),
    "level_en": text(help="level reached, in English"),
}
ENGAGEMENT = {
    "activity_fr": text(help="type of reserve activity, in French"),
    "activity_en": text(help="type of reserve activity, in English"),
    "start": date_field(help="first day"),
    "end": date_field(help="last day"),
    "days": number(help="days of activity"),
    "ects": number(required=False, default=0, help="ECTS granted"),
    "wording_fr": text(required=False, help="wording decided by the jury, in French"),
    "wording_en": text(required=False, help="wording decided by the jury, in English"),
    "decision": text(help="reference of the decision"),
}


def _date(value, language: str) -> str:
    if not value:
        return ""
    with translation.override(language):
        return formats.date_format(value, "j F Y")


@register
class DiplomaSupplementDocument(DocumentType):
    """Supplément au diplôme / Diploma supplement: the engagement recognised, bilingual."""

    kind = "diploma_supplement"
    names = {"fr": "Supplément au diplôme", "en": "Diploma supplement"}
    fields = {
        "holder": obj(
            {
                "full_name": text(help="first and last name"),
                "student_number": text(required=False, help="number in the student information system"),
            }
        ),
        "programme": obj(
            {
                "name_fr": text(help="programme, in French"),
                "name_en": text(help="programme, in English"),
                "ects_total": number(required=False, help="ECTS of the programme"),
                "graduation_year": text(required=False, help="expected graduation year"),
            }
        ),
        "engagement": list_of(ENGAGEMENT, min_items=1, help="reserve activities validated"),
        "competencies": list_of(COMPETENCY, required=False, help="competencies recognised, with their level"),
        "ects_total": number(help="ECTS recognised from reserve activity"),
        "exemptions": list_of(
            {"code": text(), "title_fr": text(), "title_en": text()},
            required=False,
            help="teaching units exempted",
        ),
        "internship_weeks": number(required=False, default=0, help="internship weeks exempted"),
        "decisions": list_of({"reference": text(), "date": date_field()}, min_items=1, help="decisions"),
        "mention": obj(
            {
                "awarded": boolean(help="the mention was awarded"),
                "reference": text(help="reference of the jury's award"),
                "date": date_field(help="date of the award"),
            },
            required=False,
            help="the “ingénieur réserviste” mention, when awarded",
        ),
        "elective": obj(
            {
                "title_fr": text(),
                "title_en": text(),
                "academic_year": text(),
                "hours": number(required=False),
                "ects": number(required=False, default=0),
                "grade": number(required=False),
                "grade_max": number(),
                "passed": boolean(),
                "partners": text(required=False),
            },
            required=False,
            help="the elective course, when graded",
        ),
        "signer": obj({"name": text(), "function_fr": text(), "function_en": text()}),
    }

    @classmethod
    def template_name(cls, language: str) -> str:
        return "track/pdf/diploma_supplement.html"

    @classmethod
    def stylesheet_name(cls, language: str) -> str:
        return "track/pdf/supplement.css"

    @classmethod
    def prepare(cls, ctx: dict, language: str) -> dict:
        days = sum((Decimal(item["days"]) for item in ctx["engagement"]), Decimal(0))
        return {
            "issued_fr": _date(ctx["issued_on"], "fr"),
            "issued_en": _date(ctx["issued_on"], "en"),
            "mention_date_fr": _date(ctx["mention"]["date"], "fr") if ctx["mention"] else "",
            "mention_date_en": _date(ctx["mention"]["date"], "en") if ctx["mention"] else "",
            "total_days": days,
            "ects_fr": format_ects(ctx["ects_total"], "fr"),
            "ects_en": format_ects(ctx["ects_total"], "en"),
        }

    @classmethod
    def title(cls, ctx: dict, language: str) -> str:
        return f"Supplément au diplôme / Diploma supplement — {ctx['holder']['full_name']}"

    @classmethod
    def summary(cls, ctx: dict, language: str) -> dict:
        items = []
        if ctx["mention"]:
            items.append("Mention « ingénieur réserviste » / “Ingénieur réserviste” distinction")
        for item in ctx["competencies"]:
            items.append(f"{item['code']} {item['statement_fr']} — {item['level_fr']}".strip())
        if ctx["elective"] and ctx["elective"]["passed"]:
            items.append(f"{ctx['elective']['title_fr']} — {format_ects(ctx['elective']['ects'], 'fr')} ECTS")
        return {
            "holder_name": ctx["holder"]["full_name"],
            "institution_name": ctx["institution"]["name"],
            "issued_on": ctx["issued_on"].isoformat(),
            "reference": ctx["reference"],
            "programme": ctx["programme"]["name_fr"],
            "items": items,
            "ects": format_ects(ctx["ects_total"], "fr"),
        }
