"""The credential issued for each validated competency names the ESCO skills it is linked to, by label."""

from __future__ import annotations

import datetime

import pytest

from parcours.frameworks.enums import FrameworkKind
from parcours.frameworks.models import Association, Competency, Framework
from parcours.recognition.outputs import competency_achievements

from .factories import build_school, make_student, period, sign_decision

CRISIS = "http://data.europa.eu/esco/skill/f780a6ad-b01e-4c35-9746-af8fc0c5ad06"
FIRST_AID = "http://data.europa.eu/esco/skill/0f10a9a5-3b46-4ab1-8d3b-1b0e1b7b9c2e"


@pytest.fixture
def school(institution):
    return build_school(institution)


def test_esco_alignments_carry_the_skills_labels(school):
    esco = Framework.objects.create(
        institution=None,
        title_fr="ESCO",
        academic_year=2026,
        kind=FrameworkKind.REFERENCE,
        status="published",
    )
    skill = Competency.objects.create(
        framework=esco, identifier="f780a6ad", uri=CRISIS, statement_fr="appliquer la gestion de crises"
    )
    item = school.competencies[0]
    Association.objects.create(
        framework=school.framework,
        identifier="a1",
        association_type="exactMatchOf",
        origin=item,
        destination=skill,
    )
    Association.objects.create(
        framework=school.framework,
        identifier="a2",
        association_type="isRelatedTo",
        origin=item,
        destination_uri=FIRST_AID,
        destination_title="porter les premiers secours",
    )
    student, profile = make_student(school)
    reserve = period(profile, school.activity_type, datetime.date(2025, 7, 1), 12)
    decision = sign_decision(school, student, [reserve], [(item, school.levels[1])])

    (spec,) = competency_achievements(decision)
    assert spec.esco_labels == {
        CRISIS: "appliquer la gestion de crises",
        FIRST_AID: "porter les premiers secours",
    }
    assert spec.esco_uris == sorted([CRISIS, FIRST_AID])
