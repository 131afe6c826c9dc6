"""Factories for the reserve catalogue, a small framework, rules, portfolio periods and requests."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from parcours.frameworks.models import Competency, Framework, Level
from parcours.portfolio.models import ReservePeriod, ReservistProfile
from parcours.reserve.models import ActivityType, Force, RecognitionRule, RuleCompetency
from tests.factories import InstitutionFactory, UserFactory


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("code",)

    code = "armee-de-terre"
    name_fr = "Armée de terre"
    name_en = "French Army"


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ("code",)

    code = "pmi"
    kind = "military_preparation"
    name_fr = "Préparation militaire initiale"
    name_en = "Initial military preparation"
    typical_days = 12


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    institution = factory.SubFactory(InstitutionFactory)
    title_fr = "Référentiel de compétences de l'ingénieur"
    title_en = "Engineering competency framework"
    academic_year = 2026
    status = "published"


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    framework = factory.SubFactory(FrameworkFactory)
    identifier = factory.Sequence(lambda n: f"c-{n}")
    code = factory.Sequence(lambda n: f"C{n}")
    statement_fr = factory.Sequence(lambda n: f"Piloter une équipe en situation de crise {n}")
    statement_en = factory.Sequence(lambda n: f"Lead a team in a crisis {n}")


def levels_for(framework):
    labels = [
        ("Découverte", "Novice"),
        ("Application", "Intermediate"),
        ("Maîtrise", "Advanced"),
        ("Expertise", "Expert"),
    ]
    return [
        Level.objects.get_or_create(
            framework=framework, rank=i + 1, defaults={"label_fr": fr, "label_en": en}
        )[0]
        for i, (fr, en) in enumerate(labels)
    ]


def approved_rule(institution, framework, activity_type, competencies, level, ects="3", **fields):
    rule = RecognitionRule.objects.create(
        institution=institution,
        framework=framework,
        activity_type=activity_type,
        title_fr=f"Reconnaissance {activity_type.name_fr}",
        ects_mode="fixed",
        ects_value=Decimal(ects),
        supplement_wording_fr="Préparation militaire validée",
        supplement_wording_en="Military preparation recognised",
        valid_from=date(2020, 1, 1),
        status="approved",
        approved_at=timezone.now(),
        **fields,
    )
    for competency in competencies:
        RuleCompetency.objects.create(rule=rule, competency=competency, level=level)
    return rule


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReservistProfile

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    status = "active"
    force = factory.SubFactory(ForceFactory)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReservePeriod

    profile = factory.SubFactory(ProfileFactory)
    activity_type = factory.SubFactory(ActivityTypeFactory)
    title = "Préparation militaire initiale"
    start_date = date(2026, 7, 6)
    end_date = date(2026, 7, 17)
    length_days = factory.LazyAttribute(lambda o: (o.end_date - o.start_date).days + 1)
    days = factory.LazyAttribute(lambda o: o.length_days)
    description = "Chef d'équipe protection-défense, gestion d'un poste de contrôle."


def november_jury(world):
    """The jury session both recognition journeys send their request to (chaired by the director)."""
    from parcours.recognition import services as recognition

    return recognition.session_create(
        institution=world["institution"],
        actor=world["director"],
        title="Jury de novembre",
        date=world["period"].start_date,
        chair=world["director"],
        members=[world["engineer"]],
    )
