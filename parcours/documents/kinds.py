"""The document kinds: decision letter, attestation of recognised competencies, jury minutes.

Each kind's wording lives in its templates (one per language, written in that language) and in the few
labels below that its summary reuses. The context keys are the contract with the apps that request
documents; ``docs/documents.md`` lists them.
"""

from __future__ import annotations

from decimal import Decimal

from .contexts import boolean, list_of, localised, number, obj, text
from .contexts import date as date_field
from .registry import SIGNER_FIELD, DocumentType, format_ects, register

OUTCOMES = ("validated", "partially_validated", "refused")

OUTCOME_LABELS = {
    "fr": {
        "validated": "Validation accordée",
        "partially_validated": "Validation partielle",
        "refused": "Validation refusée",
    },
    "en": {
        "validated": "Recognition granted",
        "partially_validated": "Partial recognition",
        "refused": "Recognition refused",
    },
}

WORDS = {
    "fr": {
        "exemption_unit": "Dispense {scope} de l'UE {code} — {title}",
        "exemption_weeks": "Dispense {scope} de stage\u00a0: {weeks}\u00a0semaine(s)",
        "total": "totale",
        "partial": "partielle",
        "requests_examined": "{count} demande(s) examinée(s)",
        "outcomes": "{validated} validée(s), {partial} partiellement validée(s), {refused} refusée(s)",
        "ects_granted": "{ects} ECTS accordés au total",
        "session": "Session\u00a0: {title}",
    },
    "en": {
        "exemption_unit": "{scope} exemption from teaching unit {code} — {title}",
        "exemption_weeks": "{scope} internship exemption: {weeks} week(s)",
        "total": "Total",
        "partial": "Partial",
        "requests_examined": "{count} request(s) examined",
        "outcomes": "{validated} granted, {partial} partially granted, {refused} refused",
        "ects_granted": "{ects} ECTS granted in total",
        "session": "Session: {title}",
    },
}

LEGAL_BASIS = {
    "fr": [
        "Vu le Code de l'éducation, notamment son article L611-9 relatif à la validation des compétences "
        "acquises dans la réserve opérationnelle\u00a0;",
        "Vu l'article D611-7 du même code, qui fixe les modalités de cette validation\u00a0;",
    ],
    "en": [
        "Having regard to the French Education Code (Code de l'éducation), in particular article L611-9 on "
        "the recognition of competences acquired in the operational reserve;",
        "Having regard to article D611-7 of the same code, which sets out how this recognition is granted;",
    ],
}

HOLDER_FIELD = {"holder": obj({"full_name": text(help="first and last name")})}
PROGRAMME_FIELD = {"programme": obj({"name": localised(help="name of the diploma programme")})}

COMPETENCY_ITEM = {
    "competency_code": text(help="code of the competency in the framework, e.g. C2.1"),
    "statement": localised(help="statement of the competency"),
    "level_label": localised(help="label of the level reached, e.g. Niveau 2 — Maîtrise"),
    "ects": number(
        required=False, help="ECTS credits granted for this item (a dash when the ECTS go to the activity)"
    ),
}

EXEMPTION_ITEM = {
    "teaching_unit_code": text(required=False, help="code of the teaching unit (UE)"),
    "teaching_unit_title": localised(required=False, help="title of the teaching unit"),
    "internship_weeks": number(required=False, help="weeks of internship exempted (instead of a unit)"),
    "scope": text(required=False, default="total", choices=("total", "partial"), help="total or partial"),
}


def _exemption_checks(exemptions: list[dict], path: str = "exemptions") -> list[str]:
    problems = []
    for index, item in enumerate(exemptions):
        has_unit = bool(item.get("teaching_unit_code")) and bool(item.get("teaching_unit_title"))
        if not has_unit and item.get("internship_weeks") is None:
            problems.append(
                f"{path}[{index}].teaching_unit_code + {path}[{index}].teaching_unit_title "
                f"or {path}[{index}].internship_weeks"
            )
    return problems


def _exemption_lines(exemptions: list[dict], language: str) -> list[str]:
    words = WORDS[language]
    lines = []
    for item in exemptions:
        scope = words[item.get("scope") or "total"]
        if item.get("teaching_unit_code"):
            line = words["exemption_unit"].format(
                scope=scope, code=item["teaching_unit_code"], title=item["teaching_unit_title"]
            )
        else:
            line = words["exemption_weeks"].format(
                scope=scope, weeks=format_ects(item["internship_weeks"], language)
            )
        lines.append(line[0].upper() + line[1:])
    return lines


def _competency_line(item: dict, language: str, code_key: str = "competency_code") -> str:
    line = f"{item[code_key]} — {item['statement']} — {item['level_label']}"
    if item.get("ects"):
        line += f" — {format_ects(item['ects'], language)} ECTS"
    return line


def _total_ects(ctx: dict, items_key: str) -> Decimal:
    if ctx.get("total_ects") is not None:
        return ctx["total_ects"]
    return sum((item.get("ects") or Decimal(0) for item in ctx[items_key]), Decimal(0))


@register
class DecisionLetter(DocumentType):
    """Lettre de décision: the jury's decision on one recognition request, sent to the holder."""

    kind = "decision_letter"
    names = {"fr": "Lettre de décision", "en": "Decision letter"}
    fields = {
        **HOLDER_FIELD,
        **PROGRAMME_FIELD,
        "request": obj(
            {
                "reference": text(help="reference of the recognition request"),
                "submitted_on": date_field(required=False, help="date the request was filed"),
            },
        ),
        "outcome": text(choices=OUTCOMES, help="validated, partially_validated or refused"),
        "outcome_label": localised(required=False, help="overrides the standard label of the outcome"),
        "items": list_of(COMPETENCY_ITEM, required=False, help="competencies recognised"),
        "exemptions": list_of(EXEMPTION_ITEM, required=False, help="exemptions granted"),
        "total_ects": number(required=False, help="total ECTS; the sum of the items when absent"),
        "diploma_supplement": localised(required=False, help="wording written into the diploma supplement"),
        "changed_from_proposal": boolean(
            help="true when the jury departed from the proposal (its reason is then required)"
        ),
        "jury_reason": localised(required=False, help="reason of the jury; required when refused or changed"),
        "appeal": obj(
            {
                "deadline": date_field(help="last day to file an appeal"),
                "how": localised(help="how to appeal (to whom, in what form)"),
            },
        ),
        "signer": SIGNER_FIELD,
        "legal_basis": list_of(
            localised(),
            required=False,
            help="lines citing the texts (« Vu … ; »); L611-9 and D611-7 of the Code de l'éducation if absent",
        ),
    }

    @classmethod
    def check(cls, cleaned: dict) -> list[str]:
        problems = _exemption_checks(cleaned["exemptions"])
        if (cleaned["outcome"] == "refused" or cleaned["changed_from_proposal"]) and not cleaned[
            "jury_reason"
        ]:
            problems.append(
                "jury_reason (required when the outcome is refused or the jury changed the proposal)"
            )
        if (
            cleaned["outcome"] != "refused"
            and not cleaned["items"]
            and not cleaned["exemptions"]
            and not cleaned["total_ects"]
        ):
            # ECTS alone are a valid recognition (Code de l'éducation D611-7: "crédits ECTS").
            problems.append("items, exemptions or total_ects (at least one when the outcome is not refused)")
        return problems

    @classmethod
    def prepare(cls, ctx: dict, language: str) -> dict:
        return {
            "outcome_label": ctx["outcome_label"] or OUTCOME_LABELS[language][ctx["outcome"]],
            "total_ects": _total_ects(ctx, "items"),
            "exemption_lines": _exemption_lines(ctx["exemptions"], language),
            "legal_basis": ctx["legal_basis"] or LEGAL_BASIS[language],
            "refused": ctx["outcome"] == "refused",
        }

    @classmethod
    def summary(cls, ctx: dict, language: str) -> dict:
        extra = cls.prepare(ctx, language)
        return {
            "holder_name": ctx["holder"]["full_name"],
            "institution_name": ctx["institution"]["name"],
            "issued_on": ctx["issued_on"].isoformat(),
            "reference": ctx["reference"],
            "programme": ctx["programme"]["name"],
            "outcome": extra["outcome_label"],
            "items": [_competency_line(item, language) for item in ctx["items"]] + extra["exemption_lines"],
            "ects": format_ects(extra["total_ects"], language),
        }


@register
class RecognitionAttestation(DocumentType):
    """Attestation de compétences reconnues: what the holder can show, with a QR code to verify it."""

    kind = "recognition_attestation"
    names = {"fr": "Attestation de compétences reconnues", "en": "Certificate of recognised competencies"}
    fields = {
        **HOLDER_FIELD,
        **PROGRAMME_FIELD,
        "decision": obj(
            {
                "reference": text(help="reference of the decision"),
                "date": date_field(help="date of the decision"),
            },
        ),
        "competencies": list_of(COMPETENCY_ITEM, min_items=1, help="competencies recognised"),
        "exemptions": list_of(EXEMPTION_ITEM, required=False, help="exemptions granted"),
        "total_ects": number(required=False, help="total ECTS; the sum of the competencies when absent"),
        "signer": SIGNER_FIELD,
    }

    @classmethod
    def check(cls, cleaned: dict) -> list[str]:
        return _exemption_checks(cleaned["exemptions"])

    @classmethod
    def prepare(cls, ctx: dict, language: str) -> dict:
        function = ctx["signer"]["function"]
        return {
            "signer_function_lower": function[:1].lower() + function[1:] if language == "fr" else function,
            "total_ects": _total_ects(ctx, "competencies"),
            "exemption_lines": _exemption_lines(ctx["exemptions"], language),
        }

    @classmethod
    def summary(cls, ctx: dict, language: str) -> dict:
        extra = cls.prepare(ctx, language)
        return {
            "holder_name": ctx["holder"]["full_name"],
            "institution_name": ctx["institution"]["name"],
            "issued_on": ctx["issued_on"].isoformat(),
            "reference": ctx["reference"],
            "programme": ctx["programme"]["name"],
            "decision_reference": ctx["decision"]["reference"],
            "decision_date": ctx["decision"]["date"].isoformat(),
            "items": [_competency_line(item, language) for item in ctx["competencies"]]
            + extra["exemption_lines"],
            "ects": format_ects(extra["total_ects"], language),
        }


@register
class JuryMinutes(DocumentType):
    """Procès-verbal de jury: the requests examined in one session. No holder; names stay off the public page."""

    kind = "jury_minutes"
    names = {"fr": "Procès-verbal de jury", "en": "Minutes of the jury"}
    has_holder = False
    fields = {
        "session": obj(
            {
                "title": localised(help="title of the session"),
                "date": date_field(help="date the jury sat"),
                "place": text(help="where the jury sat"),
            },
        ),
        "members": list_of(
            {
                "name": text(help="full name"),
                "function": localised(help="function, e.g. Enseignant-chercheur"),
            },
            min_items=1,
            help="members present",
        ),
        "chair": obj(
            {"name": text(help="full name of the chair (signs)"), "function": localised(help="function")},
        ),
        "requests": list_of(
            {
                "reference": text(help="reference of the request"),
                "holder_full_name": text(help="applicant's full name (never shown on the public page)"),
                "outcome": text(choices=OUTCOMES, help="decision taken"),
                "ects": number(required=False, default=0, help="ECTS granted"),
            },
            help="requests examined (may be empty)",
        ),
        "observations": localised(required=False, help="free remarks of the jury"),
    }

    @classmethod
    def prepare(cls, ctx: dict, language: str) -> dict:
        counts = dict.fromkeys(OUTCOMES, 0)
        for item in ctx["requests"]:
            counts[item["outcome"]] += 1
        return {
            "request_rows": [
                {**item, "outcome_label": OUTCOME_LABELS[language][item["outcome"]]}
                for item in ctx["requests"]
            ],
            "counts": counts,
            "total_ects": sum((item["ects"] or Decimal(0) for item in ctx["requests"]), Decimal(0)),
            "quorum": len(ctx["members"]),
        }

    @classmethod
    def title(cls, ctx: dict, language: str) -> str:
        return f"{cls.name(language)} — {ctx['session']['title']}"

    @classmethod
    def summary(cls, ctx: dict, language: str) -> dict:
        extra = cls.prepare(ctx, language)
        words = WORDS[language]
        counts = extra["counts"]
        return {
            "holder_name": "",
            "institution_name": ctx["institution"]["name"],
            "issued_on": ctx["issued_on"].isoformat(),
            "reference": ctx["reference"],
            "session": ctx["session"]["title"],
            "items": [
                words["session"].format(title=ctx["session"]["title"]),
                words["requests_examined"].format(count=len(ctx["requests"])),
                words["outcomes"].format(
                    validated=counts["validated"],
                    partial=counts["partially_validated"],
                    refused=counts["refused"],
                ),
                words["ects_granted"].format(ects=format_ects(extra["total_ects"], language)),
            ],
            "ects": format_ects(extra["total_ects"], language),
        }
