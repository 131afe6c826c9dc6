"""Factories of the scheduling tests (reserve catalogue rows included, keyed by code)."""

from datetime import timedelta

import factory
from django.utils import timezone

from parcours.reserve.enums import ActivityKind
from parcours.reserve.models import ActivityType, Force
from parcours.scheduling.models import CalendarGroup, CallUp
from tests.factories import CohortFactory, InstitutionFactory, ProgrammeFactory, UserFactory


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ("code",)

    code = "mission-test"
    kind = ActivityKind.MISSION
    name_fr = "Mission opérationnelle"
    name_en = "Operational mission"
    typical_days = 5

    class Params:
        military_preparation = factory.Trait(
            code="pmi-test",
            kind=ActivityKind.MILITARY_PREPARATION,
            name_fr="Préparation militaire initiale",
            name_en="Initial military preparation",
            typical_days=12,
        )


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("code",)

    code = "terre-test"
    name_fr = "Armée de terre"
    name_en = "French Army"


class CalendarGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarGroup

    institution = factory.SubFactory(InstitutionFactory)
    code = factory.Sequence(lambda n: f"GRP{n}")
    label = factory.LazyAttribute(lambda o: f"Groupe {o.code}")
    cohort = factory.LazyAttribute(
        lambda o: CohortFactory(programme=ProgrammeFactory(institution=o.institution))
    )


class CallUpFactory(factory.django.DjangoModelFactory):
    """A call-up written directly (tests of services use the services)."""

    class Meta:
        model = CallUp

    reservist = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    activity_type = factory.SubFactory(ActivityTypeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=3))
