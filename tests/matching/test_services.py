"""The Django side of the matching engine: suggestions from a framework, learning from the school's decisions."""

import pytest
from django.conf import settings

from parcours.matching.services import EmptyQueryError, feedback_record, suggest
from tests.recognition.factories import CompetencyFactory, FrameworkFactory

pytestmark = pytest.mark.django_db

TEXT = "Chef d'équipe protection-défense, gestion d'un poste de contrôle, compte rendu quotidien au chef de poste"


@pytest.fixture
def framework(institution):
    framework = FrameworkFactory(institution=institution)
    for statement in (
        "Animer une équipe et la fédérer autour d'un objectif commun",
        "Évaluer les risques d'une situation, d'une installation ou d'une activité",
        "Rédiger des documents techniques et des comptes rendus",
        "Concevoir un système d'information",
        "Conduire un projet industriel",
    ):
        CompetencyFactory(framework=framework, statement_fr=statement)
    return framework


def rank_of(results, competency_id):
    ids = [r.competency_id for r in results]
    return ids.index(competency_id) + 1 if competency_id in ids else len(ids) + 1


def test_suggestions_come_with_their_reasons(framework):
    results = suggest(framework=framework, text=TEXT, top=5)
    assert results
    top = results[0]
    assert "équipe" in top.statement or "compte" in top.statement
    assert top.reasons


def test_an_empty_text_is_refused(framework):
    with pytest.raises(EmptyQueryError):
        suggest(framework=framework, text="   ", top=5)


def test_accepted_suggestions_change_later_rankings(framework, make_user, django_capture_on_commit_callbacks):
    project = framework.items.get(statement_fr="Conduire un projet industriel")
    before = rank_of(suggest(framework=framework, text=TEXT, top=5), project.pk)
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        for text in (TEXT, "Chef de poste de contrôle, gestion d'une équipe de protection"):
            feedback_record(framework=framework, competency=project, text=text, accepted=True, author=user)
    after = rank_of(suggest(framework=framework, text=TEXT, top=5), project.pk)
    assert after < before


def test_the_api_answers_422_for_an_empty_text(client, framework, make_user):
    client.force_login(make_user())
    response = client.get("/api/matching/suggest", {"framework": framework.pk, "text": " "})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("text:")
    response = client.get("/api/matching/suggest", {"framework": framework.pk, "text": TEXT})
    assert response.status_code == 200 and response.json()[0]["reasons"]


def test_the_reasons_follow_the_interface_language(client, framework, make_user):
    """The words that justify a suggestion are introduced in the user's language (French by default)."""
    client.force_login(make_user())
    french = client.get("/api/matching/suggest", {"framework": framework.pk, "text": TEXT}).json()[0][
        "reasons"
    ]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/api/matching/suggest", {"framework": framework.pk, "text": TEXT}).json()[0][
        "reasons"
    ]
    labels = {
        "mots\u00a0: ": "words: ",
        "lexique\u00a0: ": "glossary: ",
        "textes proches\u00a0: ": "similar texts: ",
    }
    french_parts, english_parts = french.split(" | "), english.split(" | ")
    assert french_parts and len(french_parts) == len(english_parts)
    for fr, en in zip(french_parts, english_parts, strict=True):  # the same reasons, introduced differently
        label = next(label for label in labels if fr.startswith(label))
        assert en == labels[label] + fr.removeprefix(label)
