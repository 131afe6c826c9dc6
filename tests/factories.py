"""factory_boy factories shared by the whole suite."""

import factory
from django.conf import settings

from parcours.accounts.enums import Role
from parcours.accounts.models import Cohort, Institution, Membership, Programme, User

PASSWORD = "correct-horse-battery"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"ecole-{n}")
    name = factory.Sequence(lambda n: f"École d'ingénieurs n°{n}")
    city = "Alès"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    institution = factory.SubFactory(InstitutionFactory)
    code = factory.Sequence(lambda n: f"PRG{n}")
    name_fr = "Ingénieur généraliste"
    name_en = "General engineering"


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    label = factory.Sequence(lambda n: f"Promotion {n}")
    academic_year = 2026


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    language = settings.LANGUAGE_CODE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Role.STUDENT

    class Params:
        public_servant = factory.Trait(role=Role.STAFF, employment_status="public_servant")


def user_with_role(role: str, institution: Institution | None = None, **user_fields) -> User:
    institution = institution or InstitutionFactory()
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, institution=institution, role=role)
    if role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = True
        user.save()
    return user
