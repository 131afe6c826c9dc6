"""Every URL name × every role (anonymous included) answers the expected status.

When a feature adds a URL, it adds a row here; ``test_every_url_is_in_the_matrix`` fails otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parcours.accounts.enums import Role
from parcours.documents.models import DOCUMENT_STAFF_ROLES
from tests.documents.factories import matrix_document_kwargs

ANON = "anonymous"
ALL_ROLES = [ANON, *[r.value for r in Role]]
SCHOOL_STAFF = {
    Role.PEDAGOGICAL_ENGINEER,
    Role.DIRECTOR_OF_STUDIES,
    Role.TEACHER,
    Role.HR,
    Role.ADMINISTRATOR,
}


@dataclass
class Row:
    url_name: str
    expected: dict[str, int]  # role -> status; roles not listed use ``default``
    default: int = 200
    kwargs: Any = field(default_factory=dict)  # dict, or callable(context) -> dict
    method: str = "get"

    def status_for(self, role: str) -> int:
        return self.expected.get(role, self.default)


def staff_only(ok: int = 200) -> dict[str, int]:
    return {ANON: 302, **{r.value: (ok if r in SCHOOL_STAFF else 403) for r in Role}}


def logged_in(ok: int = 200) -> dict[str, int]:
    return {ANON: 302, **{r.value: ok for r in Role}}


RESERVISTS = {Role.STUDENT, Role.STAFF}
DECIDERS = {Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR}


def only(roles, ok: int = 200, others: int = 403) -> dict[str, int]:
    return {ANON: 302, **{r.value: (ok if r in roles else others) for r in Role}}


def pk_of(name):
    return lambda ctx: {"pk": ctx[name].pk}


MATRIX: list[Row] = [
    Row("home", {}),
    Row("healthz", {}),
    Row("dashboard", logged_in()),
    Row("switch_language", {}, default=405),
    Row("login", {**{r.value: 302 for r in Role}, ANON: 200}),
    Row("logout", {ANON: 302}, default=405),
    Row("password_reset", {}),
    Row("password_reset_done", {}),
    Row("password_reset_confirm", {}, kwargs={"uidb64": "MQ", "token": "bad-token"}),
    Row("password_reset_complete", {}),
    Row("institution_list", staff_only(302)),
    Row("institution_detail", staff_only(), kwargs=lambda ctx: {"slug": ctx["institution"].slug}),
    Row("privacy_home", logged_in()),
    # portfolio: the matrix's users are not the holder of the world's period, evidence and claim.
    Row("portfolio_home", only(RESERVISTS)),
    Row("portfolio_profile_edit", only(RESERVISTS)),
    Row("portfolio_period_create", only(RESERVISTS)),
    Row("portfolio_period_detail", only(RESERVISTS, 404), kwargs=pk_of("period")),
    Row("portfolio_period_edit", only(RESERVISTS, 404), kwargs=pk_of("period")),
    Row("portfolio_period_delete", only(RESERVISTS, 405), kwargs=pk_of("period")),
    Row("portfolio_evidence_upload", only(RESERVISTS, 405), kwargs=pk_of("period")),
    Row("portfolio_claim_add", only(RESERVISTS, 405), kwargs=pk_of("period")),
    Row("portfolio_evidence_download", only(DECIDERS, 200, 404), kwargs=pk_of("evidence")),  # submitted
    Row("portfolio_evidence_delete", only(RESERVISTS, 405), kwargs=pk_of("evidence")),
    Row("portfolio_claim_remove", only(RESERVISTS, 405), kwargs=pk_of("claim")),
    # recognition: the world's request is submitted; deciders of the institution see it, nobody else.
    Row("recognition_my_requests", only(RESERVISTS)),
    Row("recognition_request_create", only(RESERVISTS)),
    Row("recognition_queue", only(DECIDERS)),
    Row("recognition_sessions", only(DECIDERS)),
    Row("recognition_session_detail", only(DECIDERS), kwargs=pk_of("session")),
    Row("recognition_session_close", logged_in(405), kwargs=pk_of("session")),
    Row("recognition_request_detail", only(DECIDERS, 200, 404), kwargs=pk_of("request")),
    Row(
        "recognition_request_transition",
        logged_in(405),
        kwargs=lambda ctx: {"pk": ctx["request"].pk, "name": "submit"},
    ),
    Row("recognition_request_comment", logged_in(405), kwargs=pk_of("request")),
    Row("recognition_decision_create", only({Role.DIRECTOR_OF_STUDIES}), kwargs=pk_of("request")),
    Row("notification_read", logged_in(405), kwargs=pk_of("notification")),
    Row("privacy_export", logged_in()),
    Row("privacy_erasure", {ANON: 302}, default=405),
    Row("document_verify", {}, kwargs=matrix_document_kwargs),
    Row(
        "document_download",
        {
            ANON: 302,
            **{r.value: 404 for r in Role},
            **{r.value: 200 for r in DOCUMENT_STAFF_ROLES},
        },
        kwargs=matrix_document_kwargs,
    ),
]

#: URL names checked elsewhere (admin site, API operations) or not meant to be browsed.
EXCLUDED_NAMESPACES = {"admin", "api-1.0.0"}


def all_url_names(resolver=None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            if item.namespace in EXCLUDED_NAMESPACES:
                continue
            names |= all_url_names(item, f"{namespace}{item.namespace}:" if item.namespace else namespace)
        elif isinstance(item, URLPattern) and item.name:
            names.add(namespace + item.name)
    return names


def test_every_url_is_in_the_matrix():
    missing = all_url_names() - {row.url_name for row in MATRIX}
    assert not missing, f"Add these URL names to the permission matrix: {sorted(missing)}"


@pytest.fixture
def matrix_context(institution, world):
    from parcours.notifications.models import Notification
    from parcours.portfolio import services as portfolio
    from parcours.recognition import services as recognition
    from tests.portfolio.test_uploads import pdf_bytes

    student, period = world["student"], world["period"]
    evidence = portfolio.evidence_add(
        profile=world["profile"], actor=student, name="attestation.pdf", data=pdf_bytes(), period=period
    )
    claim = portfolio.claim_add(period=period, actor=student, competency=world["competencies"][2])
    request = recognition.request_create(
        holder=student, institution=institution, title="PMI", periods=[period]
    )
    recognition.request_transition(request=request, name="submit", actor=student)
    session = recognition.session_create(
        institution=institution,
        actor=world["director"],
        title="Jury",
        date=request.created_at.date(),
        chair=world["director"],
        members=[],
    )
    notification = Notification.objects.create(recipient=student, action="x", message="x")
    return {
        "institution": institution,
        "period": period,
        "evidence": evidence,
        "claim": claim,
        "request": request,
        "session": session,
        "notification": notification,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_permission_matrix(client, make_user, matrix_context, role):
    if role != ANON:
        client.force_login(make_user(role))
    failures = []
    for row in MATRIX:
        kwargs = row.kwargs(matrix_context) if callable(row.kwargs) else row.kwargs
        response = getattr(client, row.method)(reverse(row.url_name, kwargs=kwargs))
        if response.status_code != row.status_for(role):
            failures.append(f"{row.url_name}: expected {row.status_for(role)}, got {response.status_code}")
    assert not failures, f"role {role}: " + "; ".join(failures)
