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
from tests.credentials.factories import matrix_batch, matrix_credential, matrix_download, matrix_status_list
from tests.documents.factories import matrix_document_kwargs
from tests.frameworks import matrix as fw
from tests.partners import matrix as gn
from tests.scheduling import matrix as sch
from tests.sso.factories import matrix_oidc_kwargs, matrix_saml_kwargs
from tests.track import matrix as trk

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
    # credentials: verification, DID documents and status lists are public; the matrix users hold no credential.
    Row("credential_verify", {}),
    Row("credential_verify_detail", {}, kwargs=matrix_credential),
    Row("credential_did_document", {}, default=404),  # no did:web issuer on http://127.0.0.1
    Row(
        "credential_issuer_did_document",
        {},
        default=404,
        kwargs=lambda ctx: {"slug": ctx["institution"].slug},
    ),
    Row("credential_status_list", {}, kwargs=matrix_status_list),
    Row("credential_mine", logged_in()),
    Row("credential_preferences", logged_in(405)),
    Row("credential_download", logged_in(404), kwargs=matrix_download),
    Row("credential_visibility", logged_in(405), kwargs=matrix_credential),
    Row("credential_manage", only(DECIDERS)),
    Row("credential_manage_detail", only(DECIDERS), kwargs=matrix_credential),
    Row("credential_batch_list", only(DECIDERS)),
    Row("credential_batch_detail", only(DECIDERS), kwargs=matrix_batch),
    # security: the account pages; two-factor pages for school staff; POST-only actions answer 405 to GET.
    Row("security_home", logged_in()),
    Row("security_tokens", logged_in()),
    Row("security_token_revoke", logged_in(405), kwargs={"pk": 999999}),
    Row("security_two_factor", staff_only()),
    Row("security_two_factor_enrol", staff_only()),
    Row("security_two_factor_verify", {}, default=302),  # nothing owed: back to where the user was going
    Row("security_two_factor_disable", logged_in(405)),
    Row("security_two_factor_backup_codes", logged_in(405)),
    # single sign-on (public): GET on a login address shows a confirmation page; a callback without its
    # state is refused (400); the SAML finish step refuses without a stored response; the ACS hands over.
    Row("openid_connect_login", {}, kwargs=matrix_oidc_kwargs),
    Row("openid_connect_callback", {}, default=400, kwargs=matrix_oidc_kwargs),
    Row("saml_login", {}, kwargs=matrix_saml_kwargs),
    Row("saml_finish_acs", {}, default=400, kwargs=matrix_saml_kwargs),  # before saml_acs (no ACS cookie yet)
    Row("saml_acs", {}, default=302, kwargs=matrix_saml_kwargs),
    Row("saml_sls", {}, default=400, kwargs=matrix_saml_kwargs),  # no logout message: refused
    Row("saml_metadata", {}, kwargs=matrix_saml_kwargs),
    # frameworks and recognition rules: everyone of the school reads the published framework and approved
    # rules; the pedagogical engineer writes, the director of studies publishes, freezes and approves.
    Row("framework_list", logged_in()),
    Row("framework_create", only(fw.ENGINEER)),
    Row("framework_import", only(fw.ENGINEER)),
    Row("framework_template", logged_in(), kwargs={"fmt": "csv"}),
    Row("framework_import_detail", only(fw.MANAGERS), kwargs=fw.framework_import),
    Row("framework_import_status", only(fw.MANAGERS), kwargs=fw.framework_import),
    Row("framework_import_apply", logged_in(405), kwargs=fw.framework_import),
    Row("framework_detail", logged_in(), kwargs=fw.framework),
    Row("framework_edit", only(fw.ENGINEER), kwargs=fw.framework),
    Row("framework_levels", only(fw.ENGINEER), kwargs=fw.framework),
    Row("framework_transition", logged_in(405), kwargs=fw.framework_freeze),
    Row("framework_new_version", logged_in(405), kwargs=fw.framework),
    Row("framework_export", logged_in(), kwargs=fw.framework_export),
    Row("competency_create", only(fw.ENGINEER), kwargs=fw.framework),
    Row("competency_detail", logged_in(), kwargs=fw.item),
    Row("competency_edit", only(fw.ENGINEER), kwargs=fw.item),
    Row("competency_delete", logged_in(405), kwargs=fw.item),
    Row("competency_link_add", logged_in(405), kwargs=fw.used_item),
    Row("competency_link_delete", logged_in(405), kwargs=fw.link),
    Row("rule_list", logged_in()),
    Row("rule_create", only(fw.ENGINEER)),
    Row("reserve_catalogue", logged_in()),
    Row("rule_detail", logged_in(), kwargs=fw.approved_rule),
    Row("rule_edit", only(fw.ENGINEER), kwargs=fw.draft_rule),
    Row("rule_transition", logged_in(405), kwargs=fw.approve_draft),
    Row("rule_new_version", logged_in(405), kwargs=fw.approved_rule),
    Row("rule_delete", logged_in(405), kwargs=fw.draft_rule),
    # …and the same actions posted, in an order where one does not hide the next.
    Row("framework_import_apply", only(fw.ENGINEER, 302), kwargs=fw.framework_import, method="post"),
    Row("competency_link_add", only(fw.ENGINEER, 302), kwargs=fw.used_item, method="post"),
    Row("competency_link_delete", only(fw.ENGINEER, 302), kwargs=fw.link, method="post"),
    Row("competency_delete", only(fw.ENGINEER, 302), kwargs=fw.item, method="post"),
    Row("framework_new_version", only(fw.ENGINEER, 302), kwargs=fw.framework, method="post"),
    Row("framework_transition", only(fw.DIRECTOR, 302), kwargs=fw.framework_freeze, method="post"),
    Row("rule_new_version", only(fw.ENGINEER, 302), kwargs=fw.approved_rule, method="post"),
    Row(
        "rule_transition",
        {
            **only(fw.MANAGERS, 403, 404),
            Role.DIRECTOR_OF_STUDIES.value: 302,
        },  # a draft is hidden from the others
        kwargs=fw.approve_draft,
        method="post",
    ),
    Row("rule_delete", only(fw.ENGINEER, 302), kwargs=fw.draft_rule, method="post"),
    # scheduling: calendar and feed for everyone; call-ups for reservists (someone else's is a 404); the
    # arrangement is seen by the institution's director of studies, the submitted absence request by HR.
    Row("scheduling_calendar", logged_in()),
    Row("scheduling_feed_settings", logged_in()),
    Row("scheduling_feed", {}, default=404, kwargs={"token": "not-a-real-token"}),
    Row("scheduling_call_up_list", only(sch.RESERVISTS)),
    Row("scheduling_call_up_create", only(sch.RESERVISTS)),
    Row("scheduling_call_up_detail", only(sch.RESERVISTS, 404), kwargs=sch.pk("call_up")),
    Row("scheduling_call_up_edit", only(sch.RESERVISTS, 404), kwargs=sch.pk("call_up")),
    Row("scheduling_call_up_transition", logged_in(405), kwargs=sch.action("call_up", "cancel")),
    Row("scheduling_arrangement_create", only({Role.STUDENT}, 404), kwargs=sch.arrangement_create),
    Row("scheduling_absence_request_create", only({Role.STAFF}, 404), kwargs=sch.pk("call_up")),
    Row("scheduling_arrangement_list", only(sch.ARRANGEMENT_ROLES)),
    Row(
        "scheduling_arrangement_detail",
        {**only(sch.ARRANGEMENT_ROLES, 404), Role.DIRECTOR_OF_STUDIES.value: 200},
        kwargs=sch.pk("arrangement"),
    ),
    Row("scheduling_arrangement_transition", logged_in(405), kwargs=sch.action("arrangement", "withdraw")),
    Row("scheduling_absence_overview", only(sch.ABSENCE_ROLES)),
    Row(
        "scheduling_absence_request_detail",
        {**only(sch.ABSENCE_ROLES, 404), Role.HR.value: 200},
        kwargs=sch.pk("absence"),
    ),
    Row(
        "scheduling_absence_request_letter",
        {**only(sch.ABSENCE_ROLES, 404), Role.HR.value: 200},
        kwargs=sch.pk("absence"),
    ),
    Row("scheduling_absence_request_transition", logged_in(405), kwargs=sch.action("absence", "withdraw")),
    Row("scheduling_group_list", only(sch.MANAGERS)),
    Row("scheduling_group_detail", only(sch.MANAGERS), kwargs=sch.pk("group")),
    Row("scheduling_group_import", logged_in(405), kwargs=sch.pk("group")),
    Row("scheduling_group_subscription", logged_in(405), kwargs=sch.pk("group")),
    Row("scheduling_group_refresh", logged_in(405), kwargs=sch.pk("group")),
    Row("scheduling_event_kind", logged_in(405), kwargs=sch.event_kind),
    # …and posted: refused actions come back to the page with a message (302), nothing changes.
    Row(
        "scheduling_call_up_transition",
        only(sch.RESERVISTS, 404),
        kwargs=sch.action("call_up", "cancel"),
        method="post",
    ),
    Row(
        "scheduling_arrangement_transition",
        {**only(sch.ARRANGEMENT_ROLES, 404), Role.DIRECTOR_OF_STUDIES.value: 302},
        kwargs=sch.action("arrangement", "withdraw"),
        method="post",
    ),
    Row(
        "scheduling_absence_request_transition",
        {**only(sch.ABSENCE_ROLES, 404), Role.HR.value: 302},
        kwargs=sch.action("absence", "withdraw"),
        method="post",
    ),
    Row("scheduling_group_import", only(sch.MANAGERS, 302), kwargs=sch.pk("group"), method="post"),
    Row("scheduling_group_refresh", only(sch.MANAGERS, 302), kwargs=sch.pk("group"), method="post"),
    Row("scheduling_event_kind", only(sch.MANAGERS, 302), kwargs=sch.event_kind, method="post"),
    Row("scheduling_group_subscription", only(sch.MANAGERS, 302), kwargs=sch.pk("group"), method="post"),
    # Track (ingénieur réserviste), elective course, engagement plans, supplements.
    Row(
        "track_home",
        {**only({Role.STUDENT}), **{r.value: 302 for r in (*trk.STAFF, Role.TEACHER)}},
    ),
    Row("track_engagement", only({Role.STUDENT})),
    Row("track_engagement_activity_delete", logged_in(405), kwargs={"pk": 1}),
    Row("track_engagement_targets", only(trk.EDITORS)),
    Row("track_supplement_download", only({Role.STUDENT}, 404)),
    Row("track_course_list", only(trk.COURSE_PEOPLE)),
    Row("track_course_create", only(trk.COURSE_CREATORS)),
    Row("track_course_detail", only(trk.COURSE_PEOPLE), kwargs=trk.pk("course")),
    Row("track_course_enrol", logged_in(405), kwargs=trk.pk("course")),
    Row("track_course_withdraw", logged_in(405), kwargs=trk.pk("course")),
    Row("track_course_manage", only(trk.STAFF), kwargs=trk.pk("course")),
    Row("track_course_edit", only(trk.STAFF), kwargs=trk.pk("course")),
    Row("track_course_grades", only(trk.STAFF), kwargs=trk.pk("course")),
    Row("track_session_create", only(trk.STAFF), kwargs=trk.pk("course")),
    Row("track_session_edit", only(trk.STAFF), kwargs=trk.pk("session")),
    Row("track_session_attendance", only(trk.STAFF), kwargs=trk.pk("session")),
    Row("track_session_delete", logged_in(405), kwargs=trk.pk("session")),
    Row("track_enrolment_action", logged_in(405), kwargs={"pk": 1, "action": "promote"}),
    Row("track_overview", only(trk.STAFF)),
    Row("track_cohort", only(trk.STAFF), kwargs=trk.pk("cohort")),
    Row("track_student", only(trk.STAFF), kwargs=trk.pk("student")),
    Row("track_supplement_issue", logged_in(405), kwargs=trk.pk("student")),
    Row("track_award_create", logged_in(405), kwargs=trk.pk("student")),
    Row("track_awards", only(trk.STAFF)),
    Row("track_award_revoke", logged_in(405), kwargs={"pk": 1}),
    Row("track_rule_sets", only(trk.STAFF)),
    Row("track_rule_set_create", only(trk.EDITORS)),
    Row("track_rule_set", only(trk.STAFF), kwargs=trk.pk("rule_set")),
    Row("track_rule_set_copy", logged_in(405), kwargs=trk.pk("rule_set")),
    Row("track_rule_set_transition", logged_in(405), kwargs=trk.action("rule_set", "approve", "name")),
    Row("track_criterion_delete", logged_in(405), kwargs={"pk": 1}),
    Row("track_supplement_batches", only(trk.STAFF)),
    Row("track_supplement_batch", only(trk.STAFF), kwargs=trk.pk("batch")),
    Row("track_sis_export", only(trk.STAFF)),
    # …and posted by someone who may not act: 403, or a 404 on what they cannot see; nothing changes.
    Row(
        "track_course_enrol",
        {**only({Role.STUDENT}, 302, 404), **{r.value: 302 for r in trk.COURSE_PEOPLE}},
        kwargs=trk.pk("course"),
        method="post",
    ),
    # Garde nationale partnership: public pages; students and staff; referents; referents and leadership.
    Row("partners_info_index", {}),
    Row("partners_faq", {}),
    Row("partners_info_page", {}, kwargs=gn.page_slug),
    Row("partners_shared_profile", {}, kwargs=gn.link_token),
    Row("partners_interest", only(gn.RESERVISTS)),
    Row("partners_interest_confirm", only(gn.RESERVISTS, 302)),
    Row("partners_interest_withdraw", only(gn.RESERVISTS, 405)),
    Row("partners_share_links", only(gn.RESERVISTS)),
    Row("partners_share_revoke", only(gn.RESERVISTS, 405), kwargs=gn.link_pk),
    Row("partners_referrals", only(gn.REFERENTS)),
    Row("partners_referral_detail", only(gn.REFERENTS), kwargs=gn.referral),
    Row("partners_referral_note", only(gn.REFERENTS, 405), kwargs=gn.referral),
    Row("partners_referral_transition", only(gn.REFERENTS, 405), kwargs=gn.referral_transition),
    Row("partners_dashboard", only(gn.REPORT_READERS)),
    Row("partners_report_download", only(gn.REPORT_READERS), kwargs={"fmt": "csv"}),
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
