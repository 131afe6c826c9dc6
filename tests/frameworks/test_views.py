"""Framework pages: bounded queries on big trees, search, import preview/apply, editing rules of the workflow."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.frameworks.enums import FrameworkStatus, ImportStatus
from parcours.frameworks.models import Competency, Framework, FrameworkImport
from parcours.frameworks.services import framework_import_run
from tests.frameworks.factories import (
    CompetencyFactory,
    FrameworkFactory,
    LevelFactory,
    RecognitionRuleFactory,
)

CSV = b"code;parent_code;type;statement_fr\nB1;;bloc;S\xc3\xa9curit\xc3\xa9 des personnes\nC1;B1;comp\xc3\xa9tence;\xc3\x89valuer les risques\n"


def big_framework(institution, size: int) -> Framework:
    framework = FrameworkFactory(institution=institution, published=True)
    for rank in range(1, 5):
        LevelFactory(framework=framework, rank=rank)
    blocks = [CompetencyFactory(framework=framework, item_type="block") for _ in range(max(1, size // 25))]
    competencies = []
    for index in range(size - len(blocks)):
        parent = (
            blocks[index % len(blocks)] if index % 3 else (competencies[-1] if competencies else blocks[0])
        )
        competencies.append(CompetencyFactory(framework=framework, parent=parent))
    RecognitionRuleFactory(
        institution=institution, framework=framework, approved=True, competencies=competencies[:5]
    )
    return framework


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_tree_of_500_items_renders_with_a_bounded_number_of_queries(client, institution, make_user):
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    small = big_framework(institution, 30)
    large = big_framework(institution, 500)
    small_count = queries_for(client, reverse("framework_detail", args=[small.pk]))
    large_count = queries_for(client, reverse("framework_detail", args=[large.pk]))
    assert large_count == small_count
    assert large_count <= 20
    html = client.get(reverse("framework_detail", args=[large.pk])).content.decode()
    assert html.count('class="parcours-tree__item') == 500


@pytest.mark.django_db
def test_search_is_accent_insensitive(client, institution, make_user):
    framework = FrameworkFactory(institution=institution, published=True)
    CompetencyFactory(framework=framework, code="C1", statement_fr="Appliquer les règles de sécurité")
    CompetencyFactory(framework=framework, code="C2", statement_fr="Gérer une équipe")
    client.force_login(make_user(Role.STUDENT))
    html = client.get(reverse("framework_detail", args=[framework.pk]), {"q": "securite"}).content.decode()
    results = html.split('id="search-results"')[1].split("</ul>")[0]
    assert "Appliquer les règles de sécurité" in results and "Gérer une équipe" not in results
    html = client.get(
        reverse("framework_detail", args=[framework.pk]), {"q": "EQUIPE gerer"}
    ).content.decode()
    assert "Gérer une équipe" in html.split('id="search-results"')[1]


@pytest.mark.django_db
def test_drafts_are_hidden_from_students_and_other_schools_get_404(
    client, institution, other_institution, make_user
):
    draft = FrameworkFactory(institution=institution)
    foreign = FrameworkFactory(institution=other_institution, published=True)
    client.force_login(make_user(Role.STUDENT))
    assert client.get(reverse("framework_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("framework_detail", args=[foreign.pk])).status_code == 404
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    assert client.get(reverse("framework_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("framework_detail", args=[foreign.pk])).status_code == 404


@pytest.mark.django_db
def test_import_preview_writes_nothing_then_apply_creates_the_framework(client, institution, make_user):
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    response = client.post(
        reverse("framework_import"),
        {
            "file": SimpleUploadedFile("risques.csv", CSV),
            "title": "Référentiel risques",
            "academic_year": 2026,
        },
    )
    job = FrameworkImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "framework_import_detail", args=[job.pk]
    )
    assert not Framework.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Évaluer les risques" in page and "Apply the import" in page

    response = client.post(reverse("framework_import_apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED  # runs after commit, through the tasks backend
    framework_import_run(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and not job.file
    framework = Framework.objects.get()
    assert (framework.title_fr, framework.academic_year, framework.items.count()) == (
        "Référentiel risques",
        2026,
        2,
    )
    status = client.get(reverse("framework_import_status", args=[job.pk])).json()
    assert status["finished"] and status["status"] == "applied"


@pytest.mark.django_db
def test_import_with_errors_names_file_line_and_field(client, institution, make_user):
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    bad = b"code;parent_code;statement_fr\nB1;;Bloc\nC1;B9;Comp\n"
    response = client.post(reverse("framework_import"), {"file": SimpleUploadedFile("faux.csv", bad)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“faux.csv” cannot be imported" in html
    assert "line 3, field “parent_code”: unknown parent code “B9”" in html
    assert not FrameworkImport.objects.exists() and not Framework.objects.exists()


@pytest.mark.django_db
def test_a_framework_changed_since_the_preview_is_not_overwritten(client, institution, make_user):
    engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
    client.force_login(engineer)
    client.post(reverse("framework_import"), {"file": SimpleUploadedFile("risques.csv", CSV)})
    first = FrameworkImport.objects.get()
    client.post(reverse("framework_import_apply", args=[first.pk]))
    framework_import_run(first.pk)
    framework = Framework.objects.get()
    client.post(
        reverse("framework_import"),
        {
            "file": SimpleUploadedFile("risques.csv", CSV + "C2;B1;compétence;Nouvelle\n".encode()),
            "target": framework.pk,
        },
    )
    second = FrameworkImport.objects.exclude(pk=first.pk).get()
    assert second.summary["added"] == 1
    CompetencyFactory(framework=framework, code="C2")  # someone adds C2 by hand meanwhile
    client.post(reverse("framework_import_apply", args=[second.pk]))
    job = framework_import_run(second.pk)
    assert job.status == ImportStatus.FAILED and "changed since the preview" in job.error
    assert framework.items.count() == 3


@pytest.mark.django_db
def test_workflow_publish_freeze_then_new_version(client, institution, make_user):
    framework = FrameworkFactory(institution=institution)
    item = CompetencyFactory(framework=framework)
    engineer, director = make_user(Role.PEDAGOGICAL_ENGINEER), make_user(Role.DIRECTOR_OF_STUDIES)
    client.force_login(engineer)
    assert client.post(reverse("framework_transition", args=[framework.pk, "publish"])).status_code == 403
    client.force_login(director)
    assert "Publish" in client.get(reverse("framework_detail", args=[framework.pk])).content.decode()
    client.post(reverse("framework_transition", args=[framework.pk, "publish"]))
    client.post(reverse("framework_transition", args=[framework.pk, "freeze"]))
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.FROZEN and framework.frozen_at

    client.force_login(engineer)
    assert client.get(reverse("competency_edit", args=[framework.pk, item.pk])).status_code == 403
    response = client.post(reverse("framework_new_version", args=[framework.pk]))
    copy = Framework.objects.exclude(pk=framework.pk).get()
    assert response["Location"] == reverse("framework_detail", args=[copy.pk])
    assert (copy.status, copy.previous_version, copy.version) == (FrameworkStatus.DRAFT, framework, "2")
    assert copy.items.get().identifier == item.identifier
    response = client.post(
        reverse("competency_edit", args=[copy.pk, copy.items.get().pk]),
        {"statement_fr": "Nouvel énoncé", "item_type": "competency", "code": "X1"},
    )
    assert response.status_code == 302
    assert Competency.objects.get(pk=item.pk).statement_fr == item.statement_fr  # the frozen one is untouched
    assert copy.items.get().search_text.startswith("nouvel enonce")


@pytest.mark.django_db
def test_competency_form_refuses_a_cycle(client, institution, make_user):
    framework = FrameworkFactory(institution=institution)
    parent = CompetencyFactory(framework=framework)
    child = CompetencyFactory(framework=framework, parent=parent)
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    response = client.post(
        reverse("competency_edit", args=[framework.pk, parent.pk]),
        {"statement_fr": parent.statement_fr, "item_type": "competency", "parent": child.pk},
    )
    assert response.status_code == 200
    assert "cannot be placed under itself" in response.content.decode()


@pytest.mark.django_db
def test_exports_download(client, institution, make_user):
    framework = FrameworkFactory(institution=institution, published=True)
    CompetencyFactory(framework=framework)
    client.force_login(make_user(Role.TEACHER))
    for fmt, content_type in (("case", "application/json"), ("csv", "text/csv"), ("xlsx", "application/vnd")):
        response = client.get(reverse("framework_export", args=[framework.pk, fmt]))
        assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
        assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("framework_template", args=["xlsx"])).status_code == 200


@pytest.mark.django_db
def test_item_page_shows_esco_links_and_rules_and_links_new_skills(client, institution, make_user):
    framework = FrameworkFactory(institution=institution, published=True)
    item = CompetencyFactory(framework=framework, statement_fr="Gérer une crise")
    esco = CompetencyFactory(
        framework=FrameworkFactory(reference=True), code="", statement_fr="gérer des situations de crise"
    )
    rule = RecognitionRuleFactory(
        institution=institution, framework=framework, approved=True, competencies=[item]
    )
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    url = reverse("competency_detail", args=[framework.pk, item.pk])
    html = client.get(url, {"esco_q": "situations crise"}).content.decode()
    assert rule.title_fr in html and "gérer des situations de crise" in html
    client.post(
        reverse("competency_link_add", args=[framework.pk, item.pk]),
        {"destination": esco.pk, "association_type": "exactMatchOf"},
    )
    link = item.outgoing_associations.get()
    assert link.destination == esco
    assert "gérer des situations de crise" in client.get(url).content.decode()


@pytest.mark.django_db
def test_large_reference_frameworks_are_searched_in_memory_and_follow_reimports(monkeypatch):
    import gzip

    from parcours.frameworks import selectors
    from parcours.frameworks.services import esco_import

    monkeypatch.setattr(selectors, "MEMORY_INDEX_MIN_ITEMS", 3)
    rows = "uri,label_fr,alt_labels_fr,label_en\n" + "".join(
        f"http://data.europa.eu/esco/skill/s{n},{label},,x\n"
        for n, label in enumerate(
            ["gérer une équipe", "sécurité des systèmes", "premiers secours", "gérer le stress"]
        )
    )
    _plan, esco = esco_import(raw=gzip.compress(rows.encode()), filename="skills.csv.gz")
    found = selectors.competency_search(framework_ids=[esco.pk], query="gerer", limit=5)
    assert [c.statement_fr for c in found] == ["gérer le stress", "gérer une équipe"]
    assert esco.pk in selectors._INDEX
    esco_import(
        raw=gzip.compress(rows.replace("premiers secours", "gérer les secours").encode()),
        filename="skills.csv.gz",
    )
    found = selectors.competency_search(framework_ids=[esco.pk], query="gerer secours", limit=5)
    assert [c.statement_fr for c in found] == ["gérer les secours"]
