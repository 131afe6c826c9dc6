import threading

import pytest
from django.db import connection
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.recognition import services
from parcours.recognition.enums import Outcome, RequestStatus
from parcours.recognition.models import RecognitionRequest, RequestTransition, ValidatedActivity
from parcours.recognition.services import ActivityLine, CompetencyLine, ConcurrentChange, RecognitionError
from tests.recognition.factories import PeriodFactory

pytestmark = pytest.mark.django_db


def submitted(world, periods=None):
    request = services.request_create(
        holder=world["student"],
        institution=world["institution"],
        title="PMI été 2026",
        periods=periods or [world["period"]],
    )
    services.request_transition(request=request, name="submit", actor=world["student"])
    return request


def in_jury(world, session=None):
    request = submitted(world)
    services.request_transition(request=request, name="start_review", actor=world["engineer"])
    session = session or services.session_create(
        institution=world["institution"],
        actor=world["director"],
        title="Jury de juillet",
        date=request.created_at.date(),
        chair=world["director"],
        members=[world["engineer"]],
    )
    services.request_transition(
        request=request, name="send_to_jury", actor=world["engineer"], session=session
    )
    return request, session


def sign(world, request, session, outcome=Outcome.VALIDATED, **kwargs):
    defaults = {
        "competencies": [
            CompetencyLine(world["competencies"][0], world["levels"][1], world["levels"][1], True)
        ],
        "activities": [ActivityLine(period=world["period"], rule=world["rule"], ects=3, proposed_ects=3)],
    }
    defaults.update(kwargs)
    return services.decision_sign(
        request=request, actor=world["director"], session=session, outcome=outcome, **defaults
    )


def test_every_transition_is_logged_and_notified(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request, session = in_jury(world)
    assert list(RequestTransition.objects.filter(request=request).values_list("target", flat=True)) == [
        RequestStatus.SUBMITTED,
        RequestStatus.UNDER_REVIEW,
        RequestStatus.IN_JURY,
    ]
    assert world["student"].notifications.count() == 2  # review started, sent to jury
    assert world["engineer"].notifications.filter(action="recognition.request.submit").exists()
    assert any("DV-" in m.subject for m in mailoutbox)


def test_transition_not_allowed_from_the_current_state(world):
    request = submitted(world)
    with pytest.raises(RecognitionError, match="is not possible"):
        services.request_transition(request=request, name="appeal", actor=world["student"], comment="x")
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_a_student_cannot_review_and_changes_need_a_comment(world):
    request = submitted(world)
    with pytest.raises(RecognitionError, match="not allowed"):
        services.request_transition(request=request, name="start_review", actor=world["student"])
    services.request_transition(request=request, name="start_review", actor=world["engineer"])
    with pytest.raises(RecognitionError, match="Say why"):
        services.request_transition(request=request, name="request_changes", actor=world["engineer"])


def test_stale_form_loses_nothing_and_says_why(world):
    request = submitted(world)
    stale_version = request.version
    services.request_transition(request=request, name="start_review", actor=world["engineer"])
    again = RecognitionRequest.objects.get(pk=request.pk)
    again.status = RequestStatus.SUBMITTED  # what a second reviewer's stale page believes
    with pytest.raises(ConcurrentChange, match="changed by someone else"):
        services.request_transition(
            request=again, name="start_review", actor=world["director"], expected_version=stale_version
        )
    assert RequestTransition.objects.filter(request=request, name="start_review").count() == 1


def test_signed_decision_and_same_activity_validated_only_once(world):
    request, session = in_jury(world)
    decision = sign(world, request, session)
    request.refresh_from_db()
    assert request.status == RequestStatus.DECIDED and request.outcome == Outcome.VALIDATED
    assert request.appeal_deadline is not None
    assert decision.validated_activities.get().ects == 3
    with pytest.raises(RecognitionError, match="validated only once"):
        services.request_create(
            holder=world["student"],
            institution=world["institution"],
            title="Encore",
            periods=[world["period"]],
        )


def test_database_refuses_a_second_validation(world):
    from django.db import IntegrityError, transaction

    request, session = in_jury(world)
    decision = sign(world, request, session)
    with pytest.raises(IntegrityError), transaction.atomic():
        ValidatedActivity.objects.create(decision=decision, period=world["period"], ects=1)


def test_refusal_needs_a_reason_and_level_changes_need_one_too(world):
    request, session = in_jury(world)
    with pytest.raises(RecognitionError, match="refusal must give its reason"):
        sign(world, request, session, outcome=Outcome.REFUSED, competencies=[], activities=[])
    changed = CompetencyLine(world["competencies"][0], world["levels"][3], world["levels"][1], True)
    with pytest.raises(RecognitionError, match="reason for changing the level"):
        sign(world, request, session, competencies=[changed])
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_JURY


def test_appeal_then_a_new_decision_corrects_the_first(world):
    request, session = in_jury(world)
    first = sign(world, request, session)
    with pytest.raises(RecognitionError, match="Say why"):
        services.request_transition(request=request, name="appeal", actor=world["student"])
    services.request_transition(
        request=request, name="appeal", actor=world["student"], comment="Niveau sous-estimé"
    )
    second = sign(
        world,
        request,
        session,
        competencies=[
            CompetencyLine(
                world["competencies"][0], world["levels"][2], world["levels"][1], True, "Recours fondé"
            )
        ],
    )
    first.refresh_from_db()
    assert second.corrects == first and not first.is_current and second.is_current
    assert ValidatedActivity.objects.filter(period=world["period"], is_current=True).count() == 1


def test_withdraw_before_decision(world):
    request = submitted(world)
    services.request_transition(request=request, name="withdraw", actor=world["student"])
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_requests_of_another_institution_are_404(client, world, make_user, other_institution):
    request = submitted(world)
    url = reverse("recognition_request_detail", args=[request.pk])
    for intruder in (
        make_user(Role.STUDENT, inst=other_institution),
        make_user(Role.PEDAGOGICAL_ENGINEER, inst=other_institution),
        make_user(Role.PARTNER_REFERENT),
        make_user(Role.STUDENT),
    ):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
    client.force_login(world["engineer"])
    assert client.get(url).status_code == 200


def test_review_queue_has_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for index in range(15):
        period = PeriodFactory(
            profile__institution=world["institution"],
            activity_type=world["pmi"],
            title=f"Période {index}",
        )
        submitted({**world, "student": period.profile.user, "period": period})
    client.force_login(world["engineer"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("recognition_queue"))
    assert response.status_code == 200
    assert response.content.decode().count("DV-") >= 15


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_one_wins_the_other_is_told(world):
    request = submitted(world)
    results = {}
    barrier = threading.Barrier(2)

    def act(user, key):
        from django.db import connections

        try:
            stale = RecognitionRequest.objects.get(pk=request.pk)
            barrier.wait()
            services.request_transition(request=stale, name="start_review", actor=user)
            results[key] = "ok"
        except ConcurrentChange as exc:
            results[key] = str(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(world["engineer"], "a")),
        threading.Thread(target=act, args=(world["director"], "b")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(v == "ok" for v in results.values()) == [False, True]
    told = [v for v in results.values() if v != "ok"][0]  # threads speak the default language (French)
    assert "modifiée par quelqu'un d'autre" in told or "changed by someone else" in told
    assert RequestTransition.objects.filter(request=request, name="start_review").count() == 1
