import os
import shutil

import pytest

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership
from tests.recognition.factories import (
    ActivityTypeFactory,
    CompetencyFactory,
    FrameworkFactory,
    PeriodFactory,
    ProfileFactory,
    approved_rule,
    levels_for,
)

from .factories import InstitutionFactory, user_with_role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright + live_server ORM

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: A browser test that waits longer than this has hung (the slowest take well under a minute): it fails with
#: its stack instead of holding the whole run (pytest-timeout; ``timeout`` in pyproject.toml covers the rest).
BROWSER_TEST_TIMEOUT = 180


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BROWSER_TEST_TIMEOUT))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is required for browser tests (apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _media_and_var(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def institution(db):
    return InstitutionFactory(slug="mines-test", name="École des mines (test)")


@pytest.fixture
def other_institution(db):
    return InstitutionFactory(slug="autre-test", name="Autre école (test)")


@pytest.fixture
def make_user(institution):
    def make(role: str = Role.STUDENT, inst=None, **fields):
        return user_with_role(role, inst or institution, **fields)

    return make


@pytest.fixture(autouse=True)
def _fresh_progress_cache():
    """Ids are reused after each test's rollback: never let a track computation (of a cohort, an institution
    or one student's dashboard) outlive its test."""
    from parcours.track.progress import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is the production hasher (checked in tests/web/test_core.py); tests use a fast one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(institution, make_user):
    """A school with a framework, a 4-level scale, an approved PMI rule, a reservist student and the deciders."""
    framework = FrameworkFactory(institution=institution)
    levels = levels_for(framework)
    competencies = [CompetencyFactory(framework=framework) for _ in range(3)]
    pmi = ActivityTypeFactory()
    rule = approved_rule(institution, framework, pmi, competencies[:2], levels[1], ects="3")
    student = make_user(Role.STUDENT, first_name="Camille", last_name="Laurent")
    profile = ProfileFactory(
        user=student, institution=institution, unit="1er RI, 3e compagnie", rank="Caporal"
    )
    period = PeriodFactory(profile=profile, activity_type=pmi)
    engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
    director = make_user(Role.DIRECTOR_OF_STUDIES, first_name="Marc", last_name="Lefèvre")
    Membership.objects.create(user=director, institution=institution, role=Role.PEDAGOGICAL_ENGINEER)
    return {
        "institution": institution,
        "framework": framework,
        "levels": levels,
        "competencies": competencies,
        "pmi": pmi,
        "rule": rule,
        "student": student,
        "profile": profile,
        "period": period,
        "engineer": engineer,
        "director": director,
    }


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Service messages are asserted in English (msgids); pages rendered through the client stay French by
    default (the language middleware activates French per request). The French catalogue itself is
    checked by `make quality`."""
    from django.utils import translation

    with translation.override("en"):
        yield


#: Test folders whose page assertions are written in English (their features were tested before the French
#: catalogue existed): their test client asks for the English interface with the language cookie.
ENGLISH_PAGE_FOLDERS = {
    "track",
    "scheduling",
    "partners",
    "frameworks",
    "reserve",
    "credentials",
    "documents",
}


@pytest.fixture(autouse=True)
def _english_pages_where_asserted(request):
    from django.conf import settings

    folder = request.node.path.parent.name
    if folder in ENGLISH_PAGE_FOLDERS and "client" in request.fixturenames:
        request.getfixturevalue("client").cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
