"""Factories for frameworks and the reserve catalogue (shared by tests/frameworks and tests/reserve)."""

import uuid
from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from parcours.frameworks.enums import FrameworkKind, FrameworkStatus, ItemType
from parcours.frameworks.models import Competency, Framework, Level, TeachingUnit
from parcours.frameworks.text import search_text_for
from parcours.reserve.enums import ActivityKind, EctsMode, RuleStatus
from parcours.reserve.models import ActivityType, Force, RecognitionRule, RuleCompetency
from tests.factories import InstitutionFactory, ProgrammeFactory


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    institution = factory.SubFactory(InstitutionFactory)
    kind = FrameworkKind.SCHOOL
    title_fr = factory.Sequence(lambda n: f"Référentiel {n}")
    title_en = factory.Sequence(lambda n: f"Framework {n}")
    academic_year = 2026
    status = FrameworkStatus.DRAFT

    class Params:
        published = factory.Trait(
            status=FrameworkStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )
        frozen = factory.Trait(
            status=FrameworkStatus.FROZEN,
            published_at=factory.LazyFunction(timezone.now),
            frozen_at=factory.LazyFunction(timezone.now),
        )
        reference = factory.Trait(
            kind=FrameworkKind.REFERENCE, institution=None, status=FrameworkStatus.PUBLISHED
        )


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    framework = factory.SubFactory(FrameworkFactory)
    identifier = factory.LazyFunction(lambda: str(uuid.uuid4()))
    code = factory.Sequence(lambda n: f"C{n}")
    item_type = ItemType.COMPETENCY
    statement_fr = factory.Sequence(lambda n: f"Compétence numéro {n}")
    statement_en = factory.Sequence(lambda n: f"Competency number {n}")
    position = factory.Sequence(int)
    search_text = factory.LazyAttribute(
        lambda o: search_text_for(statement_fr=o.statement_fr, statement_en=o.statement_en, code=o.code)
    )


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level
        django_get_or_create = ("framework", "rank")

    framework = factory.SubFactory(FrameworkFactory)
    rank = 1
    label_fr = factory.LazyAttribute(lambda o: f"Niveau {o.rank}")
    label_en = factory.LazyAttribute(lambda o: f"Level {o.rank}")


class TeachingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingUnit

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"UE{n}")
    title_fr = factory.Sequence(lambda n: f"Unité d'enseignement {n}")
    ects = Decimal("3")


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"force-{n}")
    name_fr = factory.Sequence(lambda n: f"Force {n}")


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"activite-{n}")
    kind = ActivityKind.MILITARY_PREPARATION
    name_fr = factory.Sequence(lambda n: f"Activité {n}")
    typical_days = 12


class RecognitionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecognitionRule
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    framework = factory.SubFactory(
        FrameworkFactory, institution=factory.SelfAttribute("..institution"), status=FrameworkStatus.PUBLISHED
    )
    activity_type = factory.SubFactory(ActivityTypeFactory)
    title_fr = factory.Sequence(lambda n: f"Règle {n}")
    ects_mode = EctsMode.FIXED
    ects_value = Decimal("2")
    valid_from = date(2026, 9, 1)
    status = RuleStatus.DRAFT

    class Params:
        approved = factory.Trait(status=RuleStatus.APPROVED, approved_at=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def competencies(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            for item in extracted:
                competency, level = item if isinstance(item, tuple) else (item, None)
                RuleCompetency.objects.create(rule=obj, competency=competency, level=level)
